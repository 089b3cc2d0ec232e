// node --import tsx bench/in-process.ts: the gateway alone, in this process (createApp + app.fetch, one
// request after the other), CPU per request from process.cpuUsage. Steadier than `npm run bench`
// on a shared machine: no load generator, no loopback, no other server competing for the cores.
// Use it to compare a change before and after, back to back on the same machine.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { createSqliteDb } from '../src/db/connect.js';
import { createSecretBox } from '../src/secrets.js';
import { prepareDataset } from './dataset.js';

const workDir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-in-process-'));
try {
  // The data of `npm run bench`: its Discovery workloads' 600 models with 2 tests each.
  const { file, adminToken, metadataEnvironment } = await prepareDataset(workDir, 'bench');
  const db = createSqliteDb(file);

  const app = createApp({ db, secrets: createSecretBox(randomBytes(32)) });
  const post = async (query: string, endpoint: string) => {
    const response = await app.fetch(`http://localhost${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const workloads = [
    { name: '{ viewer { id } }', query: '{ viewer { id } }', endpoint: '/graphql', requests: 1000 },
    {
      name: 'createServiceToken',
      query:
        'mutation { createServiceToken(input: { name: "bench", permissions: [{ permissionSet: metadata_only, allProjects: true }] }) { serviceToken { id } } }',
      endpoint: '/graphql',
      requests: 1000,
    },
    {
      name: 'Discovery page of 500 models with executionInfo and tests',
      query: `{ environment(id: ${metadataEnvironment}) { applied { models(first: 500) { edges { node { name uniqueId executionInfo { lastRunStatus executeCompletedAt } tests { name executionInfo { lastRunStatus } } } } } } } }`,
      endpoint: '/discovery/graphql',
      requests: 150,
    },
  ];
  // BENCH_ONLY=text measures only the workloads whose name contains it (to profile one).
  const only = process.env.BENCH_ONLY;
  for (const workload of workloads.filter((w) => !only || w.name.includes(only))) {
    // Warm-up: JIT-compiled code, prepared statements and caches, as a running server has them.
    for (let i = 0; i < Math.ceil(workload.requests / 4); i++)
      await post(workload.query, workload.endpoint);
    const before = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < workload.requests; i++) await post(workload.query, workload.endpoint);
    const cpu = process.cpuUsage(before);
    const cpuMs = (cpu.user + cpu.system) / 1000 / workload.requests;
    const wallMs = (performance.now() - started) / workload.requests;
    console.log(
      `${workload.name}: ${cpuMs.toFixed(2)} ms CPU, ${wallMs.toFixed(2)} ms wall per request`,
    );
  }
  await db.destroy();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
