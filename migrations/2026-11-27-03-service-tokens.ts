import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('service_tokens')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('token_hint', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('created_by_token_id', 'integer', (col) => col.references('service_tokens.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('service_tokens_account_idx').on('service_tokens').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('service_token_grants')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('service_token_id', 'integer', (col) => col.notNull().references('service_tokens.id').onDelete('cascade'))
    .addColumn('permission_set', 'text', (col) => col.notNull())
    .addColumn('all_projects', 'integer', (col) => col.notNull())
    .addColumn('writable_environment_categories', 'text', (col) => col.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('service_token_grants_token_idx').on('service_token_grants').column('service_token_id').execute();

  await db.schema
    .createTable('service_token_grant_projects')
    .addColumn('grant_id', 'integer', (col) => col.notNull().references('service_token_grants.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('service_token_grant_projects_pk', ['grant_id', 'project_id'])
    .execute();
  await db.schema
    .createIndex('service_token_grant_projects_project_idx')
    .on('service_token_grant_projects')
    .column('project_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_token_grant_projects').execute();
  await db.schema.dropTable('service_token_grants').execute();
  await db.schema.dropTable('service_tokens').execute();
}
