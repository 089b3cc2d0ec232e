import { type ExpressionBuilder, sql } from 'kysely';
import { isExecutingCommand, problemStatuses, successStatuses } from '../dbt-statuses.js';
import type { Db } from './database.js';
import type {
  MetadataAppliedNodeRow,
  MetadataEnvironmentStateRow,
  MetadataNodeColumns,
} from './tables/metadata.js';

// The applied state of environments (see migrations/2026-11-28-41-metadata-applied-state.ts):
// materialized from a run's artifacts in a handful of set-based statements, whatever the number
// of nodes, and read one table at a time.

/** A node's definition without its code: what lineage needs. */
export const outlineColumns = [
  'resource_type',
  'name',
  'package_name',
  'database_name',
  'schema_name',
  'identifier',
  'materialized',
  'access',
  'dbt_group',
  'source_name',
  'test_type',
  'file_path',
  'tags',
  'payload',
] as const satisfies readonly (keyof MetadataNodeColumns)[];

const definitionColumns = [
  ...outlineColumns,
  'raw_code',
  'compiled_code',
] as const satisfies readonly (keyof MetadataNodeColumns)[];

export interface AppliedRun {
  readonly runId: number;
  readonly jobId: number;
  readonly environmentId: number;
  readonly projectId: number;
  readonly accountId: number;
  readonly dbtVersion: string | null;
  readonly dbtProjectName: string | null;
  readonly adapterType: string | null;
  readonly macroPackages: readonly string[];
  readonly manifestGeneratedAt: string;
  /** Set when the run has run_results.json. */
  readonly runResultsGeneratedAt: string | null;
  /** The dbt command of run_results.json; only executions change execution and test state. */
  readonly command: string | null;
  readonly runElapsedTime: number | null;
  readonly sourcesGeneratedAt: string | null;
  readonly catalogGeneratedAt: string | null;
  readonly now: string;
}

const int = (value: number | null) => sql<number>`cast(${value} as integer)`;
const txt = (value: string | null) => sql<string>`cast(${value} as text)`;
const real = (value: number | null) => sql<number>`cast(${value} as double precision)`;
/** The stored value of `column` is absent or not newer than `at`. */
const newer =
  (column: keyof MetadataAppliedNodeRow & string, at: string) =>
  (eb: ExpressionBuilder<any, any>) =>
    eb.or([eb(`a.${column}`, 'is', null), eb(`a.${column}`, '<=', at as never)]);

export async function findEnvironmentState(
  db: Db,
  environmentId: number,
): Promise<MetadataEnvironmentStateRow | undefined> {
  return db
    .selectFrom('metadata_environment_state')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
}

export async function findEnvironmentStates(
  db: Db,
  environmentIds: readonly number[],
): Promise<MetadataEnvironmentStateRow[]> {
  if (environmentIds.length === 0) return [];
  return db
    .selectFrom('metadata_environment_state')
    .selectAll()
    .where('environment_id', 'in', environmentIds)
    .execute();
}

/**
 * Folds a run's stored artifacts into its environment's applied state. Definitions (the node
 * set, their fields and the graph) come from the newest manifest: an older manifest arriving
 * later changes none of them. Results, freshness checks and catalog entries are merged per node,
 * each only over older ones.
 */
