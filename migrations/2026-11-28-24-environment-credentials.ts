import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('environment_credentials')
    .addColumn('id', postgres ? 'serial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('environment_id', 'integer', (col) => col.notNull().unique().references('environments.id').onDelete('cascade'))
    .addColumn('auth_type', 'text', (col) =>
      col.notNull().check(sql`auth_type in ('password', 'key_pair', 'oauth', 'service_account')`),
    )
    .addColumn('username', 'text')
    .addColumn('schema', 'text', (col) => col.notNull())
    /** Sealed; never returned by the API. */
    .addColumn('password_sealed', 'text')
    .addColumn('private_key_sealed', 'text')
    .addColumn('private_key_passphrase_sealed', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('environment_credentials').execute();
}
