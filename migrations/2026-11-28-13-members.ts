import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('members')
    .addColumn('id', postgres ? 'serial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    /** Lower-cased, so that uniqueness ignores case. */
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull().defaultTo(''))
    /** Null: the member holds no seat. */
    .addColumn('license_type', 'text', (col) => col.check(sql`license_type in ('developer', 'read_only', 'it')`))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('members_account_email_unique', ['account_id', 'email'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('members').execute();
}
