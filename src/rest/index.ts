import { answerOf, type OperationRunner, routeContext } from './api.js';
import { errorEnvelope } from './envelope.js';
import { openApiDocument } from './openapi.js';
import { type Route, routes } from './routes.js';

// dbt Cloud's REST API (v2 and v3), as a second face of the admin API: each route runs persisted
// operations of the admin schema through the runner the app hands in, and reshapes the result.
// Nothing here decides what a token may do.

export type { OperationRunner } from './api.js';

/** Where the REST API answers. */
export const restPrefix = '/api/';
export const openApiPath = '/api/openapi.json';

interface Match {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/** The segments of a route's path pattern matched against a request's; params or undefined. */
function matchPath(
  pattern: string,
  segments: readonly string[],
): Record<string, string> | undefined {
  const parts = pattern.split('/');
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    if (part === '{path+}') {
      const rest = segments.slice(index);
      if (rest.length === 0) return undefined;
      params.path = rest.join('/');
      return params;
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    if (part.startsWith('{')) {
      // Ids are positive whole numbers; anything else is no such route.
      if (!/^[1-9][0-9]{0,14}$/.test(segment)) return undefined;
      params[part.slice(1, -1)] = segment;
    } else if (part !== segment) return undefined;
  }
  return segments.length === parts.length ? params : undefined;
}

/**
 * Finds the route of a path below /api/: `v2/accounts/1/jobs/` and `v2/accounts/1/jobs` alike
 * (a trailing slash is never redirected: clients lose a POST's body on a 301).
 */
function find(method: string, pathname: string): { match?: Match; allowed: string[] } {
  const segments = pathname
    .slice(restPrefix.length)
    .split('/')
    .filter((segment, index, all) => segment !== '' || index < all.length - 1)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
  const version = segments[0];
  const allowed: string[] = [];
  for (const route of routes) {
    if (!(route.versions as readonly string[]).includes(version ?? '')) continue;
    const params = matchPath(route.path, segments.slice(1));
    if (!params) continue;
    if (route.method === method) return { match: { route, params }, allowed };
    allowed.push(route.method);
  }
  return { allowed };
}

/**
 * The body's text, read up to `maxBytes`: undefined when it is longer (the rest is not read). The
 * GraphQL routes refuse large bodies the same way (TOLLGATE_MAX_BODY_BYTES).
 */
async function boundedText(request: Request, maxBytes: number): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes || !request.body) return declared > maxBytes ? undefined : '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The REST API's request handler; bodies are limited to `maxBodyBytes`. */
export function createRestApi({
  runOperation,
  maxBodyBytes,
}: {
  runOperation: OperationRunner;
  maxBodyBytes: number;
}) {
  return {
    async handle(
      incoming: Request,
      serverContext: Record<string, unknown> = {},
    ): Promise<Response> {
      let request = incoming;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const text = await boundedText(request, maxBodyBytes);
        if (text === undefined)
          return errorEnvelope(
            413,
            `The request body is larger than ${maxBodyBytes} bytes.`,
            'PAYLOAD_TOO_LARGE',
          );
        request = new Request(incoming.url, {
          method: incoming.method,
          headers: incoming.headers,
          body: text,
        });
      }
      const { pathname } = new URL(request.url);
      if (pathname === openApiPath || pathname === `${openApiPath}/`) {
        if (request.method !== 'GET' && request.method !== 'HEAD')
          return errorEnvelope(405, 'Use GET.', 'METHOD_NOT_ALLOWED', { allow: 'GET' });
        return new Response(JSON.stringify(openApiDocument()), {
          headers: { 'content-type': 'application/json' },
        });
      }
      const { match, allowed } = find(request.method, pathname);
      if (!match) {
        if (allowed.length > 0)
          return errorEnvelope(
            405,
            `${request.method} is not allowed here; use ${allowed.join(' or ')}.`,
            'METHOD_NOT_ALLOWED',
            { allow: allowed.join(', ') },
          );
        return errorEnvelope(
          404,
          'Not found.',
          `No REST route for ${request.method} ${pathname}; see ${openApiPath}.`,
        );
      }
      try {
        return await match.route.handle(
          routeContext(runOperation, request, match.params, serverContext),
        );
      } catch (error) {
        const answer = answerOf(error);
        if (answer) return answer;
        throw error;
      }
    },
  };
}
