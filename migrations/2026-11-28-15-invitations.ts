import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('invitations')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('email', 'text', (col) => col.notNull())
    // `expired` is not stored: a pending invitation past expires_at is expired.
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'revoked')`))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('invited_by_token_id', 'integer', (col) => col.references('service_tokens.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('invitations_account_email_idx').on('invitations').columns(['account_id', 'email']).execute();

  await db.schema
    .createTable('invitation_groups')
    .addColumn('invitation_id', 'integer', (col) => col.notNull().references('invitations.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('invitation_groups_pk', ['invitation_id', 'group_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invitation_groups').execute();
  await db.schema.dropTable('invitations').execute();
}
