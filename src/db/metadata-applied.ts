import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database, Db, MetadataAppliedNode, MetadataEnvironmentState, MetadataNodeColumns } from './database.js';
import { problemStatuses, successStatuses } from '../dbt-statuses.js';

// The applied state of environments (see migrations/2026-11-28-41-metadata-applied-state.ts):
// materialized from a run's artifacts in a handful of set-based statements, whatever the number
// of nodes, and read one table at a time.

/** A node's definition without its code: what lineage needs. */
const outlineColumns = [
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

const definitionColumns = [...outlineColumns, 'raw_code', 'compiled_code'] as const satisfies readonly (keyof MetadataNodeColumns)[];

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
  readonly runElapsedTime: number | null;
  readonly sourcesGeneratedAt: string | null;
  readonly catalogGeneratedAt: string | null;
  readonly now: string;
}

const int = (value: number | null) => sql<number>`cast(${value} as integer)`;
const txt = (value: string | null) => sql<string>`cast(${value} as text)`;
const real = (value: number | null) => sql<number>`cast(${value} as double precision)`;
/** The stored value of `column` is absent or not newer than `at`. */
const newer = (column: keyof MetadataAppliedNode & string, at: string) => (eb: ExpressionBuilder<any, any>) =>
  eb.or([eb(`a.${column}`, 'is', null), eb(`a.${column}`, '<=', at as never)]);

export async function findEnvironmentState(db: Db, environmentId: number): Promise<MetadataEnvironmentState | undefined> {
  return db.selectFrom('metadata_environment_state').selectAll().where('environment_id', '=', environmentId).executeTakeFirst();
}

