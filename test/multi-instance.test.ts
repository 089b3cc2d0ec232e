// Several gateway processes behind one load balancer behave as one: two real server processes
// (each on its own loopback port and data directory) share a PostgreSQL database of this test's
// own, with their rate limits in Redis (a key prefix of this test's own) or, without Redis, in
// that database. What one instance does is what the other sees on the very next request.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateServiceTokenDocument,
  createTollgateClient,
  RevokeServiceTokenDocument,
  RotateServiceTokenDocument,
  TriggerRunDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { csrfHeader } from '../src/hardening/transport.js';
import { builders, required } from './support/builders.js';
import { createPostgresDatabase, databaseUrl, postgresFor } from './support/database.js';
import { document } from './support/helpers.js';
import { fixtureArtifacts } from './support/metadata.js';
import { printedToken, type StartedServer, startServer, stopServer } from './support/processes.js';
import { hasShared } from './support/shared.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const [withPostgres, withRedis] = await Promise.all([
  postgresFor('the multi-instance tests'),
  redisReachable(),
]);
if (!withRedis)
  console.warn(`NOTICE: no Redis at ${redisUrl}; its multi-instance test is skipped.`);

const appliedModels = document<{ id: number }>(
  'query ($id: BigInt!) { environment(id: $id) { applied { models(first: 1) { totalCount } } } }',
);

/** Per token and minute, for every instance together. */
const tokenLimit = 12;

/** Two instances on one fresh database: A starts first (and creates the account), then B. */
async function startPair(env: Record<string, string>) {
  const database = await createPostgresDatabase();
  const secretKey = randomBytes(32).toString('base64');
  const dataDirs = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'tollgate-multi-')));
  const shared = {
    TOLLGATE_DATABASE_URL: databaseUrl(database),
    TOLLGATE_SECRET_KEY: secretKey,
    TOLLGATE_TOKEN_REQUESTS_PER_MINUTE: String(tokenLimit),
    ...env,
  };
  const servers: StartedServer[] = [];
  const started = {
    servers,
    database,
    secretKey,
    dataDirs,
    async stop() {
      await Promise.all(servers.map((server) => stopServer(server)));
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    servers.push(await startServer(dataDirs[0]!, shared));
    servers.push(await startServer(dataDirs[1]!, shared));
  } catch (error) {
    await started.stop();
    throw error;
  }
  const adminToken = printedToken(servers[0]!.output());
  const client = (server: StartedServer, token: string) =>
    createTollgateClient({ url: server.url, token });
  return { ...started, adminToken, a: servers[0]!, b: servers[1]!, client };
}

type Pair = Awaited<ReturnType<typeof startPair>>;

/** A metadata-only token, made on instance A. */
async function newToken(pair: Pair, name: string) {
  return required(
    await pair.client(pair.a, pair.adminToken).request(CreateServiceTokenDocument, {
      input: { name, permissions: [{ permissionSet: 'metadata_only', allProjects: true }] },
    }),
    'createServiceToken',
  ).createServiceToken!;
}

/** Statuses of `count` requests of one token, alternating between the two instances. */
async function alternate(pair: Pair, token: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = i % 2 === 0 ? pair.a : pair.b;
    statuses.push((await pair.client(server, token).request(ViewerDocument)).status);
  }
  return statuses;
}

