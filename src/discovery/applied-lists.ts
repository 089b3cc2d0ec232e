import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import {
  type AppliedColumns,
  type AppliedFilter,
  type AppliedPageRequest,
  type AppliedSortField,
  countAppliedNodes,
  listAppliedNodes,
} from '../db/metadata-applied-nodes.js';
import { decodeCursor, encodeCursor } from '../db/pagination.js';
import type { MetadataEnvironmentStateRow } from '../db/tables/metadata.js';
import { badUserInput } from '../errors.js';
import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import { appliedNodeView } from '../metadata/node-views.js';
import { discoveryBuilder as builder } from './builder.js';
import {
  AccessLevelEnum,
  appliedFirst,
  type ConnectionShape,
  FreshnessStatusEnum,
  RunStatusEnum,
  SortDirectionEnum,
  TestTypeEnum,
} from './common.js';
import { rowColumnsNeeded, selectsAnyOf } from './lookahead.js';

// The applied lists (Environment.applied.models, .sources, ...): dbt's filters and sort, and
// keyset pages over the environment's applied nodes.

const codeFields = new Set(['rawCode', 'compiledCode', 'macroSql']);
const freshnessFields = new Set(['freshness']);
const catalogFields = new Set(['catalog']);

// Filters, as dbt defines them.

export const ModelAppliedFilter = builder.inputType('ModelAppliedFilter', {
  fields: (t) => ({
    access: t.field({ type: AccessLevelEnum }),
    database: t.string(),
    group: t.string(),
    identifier: t.string(),
    lastRunStatus: t.field({ type: RunStatusEnum }),
    modelingLayer: t.string(),
    packageName: t.string(),
    schema: t.string(),
    tags: t.stringList(),
    uniqueIds: t.stringList(),
  }),
});

export const SourceAppliedFilter = builder.inputType('SourceAppliedFilter', {
  fields: (t) => ({
    database: t.string(),
    freshnessChecked: t.boolean(),
    freshnessStatus: t.field({ type: FreshnessStatusEnum }),
    identifier: t.string(),
    schema: t.string(),
    sourceNames: t.stringList(),
    tags: t.stringList(),
    uniqueIds: t.stringList(),
  }),
});

export const TestAppliedFilter = builder.inputType('TestAppliedFilter', {
  fields: (t) => ({
    status: t.string({
      description: 'The last run status as dbt reports it: pass, fail, warn, error or skipped.',
    }),
    tags: t.stringList(),
    testTypes: t.field({ type: [TestTypeEnum] }),
    uniqueIds: t.stringList(),
  }),
});

export const GenericMaterializedFilter = builder.inputType('GenericMaterializedFilter', {
  fields: (t) => ({
    database: t.string(),
    identifier: t.string(),
    schema: t.string(),
    tags: t.stringList(),
    uniqueIds: t.stringList(),
  }),
});

export const ExposureFilter = builder.inputType('ExposureFilter', {
  fields: (t) => ({
    exposureType: t.string(),
    tags: t.stringList(),
    uniqueIds: t.stringList(),
  }),
});

const AppliedModelSortField = builder.enumType('AppliedModelSortField', {
  values: ['executeCompletedAt', 'queryUsageCount', 'rowCount', 'uniqueId'] as const,
});

export const AppliedModelSort = builder.inputType('AppliedModelSort', {
  fields: (t) => ({
    direction: t.field({ type: SortDirectionEnum, required: true }),
    field: t.field({ type: AppliedModelSortField, required: true }),
  }),
});

/**
 * The stored column of each sort. No warehouse query history reaches the gateway, so every model's
 * queryUsageCount is null: all are equal, and their order is the uniqueId tie-break (ascending).
 */
