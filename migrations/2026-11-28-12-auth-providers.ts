import { sql, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_providers')
    .addColumn('account_id', 'integer', (col) => col.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('type', 'text', (col) => col.notNull().check(sql`type in ('none', 'saml', 'oidc')`))
    .addColumn('enabled', 'integer', (col) => col.notNull())
    // Login URLs are global, so a slug belongs to one account only.
    .addColumn('login_slug', 'text', (col) => col.unique())
    .addColumn('saml_metadata_url', 'text')
    .addColumn('saml_entity_id', 'text')
    .addColumn('oidc_issuer_url', 'text')
    .addColumn('oidc_client_id', 'text')
    /** Sealed (AES-GCM), never returned by the API. */
    .addColumn('oidc_client_secret', 'text')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('auth_providers').execute();
}
