// node --import tsx bench/in-process.ts: the gateway and the compiled unguarded baseline
// (bench/baseline.ts) in this process, one request after the other through their fetch
// functions, CPU per request from process.cpuUsage. Steadier than `npm run bench` on a shared
// machine: no load generator, no loopback, no other server competing for the cores. Each workload
// alternates the two targets for BENCH_ROUNDS rounds (default 3), each round in the other order,
// and reports the medians, and the median of each round's ratio.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { createSqliteDb } from '../src/db/connect.js';
import { createSecretBox } from '../src/secrets.js';
import { createBaseline } from './baseline.js';
import { prepareDataset } from './dataset.js';

type Fetch = (url: string, init: RequestInit) => Promise<Response> | Response;

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const workDir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-in-process-'));
try {
  // The data of `npm run bench`.
  const dataset = await prepareDataset(workDir, 'bench');
  const { file, adminToken, metadataEnvironment, smallProject, largeProject } = dataset;
  const db = createSqliteDb(file);
  const secrets = createSecretBox(randomBytes(32));

  const gateway = createApp({ db, secrets });
  const baseline = await createBaseline('compiled', db, secrets, adminToken);
  const targets: Record<string, Fetch> = {
    gateway: (url, init) => gateway.fetch(url, init),
    compiled: (url, init) =>
      (url.includes('/discovery/') ? baseline.discovery : baseline.admin).fetch(url, init),
  };
  const tokens: Record<string, string> = { gateway: adminToken, compiled: adminToken };
  // BENCH_TOKENS=100000: authentication alone ({ viewer { id } }), a gateway with that many tokens
  // in its database against one with 10 (as `npm run bench` measures it over loopback).
  const manyTokens = Number(process.env.BENCH_TOKENS ?? 0);
  if (manyTokens > 0) {
    for (const count of [manyTokens, 10]) {
      const tokenData = await prepareDataset(workDir, `tokens-${count}`, {
        extraTokens: count - 1,
        withMetadata: false,
      });
      const app = createApp({ db: createSqliteDb(tokenData.file), secrets });
      targets[`${count} tokens`] = (url, init) => app.fetch(url, init);
      tokens[`${count} tokens`] = tokenData.adminToken;
    }
    delete targets.gateway;
    delete targets.compiled;
  }
  const post = async (target: string, query: string, endpoint: string) => {
    const response = await targets[target]!(`http://localhost${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[target]}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const workloads = [
    { name: '{ viewer { id } }', query: '{ viewer { id } }', endpoint: '/graphql', requests: 1000 },
    {
      name: '10-row list',
      query: `{ project(id: "${smallProject}") { runs(first: 10) { edges { node { id status cause createdAt } } } } }`,
      endpoint: '/graphql',
      requests: 1000,
    },
    {
      name: '1000-row list, one relation per row',
      query: `{ project(id: "${largeProject}") { runs(first: 1000) { edges { node { id status createdAt job { id name } } } } } }`,
      endpoint: '/graphql',
      requests: 100,
    },
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
      requests: 100,
    },
  ];
  // BENCH_ONLY=text measures only the workloads whose name contains it; BENCH_TARGET=gateway only
  // that target (to profile one: node --cpu-prof --import tsx bench/in-process.ts).
  const only = manyTokens > 0 ? 'viewer' : process.env.BENCH_ONLY;
  const targetNames = Object.keys(targets).filter(
    (name) => !process.env.BENCH_TARGET || name === process.env.BENCH_TARGET,
  );
  for (const workload of workloads.filter((w) => !only || w.name.includes(only))) {
    const cpu: Record<string, number[]> = {};
    const wall: Record<string, number[]> = {};
    for (const name of targetNames) {
      // Warm-up: JIT-compiled code, prepared statements and caches, as a running server has them.
      for (let i = 0; i < Math.ceil(workload.requests / 4); i++)
        await post(name, workload.query, workload.endpoint);
      cpu[name] = [];
      wall[name] = [];
    }
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? targetNames : [...targetNames].reverse()) {
        const before = process.cpuUsage();
        const started = performance.now();
        for (let i = 0; i < workload.requests; i++)
          await post(name, workload.query, workload.endpoint);
        const used = process.cpuUsage(before);
        cpu[name]!.push((used.user + used.system) / 1000 / workload.requests);
        wall[name]!.push((performance.now() - started) / workload.requests);
      }
    }
    const line = targetNames
      .map(
        (name) =>
          `${name} ${median(cpu[name]!).toFixed(3)} ms CPU, ${median(wall[name]!).toFixed(3)} ms wall`,
      )
      .join('; ');
    const [first, second] = targetNames;
    // The median of each round's ratio: the two ran back to back within a round.
    const ratio =
      targetNames.length === 2
        ? ` — ${first} ÷ ${second} by CPU: ${median(cpu[second!]!.map((used, round) => used / cpu[first!]![round]!)).toFixed(2)}×`
        : '';
    console.log(`${workload.name}: ${line}${ratio}`);
  }
  await db.destroy();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
