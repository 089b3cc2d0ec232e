import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// The applied state of each environment, materialized when artifacts are ingested: the latest
// definition of every node (from the newest manifest), the latest result of each node across
// the environment's runs, its latest freshness check and catalog entry, and the node graph.
// Reading a page of it is one query on one table, whatever the page asks for.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('metadata_environment_state')
    .addColumn('environment_id', 'integer', (col) => col.primaryKey().references('environments.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (col) => col.notNull())
    /** The run whose manifest defines the nodes (not a foreign key: history may be deleted). */
    .addColumn('manifest_run_id', 'integer', (col) => col.notNull())
    .addColumn('manifest_generated_at', 'text', (col) => col.notNull())
    .addColumn('dbt_project_name', 'text')
    .addColumn('adapter_type', 'text')
    .addColumn('dbt_version', 'text')
    .addColumn('macro_packages', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('last_updated_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('metadata_applied_nodes')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('environment_id', 'integer', (col) => col.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('account_id', 'integer', (col) => col.notNull())
    .addColumn('project_id', 'integer', (col) => col.notNull())
    // The definition, as in metadata_run_nodes.
    .addColumn('unique_id', 'text', (col) => col.notNull())
    .addColumn('resource_type', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('package_name', 'text')
    .addColumn('database_name', 'text')
    .addColumn('schema_name', 'text')
    .addColumn('identifier', 'text')
    .addColumn('materialized', 'text')
    .addColumn('access', 'text')
    .addColumn('dbt_group', 'text')
    .addColumn('source_name', 'text')
    .addColumn('test_type', 'text')
    .addColumn('file_path', 'text')
    .addColumn('tags', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('raw_code', 'text')
    .addColumn('compiled_code', 'text')
    .addColumn('payload', 'text', (col) => col.notNull().defaultTo('{}'))
    .addColumn('manifest_run_id', 'integer', (col) => col.notNull())
    .addColumn('dbt_version', 'text')
    .addColumn('manifest_generated_at', 'text')
    // The latest attempt.
    .addColumn('last_run_id', 'integer')
    .addColumn('last_job_id', 'integer')
    .addColumn('last_run_status', 'text')
    .addColumn('last_run_error', 'text')
    .addColumn('last_run_failures', 'bigint')
    .addColumn('last_run_generated_at', 'text')
    // The latest success.
    .addColumn('success_run_id', 'integer')
    .addColumn('success_job_id', 'integer')
    .addColumn('run_generated_at', 'text')
    .addColumn('compile_started_at', 'text')
    .addColumn('compile_completed_at', 'text')
    .addColumn('execute_started_at', 'text')
    .addColumn('execute_completed_at', 'text')
    .addColumn('execution_time', 'double precision')
    .addColumn('run_elapsed_time', 'double precision')
    // The latest freshness check (sources).
    .addColumn('freshness_status', 'text')
    .addColumn('freshness_error', 'text')
    .addColumn('max_loaded_at', 'text')
    .addColumn('snapshotted_at', 'text')
    .addColumn('max_loaded_at_time_ago_in_s', 'double precision')
    .addColumn('freshness_criteria', 'text')
    .addColumn('freshness_run_id', 'integer')
    .addColumn('freshness_job_id', 'integer')
    .addColumn('freshness_generated_at', 'text')
    // The latest catalog entry.
    .addColumn('catalog_type', 'text')
    .addColumn('catalog_owner', 'text')
    .addColumn('catalog_comment', 'text')
    .addColumn('catalog_columns', 'text')
    .addColumn('catalog_stats', 'text')
    .addColumn('row_count', 'bigint')
    .addColumn('bytes', 'bigint')
    .addColumn('catalog_run_id', 'integer')
    .addColumn('catalog_job_id', 'integer')
    .addColumn('catalog_generated_at', 'text')
    .addUniqueConstraint('metadata_applied_nodes_environment_unique_id', ['environment_id', 'unique_id'])
    .execute();
  await db.schema
    .createIndex('metadata_applied_nodes_type_idx')
    .on('metadata_applied_nodes')
    .columns(['environment_id', 'resource_type', 'unique_id'])
    .execute();

  await db.schema
    .createTable('metadata_applied_edges')
    .addColumn('environment_id', 'integer', (col) => col.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (col) => col.notNull().references('metadata_applied_nodes.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (col) => col.notNull().references('metadata_applied_nodes.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('metadata_applied_edges_pk', ['child_id', 'parent_id'])
    .execute();
  await db.schema.createIndex('metadata_applied_edges_parent_idx').on('metadata_applied_edges').columns(['parent_id', 'child_id']).execute();
  await db.schema.createIndex('metadata_applied_edges_environment_idx').on('metadata_applied_edges').column('environment_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('metadata_applied_edges').execute();
  await db.schema.dropTable('metadata_applied_nodes').execute();
  await db.schema.dropTable('metadata_environment_state').execute();
}
