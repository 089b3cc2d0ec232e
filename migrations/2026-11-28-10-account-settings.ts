import { type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

// One row per account, written on the first change; until then the code's defaults apply. The
// account's name stays in `accounts`, its one source of truth.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_settings')
    .addColumn('account_id', 'integer', (col) => col.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('default_dbt_version', 'text', (col) => col.notNull())
    .addColumn('run_slots', 'integer', (col) => col.notNull())
    .addColumn('schedule_timezone', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_settings').execute();
}
