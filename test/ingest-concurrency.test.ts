import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { createPostgresDb, createSqliteDb } from '../src/db/connect.js';
import type { Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { csrfHeader } from '../src/hardening/transport.js';
import { createSecretBox } from '../src/secrets.js';
import { postgresFor, postgresSchema } from './support/database.js';
import { seedProductionProject } from './support/seed.js';
import { syntheticManifest, text } from './support/synthetic-artifacts.js';

// A large upload is ingested by a worker thread in short transactions: while it runs, the server
// answers (health, reads, writes) and readers see the environment's previous applied state; the
// new state appears whole once applied.

const socket = { req: { socket: { remoteAddress: '127.0.0.1' } } };

async function setUp(db: Db) {
  await migrateToLatest(db);
  const { account, adminToken } = await createAccountWithAdminToken(db, {
    name: 'Acme',
    plan: 'enterprise',
    now: new Date(),
  });
  const {
    environment,
    jobs: [job],
  } = await seedProductionProject(db, account.id, 'warehouse');
  const app = createApp({
    db,
    secrets: createSecretBox(randomBytes(32)),
    // The loop below asks as fast as the server answers: not what the token rate limit is about.
    hardening: { tokenRequestsPerMinute: 1_000_000 },
  });
  const post = async (pathname: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await app.fetch(
      `http://localhost${pathname}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ query, variables }),
      },
      socket,
    );
    return (await response.json()) as { data?: any; errors?: { message: string }[] };
  };
  const newRun = async () => {
    const body = await post('/graphql', 'mutation ($id: ID!) { triggerRun(jobId: $id) { id } }', {
      id: String(job!.id),
    });
    expect(body.errors).toBeUndefined();
    return body.data.triggerRun.id as string;
  };
  const appliedModels = async () => {
    const body = await post(
      '/discovery/graphql',
      'query ($id: BigInt!) { environment(id: $id) { applied { models(first: 1) { totalCount } } } }',
      { id: environment.id },
    );
    expect(body.errors).toBeUndefined();
    return body.data.environment.applied.models.totalCount as number;
  };
  return { app, adminToken, post, newRun, appliedModels };
}

function upload(app: App, token: string, runId: string, manifest: string) {
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({
      query:
        'mutation ($runId: ID!, $manifest: File!) { uploadRunArtifacts(runId: $runId, manifest: $manifest) { models } }',
      variables: { runId, manifest: null },
    }),
  );
  form.set('map', JSON.stringify({ 0: ['variables.manifest'] }));
  form.set('0', new File([manifest], 'manifest.json'));
  return app
    .fetch(
      'http://localhost/graphql/upload',
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, [csrfHeader]: '1' },
        body: form,
      },
      socket,
    )
    .then((response) => response.json() as Promise<{ data?: any; errors?: { message: string }[] }>);
}

/** Uploads a large manifest and, while it is being ingested, reads, writes and checks health. */
async function ingestWhileServing(db: Db, models: number) {
  const gateway = await setUp(db);
  const small = await upload(
    gateway.app,
    gateway.adminToken,
    await gateway.newRun(),
    text(syntheticManifest({ models: 20 })),
  );
  expect(small.errors).toBeUndefined();
  expect(await gateway.appliedModels()).toBe(20);

  const large = text(syntheticManifest({ models, testsPerModel: 2, codeSize: 1200 }));
  let done = false;
  const pending = upload(gateway.app, gateway.adminToken, await gateway.newRun(), large).then(
    (body) => {
      done = true;
      return body;
    },
  );
  const during: { health: number; applied: number; wrote: boolean; finished: boolean }[] = [];
  // Until the upload answers (at least once): every request answers, the old state is served.
  do {
    const health = await gateway.app.fetch('http://localhost/healthz', {}, socket);
    const applied = await gateway.appliedModels();
    const write = await gateway.post(
      '/graphql',
      'mutation ($name: String!) { createProject(input: { name: $name }) { id } }',
      { name: `During ${during.length}` },
    );
    during.push({
      health: health.status,
      applied,
      wrote: write.errors === undefined && write.data.createProject.id !== undefined,
      finished: done,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (!done);
  const result = await pending;
  expect(result.errors).toBeUndefined();
  expect(result.data.uploadRunArtifacts.models).toBe(models);
  // Requests answered while the ingest was still running (not queued behind it).
  const whileIngesting = during.filter((sample) => !sample.finished);
  expect(whileIngesting.length).toBeGreaterThan(0);
  expect(whileIngesting[0]!.applied).toBe(20);
  for (const sample of whileIngesting) {
    expect(sample).toMatchObject({ health: 200, wrote: true });
    // Never a half-applied state: the old one until the new one is complete (the worker may
    // commit a moment before its answer reaches this thread).
    expect([20, models]).toContain(sample.applied);
  }
  expect(await gateway.appliedModels()).toBe(models);
}

const hasPostgres = await postgresFor('the PostgreSQL ingest test');

describe('large ingests run beside other requests', () => {
  it('on a SQLite file: health, reads and writes answer while a worker ingests', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'tollgate-ingest-'));
    const db = createSqliteDb(path.join(directory, 'tollgate.sqlite'));
    try {
      await ingestWhileServing(db, 2000);
    } finally {
      await db.destroy();
      rmSync(directory, { recursive: true, force: true });
    }
  }, 180_000);

  it.skipIf(!hasPostgres)(
    'on PostgreSQL: the same path, the worker opening its own pool on the same schema',
    async () => {
      const { url, schema } = await postgresSchema();
      const db = createPostgresDb(url, { searchPath: schema });
      try {
        await ingestWhileServing(db, 1000);
      } finally {
        await db.destroy();
      }
    },
    180_000,
  );
});
