import type { Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// A project's repository link, connection link and dbt project subdirectory, in their own table
// (one row per project, absent = nothing set) so that `projects` itself is not altered. A linked
// repository or connection may not be deleted (the API refuses; NO ACTION foreign keys are the
// backstop).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('project_settings')
    .addColumn('project_id', 'integer', (col) => col.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('repository_id', 'integer', (col) => col.references('repositories.id'))
    .addColumn('connection_id', 'integer', (col) => col.references('connections.id'))
    .addColumn('dbt_project_subdirectory', 'text', (col) => col.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('project_settings_connection_idx').on('project_settings').column('connection_id').execute();
  await db.schema.createIndex('project_settings_repository_idx').on('project_settings').column('repository_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('project_settings').execute();
}
