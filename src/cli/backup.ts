import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadStorageConfig } from '../config.js';
import { sqliteFileName } from '../db/connect.js';
import { type CommandSpec, parseCommandLine } from './command-line.js';
import { progressReporter } from './progress.js';

// `tollgate backup <file>`: a consistent copy of the embedded database while the gateway keeps
// serving. Copying tollgate.sqlite with cp is not one: in WAL mode the latest commits live in
// tollgate.sqlite-wal until a checkpoint, and a copy taken during a write can be torn.

export const command: CommandSpec = {
  usage: 'tollgate backup <file>',
  description: [
    "Writes a consistent copy of the embedded SQLite database to <file> with SQLite's online",
    'backup, safe while the gateway runs (WAL mode: readers and the writer carry on; the copy',
    'is one snapshot). The copy is checked (integrity_check) before the command reports success.',
    'The database is tollgate.sqlite in TOLLGATE_DATA_DIR (./data). Back up the secret key too:',
    'secret.key in the data directory, or the TOLLGATE_SECRET_KEY you set.',
    'With TOLLGATE_DATABASE_URL (PostgreSQL) nothing is copied: the command prints how to use',
    'pg_dump and exits 1, so a backup script never mistakes it for a backup.',
  ].join('\n'),
  required: ['file'],
};

/** The database's state refuses the backup (exit status 1). */
export class BackupRefused extends Error {}

export const postgresAdvice = [
  'TOLLGATE_DATABASE_URL is set: the data is in PostgreSQL, which this command does not copy.',
  "Use PostgreSQL's own tools, e.g. a consistent dump while the gateway runs:",
  '  pg_dump --format=custom --file=tollgate.dump "$TOLLGATE_DATABASE_URL"',
  'and to restore into an empty database:',
  '  pg_restore --no-owner --dbname="$TOLLGATE_DATABASE_URL" tollgate.dump',
  "(or continuous archiving / your provider's snapshots). Keep TOLLGATE_SECRET_KEY with it.",
].join('\n');

export async function main(args: readonly string[]) {
  const line = parseCommandLine(command, args);
  if (!line) return;
  const storage = loadStorageConfig();
  if (storage.databaseUrl) throw new BackupRefused(postgresAdvice);
  const source = path.join(storage.dataDir, sqliteFileName);
  const target = path.resolve(line.positionals[0]!);
  if (!existsSync(source)) throw new BackupRefused(`No database at ${source} (TOLLGATE_DATA_DIR).`);
  if (existsSync(target)) throw new BackupRefused(`${target} exists; give the name of a new file.`);

  // Not read-only: a read-only connection cannot create the WAL index (-shm) when no gateway has
  // the database open. The backup only reads the source.
  const database = new BetterSqlite3(source, { fileMustExist: true });
  try {
    const progress = progressReporter('backup');
    // Pages per step: small enough that the gateway's writes wait at most a few milliseconds
    // for the copy, large enough to finish a big file quickly.
    const { totalPages } = await database.backup(target, {
      progress({ totalPages: total, remainingPages }) {
        progress.update(total - remainingPages, total, 'pages');
        return 256;
      },
    });
    progress.finish('pages');
    const copy = new BetterSqlite3(target, { readonly: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`The copy at ${target} fails integrity_check: ${check}`);
    } finally {
      copy.close();
    }
    console.log(
      `Backed up ${source} to ${target} (${totalPages} pages, integrity checked). Keep the secret key with it: ${path.join(storage.dataDir, 'secret.key')}, or the TOLLGATE_SECRET_KEY you set.`,
    );
  } finally {
    database.close();
  }
}

export function refusal(error: unknown): string | undefined {
  return error instanceof BackupRefused ? error.message : undefined;
}
