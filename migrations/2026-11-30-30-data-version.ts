import { type Kysely, sql } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// A counter every write to the account data advances (each mutation, each ingest): cached
// responses are keyed by it, so a write is seen by the next read on every instance sharing the
// database. One row.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_version')
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'bigint', (col) => col.notNull())
    .execute();
  await db.insertInto('data_version').values({ id: 1, version: 0 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('data_version').execute();
}
