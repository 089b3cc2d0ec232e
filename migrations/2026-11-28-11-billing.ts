import { type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

// One row per account, written on the first change; until then the code's defaults apply. The
// plan stays in `accounts`: it is not self-service.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_billing')
    .addColumn('account_id', 'integer', (col) => col.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('billing_email', 'text')
    .addColumn('developer_seats', 'integer', (col) => col.notNull())
    .addColumn('read_only_seats', 'integer', (col) => col.notNull())
    .addColumn('it_seats', 'integer', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_billing').execute();
}
