import { type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// Least privilege: which permissions each token's rules actually granted (one row per token,
// resource, action and project, added to by every instance), the account's policy for it
// (usage retention, revoking unused tokens, warning before expiry) and the expiry warnings sent.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('permission_usage')
    .addColumn('token_id', 'integer', (col) =>
      col.notNull().references('service_tokens.id').onDelete('cascade'),
    )
    .addColumn('resource', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    // 0: an account-level resource, or a project-level one used across projects (a list of every
    // project the token reaches); project ids start at 1. A key column cannot be null.
    .addColumn('project_id', 'integer', (col) => col.notNull())
    .addColumn('first_used_at', 'text', (col) => col.notNull())
    .addColumn('last_used_at', 'text', (col) => col.notNull())
    .addColumn('use_count', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('permission_usage_pk', ['token_id', 'resource', 'action', 'project_id'])
    .execute();
  await db.schema
    .createIndex('permission_usage_last_used_idx')
    .on('permission_usage')
    .column('last_used_at')
    .execute();

  await db.schema
    .createTable('least_privilege_policies')
    .addColumn('account_id', 'integer', (col) =>
      col.primaryKey().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('usage_retention_days', 'integer', (col) => col.notNull().defaultTo(90))
    /** Null: unused tokens are never revoked (the default). */
    .addColumn('revoke_unused_after_days', 'integer')
    /** Null: no warning before a token expires. */
    .addColumn('expiry_warning_days', 'integer')
    /** Since when usage is recorded for the account: the start of what a window can cover. */
    .addColumn('usage_recorded_since', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text')
    .execute();
  // Accounts that exist now have had no usage recorded before this moment.
  const now = new Date().toISOString();
  const accounts = await db.selectFrom('accounts').select('id').execute();
  if (accounts.length > 0)
    await db
      .insertInto('least_privilege_policies')
      .values(accounts.map((account: { id: number }) => ({ account_id: account.id, usage_recorded_since: now })))
      .execute();

  await db.schema
    .createTable('token_expiry_warnings')
    .addColumn('token_id', 'integer', (col) =>
      col.notNull().references('service_tokens.id').onDelete('cascade'),
    )
    // The expiry warned about: a token whose expiry moves is warned again about the new one.
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('warned_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('token_expiry_warnings_pk', ['token_id', 'expires_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('token_expiry_warnings').execute();
  await db.schema.dropTable('least_privilege_policies').execute();
  await db.schema.dropTable('permission_usage').execute();
}
