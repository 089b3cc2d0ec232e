import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// Workload identity: trust policies that let a CI job exchange its OIDC identity token for a
// short-lived service token, the tokens so issued, and the identity tokens already accepted.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('identity_trust_policies')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    /** The https URL the identity tokens name as `iss`, exactly. */
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('audience', 'text', (col) => col.notNull())
    /** JSON array of { claim, match: 'exact' | 'glob', value }: every one must hold. */
    .addColumn('conditions', 'text', (col) => col.notNull())
    /** JSON array of the grants to give, as the catalog normalized them. */
    .addColumn('grants', 'text', (col) => col.notNull())
    .addColumn('lifetime_seconds', 'integer', (col) => col.notNull())
    .addColumn('created_by_token_id', 'integer')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('identity_trust_policies_account_idx').on('identity_trust_policies').columns(['account_id', 'id']).execute();
  // The exchange finds candidate policies by the token's issuer, across accounts.
  await db.schema.createIndex('identity_trust_policies_issuer_idx').on('identity_trust_policies').column('issuer').execute();

  await db.schema
    .createTable('identity_issued_tokens')
    .addColumn('service_token_id', 'integer', (col) => col.primaryKey().references('service_tokens.id').onDelete('cascade'))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    /** No foreign key: the token keeps naming its policy after the policy is deleted. */
    .addColumn('policy_id', 'integer', (col) => col.notNull())
    .addColumn('policy_name', 'text', (col) => col.notNull())
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('identity_token_uses')
    /** SHA-256 of issuer and jti (or of the whole token when it has no jti), hex. */
    .addColumn('key', 'text', (col) => col.primaryKey())
    /** When the identity token itself expires: after that it cannot be replayed anyway. */
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('identity_token_uses_expires_idx').on('identity_token_uses').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('identity_token_uses').execute();
  await db.schema.dropTable('identity_issued_tokens').execute();
  await db.schema.dropTable('identity_trust_policies').execute();
}
