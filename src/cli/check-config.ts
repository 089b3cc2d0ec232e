import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { openDatabase, sqliteFileName } from '../db/connect.js';
import { listMigrations } from '../db/migrator.js';
import { type CommandSpec, parseCommandLine } from './command-line.js';
import { databaseDescription } from './database-description.js';

// `tollgate check-config`: what `serve` would do with this environment, without serving: every
// variable validated, the effective settings printed (no secret), the database reached.

export const command: CommandSpec = {
  usage: 'tollgate check-config',
  description: [
    'Reads the environment exactly as `tollgate serve` does and prints the settings it would run',
    'with (never a secret: the key, passwords in TOLLGATE_DATABASE_URL). Then it connects to the',
    'database and reports pending migrations. An invalid variable is one line naming it (exit 2);',
    'an unreachable database exits 1. --offline skips the connection.',
  ].join('\n'),
  required: [],
  flags: { offline: 'validate the variables only; do not connect to the database' },
};

/** Fails with the driver's reason when PostgreSQL cannot be reached within a few seconds. */
async function reachPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function main(args: readonly string[]) {
  const line = parseCommandLine(command, args);
  if (!line) return;
  const config = loadConfig();
  const keyFile = path.join(config.dataDir, 'secret.key');
  const settings: [string, string][] = [
    ['database', databaseDescription(config)],
    ['data directory', config.dataDir],
    ['listen', `${config.host}:${config.port}`],
    ['mode', config.production ? 'production' : 'development'],
    ['GraphiQL', config.graphiql ? 'on' : 'off'],
    [
      'trusted proxies',
      config.trustedProxies.length > 0 ? config.trustedProxies.join(', ') : 'none',
    ],
    [
      'secret key',
      config.secretKey
        ? 'TOLLGATE_SECRET_KEY'
        : existsSync(keyFile)
          ? `key file ${keyFile}`
          : `key file ${keyFile} (created on the first start)`,
    ],
    ['log', `${config.observability.logLevel}, ${config.observability.logFormat}`],
    [
      'metrics',
      config.observability.metrics
        ? `http://${config.observability.metrics.host}:${config.observability.metrics.port}/metrics`
        : 'off',
    ],
  ];
  const width = Math.max(...settings.map(([name]) => name.length));
  console.log('The environment is valid. Settings:');
  for (const [name, value] of settings) console.log(`  ${name.padEnd(width)}  ${value}`);
  if (line.flags.offline) return;

  if (config.databaseUrl) await reachPostgres(config.databaseUrl);
  else if (!existsSync(path.join(config.dataDir, sqliteFileName))) {
    console.log('Database: none yet; the first start creates it.');
    return;
  }
  const db = openDatabase(config);
  try {
    const migrations = await listMigrations(db);
    const pending = migrations.filter((migration) => !migration.executedAt).length;
    console.log(
      pending === 0
        ? `Database reachable; all ${migrations.length} migrations applied.`
        : `Database reachable; ${pending} of ${migrations.length} migrations pending (the next start, or \`tollgate migrate up\`, applies them).`,
    );
  } finally {
    await db.destroy();
  }
}
