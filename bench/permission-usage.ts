// npm run bench:usage: what recording the permissions tokens use costs, on the read workloads of
// `npm run bench`, in one run: the gateway with recording on against the same gateway with it
// off (bench/server.ts `gateway-unrecorded`), same data, paired alternating rounds. Loopback
// only, bounded in time (BENCH_SECONDS per measurement, BENCH_ROUNDS rounds). Prints one line per
// workload and the overall ratio of the server's CPU time per request (requests per second are
// shown too, but on a shared machine they move with everything else); the goal is under 2 %.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { createSqliteDb } from '../src/db/connect.js';
import type { Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { insertRun } from '../src/db/runs.js';
import { upsertServiceTokenPolicy } from '../src/db/service-tokens.js';
import { ingestTargetDirectory } from '../src/metadata/ingest-directory.js';
import { seedProductionProject } from '../test/support/seed.js';
import { syntheticManifest, syntheticRunResults } from '../test/support/synthetic-artifacts.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const here = path.dirname(fileURLToPath(import.meta.url));
const workDir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-usage-'));

async function projectWithRuns(db: Db, accountId: number, name: string, runs: number) {
  const now = new Date().toISOString();
  const jobNames = Array.from({ length: 10 }, (_, i) => `job ${i}`) as [string, ...string[]];
  const { project, environment, jobs } = await seedProductionProject(db, accountId, name, jobNames);
  for (let i = 0; i < runs; i++)
    await insertRun(db, {
      projectId: project.id,
      environmentId: environment.id,
      jobId: jobs[i % jobs.length]!.id,
      cause: 'benchmark',
      triggeredByTokenId: null,
      gitBranch: 'main',
      gitSha: null,
      now,
    });
  return project.id;
}

/** The same data as `npm run bench`: a small and a large project, 600 applied models. */
async function prepare() {
  const file = path.join(workDir, 'usage.sqlite');
  const db = createSqliteDb(file);
  await migrateToLatest(db);
  const { account, adminToken } = await createAccountWithAdminToken(db, {
    name: 'Bench',
    plan: 'enterprise',
    now: new Date(),
  });
  const smallProject = await projectWithRuns(db, account.id, 'small', 10);
  const largeProject = await projectWithRuns(db, account.id, 'large', 1000);
  const {
    environment,
    jobs: [job],
  } = await seedProductionProject(db, account.id, 'metadata');
  const options = { models: 600, testsPerModel: 2, sources: 20, macros: 50, codeSize: 400 };
  const target = path.join(workDir, 'target');
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, 'manifest.json'), [...syntheticManifest(options)].join(''));
  writeFileSync(path.join(target, 'run_results.json'), [...syntheticRunResults(options)].join(''));
  await ingestTargetDirectory(db, {
    environmentId: environment.id,
    jobId: job.id,
    directory: target,
    now: () => new Date(),
  });
  await upsertServiceTokenPolicy(db, {
    accountId: account.id,
    requestsPerMinute: 1_000_000,
    now: new Date().toISOString(),
  });
  await db.destroy();
  return { file, adminToken, smallProject, largeProject, environment: environment.id };
}

type Mode = 'gateway' | 'gateway-unrecorded';

async function start(mode: Mode, file: string, token: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'server.ts'), mode, file, token],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