function tally(statuses: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe.skipIf(!withPostgres || !withRedis)('two instances on PostgreSQL with Redis', () => {
  const keyPrefix = `tollgate-test-${randomBytes(6).toString('hex')}`;
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({ TOLLGATE_REDIS_URL: redisUrl, TOLLGATE_REDIS_KEY_PREFIX: keyPrefix });
  }, 120_000);
  afterAll(async () => {
    await pair?.stop();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }, 60_000);

  it('hold a per-token limit in total, counted in Redis', async () => {
    const { token } = await newToken(pair, 'busy');
    const statuses = await alternate(pair, token, 2 * tokenLimit);
    expect(tally(statuses)).toEqual({ 200: tokenLimit, 429: tokenLimit });
    // Alone, each instance would have let its half through: the count is shared.
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.keys(`${keyPrefix}:rate:tokens:*`)).not.toEqual([]);
    } finally {
      await redis.quit();
    }
  });

  it('see a revocation, a rotation and an ingestion on one instance at the other on the next request', async () => {
    const revoked = await newToken(pair, 'revoked');
    expect((await pair.client(pair.b, revoked.token).request(ViewerDocument)).status).toBe(200);
    required(
      await pair
        .client(pair.a, pair.adminToken)
        .request(RevokeServiceTokenDocument, { id: revoked.serviceToken.id }),
      'revokeServiceToken',
    );
    expect((await pair.client(pair.b, revoked.token).request(ViewerDocument)).status).toBe(401);

    const rotated = await newToken(pair, 'rotated');
    expect((await pair.client(pair.b, rotated.token).request(ViewerDocument)).status).toBe(200);
    const fresh = required(
      await pair
        .client(pair.a, pair.adminToken)
        .request(RotateServiceTokenDocument, { id: rotated.serviceToken.id, graceSeconds: 0 }),
      'rotateServiceToken',
    ).rotateServiceToken!.token;
    expect((await pair.client(pair.b, rotated.token).request(ViewerDocument)).status).toBe(401);
    expect((await pair.client(pair.b, fresh).request(ViewerDocument)).status).toBe(200);

    if (!hasShared) return;
    const admin = pair.client(pair.a, pair.adminToken);
    const build = builders(admin);
    const project = await build.project('analytics');
    const environment = await build.environment(project, 'production', 'Production');
    const job = await build.job(environment, 'nightly');
    const run = required(await admin.request(TriggerRunDocument, { jobId: job }), 'triggerRun')
      .triggerRun!.id;
    const discovery = (server: StartedServer) =>
      createTollgateClient({
        url: server.url.replace(/\/graphql$/, '/discovery/graphql'),
        token: pair.adminToken,
      });
    const before = await discovery(pair.b).request(appliedModels, { id: Number(environment) });
    expect(before.data?.environment?.applied?.models?.totalCount ?? 0).toBe(0);
    const uploaded = await upload(pair.a, pair.adminToken, run);
    expect(uploaded.errors).toBeUndefined();
    const after = await discovery(pair.b).request(appliedModels, { id: Number(environment) });
    expect(after.errors).toBeUndefined();
    expect(after.data.environment.applied.models.totalCount).toBe(
      uploaded.data!.uploadRunArtifacts.models,
    );
  });
});

describe.skipIf(!withPostgres)('two instances on PostgreSQL without Redis', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({});
  }, 120_000);
  afterAll(() => pair?.stop(), 60_000);

  it('hold a per-token limit in total, counted in the database', async () => {
    const { token } = await newToken(pair, 'busy');
    const statuses = await alternate(pair, token, 2 * tokenLimit);
    expect(tally(statuses)).toEqual({ 200: tokenLimit, 429: tokenLimit });
    const admin = new pg.Client({ connectionString: databaseUrl(pair.database) });
    await admin.connect();
    try {
      const windows = await admin.query(
        `select count from rate_limit_windows where limiter = 'tokens' order by count desc limit 1`,
      );
      expect(windows.rows[0]?.count).toBe(2 * tokenLimit);
    } finally {
      await admin.end();
    }
  });

  it('refuse to start an instance whose secret key differs, telling the operator to share it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-multi-'));
    try {
      const refused = await startServer(dataDir, {
        TOLLGATE_DATABASE_URL: databaseUrl(pair.database),
        TOLLGATE_SECRET_KEY: randomBytes(32).toString('base64'),
      }).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(refused).toMatch(/server exited with 1/);
      const lines = refused!.split('\n').filter((line) => line.includes('TOLLGATE_SECRET_KEY'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/must share the same TOLLGATE_SECRET_KEY/);
      expect(refused).not.toMatch(/\n\s+at /);
      expect(refused).not.toContain(pair.secretKey);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** uploadRunArtifacts to an instance's upload route, as a dbt CI job would send it. */
async function upload(server: StartedServer, token: string, runId: string) {
  const files = fixtureArtifacts('ecommerce');
  const present = Object.entries(files).filter(([, content]) => content !== undefined);
  const names: Record<string, string> = {
    manifest: 'manifest.json',
    runResults: 'run_results.json',
    sources: 'sources.json',
    catalog: 'catalog.json',
  };
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({
      query: `mutation ($runId: ID!, $manifest: File!, $runResults: File, $sources: File, $catalog: File) {
        uploadRunArtifacts(runId: $runId, manifest: $manifest, runResults: $runResults, sources: $sources, catalog: $catalog) { models }
      }`,
      variables: { runId, ...Object.fromEntries(present.map(([key]) => [key, null])) },
    }),
  );
  form.set(
    'map',
    JSON.stringify(
      Object.fromEntries(present.map(([key], index) => [String(index), [`variables.${key}`]])),
    ),
  );
  for (const [index, [key, content]] of present.entries())
    form.set(
      String(index),
      new File([content as BlobPart], names[key]!, { type: 'application/json' }),
    );
  const response = await fetch(`${server.url}/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, [csrfHeader]: '1' },
    body: form,
  });
  return (await response.json()) as {
    data?: { uploadRunArtifacts: { models: number } } | null;
    errors?: { message: string }[];
  };
}
