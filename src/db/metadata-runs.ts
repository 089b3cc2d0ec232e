import {
  type Compilable,
  CompiledQuery,
  type ExpressionBuilder,
  type Insertable,
  type SelectQueryBuilder,
  SqliteAdapter,
  sql,
  type Updateable,
} from 'kysely';
import { executingCommands } from '../dbt-statuses.js';
import type { Db } from './database.js';
import type {
  MetadataArtifactsRow,
  MetadataArtifactsTable,
  MetadataNodeColumns,
  MetadataRunCatalogTable,
  MetadataRunEdgeTable,
  MetadataRunFreshnessTable,
  MetadataRunResultTable,
} from './tables/metadata.js';

// The artifacts each run received (see migrations/2026-11-28-40-metadata-run-artifacts.ts).

export async function insertArtifacts(
  db: Db,
  artifacts: Insertable<MetadataArtifactsTable>,
): Promise<void> {
  await db.insertInto('metadata_artifacts').values(artifacts).execute();
}

export async function updateArtifacts(
  db: Db,
  runId: number,
  changes: Updateable<Omit<MetadataArtifactsTable, 'run_id'>>,
): Promise<MetadataArtifactsRow> {
  return db
    .updateTable('metadata_artifacts')
    .set(changes)
    .where('run_id', '=', runId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The run's artifacts once applied (a run still being staged has none yet). */
export async function findArtifacts(
  db: Db,
  runId: number,
): Promise<MetadataArtifactsRow | undefined> {
  return db
    .selectFrom('metadata_artifacts')
    .selectAll()
    .where('run_id', '=', runId)
    .where('complete', '=', 1)
    .executeTakeFirst();
}

/** The run's artifacts row, applied or still being staged: what an ingest must not collide with. */
export async function findArtifactsClaim(
  db: Db,
  runId: number,
): Promise<MetadataArtifactsRow | undefined> {
  return db
    .selectFrom('metadata_artifacts')
    .selectAll()
    .where('run_id', '=', runId)
    .executeTakeFirst();
}

/** Removes a run's artifacts and, by cascade, every row staged under them. */
export async function deleteArtifacts(db: Db, runId: number): Promise<void> {
  await db.deleteFrom('metadata_artifacts').where('run_id', '=', runId).execute();
}

/** The newest run of the job that received artifacts. */
export async function findLatestArtifactsOfJob(
  db: Db,
  jobId: number,
): Promise<MetadataArtifactsRow | undefined> {
  return db
    .selectFrom('metadata_artifacts')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('complete', '=', 1)
    .orderBy('run_id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// Rows are written in batches: one statement per batch keeps a 50 MB manifest to a few hundred
// statements. A statement binds at most `maxParameters` values, well under the limits of SQLite
// (32,766) and PostgreSQL (65,535), however large the batch a caller hands over.
//
// Building an INSERT of thousands of values through Kysely's query builder costs more CPU than
// SQLite spends storing them; every batch of one shape has the same SQL, though. So the statement
// is built once per table, column list and row count (for the database's dialect), and then run
// with the batch's values bound in that order, and SQLite reuses its prepared statement.

const maxParameters = 10_000;

type Row = Record<string, unknown>;

/** A statement's SQL per dialect (its adapter), table, columns and row count. */
const compiledInserts = new WeakMap<object, Map<string, string>>();

async function insertRows<T extends object>(
  db: Db,
  shape: string,
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
  build: (placeholders: Row[]) => Compilable,
  fixed: Row = {},
): Promise<void> {
  if (rows.length === 0) return;
  const fixedColumns = Object.keys(fixed);
  const width = fixedColumns.length + columns.length;
  const perStatement = Math.max(1, Math.floor(maxParameters / width));
  const adapter = db.getExecutor().adapter;
  let cache = compiledInserts.get(adapter);
  if (!cache) {
    cache = new Map();
    compiledInserts.set(adapter, cache);
  }
  for (let start = 0; start < rows.length; start += perStatement) {
    const count = Math.min(perStatement, rows.length - start);
    const key = `${shape}:${count}`;
    let text = cache.get(key);
    if (text === undefined) {
      const placeholder = Object.fromEntries(
        [...fixedColumns, ...columns].map((column) => [column, null]),
      );
      const compiled = build(Array.from({ length: count }, () => placeholder)).compile();
      // Every value must be a bound parameter, in row order, for the values below to fit.
      if (compiled.parameters.length !== count * width)
        throw new Error(`The INSERT of ${shape} does not bind one parameter per value.`);
      text = compiled.sql;
      cache.set(key, text);
    }
    const parameters: unknown[] = new Array(count * width);
    let at = 0;
    for (let index = start; index < start + count; index++) {
      const row = rows[index] as Row;
      for (const column of fixedColumns) parameters[at++] = fixed[column];
      for (const column of columns) parameters[at++] = row[column] ?? null;
    }
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  }
}

const nodeColumns = [
  'unique_id',
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
  'raw_code',
  'compiled_code',
  'payload',
] as const satisfies readonly (keyof MetadataNodeColumns)[];

export async function insertRunNodes(
  db: Db,
  runId: number,
  rows: readonly MetadataNodeColumns[],
): Promise<void> {
  await insertRows(
    db,
    'metadata_run_nodes',
    nodeColumns,
    rows,
    (values) => db.insertInto('metadata_run_nodes').values(values as never),
    { run_id: runId },
  );
}

export async function insertRunEdges(db: Db, rows: readonly MetadataRunEdgeTable[]): Promise<void> {
  await insertRows(
    db,
    'metadata_run_edges',
    ['run_id', 'parent_unique_id', 'child_unique_id'],
    rows,
    (values) =>
      db
        .insertInto('metadata_run_edges')
        .values(values as never)
        .onConflict((oc) => oc.doNothing()),
  );
}

const resultColumns = [
  'run_id',
  'unique_id',
  'status',
  'message',
  'failures',
  'thread_id',
  'execution_time',
  'compile_started_at',
  'compile_completed_at',
  'execute_started_at',
  'execute_completed_at',
  'adapter_response',
] as const satisfies readonly (keyof MetadataRunResultTable)[];

/** Results of the same node twice in one file: the last one wins, as when dbt retries. */
export async function insertRunResults(
  db: Db,
  rows: readonly MetadataRunResultTable[],
): Promise<void> {
  await insertRows(db, 'metadata_run_results', resultColumns, rows, (values) =>
    db
      .insertInto('metadata_run_results')
      .values(values as never)
      .onConflict((oc) =>
        oc.columns(['run_id', 'unique_id']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          message: eb.ref('excluded.message'),
          failures: eb.ref('excluded.failures'),
          execution_time: eb.ref('excluded.execution_time'),
          execute_started_at: eb.ref('excluded.execute_started_at'),
          execute_completed_at: eb.ref('excluded.execute_completed_at'),
        })),
      ),
  );
}

const freshnessColumns = [
  'run_id',
  'unique_id',
  'status',
  'error',
  'max_loaded_at',
  'snapshotted_at',
  'max_loaded_at_time_ago_in_s',
  'criteria',
  'execution_time',
] as const satisfies readonly (keyof MetadataRunFreshnessTable)[];

export async function insertRunFreshness(
  db: Db,
  rows: readonly MetadataRunFreshnessTable[],
): Promise<void> {
  await insertRows(db, 'metadata_run_freshness', freshnessColumns, rows, (values) =>
    db
      .insertInto('metadata_run_freshness')
      .values(values as never)
      .onConflict((oc) => oc.doNothing()),
  );
}

const catalogColumns = [
  'run_id',
  'unique_id',
  'table_type',
  'owner',
  'comment',
  'columns',
  'stats',
  'row_count',
  'bytes',
] as const satisfies readonly (keyof MetadataRunCatalogTable)[];

export async function insertRunCatalog(
  db: Db,
  rows: readonly MetadataRunCatalogTable[],
): Promise<void> {
  await insertRows(db, 'metadata_run_catalog', catalogColumns, rows, (values) =>
    db
      .insertInto('metadata_run_catalog')
      .values(values as never)
      .onConflict((oc) => oc.doNothing()),
  );
}

/** SQLite pages (KiB, as a negative `cache_size`) the connection caches while it stages a run. */
const stagingCacheKib = 64 * 1024;

/**
 * Gives the connection a larger page cache while it stages a run's rows, and returns what puts
 * the previous size back. SQLite's default (2 MB) is smaller than the indexes of a large run,
 * whose pages would otherwise be read back from the journal for every batch. The automatic
 * checkpoints are left as they are: with fewer, the next connection to commit (perhaps the
 * server's, on the thread that answers requests) would copy the whole journal at once. Nothing on
 * PostgreSQL, or inside a transaction (the connection is not ours to tune then).
 */
export async function enlargeStagingCache(db: Db): Promise<() => Promise<void>> {
  if (db.isTransaction || !(db.getExecutor().adapter instanceof SqliteAdapter))
    return async () => undefined;
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  const previous = Number(rows[0]?.cache_size ?? -2000);
  await sql.raw(`pragma cache_size = ${-stagingCacheKib}`).execute(db);
  return async () => {
    await sql.raw(`pragma cache_size = ${Math.trunc(previous)}`).execute(db);
  };
}

export async function countRunNodesByType(db: Db, runId: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('metadata_run_nodes')
    .select(['resource_type', (eb) => eb.fn.countAll<number>().as('count')])
    .where('run_id', '=', runId)
    .groupBy('resource_type')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.resource_type, Number(row.count)]));
}

