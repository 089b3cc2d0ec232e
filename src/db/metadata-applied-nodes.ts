import { type SelectQueryBuilder, sql } from 'kysely';
import type { Database, Db } from './database.js';
import type { MetadataAppliedNodeRow } from './tables/metadata.js';

// Reads of the applied state (written by metadata-applied.ts): pages of nodes with dbt's filters
// and orders. The graph and environment-wide reads are in metadata-applied-graph.ts.

/** The columns every read has: what identifies a node, types it and places it in its project. */
export const identityColumns = [
  'id',
  'environment_id',
  'account_id',
  'project_id',
  'unique_id',
  'resource_type',
  'name',
  'test_type',
] as const satisfies readonly (keyof MetadataAppliedNodeRow)[];

/** The columns of every read by column groups: identity, definition (without code and payload), executions. */
const baseColumns = [
  ...identityColumns,
  'dbt_version',
  'manifest_run_id',
  'file_path',
  'tags',
  'last_run_id',
  'last_job_id',
  'last_run_status',
  'last_run_error',
  'last_run_failures',
  'last_run_generated_at',
  'success_run_id',
  'success_job_id',
  'run_generated_at',
  'compile_started_at',
  'compile_completed_at',
  'execute_started_at',
  'execute_completed_at',
  'execution_time',
  'run_elapsed_time',
  // A model without a description shows its relation's comment (isDescriptionInherited).
  'catalog_comment',
] as const satisfies readonly (keyof MetadataAppliedNodeRow)[];

const optionalColumns = {
  /**
   * The manifest's other fields (description, meta, config, columns, ...) as one JSON text: the
   * widest column, and a string to copy out of SQLite for every row that reads it.
   */
  payload: ['payload'],
  /** Where a materialized node lives and how; tests have none of it. */
  relation: [
    'package_name',
    'database_name',
    'schema_name',
    'identifier',
    'materialized',
    'access',
    'dbt_group',
    'source_name',
    'manifest_generated_at',
  ],
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
    'catalog_columns',
    'catalog_stats',
    'row_count',
    'bytes',
    'catalog_run_id',
    'catalog_job_id',
    'catalog_generated_at',
  ],
} as const satisfies Record<string, readonly (keyof MetadataAppliedNodeRow)[]>;

/** A column of an applied node's row. */
export type AppliedNodeColumn = keyof MetadataAppliedNodeRow & string;

/**
 * What a read of applied nodes selects: the base columns and the optional groups it needs, or
 * `only` the identity columns and the listed ones (for a query whose every field is known to
 * read no others; see src/discovery/lookahead.ts). Rows are wide, and every value read is one
 * more to copy out of SQLite: a page reads only what its fields can show, which keeps a
 * 500-row page cheap. Columns left out are absent from the rows.
 */
export type AppliedColumns =
  | Readonly<Record<keyof typeof optionalColumns, boolean>>
  | { readonly only: readonly AppliedNodeColumn[] };

export const allAppliedColumns: AppliedColumns = {
  payload: true,
  relation: true,
  code: true,
  freshness: true,
  catalog: true,
};

/** The columns of a read that needs the given groups, or only the given columns. */
export function nodeColumns(wanted: AppliedColumns) {
  const columns: readonly string[] =
    'only' in wanted
      ? [...new Set([...identityColumns, ...wanted.only])]
      : [
          ...baseColumns,
          ...(Object.keys(optionalColumns) as (keyof typeof optionalColumns)[]).flatMap((group) =>
            wanted[group] ? optionalColumns[group] : [],
          ),
        ];
  // Typed as every column: readers never read the ones left out.
  return columns.map((column) => `a.${column}`) as `a.${AppliedNodeColumn}`[];
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
  /** Models of this layer (staging, intermediate, marts), as ingestion derived it. */
  readonly modelingLayer?: string | null;
}

export type AppliedSortField = 'unique_id' | 'execute_completed_at' | 'row_count';

export interface AppliedPageRequest {
  readonly first: number;
  readonly sort: AppliedSortField;
  readonly direction: 'asc' | 'desc';
  /** The sort value and unique id of the last row of the previous page. */
  readonly after: { readonly value: string | number | null; readonly uniqueId: string } | null;
}

type AppliedQuery = SelectQueryBuilder<
  Database & { a: Database['metadata_applied_nodes'] },
  'a',
  object
