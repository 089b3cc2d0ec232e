// Tables of the metadata API: artifacts of runs and each environment's applied state.

import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from './columns.js';

/** The columns of a dbt node's definition, shared by the run-level and applied tables. */
export interface MetadataNodeColumns {
  unique_id: string;
  /** model, test, seed, snapshot, source, exposure (unit tests are tests with test_type UNIT_TEST). */
  resource_type: string;
  name: string;
  package_name: string | null;
  database_name: string | null;
  schema_name: string | null;
  /** The relation's name: alias for models, seeds and snapshots, identifier for sources. */
  identifier: string | null;
  materialized: string | null;
  access: string | null;
  dbt_group: string | null;
  source_name: string | null;
  test_type: string | null;
  file_path: string | null;
  /** JSON array of strings. */
  tags: string;
  raw_code: string | null;
  compiled_code: string | null;
  /** JSON object: the rarely filtered fields (description, meta, fqn, config, columns, ...). */
  payload: string;
}

export interface MetadataArtifactsTable {
  run_id: number;
  account_id: number;
  project_id: number;
  environment_id: number;
  job_id: number;
  dbt_version: string | null;
  dbt_project_name: string | null;
  adapter_type: string | null;
  invocation_id: string | null;
  manifest_generated_at: Timestamp;
  run_results_generated_at: Timestamp | null;
  run_elapsed_time: number | null;
  run_args: string | null;
  /** The dbt command of run_results.json (`args.which`); null when unknown. */
  command: string | null;
  sources_generated_at: Timestamp | null;
  catalog_generated_at: Timestamp | null;
  macro_packages: string;
  ingested_at: Timestamp;
  /** 0 while the run's rows are being staged (invisible to readers), 1 once applied. */
  complete: Generated<number>;
}

export interface MetadataRunNodeTable extends MetadataNodeColumns {
  id: Generated<number>;
  run_id: number;
}

export interface MetadataRunEdgeTable {
  run_id: number;
  parent_unique_id: string;
  child_unique_id: string;
}

export interface MetadataRunResultTable {
  run_id: number;
  unique_id: string;
  status: string;
  message: string | null;
  failures: number | null;
  thread_id: string | null;
  execution_time: number | null;
  compile_started_at: Timestamp | null;
  compile_completed_at: Timestamp | null;
  execute_started_at: Timestamp | null;
  execute_completed_at: Timestamp | null;
  adapter_response: string | null;
}

export interface MetadataRunFreshnessTable {
  run_id: number;
  unique_id: string;
  status: string;
  error: string | null;
  max_loaded_at: Timestamp | null;
  snapshotted_at: Timestamp | null;
  max_loaded_at_time_ago_in_s: number | null;
  criteria: string | null;
  execution_time: number | null;
}

export interface MetadataRunCatalogTable {
  run_id: number;
  unique_id: string;
  table_type: string | null;
  owner: string | null;
  comment: string | null;
  columns: string;
  stats: string;
  row_count: number | null;
  bytes: number | null;
}

export interface MetadataEnvironmentStateTable {
  environment_id: number;
  project_id: number;
  manifest_run_id: number;
  manifest_generated_at: Timestamp;
  dbt_project_name: string | null;
  adapter_type: string | null;
  dbt_version: string | null;
  macro_packages: string;
  last_updated_at: Timestamp;
}

export interface MetadataAppliedNodeTable extends MetadataNodeColumns {
  id: Generated<number>;
  environment_id: number;
  account_id: number;
  project_id: number;
  manifest_run_id: number;
  dbt_version: string | null;
  manifest_generated_at: Timestamp | null;
  last_run_id: number | null;
  last_job_id: number | null;
  last_run_status: string | null;
  last_run_error: string | null;
  last_run_failures: number | null;
  last_run_generated_at: Timestamp | null;
  success_run_id: number | null;
  success_job_id: number | null;
  run_generated_at: Timestamp | null;
  compile_started_at: Timestamp | null;
  compile_completed_at: Timestamp | null;
  execute_started_at: Timestamp | null;
  execute_completed_at: Timestamp | null;
  execution_time: number | null;
  run_elapsed_time: number | null;
  freshness_status: string | null;
  freshness_error: string | null;
  max_loaded_at: Timestamp | null;
  snapshotted_at: Timestamp | null;
  max_loaded_at_time_ago_in_s: number | null;
  freshness_criteria: string | null;
  freshness_run_id: number | null;
  freshness_job_id: number | null;
  freshness_generated_at: Timestamp | null;
  catalog_type: string | null;
  catalog_owner: string | null;
  catalog_comment: string | null;
  catalog_columns: string | null;
  catalog_stats: string | null;
  row_count: number | null;
  bytes: number | null;
  catalog_run_id: number | null;
  catalog_job_id: number | null;
  catalog_generated_at: Timestamp | null;
}

export interface MetadataAppliedEdgeTable {
  environment_id: number;
  parent_id: number;
  child_id: number;
}

export type MetadataArtifactsRow = Selectable<MetadataArtifactsTable>;

export type MetadataEnvironmentStateRow = Selectable<MetadataEnvironmentStateTable>;

export type MetadataAppliedNodeRow = Selectable<MetadataAppliedNodeTable>;