async function stop(child: ChildProcess) {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/**
 * CPU seconds the server process has used (user + system, from /proc): on a machine shared with
 * other work, CPU time per request is disturbed far less than requests per second.
 */
function cpuSecondsOf(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (in clock ticks, 100 a second).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Measurement {
  readonly requestsPerSecond: number;
  /** CPU milliseconds of the server per request. */
  readonly cpuMsPerRequest: number;
}

async function measure(
  child: ChildProcess,
  url: string,
  token: string,
  query: string,
  duration: number,
): Promise<Measurement> {
  const cpuBefore = cpuSecondsOf(child);
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    connections,
    duration,
  });
  if (result.errors + result.non2xx + result.timeouts > 0)
    throw new Error(`${url}: ${result.errors + result.non2xx} failed requests`);
  const cpu = cpuSecondsOf(child) - cpuBefore;
  return {
    requestsPerSecond: result.requests.average,
    cpuMsPerRequest: (cpu * 1000) / Math.max(1, result.requests.total),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const dataset = await prepare();
const workloads = [
  {
    name: '10-row list',
    endpoint: '/graphql',
    query: `{ project(id: "${dataset.smallProject}") { runs(first: 10) { edges { node { id status cause createdAt } } } } }`,
  },
  {
    name: '1000-row list, one relation per row',
    endpoint: '/graphql',
    query: `{ project(id: "${dataset.largeProject}") { runs(first: 1000) { edges { node { id status createdAt job { id name } } } } } }`,
  },
  {
    name: 'Discovery: applied models(first: 500) with executionInfo and tests',
    endpoint: '/discovery/graphql',
    query: `{ environment(id: ${dataset.environment}) { applied { models(first: 500) { edges { node { name uniqueId executionInfo { lastRunStatus executeCompletedAt } tests { name executionInfo { lastRunStatus } } } } } } } }`,
  },
];

const lines: string[] = [];
const ratios: number[] = [];
try {
  const servers = {
    gateway: await start('gateway', dataset.file, dataset.adminToken),
    'gateway-unrecorded': await start('gateway-unrecorded', dataset.file, dataset.adminToken),
  };
  try {
    for (const workload of workloads) {
      const measured: Record<Mode, Measurement[]> = { gateway: [], 'gateway-unrecorded': [] };
      const run = (mode: Mode, duration: number) =>
        measure(
          servers[mode].child,
          servers[mode].base + workload.endpoint,
          dataset.adminToken,
          workload.query,
          duration,
        );
      for (const mode of Object.keys(servers) as Mode[]) await run(mode, 1);
      // Alternating, and in turn first: noise from other work falls on both alike.
      for (let round = 0; round < rounds; round++) {
        const order: Mode[] =
          round % 2 === 0 ? ['gateway', 'gateway-unrecorded'] : ['gateway-unrecorded', 'gateway'];
        for (const mode of order) measured[mode].push(await run(mode, seconds));
      }
      // Each round measured both back to back: the median of the rounds' ratios is what load
      // drifting on a shared machine disturbs least.
      const pairedRatio = (of: (m: Measurement) => number) =>
        median(
          measured.gateway.map(
            (value, round) => of(value) / of(measured['gateway-unrecorded'][round]!),
          ),
        );
      const throughput = pairedRatio((m) => m.requestsPerSecond);
      const cpu = pairedRatio((m) => m.cpuMsPerRequest);
      ratios.push(cpu);
      const rps = (mode: Mode) =>
        Math.round(median(measured[mode].map((m) => m.requestsPerSecond)));
      const cpuMs = (mode: Mode) => median(measured[mode].map((m) => m.cpuMsPerRequest)).toFixed(2);
      lines.push(
        `| ${workload.name} | ${rps('gateway-unrecorded')} / ${cpuMs('gateway-unrecorded')} | ${rps('gateway')} / ${cpuMs('gateway')} | ${throughput.toFixed(3)}× | ${cpu.toFixed(3)}× | ${((cpu - 1) * 100).toFixed(1)} % |`,
      );
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => stop(server.child)));
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const overall = Math.exp(ratios.reduce((sum, ratio) => sum + Math.log(ratio), 0) / ratios.length);
console.log(
  [
    `machine: ${cpus().length} cores, Node ${process.version}; medians of ${rounds} alternating rounds of ${seconds} s, ${connections} connections`,
    '',
    '| workload | off: req/s / CPU ms per request | on: req/s / CPU ms per request | req/s on / off | CPU per request on / off | cost |',
    '|---|---|---|---|---|---|',
    ...lines,
    '',
    `recording permission usage: server CPU per request on / off = ${overall.toFixed(3)} (geometric mean of the workloads), a cost of ${((overall - 1) * 100).toFixed(1)} %`,
  ].join('\n'),
);