/** A node of one run with its result, freshness check and catalog entry from the same run, and the run's artifact metadata. */
export type RunNodeRow = Awaited<ReturnType<ReturnType<typeof runNodeQuery>['execute']>>[number];

const artifactColumns = [
  'a.account_id',
  'a.project_id',
  'a.environment_id',
  'a.job_id',
  'a.dbt_version',
  'a.invocation_id',
  'a.run_results_generated_at',
  'a.manifest_generated_at',
  'a.run_elapsed_time',
  'a.run_args',
] as const;

export type ArtifactColumns = Pick<
  MetadataArtifactsRow,
  | 'account_id'
  | 'project_id'
  | 'environment_id'
  | 'job_id'
  | 'dbt_version'
  | 'invocation_id'
  | 'run_results_generated_at'
  | 'manifest_generated_at'
  | 'run_elapsed_time'
  | 'run_args'
>;

function runNodeQuery(db: Db) {
  return (
    db
      .selectFrom('metadata_run_nodes as n')
      .leftJoin('metadata_run_results as r', (join) =>
        join.onRef('r.run_id', '=', 'n.run_id').onRef('r.unique_id', '=', 'n.unique_id'),
      )
      .leftJoin('metadata_run_freshness as f', (join) =>
        join.onRef('f.run_id', '=', 'n.run_id').onRef('f.unique_id', '=', 'n.unique_id'),
      )
      .leftJoin('metadata_run_catalog as c', (join) =>
        join.onRef('c.run_id', '=', 'n.run_id').onRef('c.unique_id', '=', 'n.unique_id'),
      )
      // A run still being staged is not there yet.
      .innerJoin('metadata_artifacts as a', (join) =>
        join.onRef('a.run_id', '=', 'n.run_id').on('a.complete', '=', 1),
      )
      .selectAll('n')
      .select(artifactColumns)
      .select([
        'r.status',
        'r.message',
        'r.failures',
        'r.thread_id',
        'r.execution_time',
        'r.compile_started_at',
        'r.compile_completed_at',
        'r.execute_started_at',
        'r.execute_completed_at',
        'f.status as freshness_status',
        'f.error as freshness_error',
        'f.max_loaded_at',
        'f.snapshotted_at',
        'f.max_loaded_at_time_ago_in_s',
        'f.criteria as freshness_criteria',
        'c.table_type as catalog_type',
        'c.owner as catalog_owner',
        'c.comment as catalog_comment',
        'c.columns as catalog_columns',
        'c.stats as catalog_stats',
      ])
  );
}

