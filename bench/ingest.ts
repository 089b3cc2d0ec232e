import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { createApp } from '../src/app.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { createSqliteDb } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { insertRun } from '../src/db/runs.js';
import { ingestTargetDirectory } from '../src/metadata/ingest-directory.js';
import { createSecretBox } from '../src/secrets.js';
import { seedProductionProject } from '../test/support/seed.js';
import {
  type SyntheticOptions,
  syntheticManifest,
  syntheticRunResults,
} from '../test/support/synthetic-artifacts.js';

// npm run bench:ingest -- [models]   (node --expose-gc --import tsx bench/ingest.ts [models])
//
// Measures, on a file database like the server's: ingesting a synthetic target/ folder (8,000
// models with 2 tests each by default: a ~57 MB manifest, 24,000 results), in ms per 1,000
// nodes (wall clock, and the CPU time this process spent: steadier on a shared machine) with the
// peak heap seen; then the 500-model page with tests and execution info: SQL
// statements per request and latency percentiles over 100 requests; then the latency of other
// requests (/healthz, a GraphQL read) while the same manifest is uploaded to /graphql/upload and
// ingested by a worker thread, beside the same latencies when idle (`npm run bench:ingest --
// 20000` for the 20,000-model figure; the goal is a p99 under 50 ms).

/**
 * A client in a thread of its own (plain JavaScript: it needs nothing of the gateway's code).
 * `load` sends /healthz and a small GraphQL read, one after the other, until told to stop, and
 * answers with every latency; `upload` posts the manifest to /graphql/upload and answers with
 * the response.
 */
const clientSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { openAsBlob } = require('node:fs');
const { base, token } = workerData;
const auth = { authorization: 'Bearer ' + token };
async function load() {
  let stopping = false;
  parentPort.once('message', () => { stopping = true; });
  const latencies = [];
  const body = JSON.stringify({ query: '{ viewer { id name } }' });
  while (!stopping) {
    let start = performance.now();
    const health = await fetch(base + '/healthz');
    await health.arrayBuffer();
    if (health.status !== 200) throw new Error('/healthz answered ' + health.status);
    latencies.push(performance.now() - start);
    start = performance.now();
    const read = await fetch(base + '/graphql', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    });
    const text = await read.text();
    if (read.status !== 200 || text.includes('"errors"')) throw new Error('read: ' + text);
    latencies.push(performance.now() - start);
    // Lets the stop message in between two requests.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return latencies;
}
async function upload() {
  const form = new FormData();
  form.set('operations', JSON.stringify({
    query: 'mutation ($runId: ID!, $manifest: File!) { uploadRunArtifacts(runId: $runId, manifest: $manifest) { models } }',
    variables: { runId: workerData.runId, manifest: null },
  }));
  form.set('map', JSON.stringify({ 0: ['variables.manifest'] }));
  form.set('0', await openAsBlob(workerData.file), 'manifest.json');
  const response = await fetch(base + '/graphql/upload', {
    method: 'POST',
    headers: { ...auth, 'x-graphql-yoga-csrf': '1' },
    body: form,
  });
  return { status: response.status, body: await response.text() };
}
(workerData.mode === 'load' ? load() : upload()).then((result) => parentPort.postMessage(result));
`;

function runClient<T>(
  data: Record<string, string>,
  control?: (worker: Worker) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(clientSource, { eval: true, workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`client thread exited (${code})`)));
    control?.(worker);
  });
}

/** Latencies of other requests from a client thread while `during` runs. */
async function sampleOtherRequests(
  base: string,
  token: string,
  during: () => Promise<void>,
): Promise<number[]> {
  let load!: Worker;
  const latencies = runClient<number[]>({ mode: 'load', base, token }, (worker) => {
    load = worker;
  });
  try {
    await during();
  } finally {
    load.postMessage('stop');
  }
  return (await latencies).sort((a, b) => a - b);
}

function describeLatencies(sorted: readonly number[]): string {
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
  return `${sorted.length} requests, p50 ${at(50)} ms, p99 ${at(99)} ms, max ${at(100)} ms`;
}

const models = Number(process.argv[2] ?? 8000);
if (!Number.isInteger(models) || models < 500 || models > 50_000)
  throw new Error('models: 500 to 50000');
const options: SyntheticOptions = {
  models,
  testsPerModel: 2,
  sources: 50,
  macros: 800,
  codeSize: 1200,
  failEvery: 50,
};

const work = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-'));
try {
  const target = path.join(work, 'target');
  for (const [name, chunks] of [
    ['manifest.json', syntheticManifest(options)],
    ['run_results.json', syntheticRunResults(options)],
  ] as const) {
    mkdirSync(target, { recursive: true });
    const out = createWriteStream(path.join(target, name));
    for (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  }
  const manifestBytes = statSync(path.join(target, 'manifest.json')).size;

  const statements: string[] = [];
  const db = createSqliteDb(path.join(work, 'tollgate.sqlite'), {
    onQuery: (sql) => statements.push(sql),
  });
  await migrateToLatest(db);
  const { account, adminToken } = await createAccountWithAdminToken(db, {
    name: 'Bench',
    plan: 'enterprise',
    now: new Date(),
  });
  const {
    environment,
    jobs: [job],
  } = await seedProductionProject(db, account.id, 'bench');
  const second = await insertRun(db, {
    projectId: environment.project_id,
    environmentId: environment.id,
    jobId: job!.id,
    cause: 'Benchmark upload',
    triggeredByTokenId: null,
    gitBranch: null,
    gitSha: null,
    now: new Date().toISOString(),
  });

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  statements.length = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const { summary } = await ingestTargetDirectory(db, {
    environmentId: environment.id,
    jobId: job.id,
    directory: target,
    now: () => new Date(),
    onProgress: () => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    },
  });
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const nodes = Object.values(summary.nodeCounts).reduce((sum, count) => sum + count, 0);
  console.log(
    `ingest: manifest ${(manifestBytes / 1e6).toFixed(1)} MB, ${nodes} nodes, ${summary.runResults} results in ${(elapsed / 1000).toFixed(2)} s ` +
      `= ${((elapsed / nodes) * 1000).toFixed(0)} ms per 1,000 nodes (CPU ${((cpuMs / nodes) * 1000).toFixed(0)} ms); ${statements.length} SQL statements; ` +
      `heap peak ${((heapPeak - heapBefore) / 1e6).toFixed(0)} MB above the start`,
  );

  const app = createApp({
    db,
    secrets: createSecretBox(randomBytes(32)),
    // The clients below ask as fast as the gateway answers: not what the token rate limit is about.
    hardening: { tokenRequestsPerMinute: 1_000_000 },
  });
  const query = `query ($id: BigInt!) { environment(id: $id) { applied { models(first: 500) { edges { node {
    name uniqueId executionInfo { lastRunStatus executeCompletedAt } tests { name executionInfo { lastRunStatus } } } } } } } }`;
  const request = async () => {
    const response = await app.fetch(
      'http://localhost/discovery/graphql',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ query, variables: { id: environment.id } }),
      },
      { req: { socket: { remoteAddress: '127.0.0.1' } } },
    );
    const body = (await response.json()) as {
      data?: { environment: { applied: { models: { edges: unknown[] } } } };
      errors?: unknown;
    };
    if (body.errors || body.data?.environment.applied.models.edges.length !== 500)
      throw new Error(JSON.stringify(body.errors));
  };
  for (let i = 0; i < 10; i++) await request();
  statements.length = 0;
  await request();
  const perRequest = statements.length;
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const start = performance.now();
    await request();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const percentile = (p: number) =>
    times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
  console.log(
    `500-model page with tests: ${perRequest} SQL statements per request; p50 ${percentile(50)} ms, p95 ${percentile(95)} ms, max ${percentile(100)} ms`,
  );

  // Other requests during an upload of the same manifest to a second run, ingested by a worker
  // thread. The gateway listens on loopback like the server; the clients run in threads of their
  // own, so that what they measure is what a client sees of the gateway's thread, and the
  // upload's client-side streaming costs the gateway's thread nothing.
  const server = createServer(app.requestListener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await sampleOtherRequests(base, adminToken, () => delay(2000)); // warm-up, not counted
  const idle = await sampleOtherRequests(base, adminToken, () => delay(3000));
  let uploadSeconds = 0;
  const during = await sampleOtherRequests(base, adminToken, async () => {
    const started = performance.now();
    const outcome = await runClient<{ status: number; body: string }>({
      mode: 'upload',
      base,
      token: adminToken,
      runId: String(second.id),
      file: path.join(target, 'manifest.json'),
    });
    uploadSeconds = (performance.now() - started) / 1000;
    const body = JSON.parse(outcome.body) as { errors?: unknown };
    if (outcome.status !== 200 || body.errors) throw new Error(outcome.body);
  });
  console.log(
    `other requests (/healthz, a GraphQL read) idle: ${describeLatencies(idle)}; ` +
      `during an upload of the same manifest ingested by a worker thread (${uploadSeconds.toFixed(1)} s): ${describeLatencies(during)}`,
  );
  server.close();
  await db.destroy();
} finally {
  rmSync(work, { recursive: true, force: true });
}
