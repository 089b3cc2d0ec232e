import { GraphQLError } from 'graphql';

/**
 * The errors clients see. Each carries `extensions.code`; anything else a resolver throws is
 * masked by yoga as "Unexpected error." so internals never leak.
 */

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED';

/** No usable token. Deliberately says nothing about why, so it does not help guessing. */
export function unauthenticated(): GraphQLError {
  return new GraphQLError(
    'Authentication required: send a valid service token as "Authorization: Bearer <token>".',
    {
      extensions: {
        code: 'UNAUTHENTICATED',
        http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="tollgate"' } },
      },
    },
  );
}

export interface RequiredPermission {
  readonly resource: string;
  readonly action: 'read' | 'write';
  readonly projectId?: number;
  readonly environmentCategory?: string | null;
  readonly acceptedPermissionSets: readonly string[];
  /** On a whole project: the accepted sets that allow it only with writableEnvironmentCategories all. */
  /** For a write on a whole project: the sets that write the resource only per environment. */
  readonly perEnvironmentOnly?: readonly string[];
}

/** The account's IP restrictions refuse the client's address; the whole request is refused. */
export function ipRestricted(): GraphQLError {
  return new GraphQLError(
    "Forbidden: this client's IP address is not allowed by the account's IP restrictions.",
    {
      extensions: { code: 'FORBIDDEN', reason: 'ip_restricted', http: { status: 403 } },
    },
  );
}

/** The token is known but its grants do not allow this; names the permission it lacks. */
export function forbidden(required: RequiredPermission): GraphQLError {
  const where =
    required.projectId === undefined
      ? 'in this account'
      : `on project ${required.projectId}${required.environmentCategory ? ` (${required.environmentCategory} environment)` : ''}${
          required.perEnvironmentOnly?.length
            ? ` (the whole project, outside any one environment, where ${required.perEnvironmentOnly.join(', ')} never write, whatever categories they list)`
            : ''
        }`;
  return new GraphQLError(
    `Forbidden: this token lacks ${required.resource}:${required.action} ${where}.`,
    {
      extensions: {
        code: 'FORBIDDEN',
        requiredPermission: `${required.resource}:${required.action}`,
        ...(required.projectId === undefined ? {} : { projectId: String(required.projectId) }),
        acceptedPermissionSets: required.acceptedPermissionSets,
      },
    },
  );
}

/**
 * The object does not exist, or lies outside what the token's grants reach. The two are
 * indistinguishable on purpose: existence across projects and accounts is not confirmed.
 */
export function notFound(label: string): GraphQLError {
  return new GraphQLError(`${label} not found.`, { extensions: { code: 'NOT_FOUND' } });
}

/** How much of a client's value an error message repeats. */
export const maxEcho = 100;

/** The client's value as a message may repeat it: at most `maxEcho` characters. */
export function echoed(value: string): string {
  return value.length > maxEcho ? `${value.slice(0, maxEcho)}…` : value;
}

/**
 * Messages quote the client's value (`id must be a positive integer id, not "…"`): a quoted
 * value longer than `maxEcho` is cut, so a 900 KB id does not come back whole.
 */
function withShortQuotes(message: string): string {
  return message.replace(/"([^"]*)"/g, (quoted, inner: string) =>
    inner.length > maxEcho ? `"${echoed(inner)}"` : quoted,
  );
}

/** Input the server refuses; `field` is the input path at fault. Nothing was written. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(withShortQuotes(message), {
    extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
  });
}

/** Too many requests: HTTP 429 with Retry-After. */
export function rateLimited(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests; retry in ${retryAfterSeconds} seconds.`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
    },
  });
}

/**
 * An error as a whole HTTP response, for refusals that happen before GraphQL runs (a bad token,
 * a rate limit): the status and headers its `extensions.http` asks for, the error in the body.
 */
export function errorResponse(error: GraphQLError): Response {
  const { http, ...extensions } = error.extensions as {
    http?: { status?: number; headers?: Record<string, string> };
  };
  return new Response(JSON.stringify({ errors: [{ message: error.message, extensions }] }), {
    status: http?.status ?? 500,
    headers: { 'content-type': 'application/json', ...http?.headers },
  });
}