/** Filters of the job-level lists (`models(database, schema, identifier)`). */
export interface RunNodeFilter {
  readonly database?: string | null;
  readonly schema?: string | null;
  readonly identifier?: string | null;
}

type RunNodeQuery = SelectQueryBuilder<any, any, RunNodeRow>;

function filtered(query: RunNodeQuery, filter: RunNodeFilter): RunNodeQuery {
  if (filter.database != null) query = query.where('n.database_name', '=', filter.database);
  if (filter.schema != null) query = query.where('n.schema_name', '=', filter.schema);
  if (filter.identifier != null) query = query.where('n.identifier', '=', filter.identifier);
  return query;
}

/**
 * The run's nodes of one resource type in manifest order; `first` null means all of them
 * (the job-level API returns whole lists unless asked to paginate).
 */
export async function listRunNodes(
  db: Db,
  runId: number,
  resourceType: string,
  filter: RunNodeFilter,
  page: { first: number | null; afterId: number | null },
): Promise<{ rows: RunNodeRow[]; hasNextPage: boolean }> {
  let query = filtered(runNodeQuery(db) as RunNodeQuery, filter)
    .where('n.run_id', '=', runId)
    .where('n.resource_type', '=', resourceType);
  if (page.afterId !== null) query = query.where('n.id', '>', page.afterId);
  query = query.orderBy('n.id');
  if (page.first !== null) query = query.limit(page.first + 1);
  const rows = await query.execute();
  if (page.first === null || rows.length <= page.first) return { rows, hasNextPage: false };
  return { rows: rows.slice(0, page.first), hasNextPage: true };
}

/** One node of the run by unique id (or, for exposures, by name). */
export async function findRunNode(
  db: Db,
  runId: number,
  resourceType: string,
  by: { uniqueId: string } | { name: string },
): Promise<RunNodeRow | undefined> {
  let query = (runNodeQuery(db) as RunNodeQuery)
    .where('n.run_id', '=', runId)
    .where('n.resource_type', '=', resourceType);
  query =
    'uniqueId' in by
      ? query.where('n.unique_id', '=', by.uniqueId)
      : query.where('n.name', '=', by.name);
  return query.executeTakeFirst();
}

export interface RunNodeKey {
  readonly runId: number;
  readonly uniqueId: string;
}