>;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function applyFilter<Q extends AppliedQuery>(query: Q, filter: AppliedFilter): Q {
  let q: AppliedQuery = query;
  if (filter.uniqueIds)
    q = q.where('a.unique_id', 'in', filter.uniqueIds.length ? filter.uniqueIds : ['']);
  if (filter.tags?.length) {
    const tags = filter.tags;
    // Tags are a JSON array of strings: match the quoted tag, escaped for LIKE.
    q = q.where((eb) =>
      eb.or(
        tags.map(
          (tag) =>
            sql<boolean>`${eb.ref('a.tags')} like ${`%${escapeLike(JSON.stringify(tag))}%`} escape '\\'`,
        ),
      ),
    );
  }
  if (filter.database != null) q = q.where('a.database_name', '=', filter.database);
  if (filter.schema != null) q = q.where('a.schema_name', '=', filter.schema);
  if (filter.identifier != null) q = q.where('a.identifier', '=', filter.identifier);
  if (filter.packageName != null) q = q.where('a.package_name', '=', filter.packageName);
  if (filter.access != null) q = q.where('a.access', '=', filter.access);
  if (filter.group != null) q = q.where('a.dbt_group', '=', filter.group);
  if (filter.lastRunStatuses)
    q = q.where(
      'a.last_run_status',
      'in',
      filter.lastRunStatuses.length ? filter.lastRunStatuses : [''],
    );
  if (filter.sourceNames)
    q = q.where('a.source_name', 'in', filter.sourceNames.length ? filter.sourceNames : ['']);
  if (filter.freshnessChecked != null)
    q = q.where('a.freshness_status', filter.freshnessChecked ? 'is not' : 'is', null);
  if (filter.freshnessStatuses) {
    const statuses = filter.freshnessStatuses;
    q = q.where((eb) => {
      const checked = statuses.filter((status) => status !== 'unchecked');
      const conditions = checked.length ? [eb('a.freshness_status', 'in', checked)] : [];
      if (statuses.includes('unchecked')) conditions.push(eb('a.freshness_status', 'is', null));
      return eb.or(conditions);
    });
  }
  if (filter.testTypes)
    q = q.where('a.test_type', 'in', filter.testTypes.length ? filter.testTypes : ['']);
  for (const [key, value] of [
    ['exposureType', filter.exposureType],
    ['modelingLayer', filter.modelingLayer],
  ] as const) {
    // Payload fields written by JSON.stringify: `"key":"value"` with nothing between.
    if (value != null)
      q = q.where(
        sql<boolean>`${sql.ref('a.payload')} like ${`%${escapeLike(JSON.stringify(key))}:${escapeLike(JSON.stringify(value))}%`} escape '\\'`,
      );
  }
  return q as Q;
}

const typesOf = (resourceType: string | readonly string[]) =>
  typeof resourceType === 'string' ? [resourceType] : resourceType.length ? resourceType : [''];

function sortExpression(field: AppliedSortField) {
  if (field === 'execute_completed_at') return sql<string>`coalesce(a.execute_completed_at, '')`;
  if (field === 'row_count') return sql<number>`coalesce(a.row_count, -1)`;
  return sql<string>`a.unique_id`;
}

/** A page of the environment's applied nodes of the resource type(s), in keyset order. */
export async function listAppliedNodes(
  db: Db,
  environmentId: number,
  resourceType: string | readonly string[],
  filter: AppliedFilter,
  page: AppliedPageRequest & { readonly columns: AppliedColumns },
): Promise<{ rows: MetadataAppliedNodeRow[]; hasNextPage: boolean }> {
  const sortBy = sortExpression(page.sort);
  const after = page.after;
  let query = applyFilter(
    db
      .selectFrom('metadata_applied_nodes as a')
      .select(nodeColumns(page.columns))
      .where('a.environment_id', '=', environmentId)
      .where('a.resource_type', 'in', typesOf(resourceType)),
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
              eb.and([
                eb(sortBy, '=', after.value ?? (page.sort === 'row_count' ? -1 : '')),
                eb('a.unique_id', op, after.uniqueId),
              ]),
            ]),
          );
  }
  if (page.sort !== 'unique_id') query = query.orderBy(sortBy, page.direction);
  const rows = (await query
    .orderBy('a.unique_id', page.direction)
    .limit(page.first + 1)
    .execute()) as MetadataAppliedNodeRow[];
  return { rows: rows.slice(0, page.first), hasNextPage: rows.length > page.first };
}

export async function countAppliedNodes(
  db: Db,
  environmentId: number,
  resourceType: string | readonly string[],
  filter: AppliedFilter,
): Promise<number> {
  const { count } = await applyFilter(
    db
      .selectFrom('metadata_applied_nodes as a')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('a.environment_id', '=', environmentId)
      .where('a.resource_type', 'in', typesOf(resourceType)),
    filter,
  ).executeTakeFirstOrThrow();
  return Number(count);
}
