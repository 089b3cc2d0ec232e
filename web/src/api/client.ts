import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

/**
 * The console's GraphQL client, shared with its browser tests: a JSON POST like any client's,
 * typed by the documents generated from web/operations/ (admin/ and discovery/).
 */

/** Where each API answers, relative to the console's origin. */
export const endpoints = { admin: '/graphql', discovery: '/discovery/graphql' } as const;
export type Api = keyof typeof endpoints;

export interface ApiErrorDetail {
  readonly message: string;
  readonly code?: string;
  /** On FORBIDDEN: the permission the token lacks, e.g. `service_tokens:write`. */
  readonly requiredPermission?: string;
  readonly acceptedPermissionSets?: readonly string[];
  /** On BAD_USER_INPUT: the input field at fault. */
  readonly field?: string;
}

/** A refused or failed request, with the API's own explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly details: readonly ApiErrorDetail[],
  ) {
    super(
      details.map((detail) => detail.message).join(' ') || `The request failed (HTTP ${status}).`,
    );
  }
  get code(): string | undefined {
    return this.details[0]?.code;
  }
  get requiredPermission(): string | undefined {
    return this.details.find((detail) => detail.requiredPermission)?.requiredPermission;
  }
}

interface RawError {
  message: string;
  extensions?: {
    code?: string;
    requiredPermission?: string;
    acceptedPermissionSets?: string[];
    field?: string;
  };
}

export interface ClientOptions {
  /** The gateway's origin; empty in the browser (same origin). */
  readonly baseUrl?: string;
  /** A service token; none: the request rides on the member's session cookie (same origin). */
  readonly token?: string;
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * The header every cookie-authenticated request carries: the gateway refuses the session cookie
 * on a request without it, which no page of another site can send.
 */
export const sessionCsrfHeader = 'x-tollgate-csrf';

/** The headers that authenticate a request: the token, or the session's CSRF header. */
export function authenticationHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : { [sessionCsrfHeader]: '1' };
}

export type Variables<T> = T extends DocumentTypeDecoration<unknown, infer V> ? V : never;
export type Result<T> = T extends DocumentTypeDecoration<infer R, unknown> ? R : never;

export interface Client {
  /** The data of a successful response; throws ApiError when the response has any error. */
  request<TResult, TVariables>(
    api: Api,
    document: DocumentTypeDecoration<TResult, TVariables>,
    ...[variables]: Record<string, never> extends TVariables
      ? [variables?: TVariables]
      : [variables: TVariables]
  ): Promise<TResult>;
}

export function createClient({
  baseUrl = '',
  token,
  fetch = globalThis.fetch.bind(globalThis),
}: ClientOptions): Client {
  return {
    async request(api, document, variables?) {
      let response: Response;
      try {
        response = await fetch(baseUrl + endpoints[api], {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            ...authenticationHeaders(token),
          },
          credentials: 'same-origin',
          body: JSON.stringify({ query: String(document), variables: variables ?? {} }),
        });
      } catch {
        throw new ApiError(0, [{ message: 'The gateway cannot be reached.' }]);
      }
      let body: { data?: unknown; errors?: RawError[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new ApiError(response.status, [
          { message: `The gateway answered HTTP ${response.status} without a GraphQL response.` },
        ]);
      }
      if (body.errors?.length) {
        throw new ApiError(
          response.status,
          body.errors.map((error) => ({
            message: error.message,
            code: error.extensions?.code,
            requiredPermission: error.extensions?.requiredPermission,
            acceptedPermissionSets: error.extensions?.acceptedPermissionSets,
            field: error.extensions?.field,
          })),
        );
      }
      if (!response.ok || body.data == null) throw new ApiError(response.status, []);
      return body.data as never;
    },
  };
}
