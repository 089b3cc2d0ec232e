import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDb, poolStatsOf } from '../src/db/connect.js';
import { countActiveServiceTokens } from '../src/db/service-tokens.js';
import { csrfHeader } from '../src/hardening/transport.js';
import { silentLogger } from '../src/observability/logger.js';
import { createMetrics, type Metrics, OperationNames } from '../src/observability/metrics.js';
import { type MetricsServer, serveMetrics } from '../src/observability/metrics-server.js';
import { tokenWith } from './support/builders.js';
import { emptyPostgresDatabase, postgresFor } from './support/database.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';
import { deployment, fixtureArtifacts } from './support/metadata.js';
import { printedToken, startServer, stopServer } from './support/processes.js';

// The metrics a Prometheus server scrapes: names, labels and counts after real requests, label
// values that stay bounded whatever callers send, and a listener apart from the API's.

/** The value of one series in exposition text (undefined when absent). */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value))
      return Number(match[3]);
  }
  return undefined;
}

/** Every value a label takes in a metric's series. */
function labelValues(text: string, name: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`)) {
      const value = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1];
      if (value !== undefined) values.add(value);
    }
  return values;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gatewayWithMetrics(
  options: { tokenRequestsPerMinute?: number; maxOperationNames?: number } = {},
): Promise<{ gateway: TestGateway; metrics: Metrics; scrape: () => Promise<string> }> {
  let gateway: TestGateway | undefined;
  const metrics = createMetrics({
    countActiveTokens: () => countActiveServiceTokens(gateway!.db, new Date().toISOString()),
    poolStats: () => (gateway ? poolStatsOf(gateway.db) : undefined),
    maxOperationNames: options.maxOperationNames,
  });
  gateway = await createTestGateway({
    metrics,
    hardening: options.tokenRequestsPerMinute
      ? { tokenRequestsPerMinute: options.tokenRequestsPerMinute }
      : {},
  });
  const server: MetricsServer = await serveMetrics(
    metrics,
    { host: '127.0.0.1', port: 0 },
    silentLogger(),
  );
  cleanups.push(async () => {
    await server.close();
    await gateway!.app.close();
  });
  return {
    gateway,
    metrics,
    scrape: async () => {
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      return response.text();
    },
  };
}

describe('the metrics', () => {
  it('count requests by endpoint, operation and outcome, with authentication failures and rate limits', async () => {
    const { gateway, scrape } = await gatewayWithMetrics({ tokenRequestsPerMinute: 4 });
    const reader = await tokenWith(gateway, [{ permissionSet: 'readonly', allProjects: true }]);
    const me = () => gateway.graphql('query Me { viewer { name } }', {}, reader.secret);
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    const forbidden = await gateway.graphql(
      'mutation Make { createProject(input: { name: "p" }) { id } }',
      {},
      reader.secret,
    );
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await gateway.graphql('{ viewer { name } }', {}, gateway.adminToken);
    expect((await gateway.graphql('{ viewer { name } }', {}, 'tgs_wrong')).status).toBe(401);
    expect((await gateway.graphql('{ viewer { name } }', {}, 'tgs_wrong')).status).toBe(401);
    // The fourth request of the reader's minute is its last; the fifth is refused.
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(429);
    await gateway.app.fetch('http://localhost/healthz');
    await gateway.app.fetch('http://localhost/nowhere');

    const text = await scrape();
    const requests = (operation: string, outcome: string) =>
      sample(text, 'tollgate_graphql_requests_total', { endpoint: 'admin', operation, outcome });
    expect(requests('Me', 'success')).toBe(3);
    expect(requests('Make', 'forbidden')).toBe(1);
    expect(requests('CreateServiceToken', 'success')).toBe(1);
    expect(requests('(anonymous)', 'success')).toBe(1);
    expect(requests('(none)', 'unauthenticated')).toBe(2);
    expect(requests('(none)', 'rate_limited')).toBe(1);
    expect(
      sample(text, 'tollgate_graphql_request_duration_seconds_count', {
        endpoint: 'admin',
        operation: 'Me',
        outcome: 'success',
      }),
    ).toBe(3);
    expect(
      sample(text, 'tollgate_graphql_request_duration_seconds_bucket', {
        endpoint: 'admin',
        operation: 'Me',
        outcome: 'success',
        le: '+Inf',
      }),
    ).toBe(3);
    expect(sample(text, 'tollgate_authentication_failures_total', { endpoint: 'admin' })).toBe(2);
    expect(sample(text, 'tollgate_rate_limited_requests_total', { endpoint: 'admin' })).toBe(1);
    expect(
      sample(text, 'tollgate_http_requests_total', { route: 'admin', status_class: '2xx' }),
    ).toBe(6);
    expect(
      sample(text, 'tollgate_http_requests_total', { route: 'admin', status_class: '4xx' }),
    ).toBe(3);
    expect(
      sample(text, 'tollgate_http_requests_total', { route: 'health', status_class: '2xx' }),
    ).toBe(1);
    expect(
      sample(text, 'tollgate_http_requests_total', { route: 'other', status_class: '4xx' }),
    ).toBe(1);
    // The admin's and the reader's token; SQLite has no pool, so no pool series.
    expect(sample(text, 'tollgate_active_service_tokens')).toBe(2);
    expect(text).not.toContain('tollgate_db_pool');
    // Without process metrics asked for, none (tests create many apps).
    expect(text).not.toContain('process_cpu');
  });

  it('count the active tokens when scraped', async () => {
    const { gateway, scrape } = await gatewayWithMetrics();
    const reader = await tokenWith(gateway, [{ permissionSet: 'readonly', allProjects: true }]);
    expect(sample(await scrape(), 'tollgate_active_service_tokens')).toBe(2);
    await gateway.graphql(
      'mutation ($id: ID!) { revokeServiceToken(id: $id) { id } }',
      { id: reader.id },
      gateway.adminToken,
    );
    expect(sample(await scrape(), 'tollgate_active_service_tokens')).toBe(1);
  });

  it('keep operation names bounded: anonymous callers add none, the rest stop at the cap', async () => {
    const { gateway, scrape } = await gatewayWithMetrics({ maxOperationNames: 5 });
    for (let i = 0; i < 30; i++)
      await gateway.graphql(`query Anon${i} { __typename }`, {}, undefined);
    for (let i = 0; i < 30; i++)
      await gateway.graphql(`query Mine${i} { viewer { name } }`, {}, gateway.adminToken);
    await gateway.graphql('query Mine0 { viewer { name } }', {}, undefined);
    const text = await scrape();
    const operations = labelValues(text, 'tollgate_graphql_requests_total', 'operation');
    expect([...operations].sort()).toEqual([
      '(other)',
      'Mine0',
      'Mine1',
      'Mine2',
      'Mine3',
      'Mine4',
    ]);
    expect(
      sample(text, 'tollgate_graphql_requests_total', {
        operation: '(other)',
        outcome: 'success',
      }),
    ).toBe(55);
    // A name already admitted counts under its name, whoever sends it.
    expect(
      sample(text, 'tollgate_graphql_requests_total', {
        operation: 'Mine0',
        outcome: 'unauthenticated',
      }),
    ).toBe(1);
  });

  it('name only plain operation names, and outcomes from a fixed list', () => {
    const names = new OperationNames(10);
    expect(names.label('x'.repeat(65), true, true)).toBe('(other)');
    expect(names.label('has-dash', true, true)).toBe('(other)');
    expect(names.label(undefined, true, true)).toBe('(anonymous)');
    expect(names.label(undefined, false, false)).toBe('(none)');
    // Refused before execution (validation failed): not admitted.
    expect(names.label('Typo', false, true)).toBe('(other)');
    expect(names.label('Typo', true, true)).toBe('Typo');
  });

  it('time artifact uploads and record their size', async () => {
    const { gateway, scrape } = await gatewayWithMetrics();
    const { run } = await deployment(gateway, 'shop');
    const runId = await run();
    const server = createServer(gateway.app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const files = fixtureArtifacts('ecommerce');
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({
        query:
          'mutation Upload($runId: ID!, $manifest: File!) { uploadRunArtifacts(runId: $runId, manifest: $manifest) { models } }',
        variables: { runId, manifest: null },
      }),
    );
    form.set('map', JSON.stringify({ 0: ['variables.manifest'] }));
    form.set('0', new File([files.manifest as BlobPart], 'manifest.json'));
    // Encoded once, so that the body is sent with its Content-Length (and its boundary matches).
    const encoded = new Response(form);
    const type = encoded.headers.get('content-type');
    const body = new Uint8Array(await encoded.arrayBuffer());
    const response = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql/upload`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${gateway.adminToken}`,
          [csrfHeader]: '1',
          'content-type': type!,
        },
        body,
      },
    );
    const result = (await response.json()) as { errors?: unknown[] };
    expect(result.errors).toBeUndefined();

    const text = await scrape();
    expect(sample(text, 'tollgate_ingest_duration_seconds_count', { outcome: 'success' })).toBe(1);
    expect(sample(text, 'tollgate_ingest_bytes_count', { outcome: 'success' })).toBe(1);
    expect(sample(text, 'tollgate_ingest_bytes_sum', { outcome: 'success' })).toBe(body.byteLength);
    expect(
      sample(text, 'tollgate_graphql_requests_total', {
        endpoint: 'upload',
        operation: 'Upload',
        outcome: 'success',
      }),
    ).toBe(1);
  });

  it('are served at /metrics on their own listener only', async () => {
    const { gateway, scrape } = await gatewayWithMetrics();
    expect(await scrape()).toContain('# TYPE tollgate_graphql_requests_total counter');
    const onApi = await gateway.app.fetch('http://localhost/metrics');
    expect(onApi.status).toBe(404);
  });
});

const hasPostgres = await postgresFor('the pool metrics test');

describe.skipIf(!hasPostgres)('the metrics on PostgreSQL', () => {
  it('report the pool: connections open and idle, queries waiting', async () => {
    const db = createPostgresDb(await emptyPostgresDatabase());
    try {
      const metrics = createMetrics({ poolStats: () => poolStatsOf(db) });
      // Twelve slow queries on a pool of ten: two wait.
      const sleeping = Array.from({ length: 12 }, () => sql`select pg_sleep(0.5)`.execute(db));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const busy = await metrics.scrape();
      expect(sample(busy, 'tollgate_db_pool_connections', { state: 'total' })).toBe(10);
      expect(sample(busy, 'tollgate_db_pool_connections', { state: 'idle' })).toBe(0);
      expect(sample(busy, 'tollgate_db_pool_waiting_queries')).toBe(2);
      await Promise.all(sleeping);
      const quiet = await metrics.scrape();
      expect(sample(quiet, 'tollgate_db_pool_connections', { state: 'idle' })).toBe(10);
      expect(sample(quiet, 'tollgate_db_pool_waiting_queries')).toBe(0);
    } finally {
      await db.destroy();
    }
  });
});

describe('the server process', () => {
  it('serves metrics on loopback at TOLLGATE_METRICS_PORT, logs JSON, and not on the API port', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-metrics-'));
    const server = await startServer(dataDir, {
      TOLLGATE_METRICS_PORT: '0',
      TOLLGATE_LOG_FORMAT: 'json',
    });
    try {
      const lines = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string; url?: string });
      const metricsUrl = lines.find((line) => line.msg.startsWith('Metrics at'))?.url;
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(lines.map((line) => line.msg)).toContain(`Tollgate is serving ${server.url}`);
      const token = printedToken(server.output());
      const viewer = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'query Me { viewer { name } }' }),
      });
      expect(viewer.status).toBe(200);
      const text = await (await fetch(metricsUrl!)).text();
      expect(
        sample(text, 'tollgate_graphql_requests_total', {
          endpoint: 'admin',
          operation: 'Me',
          outcome: 'success',
        }),
      ).toBe(1);
      expect(sample(text, 'tollgate_active_service_tokens')).toBe(1);
      // Node's own process metrics, for the server.
      expect(text).toContain('process_resident_memory_bytes');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      expect((await fetch(new URL('/metrics', server.url))).status).toBe(404);
      expect(server.output()).toContain('"msg":"POST /graphql 200"');
    } finally {
      expect(await stopServer(server)).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
