import { type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// Rate-limit counters shared by every instance on one PostgreSQL database (without Redis): one
// fixed window per limiter and key (a client address, a token id). `expires_at` is an ISO time;
// an expired row counts as empty and is swept away. Created on SQLite too, where the single
// instance counts in memory and leaves it empty.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_windows')
    .addColumn('limiter', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('count', 'integer', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('rate_limit_windows_pk', ['limiter', 'key'])
    .execute();
  await db.schema
    .createIndex('rate_limit_windows_expires_at')
    .on('rate_limit_windows')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_windows').execute();
}
