import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('repositories')
    .addColumn('id', postgres ? 'serial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('git_url', 'text', (col) => col.notNull())
    .addColumn('default_branch', 'text', (col) => col.notNull())
    .addColumn('clone_strategy', 'text', (col) => col.notNull())
    /** OpenSSH public key line and its SHA256 fingerprint; null unless the strategy is deploy_key. */
    .addColumn('deploy_key_public', 'text')
    .addColumn('deploy_key_fingerprint', 'text')
    /** Sealed OpenSSH private key; never returned by the API. */
    .addColumn('deploy_key_private_sealed', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('repositories_project_url_unique', ['project_id', 'git_url'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('repositories').execute();
}