export function appliedSort(sort: {
  field: 'executeCompletedAt' | 'queryUsageCount' | 'rowCount' | 'uniqueId';
  direction: 'asc' | 'desc';
}): { field: AppliedSortField; direction: 'asc' | 'desc' } {
  if (sort.field === 'queryUsageCount') return { field: 'unique_id', direction: 'asc' };
  const columns = {
    uniqueId: 'unique_id',
    executeCompletedAt: 'execute_completed_at',
    rowCount: 'row_count',
  } as const;
  return { field: columns[sort.field], direction: sort.direction };
}

function sortValue(node: AppliedNodeView, sort: AppliedSortField): string | number | null {
  if (sort === 'execute_completed_at') return node.executionInfo.executeCompletedAt;
  if (sort === 'row_count') return node.rowCount;
  return node.uniqueId;
}

/** A cursor of an applied list: its sort field, the row's sort value and its unique id. */
function positionOf(cursor: string, sort: AppliedSortField): AppliedPageRequest['after'] {
  const [cursorSort, value, uniqueId] = decodeCursor(cursor) ?? [];
  if (
    cursorSort === sort &&
    typeof uniqueId === 'string' &&
    (value === null || typeof value === 'string' || typeof value === 'number')
  ) {
    return { value, uniqueId };
  }
  throw badUserInput('after is not a cursor of this list in this order.', 'after');
}

/**
 * An edge of an applied list. Its cursor is encoded when read: a page of 500 whose query asks
 * for no cursor (most do not) encodes none but the page's first and last.
 */
class AppliedEdge {
  #cursor?: string;

  constructor(
    readonly node: AppliedNodeView,
    private readonly sort: AppliedSortField,
  ) {}

  get cursor(): string {
    this.#cursor ??= encodeCursor([this.sort, sortValue(this.node, this.sort), this.node.uniqueId]);
    return this.#cursor;
  }
}

/**
 * What a page reads: only the columns its fields show when each is known to read just its own
 * (see `rowColumnsNeeded`), else the column groups the query can show. The sort value is read
 * for the cursors: sorting by row count needs the catalog's.
 */
function pageColumns(
  resourceType: string | readonly string[],
  info: GraphQLResolveInfo,
  sort: AppliedSortField,
): AppliedColumns {
  const only = rowColumnsNeeded(info);
  if (only) return { only: sort === 'unique_id' ? only : [...only, sort] };
  return {
    payload: true,
    relation: true,
    code: selectsAnyOf(info, codeFields),
    freshness: [resourceType].flat().includes('source') && selectsAnyOf(info, freshnessFields),
    catalog: sort === 'row_count' || selectsAnyOf(info, catalogFields),
  };
}

/** Resolves one applied list: validates first/after/sort, fetches the page, counts lazily. */
export async function appliedConnection(
  applied: AppliedShape,
  resourceType: string | readonly string[],
  filter: AppliedFilter,
  args: { first?: number | null; after?: string | null },
  context: Context,
  info: GraphQLResolveInfo,
  sort: { field: AppliedSortField; direction: 'asc' | 'desc' } = {
    field: 'unique_id',
    direction: 'asc',
  },
): Promise<ConnectionShape<AppliedNodeView>> {
  const first = appliedFirst(args.first);
  const after = args.after ? positionOf(args.after, sort.field) : null;
  const page = await listAppliedNodes(context.db, applied.environmentId, resourceType, filter, {
    first,
    sort: sort.field,
    direction: sort.direction,
    after,
    columns: pageColumns(resourceType, info, sort.field),
  });
  const edges = page.rows.map((row) => new AppliedEdge(appliedNodeView(row), sort.field));
  return {
    projectId: applied.projectId,
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after !== null,
    },
    totalCount: () => countAppliedNodes(context.db, applied.environmentId, resourceType, filter),
  };
}

/** What Environment.applied (and Environment.definition) resolves to. */
export interface AppliedShape {
  readonly environmentId: number;
  readonly projectId: number;
  readonly state: MetadataEnvironmentStateRow | null;
}

export const pageArgs = builder.args((t) => ({
  first: t.int({ description: 'How many nodes (at most 500; 500 when left out).' }),
  after: t.string({ description: 'The `endCursor` of the previous page.' }),
}));
