import type { ObjectRef } from '@pothos/core';
import type { Page, PageRequest } from '../db/pagination.js';
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
export function connectionType<T>(node: ObjectRef<any, T>, name: string): ObjectRef<any, Connection<T>> {
  const Edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor', { nullable: false }),
      node: t.field({ type: node, nullable: false, authz: 'parent', resolve: (edge) => edge.node as never }),
    }),
  });
  return builder.objectRef<Connection<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.expose('edges', { type: [Edge], nullable: false, authz: 'parent' }),
      pageInfo: t.expose('pageInfo', { type: PageInfo, nullable: false, authz: 'parent' }),
      totalCount: t.int({ nullable: false, authz: 'parent', resolve: (connection) => connection.totalCount() }),
    }),
  });
}

export const defaultPageSize = 100;
export const maxPageSize = 500;

/** The `first`/`after` arguments every list field takes. */
export const pageArgs = builder.args((t) => ({
  first: t.int({ description: `How many items (default ${defaultPageSize}, at most ${maxPageSize}).` }),
  after: t.string({ description: 'The `endCursor` of the previous page.' }),
}));

function encodeCursor(id: number): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^id:([1-9][0-9]{0,14})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badUserInput('after is not a cursor this API returned.', 'after');
  return Number(match[1]);
}

/** Validates `first`/`after` into a keyset page request; out-of-range input is BAD_USER_INPUT. */
export function pageRequest(args: { first?: number | null; after?: string | null }, max = maxPageSize): PageRequest {
  const first = args.first ?? Math.min(defaultPageSize, max);
  if (first < 0 || first > max) throw badUserInput(`first must be between 0 and ${max}.`, 'first');
  return { first, afterId: args.after ? decodeCursor(args.after) : null };
}

export function toConnection<T extends { id: number }>(
  page: Page<T>,
  request: PageRequest,
  totalCount: () => Promise<number>,
): Connection<T> {
  const edges = page.rows.map((node) => ({ cursor: encodeCursor(node.id), node }));
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
): Promise<Connection<T>> {
  const request = pageRequest(args);
  return toConnection(await list(request), request, count);
}
