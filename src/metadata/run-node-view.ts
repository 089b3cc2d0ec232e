import type { RunNodeRow } from '../db/metadata-runs.js';
import { decodeCursor, encodeCursor, isRowId } from '../db/pagination.js';
import { freshnessStatusOf, isProblem } from '../dbt-statuses.js';
import { type CriteriaView, catalogView, definitionFields, type Json, parse } from './views.js';

// A node of one run (the job level of the Discovery API), as views.ts does for applied nodes.

export type RunNodeView = ReturnType<typeof runNodeView>;

/** A node of one run as served by the job-level types (ModelNode, TestNode, ...). */
export function runNodeView(row: RunNodeRow) {
  const artifacts = row;
  const payload = parse<Json>(row.payload, {});
  const definition = definitionFields(row, payload);
  const status = row.status;
  const error = isProblem(status) ? row.message : null;
  const skip = status === null ? null : status === 'skipped';
  const catalog =
    row.catalog_columns !== null
      ? catalogView(row.unique_id, row.catalog_columns, row.catalog_stats, payload.columns ?? [], {
          environmentId: artifacts.environment_id,
          runId: row.run_id,
          jobDefinitionId: artifacts.job_id,
          runGeneratedAt: null,
          type: row.catalog_type,
          owner: row.catalog_owner,
          comment: row.catalog_comment,
        })
      : null;
  const runInfo = {
    status,
    error,
    skip,
    threadId: row.thread_id,
    executionTime: row.execution_time,
    compileStartedAt: row.compile_started_at,
    compileCompletedAt: row.compile_completed_at,
    executeStartedAt: row.execute_started_at,
    executeCompletedAt: row.execute_completed_at,
    runGeneratedAt: artifacts.run_results_generated_at,
    runElapsedTime: artifacts.run_elapsed_time,
    invocationId: artifacts.invocation_id,
    args: artifacts.run_args,
  };
  const docs: Json[] = payload.columns ?? [];
  return {
    nodeId: row.id,
    runId: row.run_id,
    accountId: artifacts.account_id,
    projectId: artifacts.project_id,
    environmentId: artifacts.environment_id,
    jobId: artifacts.job_id,
    dbtVersion: artifacts.dbt_version,
    manifestGeneratedAt: artifacts.manifest_generated_at,
    ...definition,
    ...runInfo,
    compiledSql: row.compiled_code,
    rawSql: row.raw_code,
    dbtGroup: row.dbt_group,
    runResults: status === null ? [] : [runInfo],
    failures: row.failures,
    fail: status === null ? null : status === 'fail',
    warn: status === null ? null : status === 'warn',
    state: status,
    freshnessState: freshnessStatusOf(row.freshness_status),
    // Catalog (from this run's catalog.json; manifest column docs otherwise)
    columns:
      catalog?.columns ??
      docs.map((column, index) => ({
        name: column.name ?? null,
        type: column.dataType ?? null,
        index: index + 1,
        comment: null,
        description: column.description ?? null,
        meta: column.meta ?? null,
        tags: column.tags ?? [],
      })),
    stats: catalog?.stats ?? [],
    comment: catalog?.comment ?? null,
    owner: catalog?.owner ?? null,
    type: catalog?.type ?? null,
    // Source freshness in this run
    criteria: (parse<CriteriaView | null>(row.freshness_criteria, null) ??
      payload.criteria ?? { warnAfter: null, errorAfter: null }) as CriteriaView,
    freshnessChecked: row.freshness_status !== null,
    maxLoadedAt: row.max_loaded_at,
    maxLoadedAtTimeAgoInS: row.max_loaded_at_time_ago_in_s,
    snapshottedAt: row.snapshotted_at,
    /** A stable position in the run's list (its row id), for `after`. */
    paginationCursor: encodeCursor(['node', row.id]),
  };
}

/** The row id a job-level `paginationCursor` stands for; undefined if it is not one of ours. */
export function decodePaginationCursor(cursor: string): number | undefined {
  // Tagged, so that a cursor of another list is refused rather than read as a position here.
  const [tag, id, ...rest] = decodeCursor(cursor) ?? [];
  return tag === 'node' && isRowId(id) && rest.length === 0 ? id : undefined;
}
