import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// The dbt artifacts a run received, close to their JSON: one row per node of the manifest, its
// edges, and the per-node rows of run_results.json, sources.json and catalog.json. The job-level
// Discovery queries read these; the environment's applied state is materialized from them.

/** The node columns shared with metadata_applied_nodes (a copy lives in that migration). */
function nodeColumns<T extends string>(table: CreateTableBuilder<T, any>): CreateTableBuilder<T, any> {
  return table
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
    .addColumn('payload', 'text', (col) => col.notNull().defaultTo('{}'));
}

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('metadata_artifacts')
    .addColumn('run_id', 'integer', (col) => col.primaryKey().references('runs.id').onDelete('cascade'))
    .addColumn('account_id', 'integer', (col) => col.notNull())
    .addColumn('project_id', 'integer', (col) => col.notNull())
    .addColumn('environment_id', 'integer', (col) => col.notNull())
    .addColumn('job_id', 'integer', (col) => col.notNull())
    .addColumn('dbt_version', 'text')
    .addColumn('dbt_project_name', 'text')
    .addColumn('adapter_type', 'text')
    .addColumn('invocation_id', 'text')
    .addColumn('manifest_generated_at', 'text', (col) => col.notNull())
    .addColumn('run_results_generated_at', 'text')
    .addColumn('run_elapsed_time', 'double precision')
    .addColumn('run_args', 'text')
    .addColumn('sources_generated_at', 'text')
    .addColumn('catalog_generated_at', 'text')
    /** JSON array: the packages the manifest's macros come from. */
    .addColumn('macro_packages', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('ingested_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('metadata_artifacts_job_idx').on('metadata_artifacts').columns(['job_id', 'run_id']).execute();
  await db.schema
    .createIndex('metadata_artifacts_environment_idx')
    .on('metadata_artifacts')
    .columns(['environment_id', 'run_id'])
    .execute();

  await nodeColumns(
    db.schema
      .createTable('metadata_run_nodes')
      .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
      .addColumn('run_id', 'integer', (col) => col.notNull().references('metadata_artifacts.run_id').onDelete('cascade')),
  )
    .addUniqueConstraint('metadata_run_nodes_run_unique_id', ['run_id', 'unique_id'])
    .execute();
  await db.schema
    .createIndex('metadata_run_nodes_type_idx')
    .on('metadata_run_nodes')
    .columns(['run_id', 'resource_type', 'id'])
    .execute();

  await db.schema
    .createTable('metadata_run_edges')
    .addColumn('run_id', 'integer', (col) => col.notNull().references('metadata_artifacts.run_id').onDelete('cascade'))
    .addColumn('parent_unique_id', 'text', (col) => col.notNull())
    .addColumn('child_unique_id', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('metadata_run_edges_pk', ['run_id', 'child_unique_id', 'parent_unique_id'])
    .execute();
  await db.schema
    .createIndex('metadata_run_edges_parent_idx')
    .on('metadata_run_edges')
    .columns(['run_id', 'parent_unique_id', 'child_unique_id'])
    .execute();

  await db.schema
    .createTable('metadata_run_results')
    .addColumn('run_id', 'integer', (col) => col.notNull().references('metadata_artifacts.run_id').onDelete('cascade'))
    .addColumn('unique_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('message', 'text')
    .addColumn('failures', 'bigint')
    .addColumn('thread_id', 'text')
    .addColumn('execution_time', 'double precision')
    .addColumn('compile_started_at', 'text')
    .addColumn('compile_completed_at', 'text')
    .addColumn('execute_started_at', 'text')
    .addColumn('execute_completed_at', 'text')
    .addColumn('adapter_response', 'text')
    .addPrimaryKeyConstraint('metadata_run_results_pk', ['run_id', 'unique_id'])
    .execute();

  await db.schema
    .createTable('metadata_run_freshness')
    .addColumn('run_id', 'integer', (col) => col.notNull().references('metadata_artifacts.run_id').onDelete('cascade'))
    .addColumn('unique_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('error', 'text')
    .addColumn('max_loaded_at', 'text')
    .addColumn('snapshotted_at', 'text')
    .addColumn('max_loaded_at_time_ago_in_s', 'double precision')
    /** JSON: {warn_after, error_after, filter} as the check used them. */
    .addColumn('criteria', 'text')
    .addColumn('execution_time', 'double precision')
    .addPrimaryKeyConstraint('metadata_run_freshness_pk', ['run_id', 'unique_id'])
    .execute();

  await db.schema
    .createTable('metadata_run_catalog')
    .addColumn('run_id', 'integer', (col) => col.notNull().references('metadata_artifacts.run_id').onDelete('cascade'))
    .addColumn('unique_id', 'text', (col) => col.notNull())
    .addColumn('table_type', 'text')
    .addColumn('owner', 'text')
    .addColumn('comment', 'text')
    /** JSON array of {name, type, index, comment}, in column order. */
    .addColumn('columns', 'text', (col) => col.notNull().defaultTo('[]'))
    /** JSON array of {id, label, value, include, description}. */
    .addColumn('stats', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('row_count', 'bigint')
    .addColumn('bytes', 'bigint')
    .addPrimaryKeyConstraint('metadata_run_catalog_pk', ['run_id', 'unique_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('metadata_run_catalog').execute();
  await db.schema.dropTable('metadata_run_freshness').execute();
  await db.schema.dropTable('metadata_run_results').execute();
  await db.schema.dropTable('metadata_run_edges').execute();
  await db.schema.dropTable('metadata_run_nodes').execute();
  await db.schema.dropTable('metadata_artifacts').execute();
}