function keysByRun(keys: readonly RunNodeKey[]): Map<number, string[]> {
  const byRun = new Map<number, string[]>();
  for (const key of keys) {
    const list = byRun.get(key.runId);
    if (list) list.push(key.uniqueId);
    else byRun.set(key.runId, [key.uniqueId]);
  }
  return byRun;
}

/**
 * Parents or children of many nodes at once, each with its own run's data: one statement for
 * any number of keys. `resourceTypes` limits what is returned (e.g. only tests).
 */
export async function listRunRelatives(
  db: Db,
  keys: readonly RunNodeKey[],
  direction: 'parents' | 'children',
  resourceTypes: readonly string[] | null,
): Promise<(RunNodeRow & { relative_of: string })[]> {
  if (keys.length === 0) return [];
  const [from, to] =
    direction === 'parents'
      ? (['child_unique_id', 'parent_unique_id'] as const)
      : (['parent_unique_id', 'child_unique_id'] as const);
  let query = (runNodeQuery(db) as RunNodeQuery)
    .innerJoin('metadata_run_edges as e', (join) =>
      join.onRef('e.run_id', '=', 'n.run_id').onRef(`e.${to}`, '=', 'n.unique_id'),
    )
    .select(`e.${from} as relative_of`)
    .where((eb: ExpressionBuilder<any, any>) =>
      eb.or(
        [...keysByRun(keys)].map(([runId, uniqueIds]) =>
          eb.and([eb('e.run_id', '=', runId), eb(`e.${from}`, 'in', uniqueIds)]),
        ),
      ),
    );
  if (resourceTypes) query = query.where('n.resource_type', 'in', resourceTypes);
  return (await query.orderBy('n.id').execute()) as (RunNodeRow & { relative_of: string })[];
}

/** The unique ids of the children of many nodes (job-level `childrenL1`), keyed by parent. */
export async function listRunChildIds(
  db: Db,
  keys: readonly RunNodeKey[],
): Promise<{ run_id: number; parent_unique_id: string; child_unique_id: string }[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('metadata_run_edges as e')
    .select(['e.run_id', 'e.parent_unique_id', 'e.child_unique_id'])
    .where((eb) =>
      eb.or(
        [...keysByRun(keys)].map(([runId, uniqueIds]) =>
          eb.and([eb('e.run_id', '=', runId), eb('e.parent_unique_id', 'in', uniqueIds)]),
        ),
      ),
    )
    .orderBy('e.child_unique_id')
    .execute();
}

/**
 * A model's rows in the environment's most recent runs that executed it (not compiled it), newest first
 * (`modelHistoricalRuns`), with each run's artifact metadata.
 */
export async function listModelHistory(
  db: Db,
  environmentId: number,
  by: { uniqueId?: string | null; identifier?: string | null },
  limit: number,
): Promise<RunNodeRow[]> {
  let query = (runNodeQuery(db) as RunNodeQuery)
    .where('a.environment_id', '=', environmentId)
    .where('n.resource_type', '=', 'model')
    .where('r.status', 'is not', null)
    // A compile's results are not executions (see isExecutingCommand).
    .where((eb: ExpressionBuilder<any, any>) =>
      eb.or([eb('a.command', 'is', null), eb('a.command', 'in', executingCommands)]),
    );
  if (by.uniqueId != null) query = query.where('n.unique_id', '=', by.uniqueId);
  if (by.identifier != null) query = query.where('n.identifier', '=', by.identifier);
  return query.orderBy('n.run_id', 'desc').limit(limit).execute();
}

/** The artifact metadata of many runs at once. */
export async function findArtifactsByRunIds(
  db: Db,
  runIds: readonly number[],
): Promise<MetadataArtifactsRow[]> {
  if (runIds.length === 0) return [];
  return db
    .selectFrom('metadata_artifacts')
    .selectAll()
    .where('run_id', 'in', runIds)
    .where('complete', '=', 1)
    .execute();
}

/** A job with its project's account, looked up across accounts (for operator tools only). */
export async function findJobWithAccount(db: Db, jobId: number) {
  return db
    .selectFrom('jobs as j')
    .innerJoin('projects as p', 'p.id', 'j.project_id')
    .selectAll('j')
    .select('p.account_id')
    .where('j.id', '=', jobId)
    .executeTakeFirst();
}

/** Removes a run whose operator ingest failed (its artifacts cascade), so none is left half made. */
export async function deleteRun(db: Db, runId: number): Promise<void> {
  await db.deleteFrom('runs').where('id', '=', runId).execute();
}

/** The distinct statuses in a run's run_results.json. */
export async function listRunResultStatuses(db: Db, runId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('metadata_run_results')
    .select('status')
    .distinct()
    .where('run_id', '=', runId)
    .execute();
  return rows.map((row) => row.status);
}
