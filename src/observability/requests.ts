import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DocumentNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type Logger, markErrorRequest } from './logger.js';
import type { Metrics } from './metrics.js';

/**
 * One log line and one metrics observation per request. The request is tracked from the moment
 * the gateway receives it (node:http listener or fetch) until its response; a yoga plugin adds
 * what only GraphQL knows: the operation, the error codes, the token. Nothing else is read from
 * the request: never its headers (but X-Request-Id), its query string, its body or variables.
 */

export const requestIdHeader = 'x-request-id';

/** A caller's request id is kept when it is short and plain (a UUID, a trace id), else replaced. */
const saneRequestId = /^[A-Za-z0-9._:@=+-]{1,128}$/;

export function requestIdFrom(header: string | null | undefined): string {
  return header && saneRequestId.test(header) ? header : randomUUID();
}

/** What the log line and the metrics need of one request; filled in as it is handled. */
interface RequestRecord {
  readonly requestId: string;
  readonly method: string;
  /** Without the query string: a GET query's variables stay out of the log. */
  readonly path: string;
  readonly startedAt: number;
  readonly bodyBytes: number | undefined;
  /** The GraphQL endpoint's label; undefined for other routes. */
  endpoint?: string;
  operationName?: string;
  operationType?: string;
  executed: boolean;
  tokenId?: number;
  clientIp?: string | null;
  readonly errorCodes: Set<string>;
}

/** The serverContext key a fetch-path request's record travels under. */
const recordKey = 'tollgateRequest';

/** Who called: what the app's identification found for a request (nothing when refused). */
export type CallerOf = (request: Request) => { tokenId?: number; clientIp: string | null };

export interface RequestObserverOptions {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly callerOf: CallerOf;
  /** GraphQL endpoint paths and their label (`/graphql` → `admin`). */
  readonly endpoints: ReadonlyMap<string, string>;
}

export interface RequestObserver {
  /** The yoga plugin for the GraphQL endpoint at `path`. */
  plugin(path: string): Plugin;
  /**
   * The id of the request a handler was given this server context for (the node request, or the
   * fetch path's record), for the lines it logs; undefined outside a tracked request.
   */
  requestIdOf(serverContext: Record<string, unknown>): string | undefined;
  /** Wraps the app's node:http listener: request id header, log line, metrics. */
  listener(
    inner: (request: IncomingMessage, response: ServerResponse) => void,
  ): (request: IncomingMessage, response: ServerResponse) => void;
  /** The same for the fetch entry point. */
  fetch(
    inner: (
      url: string,
      init: RequestInit | undefined,
      serverContext: Record<string, unknown>,
    ) => Promise<Response>,
  ): (
    url: string,
    init?: RequestInit,
    serverContext?: Record<string, unknown>,
  ) => Promise<Response>;
}

const healthPaths = new Set(['/healthz', '/readyz']);
const maxLoggedName = 100;

/**
 * One header of an in-process request, read without `new Headers()`: that constructor throws on
 * values a socket could never deliver (a newline, say), and the request must reach yoga, which
 * answers such input as it answers any other bad request.
 */
function headerOf(headers: HeadersInit | undefined, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  const found = entries.find(([key]) => key.toLowerCase() === name);
  return found ? String(found[1]) : null;
}

