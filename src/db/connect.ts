import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createPostgresDb, createSqliteDb, type Db } from './database.js';

/** The embedded database's file inside the data directory. */
export const sqliteFileName = 'tollgate.sqlite';

/**
 * The database the configuration names: PostgreSQL when `databaseUrl` is set, otherwise the
 * embedded SQLite file in `dataDir` (the directory is created when missing). The server and the
 * command-line tools both open it here, so they always agree on where the data is.
 */
export function openDatabase(storage: {
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
}): Db {
  if (storage.databaseUrl) return createPostgresDb(storage.databaseUrl);
  mkdirSync(storage.dataDir, { recursive: true });
  return createSqliteDb(path.join(storage.dataDir, sqliteFileName));
}
