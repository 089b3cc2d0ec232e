import { type Kysely, sql } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// The fingerprint of the key that seals stored secrets (an HMAC of a constant under the key,
// never the key): every instance on this database must hold the same key, and one whose key
// differs refuses to start instead of writing values the others cannot open. One row.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('secret_key_fingerprint')
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('fingerprint', 'text', (col) => col.notNull())
    .addColumn('recorded_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('secret_key_fingerprint').execute();
}
