import type { ObjectRef } from '@pothos/core';
import {
  decodeCursor,
  defaultPageSize,
  encodeCursor,
  isRowId,
  maxPageSize,
  type Page,
  type PageRequest,
} from '../db/pagination.js';
import { badUserInput } from '../errors.js';
import { builder } from './builder.js';

/** A Relay connection, resolved lazily: `totalCount` runs its query only when asked for. */
export interface Connection<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: PageInfoShape;
  readonly totalCount: () => number | Promise<number>;
}

interface PageInfoShape {
  readonly startCursor: string | null;
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

export const PageInfo = builder.objectRef<PageInfoShape>('PageInfo').implement({
  fields: (t) => ({
    startCursor: t.exposeString('startCursor'),
    endCursor: t.exposeString('endCursor'),
    hasNextPage: t.exposeBoolean('hasNextPage', { nullable: false }),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage', { nullable: false }),
  }),
});

/** `XConnection { edges { cursor node } pageInfo totalCount }` and `XEdge` for a node type. */
export function connectionType<T>(
  node: ObjectRef<any, T>,
  name: string,
): ObjectRef<any, Connection<T>> {
  const Edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor', { nullable: false }),
      node: t.field({
        type: node,
        nullable: false,
        authz: 'parent',
        resolve: (edge) => edge.node as never,
      }),
    }),
  });
  return builder.objectRef<Connection<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.expose('edges', { type: [Edge], nullable: false, authz: 'parent' }),
      pageInfo: t.expose('pageInfo', { type: PageInfo, nullable: false, authz: 'parent' }),
      totalCount: t.int({
        nullable: false,
        authz: 'parent',
        resolve: (connection) => connection.totalCount(),
      }),
    }),
  });
}

/** The `first`/`after` arguments every list field takes. */
export const pageArgs = builder.args((t) => ({
  first: t.int({
    description: `How many items (default ${defaultPageSize}, at most ${maxPageSize}).`,
  }),
  after: t.string({ description: 'The `endCursor` of the previous page.' }),
}));

/** A cursor of these lists: the row's id and, for lists sorted by another column, its sort value. */
function positionOf(cursor: string): { afterId: number; afterKey?: string } {
  const [id, key, ...rest] = decodeCursor(cursor) ?? [];
  if (!isRowId(id) || (key !== undefined && typeof key !== 'string') || rest.length > 0) {
    throw badUserInput('after is not a cursor this API returned.', 'after');
  }
  return key === undefined ? { afterId: id } : { afterId: id, afterKey: key };
}

/** Validates `first`/`after` into a keyset page request; out-of-range input is BAD_USER_INPUT. */
export function pageRequest(
  args: { first?: number | null; after?: string | null },
  max = maxPageSize,
): PageRequest {
  const first = args.first ?? Math.min(defaultPageSize, max);
  if (first < 0 || first > max) throw badUserInput(`first must be between 0 and ${max}.`, 'first');
  return { first, ...(args.after ? positionOf(args.after) : { afterId: null }) };
}

/**
 * An edge whose cursor is encoded when read: a page of 1,000 whose query asks for no cursor (most
 * do not) encodes none but the page's first and last.
 */
class Edge<T extends { id: number }> {
  #cursor?: string;

  constructor(
    readonly node: T,
    private readonly sortKey: ((row: T) => string) | undefined,
  ) {}

  get cursor(): string {
    this.#cursor ??= encodeCursor(
      this.sortKey ? [this.node.id, this.sortKey(this.node)] : [this.node.id],
    );
    return this.#cursor;
  }
}

/** `sortKey` gives each row's sort value when the list is not sorted by id. */
export function toConnection<T extends { id: number }>(
  page: Page<T>,
  request: PageRequest,
  totalCount: () => Promise<number>,
  sortKey?: (row: T) => string,
): Connection<T> {
  const edges = page.rows.map((node) => new Edge(node, sortKey));
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasNextPage: page.hasNextPage,
      hasPreviousPage: request.afterId !== null,
    },
    totalCount,
  };
}

/** Resolves a connection field: validates `first`/`after`, fetches the page, counts lazily. */
export async function resolveConnection<T extends { id: number }>(
  args: { first?: number | null; after?: string | null },
  list: (request: PageRequest) => Promise<Page<T>>,
  count: () => Promise<number>,
  sortKey?: (row: T) => string,
): Promise<Connection<T>> {
  const request = pageRequest(args);
  return toConnection(await list(request), request, count, sortKey);
}
