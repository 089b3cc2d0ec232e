import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The gateway's Prometheus metrics. Every label takes values from a bounded set: endpoints and
 * routes are fixed, outcomes come from a fixed list of error codes, and operation names are
 * admitted up to a cap (see `OperationNames`), so no caller can create series without limit.
 */

/** The database pool's state; only PostgreSQL has a pool (SQLite is one in-process handle). */
export interface PoolStats {
  /** Connections open, busy or idle. */
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection: a pool too small for the load. */
  readonly waiting: number;
}

export interface MetricsOptions {
  /** Tokens neither revoked nor expired, counted when the metrics are scraped. */
  readonly countActiveTokens?: () => Promise<number>;
  /** The database pool, read when scraped; undefined when there is none. */
  readonly poolStats?: () => PoolStats | undefined;
  /** Distinct operation names kept as label values; later ones count as `(other)`. */
  readonly maxOperationNames?: number;
  /** Node's process metrics (memory, event loop lag, GC): on for the server, off in tests. */
  readonly processMetrics?: boolean;
}

/** A request as the metrics see it, once it is answered. */
export interface ObservedRequest {
  /** The route: a GraphQL endpoint's label, `console`, `health` or `other`. */
  readonly route: string;
  /** Whether the route is a GraphQL endpoint (then operation and outcome apply). */
  readonly graphql: boolean;
  readonly status: number;
  readonly durationSeconds: number;
  readonly operationName: string | undefined;
  /** Whether the operation was parsed and validated and began executing. */
  readonly executed: boolean;
  readonly authenticated: boolean;
  readonly errorCodes: readonly string[];
  /** The request body's declared size (Content-Length), when given. */
  readonly bodyBytes: number | undefined;
}

/** Error codes kept as outcome values; any other becomes `error`. */
const knownCodes = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'CSRF_PREVENTED',
  'PAYLOAD_TOO_LARGE',
]);

/** `success`, or what went wrong first: a known error code in lower case, else `error`. */
export function outcomeOf(status: number, errorCodes: readonly string[]): string {
  const [first] = errorCodes;
  if (first !== undefined) return knownCodes.has(first) ? first.toLowerCase() : 'error';
  if (status >= 500) return 'internal_server_error';
  return status >= 400 ? 'error' : 'success';
}

const saneName = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Operation names as label values. A name is admitted when an authenticated caller first uses
 * it, until `max` names are known; after that, and for names only anonymous callers have sent,
 * the label is `(other)`. Unnamed operations are `(anonymous)`; requests refused before their
 * document was read (a bad token, a rate limit, a parse error) are `(none)`.
 */
export class OperationNames {
  private readonly admitted = new Set<string>();
  constructor(private readonly max: number) {}

  label(name: string | undefined, executed: boolean, authenticated: boolean): string {
    if (name === undefined) return executed ? '(anonymous)' : '(none)';
    if (!saneName.test(name)) return '(other)';
    if (this.admitted.has(name)) return name;
    if (authenticated && executed && this.admitted.size < this.max) {
      this.admitted.add(name);
      return name;
    }
    return '(other)';
  }
}

const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ingestDurationBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const mebibyte = 1024 * 1024;
const ingestSizeBuckets = [0.0625, 0.25, 1, 4, 16, 64, 256, 1024].map((n) => n * mebibyte);

export interface Metrics {
  readonly registry: Registry;
  /** Counts an answered request (called once per request). */
  observe(request: ObservedRequest): void;
  /** The exposition text a scrape receives. */
  scrape(): Promise<string>;
}

/** The route whose executed operations are artifact ingestions. */
export const ingestRoute = 'upload';

export function createMetrics({
  countActiveTokens,
  poolStats,
  maxOperationNames = 200,
  processMetrics = false,
}: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const operations = new OperationNames(maxOperationNames);

  const httpRequests = new Counter({
    name: 'tollgate_http_requests_total',
    help: 'HTTP requests answered, by route and status class (2xx, 4xx, ...).',
    labelNames: ['route', 'status_class'],
    registers: [registry],
  });
  const graphqlRequests = new Counter({
    name: 'tollgate_graphql_requests_total',
    help: 'GraphQL requests answered, by endpoint, operation name and outcome.',
    labelNames: ['endpoint', 'operation', 'outcome'],
    registers: [registry],
  });
  const graphqlDuration = new Histogram({
    name: 'tollgate_graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to its response, by endpoint, operation and outcome.',
    labelNames: ['endpoint', 'operation', 'outcome'],
    buckets: durationBuckets,
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'tollgate_authentication_failures_total',
    help: 'Requests refused as UNAUTHENTICATED (unknown, revoked, expired or malformed token).',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'tollgate_rate_limited_requests_total',
    help: 'Requests refused as RATE_LIMITED (per token, per address, leak reports).',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  const ingestDuration = new Histogram({
    name: 'tollgate_ingest_duration_seconds',
    help: 'Artifact uploads (uploadRunArtifacts): time to receive, parse and store, by outcome.',
    labelNames: ['outcome'],
    buckets: ingestDurationBuckets,
    registers: [registry],
  });
  const ingestSize = new Histogram({
    name: 'tollgate_ingest_bytes',
    help: 'Artifact uploads (uploadRunArtifacts): request body size in bytes, by outcome.',
    labelNames: ['outcome'],
    buckets: ingestSizeBuckets,
    registers: [registry],
  });
  if (countActiveTokens) {
    new Gauge({
      name: 'tollgate_active_service_tokens',
      help: 'Service tokens neither revoked nor expired, all accounts (counted at scrape time).',
      registers: [registry],
      async collect() {
        this.set(await countActiveTokens());
      },
    });
  }
  // Only a database with a pool (PostgreSQL) gets the pool's series.
  if (poolStats?.()) {
    new Gauge({
      name: 'tollgate_db_pool_connections',
      help: 'PostgreSQL pool connections, by state (total, idle).',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const stats = poolStats();
        if (!stats) return;
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
      },
    });
    new Gauge({
      name: 'tollgate_db_pool_waiting_queries',
      help: 'Queries waiting for a PostgreSQL pool connection.',
      registers: [registry],
      collect() {
        const stats = poolStats();
        if (stats) this.set(stats.waiting);
      },
    });
  }

  return {
    registry,
    observe(request) {
      httpRequests.inc({
        route: request.route,
        status_class: `${Math.floor(request.status / 100)}xx`,
      });
      if (!request.graphql) return;
      const outcome = outcomeOf(request.status, request.errorCodes);
      const labels = {
        endpoint: request.route,
        operation: operations.label(request.operationName, request.executed, request.authenticated),
        outcome,
      };
      graphqlRequests.inc(labels);
      graphqlDuration.observe(labels, request.durationSeconds);
      if (request.errorCodes.includes('UNAUTHENTICATED'))
        authFailures.inc({ endpoint: request.route });
      if (request.errorCodes.includes('RATE_LIMITED')) rateLimited.inc({ endpoint: request.route });
      if (request.route === ingestRoute && request.executed) {
        ingestDuration.observe({ outcome }, request.durationSeconds);
        if (request.bodyBytes !== undefined) ingestSize.observe({ outcome }, request.bodyBytes);
      }
    },
    scrape: () => registry.metrics(),
  };
}