export async function applyRunToEnvironment(db: Db, run: AppliedRun): Promise<void> {
  const state = await findEnvironmentState(db, run.environmentId);
  const environment = run.environmentId;

  if (!state || run.manifestGeneratedAt >= state.manifest_generated_at) {
    await db
      .insertInto('metadata_applied_nodes')
      .columns([
        'environment_id',
        'account_id',
        'project_id',
        'unique_id',
        ...definitionColumns,
        'manifest_run_id',
        'dbt_version',
        'manifest_generated_at',
      ])
      .expression(
        db
          .selectFrom('metadata_run_nodes')
          .select([
            int(environment).as('environment_id'),
            int(run.accountId).as('account_id'),
            int(run.projectId).as('project_id'),
            'unique_id',
            ...definitionColumns,
            int(run.runId).as('manifest_run_id'),
            txt(run.dbtVersion).as('dbt_version'),
            txt(run.manifestGeneratedAt).as('manifest_generated_at'),
          ])
          .where('run_id', '=', run.runId),
      )
      .onConflict((oc) =>
        oc.columns(['environment_id', 'unique_id']).doUpdateSet((eb) => ({
          ...Object.fromEntries(
            definitionColumns.map((column) => [column, eb.ref(`excluded.${column}`)]),
          ),
          manifest_run_id: eb.ref('excluded.manifest_run_id'),
          dbt_version: eb.ref('excluded.dbt_version'),
          manifest_generated_at: eb.ref('excluded.manifest_generated_at'),
        })),
      )
      .execute();
    // Nodes the newest manifest no longer has are gone from the project (their edges cascade).
    await db
      .deleteFrom('metadata_applied_nodes')
      .where('environment_id', '=', environment)
      .where('manifest_run_id', '<>', run.runId)
      .execute();
    await db
      .deleteFrom('metadata_applied_edges')
      .where('environment_id', '=', environment)
      .execute();
    await db
      .insertInto('metadata_applied_edges')
      .columns(['environment_id', 'parent_id', 'child_id'])
      .expression(
        db
          .selectFrom('metadata_run_edges as e')
          .innerJoin('metadata_applied_nodes as p', (join) =>
            join
              .on('p.environment_id', '=', environment)
              .onRef('p.unique_id', '=', 'e.parent_unique_id'),
          )
          .innerJoin('metadata_applied_nodes as c', (join) =>
            join
              .on('c.environment_id', '=', environment)
              .onRef('c.unique_id', '=', 'e.child_unique_id'),
          )
          .select([int(environment).as('environment_id'), 'p.id as parent_id', 'c.id as child_id'])
          .where('e.run_id', '=', run.runId),
      )
      .execute();
    const fields = {
      project_id: run.projectId,
      manifest_run_id: run.runId,
      manifest_generated_at: run.manifestGeneratedAt,
      dbt_project_name: run.dbtProjectName,
      adapter_type: run.adapterType,
      dbt_version: run.dbtVersion,
      macro_packages: JSON.stringify(run.macroPackages),
    };
    await db
      .insertInto('metadata_environment_state')
      .values({ environment_id: environment, ...fields, last_updated_at: run.now })
      .onConflict((oc) => oc.column('environment_id').doUpdateSet(fields))
      .execute();
  }

  if (run.runResultsGeneratedAt && isExecutingCommand(run.command)) {
    const at = run.runResultsGeneratedAt;
    await db
      .updateTable('metadata_applied_nodes as a')
      .from('metadata_run_results as r')
      .set((eb) => ({
        last_run_id: run.runId,
        last_job_id: run.jobId,
        last_run_status: eb.ref('r.status'),
        last_run_error: eb
          .case()
          .when('r.status', 'in', problemStatuses)
          .then(eb.ref('r.message'))
          .else(null)
          .end(),
        last_run_failures: eb.ref('r.failures'),
        last_run_generated_at: at,
      }))
      .whereRef('a.unique_id', '=', 'r.unique_id')
      .where('r.run_id', '=', run.runId)
      .where('a.environment_id', '=', environment)
      .where(newer('last_run_generated_at', at))
      .execute();
    await db
      .updateTable('metadata_applied_nodes as a')
      .from('metadata_run_results as r')
      .set((eb) => ({
        success_run_id: run.runId,
        success_job_id: run.jobId,
        run_generated_at: at,
        compile_started_at: eb.ref('r.compile_started_at'),
        compile_completed_at: eb.ref('r.compile_completed_at'),
        execute_started_at: eb.ref('r.execute_started_at'),
        execute_completed_at: eb.ref('r.execute_completed_at'),
        execution_time: eb.ref('r.execution_time'),
        run_elapsed_time: real(run.runElapsedTime),
      }))
      .whereRef('a.unique_id', '=', 'r.unique_id')
      .where('r.run_id', '=', run.runId)
      .where('r.status', 'in', successStatuses)
      .where('a.environment_id', '=', environment)
      .where(newer('run_generated_at', at))
      .execute();
  }

  if (run.sourcesGeneratedAt) {
    const at = run.sourcesGeneratedAt;
    await db
      .updateTable('metadata_applied_nodes as a')
      .from('metadata_run_freshness as f')
      .set((eb) => ({
        freshness_status: eb.ref('f.status'),
        freshness_error: eb.ref('f.error'),
        max_loaded_at: eb.ref('f.max_loaded_at'),
        snapshotted_at: eb.ref('f.snapshotted_at'),
        max_loaded_at_time_ago_in_s: eb.ref('f.max_loaded_at_time_ago_in_s'),
        freshness_criteria: eb.ref('f.criteria'),
        freshness_run_id: run.runId,
        freshness_job_id: run.jobId,
        freshness_generated_at: at,
      }))
      .whereRef('a.unique_id', '=', 'f.unique_id')
      .where('f.run_id', '=', run.runId)
      .where('a.environment_id', '=', environment)
      .where(newer('freshness_generated_at', at))
      .execute();
  }

  if (run.catalogGeneratedAt) {
    const at = run.catalogGeneratedAt;
    await db
      .updateTable('metadata_applied_nodes as a')
      .from('metadata_run_catalog as c')
      .set((eb) => ({
        catalog_type: eb.ref('c.table_type'),
        catalog_owner: eb.ref('c.owner'),
        catalog_comment: eb.ref('c.comment'),
        catalog_columns: eb.ref('c.columns'),
        catalog_stats: eb.ref('c.stats'),
        row_count: eb.ref('c.row_count'),
        bytes: eb.ref('c.bytes'),
        catalog_run_id: run.runId,
        catalog_job_id: run.jobId,
        catalog_generated_at: at,
      }))
      .whereRef('a.unique_id', '=', 'c.unique_id')
      .where('c.run_id', '=', run.runId)
      .where('a.environment_id', '=', environment)
      .where(newer('catalog_generated_at', at))
      .execute();
  }

  const latest = [run.now, state?.last_updated_at]
    .filter((value): value is string => !!value)
    .sort()
    .at(-1)!;
  await db
    .updateTable('metadata_environment_state')
    .set({ last_updated_at: latest })
    .where('environment_id', '=', environment)
    .execute();
}