export async function findEnvironmentStates(db: Db, environmentIds: readonly number[]): Promise<MetadataEnvironmentState[]> {
  if (environmentIds.length === 0) return [];
  return db.selectFrom('metadata_environment_state').selectAll().where('environment_id', 'in', environmentIds).execute();
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
      .columns(['environment_id', 'account_id', 'project_id', 'unique_id', ...definitionColumns, 'manifest_run_id', 'dbt_version', 'manifest_generated_at'])
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
          ...Object.fromEntries(definitionColumns.map((column) => [column, eb.ref(`excluded.${column}`)])),
          manifest_run_id: eb.ref('excluded.manifest_run_id'),
          dbt_version: eb.ref('excluded.dbt_version'),
          manifest_generated_at: eb.ref('excluded.manifest_generated_at'),
        })),
      )
      .execute();
    // Nodes the newest manifest no longer has are gone from the project (their edges cascade).
    await db.deleteFrom('metadata_applied_nodes').where('environment_id', '=', environment).where('manifest_run_id', '<>', run.runId).execute();
    await db.deleteFrom('metadata_applied_edges').where('environment_id', '=', environment).execute();
    await db
      .insertInto('metadata_applied_edges')
      .columns(['environment_id', 'parent_id', 'child_id'])
      .expression(
        db
          .selectFrom('metadata_run_edges as e')
          .innerJoin('metadata_applied_nodes as p', (join) => join.on('p.environment_id', '=', environment).onRef('p.unique_id', '=', 'e.parent_unique_id'))
          .innerJoin('metadata_applied_nodes as c', (join) => join.on('c.environment_id', '=', environment).onRef('c.unique_id', '=', 'e.child_unique_id'))
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

  if (run.runResultsGeneratedAt) {
    const at = run.runResultsGeneratedAt;
    await db
      .updateTable('metadata_applied_nodes as a')
      .from('metadata_run_results as r')
      .set((eb) => ({
        last_run_id: run.runId,
        last_job_id: run.jobId,
        last_run_status: eb.ref('r.status'),
        last_run_error: eb.case().when('r.status', 'in', problemStatuses).then(eb.ref('r.message')).else(null).end(),
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

  const latest = [run.now, state?.last_updated_at].filter((value): value is string => !!value).sort().at(-1)!;
  await db.updateTable('metadata_environment_state').set({ last_updated_at: latest }).where('environment_id', '=', environment).execute();
}

/** The columns every read needs: identity, definition (without code) and executions. */
const baseColumns = [
  'a.id',
  'a.environment_id',
  'a.account_id',
  'a.project_id',
  'a.unique_id',
  'a.dbt_version',
  'a.manifest_run_id',
  'a.resource_type',
  'a.name',
  'a.test_type',
  'a.file_path',
  'a.tags',
  'a.payload',
  'a.last_run_id',
  'a.last_job_id',
  'a.last_run_status',
  'a.last_run_error',
  'a.last_run_failures',
  'a.last_run_generated_at',
  'a.success_run_id',
  'a.success_job_id',
  'a.run_generated_at',
  'a.compile_started_at',
  'a.compile_completed_at',
  'a.execute_started_at',
  'a.execute_completed_at',
  'a.execution_time',
  'a.run_elapsed_time',
] as const;

const optionalColumns = {
  /** Where a materialized node lives and how; tests have none of it. */
  relation: ['package_name', 'database_name', 'schema_name', 'identifier', 'materialized', 'access', 'dbt_group', 'source_name', 'manifest_generated_at'],
  code: ['raw_code', 'compiled_code'],
  freshness: [
    'freshness_status',
    'freshness_error',
    'max_loaded_at',
    'snapshotted_at',
    'max_loaded_at_time_ago_in_s',
    'freshness_criteria',
    'freshness_run_id',
    'freshness_job_id',
    'freshness_generated_at',
  ],
  catalog: [
    'catalog_type',
    'catalog_owner',
    'catalog_comment',
    'catalog_columns',
    'catalog_stats',
    'row_count',
    'bytes',
    'catalog_run_id',
    'catalog_job_id',
    'catalog_generated_at',
  ],
} as const satisfies Record<string, readonly (keyof MetadataAppliedNode)[]>;

/**
 * Which optional column groups a read needs. Rows are wide; a page reads only what its
 * fields can show (the rest come back as null), which keeps a 500-row page cheap.
 */
export type AppliedColumns = Readonly<Record<keyof typeof optionalColumns, boolean>>;

export const allAppliedColumns: AppliedColumns = { relation: true, code: true, freshness: true, catalog: true };

function nodeColumns(wanted: AppliedColumns) {
  const optional = (Object.keys(optionalColumns) as (keyof typeof optionalColumns)[]).flatMap((group) =>
    wanted[group] ? optionalColumns[group].map((column) => `a.${column}` as const) : [],
  );
  // Typed as every column: readers treat the ones left out (undefined) as null.
  return [...baseColumns, ...optional] as unknown as `a.${keyof MetadataAppliedNode & string}`[];
}

/** Filters of the applied lists; every given field must match (lists: any of their values). */
export interface AppliedFilter {
  readonly uniqueIds?: readonly string[] | null;
  readonly tags?: readonly string[] | null;
  readonly database?: string | null;
  readonly schema?: string | null;
  readonly identifier?: string | null;
  readonly packageName?: string | null;
  readonly access?: string | null;
  readonly group?: string | null;
  readonly lastRunStatuses?: readonly string[] | null;
  readonly sourceNames?: readonly string[] | null;
  /** true: only checked sources; false: only unchecked. */
  readonly freshnessChecked?: boolean | null;
  readonly freshnessStatuses?: readonly string[] | null;
  readonly testTypes?: readonly string[] | null;
  readonly exposureType?: string | null;
}

export type AppliedSortField = 'unique_id' | 'execute_completed_at' | 'row_count';

export interface AppliedPageRequest {
  readonly first: number;
  readonly sort: AppliedSortField;
  readonly direction: 'asc' | 'desc';
  /** The sort value and unique id of the last row of the previous page. */
  readonly after: { readonly value: string | number | null; readonly uniqueId: string } | null;
}

type AppliedQuery = SelectQueryBuilder<Database & { a: Database['metadata_applied_nodes'] }, 'a', object>;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function applyFilter<Q extends AppliedQuery>(query: Q, filter: AppliedFilter): Q {
  let q: AppliedQuery = query;
  if (filter.uniqueIds) q = q.where('a.unique_id', 'in', filter.uniqueIds.length ? filter.uniqueIds : ['']);
  if (filter.tags?.length) {
    const tags = filter.tags;
    // Tags are a JSON array of strings: match the quoted tag, escaped for LIKE.
    q = q.where((eb) => eb.or(tags.map((tag) => sql<boolean>`${eb.ref('a.tags')} like ${`%${escapeLike(JSON.stringify(tag))}%`} escape '\\'`)));
  }
  if (filter.database != null) q = q.where('a.database_name', '=', filter.database);
  if (filter.schema != null) q = q.where('a.schema_name', '=', filter.schema);
  if (filter.identifier != null) q = q.where('a.identifier', '=', filter.identifier);
  if (filter.packageName != null) q = q.where('a.package_name', '=', filter.packageName);
  if (filter.access != null) q = q.where('a.access', '=', filter.access);
  if (filter.group != null) q = q.where('a.dbt_group', '=', filter.group);
  if (filter.lastRunStatuses) q = q.where('a.last_run_status', 'in', filter.lastRunStatuses.length ? filter.lastRunStatuses : ['']);
  if (filter.sourceNames) q = q.where('a.source_name', 'in', filter.sourceNames.length ? filter.sourceNames : ['']);
  if (filter.freshnessChecked != null) q = q.where('a.freshness_status', filter.freshnessChecked ? 'is not' : 'is', null);
  if (filter.freshnessStatuses) {
    const statuses = filter.freshnessStatuses;
    q = q.where((eb) => {
      const checked = statuses.filter((status) => status !== 'unchecked');
      const conditions = checked.length ? [eb('a.freshness_status', 'in', checked)] : [];
      if (statuses.includes('unchecked')) conditions.push(eb('a.freshness_status', 'is', null));
      return eb.or(conditions);
    });
  }
  if (filter.testTypes) q = q.where('a.test_type', 'in', filter.testTypes.length ? filter.testTypes : ['']);
  if (filter.exposureType != null) q = q.where(sql<boolean>`${sql.ref('a.payload')} like ${`%"exposureType":${escapeLike(JSON.stringify(filter.exposureType))}%`} escape '\\'`);
  return q as Q;
}

function sortExpression(field: AppliedSortField) {
  if (field === 'execute_completed_at') return sql<string>`coalesce(a.execute_completed_at, '')`;
  if (field === 'row_count') return sql<number>`coalesce(a.row_count, -1)`;
  return sql<string>`a.unique_id`;
}

/** A page of the environment's applied nodes of one resource type, in keyset order. */
export async function listAppliedNodes(
  db: Db,
  environmentId: number,
  resourceType: string,
  filter: AppliedFilter,
  page: AppliedPageRequest & { readonly columns: AppliedColumns },
): Promise<{ rows: MetadataAppliedNode[]; hasNextPage: boolean }> {
  const sortBy = sortExpression(page.sort);
  const after = page.after;
  let query = applyFilter(
    db
      .selectFrom('metadata_applied_nodes as a')
      .select(nodeColumns(page.columns))
      .where('a.environment_id', '=', environmentId)
      .where('a.resource_type', '=', resourceType),
    filter,
  );
  if (after) {
    const op = page.direction === 'asc' ? '>' : '<';
    query =
      page.sort === 'unique_id'
        ? query.where('a.unique_id', op, after.uniqueId)
        : query.where((eb) =>
            eb.or([
              eb(sortBy, op, after.value ?? (page.sort === 'row_count' ? -1 : '')),
              eb.and([eb(sortBy, '=', after.value ?? (page.sort === 'row_count' ? -1 : '')), eb('a.unique_id', op, after.uniqueId)]),
            ]),
          );
  }
  if (page.sort !== 'unique_id') query = query.orderBy(sortBy, page.direction);
  const rows = (await query.orderBy('a.unique_id', page.direction).limit(page.first + 1).execute()) as MetadataAppliedNode[];
  return { rows: rows.slice(0, page.first), hasNextPage: rows.length > page.first };
}

export async function countAppliedNodes(db: Db, environmentId: number, resourceType: string, filter: AppliedFilter): Promise<number> {
  const { count } = await applyFilter(
    db
      .selectFrom('metadata_applied_nodes as a')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('a.environment_id', '=', environmentId)
      .where('a.resource_type', '=', resourceType),
    filter,
  ).executeTakeFirstOrThrow();
  return Number(count);
}

/** Bound parameters per statement when looking rows up by id (well under every driver's limit). */
const idsPerStatement = 5000;

/** Applied nodes by id, without code (any environment: callers reach ids only through an allowed node). */
export async function findAppliedNodesByIds(db: Db, ids: readonly number[], columns: AppliedColumns): Promise<MetadataAppliedNode[]> {
  const rows: MetadataAppliedNode[] = [];
  for (let start = 0; start < ids.length; start += idsPerStatement) {
    const chunk = await db
      .selectFrom('metadata_applied_nodes as a')
      .select(nodeColumns(columns))
      .where('a.id', 'in', ids.slice(start, start + idsPerStatement))
      .execute();
    rows.push(...(chunk as MetadataAppliedNode[]));
  }
  return rows;
}

/**
 * The parents or children of many nodes in one statement, each row tagged with the node it
 * relates to; `resourceTypes` limits what is returned (e.g. only tests). Without code: the
 * nested node types have none. Unordered (callers order each node's few relatives).
 */
export async function listAppliedRelatives(
  db: Db,
  nodeIds: readonly number[],
  direction: 'parents' | 'children',
  resourceTypes: readonly string[] | null,
  columns: AppliedColumns,
): Promise<(MetadataAppliedNode & { relative_of: number })[]> {
  if (nodeIds.length === 0) return [];
  const [from, to] = direction === 'parents' ? (['e.child_id', 'e.parent_id'] as const) : (['e.parent_id', 'e.child_id'] as const);
  let query = db
    .selectFrom('metadata_applied_edges as e')
    .innerJoin('metadata_applied_nodes as a', 'a.id', to)
    .select(nodeColumns(columns))
    .select(`${from} as relative_of`)
    .where(from, 'in', nodeIds);
  if (resourceTypes) query = query.where('a.resource_type', 'in', resourceTypes);
  return (await query.execute()) as (MetadataAppliedNode & { relative_of: number })[];
}

/** Every edge of the environment's graph (parent id, child id). */
export async function listAppliedEdges(db: Db, environmentId: number): Promise<{ parent_id: number; child_id: number }[]> {
  return db.selectFrom('metadata_applied_edges').select(['parent_id', 'child_id']).where('environment_id', '=', environmentId).execute();
}

/** Every node of the environment, for lineage selection (without code). */
export async function listLineageNodes(db: Db, environmentId: number) {
  return db
    .selectFrom('metadata_applied_nodes')
    .select(['id', 'unique_id', ...outlineColumns, 'last_run_status', 'project_id'])
    .where('environment_id', '=', environmentId)
    .orderBy('unique_id')
    .execute();
}

export type LineageNodeRow = Awaited<ReturnType<typeof listLineageNodes>>[number];

export async function countAppliedNodesByType(db: Db, environmentId: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('metadata_applied_nodes')
    .select(['resource_type', (eb) => eb.fn.countAll<number>().as('count')])
    .where('environment_id', '=', environmentId)
    .groupBy('resource_type')
    .orderBy('resource_type')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.resource_type, Number(row.count)]));
}

/** The distinct tag lists of the environment's nodes (callers flatten them). */
export async function listAppliedTagLists(db: Db, environmentId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('metadata_applied_nodes')
    .select('tags')
    .distinct()
    .where('environment_id', '=', environmentId)
    .where('tags', '<>', '[]')
    .execute();
  return rows.map((row) => row.tags);
}

export async function listAppliedPackages(db: Db, environmentId: number, resourceType: string): Promise<string[]> {
  const rows = await db
    .selectFrom('metadata_applied_nodes')
    .select('package_name')
    .distinct()
    .where('environment_id', '=', environmentId)
    .where('resource_type', '=', resourceType)
    .where('package_name', 'is not', null)
    .orderBy('package_name')
    .execute();
  return rows.map((row) => row.package_name!);
}
