import { sql } from 'kysely';
import type { Db } from './database.js';

// The data version (see migrations/2026-11-30-30-data-version.ts): one counter that every write
// to account data advances, read by the response cache before each cached read.

/** The current version, as text (PostgreSQL returns bigint as a string, SQLite as a number). */
export async function readDataVersion(db: Db): Promise<string> {
  const row = await db
    .selectFrom('data_version')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return String(row.version);
}

/** Advances the version: responses cached before this call are never served again. */
export async function advanceDataVersion(db: Db): Promise<void> {
  await db
    .updateTable('data_version')
    .set({ version: sql`version + 1` })
    .where('id', '=', 1)
    .execute();
}
