import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, print } from 'graphql';

export * from './generated/admin/graphql.js';

export interface TollgateResponse<TData> {
  readonly status: number;
  readonly data?: TData | null;
  readonly errors?: readonly GraphQLFormattedError[];
  readonly extensions?: Record<string, unknown>;
}

export interface TollgateClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  readonly url: string;
  readonly token?: string;
  /** A fetch implementation; defaults to the global one (tests pass yoga's). */
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * A minimal typed client over the documents generated from schema/operations/: results and
 * variables are typed from the operation.
 */
export function createTollgateClient({
  url,
  token,
  fetch = globalThis.fetch,
}: TollgateClientOptions) {
  const printed = new WeakMap<object, string>();
  return {
    async request<TData, TVariables>(
      document: TypedDocumentNode<TData, TVariables>,
      // biome-ignore lint/complexity/noBannedTypes: `{} extends TVariables` is how "every variable is optional" is spelled.
      ...[variables]: {} extends TVariables ? [variables?: TVariables] : [variables: TVariables]
    ): Promise<TollgateResponse<TData>> {
      let query = printed.get(document);
      if (query === undefined) {
        query = print(document);
        printed.set(document, query);
      }
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<TollgateResponse<TData>, 'status'>;
      return { status: response.status, ...body };
    },
  };
}

export type TollgateClient = ReturnType<typeof createTollgateClient>;
