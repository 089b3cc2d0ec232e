import { loadStorageConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { listMigrations, migrateToLatest } from '../db/migrator.js';
import { type CommandSpec, parseCommandLine, UsageError } from './command-line.js';
import { databaseDescription } from './database-description.js';

// `tollgate migrate status|up`: the schema version of the database, for upgrades done as a step
// of their own (the server also migrates when it starts).

export const command: CommandSpec = {
  usage: 'tollgate migrate <status|up>',
  description: [
    'status: lists every migration this version of Tollgate ships, applied (with when) or pending.',
    'up: applies the pending ones, in order, each in its own transaction on PostgreSQL (a failed',
    'one is rolled back and named). The server does the same when it starts; run `migrate up`',
    'as an upgrade step to see the outcome before the new version serves. The database is the',
    'one the server uses: TOLLGATE_DATABASE_URL when set, otherwise tollgate.sqlite in',
    'TOLLGATE_DATA_DIR (./data).',
  ].join('\n'),
  required: ['status|up'],
};

export async function main(args: readonly string[]) {
  const line = parseCommandLine(command, args);
  if (!line) return;
  const action = line.positionals[0]!;
  if (action !== 'status' && action !== 'up')
    throw new UsageError(`Unknown action "${action}". Usage: ${command.usage}`);
  const storage = loadStorageConfig();
  const db = openDatabase(storage);
  try {
    const before = await listMigrations(db);
    if (action === 'status') {
      console.log(`Database: ${databaseDescription(storage)}`);
      for (const migration of before) {
        console.log(
          `  ${migration.executedAt ? `applied ${migration.executedAt.toISOString()}` : 'pending'.padEnd(32)}  ${migration.name}`,
        );
      }
      const pending = before.filter((migration) => !migration.executedAt).length;
      console.log(
        pending === 0
          ? `Up to date: ${before.length} migrations applied.`
          : `${pending} of ${before.length} migrations pending: run \`tollgate migrate up\`.`,
      );
      return;
    }
    await migrateToLatest(db);
    const applied = before.filter((migration) => !migration.executedAt);
    for (const migration of applied) console.log(`Applied ${migration.name}`);
    console.log(
      applied.length === 0
        ? `Up to date: ${before.length} migrations applied; nothing to do.`
        : `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${databaseDescription(storage)}.`,
    );
  } finally {
    await db.destroy();
  }
}