function declaredSize(value: string | null | undefined): number | undefined {
  return value && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** Error codes of a result's errors (an error without one counts as INTERNAL_SERVER_ERROR). */
function codesOf(
  errors: readonly { extensions?: Record<string, unknown> }[] | undefined,
): string[] {
  return (errors ?? []).map((error) => {
    const code = error.extensions?.code;
    return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
  });
}

export function createRequestObserver({
  logger,
  metrics,
  callerOf,
  endpoints,
}: RequestObserverOptions): RequestObserver {
  const nodeRecords = new WeakMap<IncomingMessage, RequestRecord>();
  const yogaRecords = new WeakMap<Request, RequestRecord>();

  const start = (
    method: string,
    url: string,
    requestId: string | null | undefined,
    contentLength: string | null | undefined,
  ): RequestRecord => ({
    requestId: requestIdFrom(requestId),
    method,
    path: url.split('?')[0]!,
    startedAt: performance.now(),
    bodyBytes: declaredSize(contentLength),
    executed: false,
    errorCodes: new Set(),
  });

  const finish = (record: RequestRecord, status: number, aborted = false) => {
    const durationMs = performance.now() - record.startedAt;
    const errorCodes = [...record.errorCodes];
    const route =
      record.endpoint ??
      (healthPaths.has(record.path) ? 'health' : status === 404 ? 'other' : 'console');
    const level = status >= 500 ? 'error' : route === 'health' ? 'debug' : 'info';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          requestId: record.requestId,
          method: record.method,
          path: record.path,
          status,
          durationMs: Math.round(durationMs * 10) / 10,
          ...(record.operationName !== undefined && { operation: record.operationName }),
          ...(record.operationType !== undefined && { operationType: record.operationType }),
          ...(errorCodes.length > 0 && { errorCodes }),
          ...(record.tokenId !== undefined && { tokenId: record.tokenId }),
          ...(record.clientIp && { clientIp: record.clientIp }),
          ...(aborted && { aborted: true }),
        },
        `${record.method} ${record.path} ${status}`,
      );
    }
    metrics?.observe({
      route,
      graphql: record.endpoint !== undefined,
      status,
      durationSeconds: durationMs / 1000,
      operationName: record.operationName,
      executed: record.executed,
      authenticated: record.tokenId !== undefined,
      errorCodes,
      bodyBytes: record.bodyBytes,
    });
  };

  const recordOf = (request: Request) => yogaRecords.get(request);
  const recordIn = (serverContext: object): RequestRecord | undefined => {
    const context = serverContext as { [recordKey]?: RequestRecord; req?: IncomingMessage };
    return context[recordKey] ?? (context.req && nodeRecords.get(context.req));
  };

  return {
    plugin(path) {
      const label = endpoints.get(path) ?? path;
      return {
        onRequest({ request, serverContext }) {
          const record = recordIn(serverContext);
          if (!record) return;
          record.endpoint = label;
          yogaRecords.set(request, record);
        },
        onParams({ request, params }) {
          const record = recordOf(request);
          if (record && typeof params.operationName === 'string')
            record.operationName = params.operationName.slice(0, maxLoggedName);
        },
        onExecute({ args }) {
          const request = (args.contextValue as { request?: Request }).request;
          const record = request && recordOf(request);
          if (!record) return;
          record.executed = true;
          const operation = getOperationAST(
            args.document as DocumentNode,
            args.operationName ?? undefined,
          );
          record.operationType = operation?.operation;
          record.operationName = operation?.name?.value.slice(0, maxLoggedName);
          return {
            // Before yoga masks (and logs) the unexpected ones: their log line gets the id.
            onExecuteDone({ result }) {
              if (Symbol.asyncIterator in result) return;
              for (const error of result.errors ?? []) markErrorRequest(error, record.requestId);
            },
          };
        },
        onResultProcess({ request, result }) {
          const record = recordOf(request);
          if (!record || Symbol.asyncIterator in result) return;
          for (const single of Array.isArray(result) ? result : [result])
            for (const code of codesOf(single.errors)) record.errorCodes.add(code);
        },
        // Not async: most responses need nothing awaited, and a promise per request is not free.
        onResponse({ request, response }) {
          const record = recordOf(request);
          if (!record) return;
          const caller = callerOf(request);
          record.tokenId = caller.tokenId;
          record.clientIp = caller.clientIp;
          // Refusals answered before execution (a bad token, a rate limit, a wrong content type)
          // bypass result processing: their small JSON body names the code.
          if (
            record.errorCodes.size === 0 &&
            response.status >= 400 &&
            response.headers.get('content-type')?.startsWith('application/json')
          ) {
            return response
              .clone()
              .json()
              .catch(() => undefined)
              .then((body: { errors?: { extensions?: Record<string, unknown> }[] } | undefined) => {
                for (const code of codesOf(body?.errors)) record.errorCodes.add(code);
              });
          }
        },
      };
    },

    requestIdOf(serverContext) {
      return recordIn(serverContext)?.requestId;
    },

    listener(inner) {
      return (request, response) => {
        const header = request.headers[requestIdHeader];
        const record = start(
          request.method ?? 'GET',
          request.url ?? '/',
          Array.isArray(header) ? header[0] : header,
          request.headers['content-length'],
        );
        nodeRecords.set(request, record);
        response.setHeader(requestIdHeader, record.requestId);
        response.once('close', () =>
          finish(record, response.statusCode, !response.writableFinished),
        );
        inner(request, response);
      };
    },

    fetch(inner) {
      return async (url, init, serverContext = {}) => {
        const record = start(
          init?.method ?? 'GET',
          new URL(url).pathname,
          headerOf(init?.headers, requestIdHeader),
          headerOf(init?.headers, 'content-length'),
        );
        let response: Response;
        try {
          response = await inner(url, init, { ...serverContext, [recordKey]: record });
        } catch (error) {
          finish(record, 500);
          throw error;
        }
        response.headers.set(requestIdHeader, record.requestId);
        finish(record, response.status);
        return response;
      };
    },
  };
}
