// npm run bench: the gateway against a stock yoga + Pothos baseline on the same data, in one run.
// Loopback only, bounded in time (BENCH_SECONDS per workload and target, default 5). Prints a
// table and writes bench/results.json. Ratios are what to compare across machines; absolute
// numbers depend on the machine and its load.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { chart } from './chart.js';
import { type Dataset, prepareDataset } from './dataset.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
/** Each workload alternates baseline and gateway this many times; medians are reported. */
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const here = path.dirname(fileURLToPath(import.meta.url));
const workDir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-'));

type Mode = 'stock' | 'compiled' | 'gateway' | 'gateway-cached';

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  /** The server process's CPU time so far, in microseconds. */
  cpu(): Promise<number>;
}

/**
 * Starts a server on its own copy of the dataset's file. Servers sharing one SQLite file were not
 * equals: two identical baselines on one file differed by a third in CPU per request, the one
 * started first the cheaper, every round; on copies the order decides nothing.
 */
async function start(mode: Mode, dataset: Dataset): Promise<Server> {
  const file = `${dataset.file}.${mode}.sqlite`;
  copyFileSync(dataset.file, file);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'server.ts'), mode, file, dataset.adminToken],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let cpuWaiter: ((micros: number) => void) | undefined;
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      const ready = /ready (\d+)/.exec(text);
      if (ready) resolve(ready[1]!);
      const cpu = /cpu (\d+)/.exec(text);
      if (cpu && cpuWaiter) {
        cpuWaiter(Number(cpu[1]));
        cpuWaiter = undefined;
      }
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    child,
    cpu: () =>
      new Promise<number>((resolve) => {
        cpuWaiter = resolve;
        child.kill('SIGUSR2');
      }),
  };
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

interface Measurement {
  readonly requestsPerSecond: number;
  /** The server's CPU time per request, in milliseconds. */
  readonly cpuMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

function requestOf(url: string, token: string, query: string) {
  return {
    url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  };
}

/** A short warm-up so that every target is measured with JIT-compiled code and warm caches. */
async function warmUp(url: string, token: string, query: string): Promise<void> {
  await autocannon({ ...requestOf(url, token, query), connections, duration: 1 });
}

async function measure(
  server: Server,
  url: string,
  token: string,
  query: string,
  clients = connections,
): Promise<Measurement> {
  const cpuBefore = await server.cpu();
  const result = await autocannon({
    ...requestOf(url, token, query),
    connections: clients,
    duration: seconds,
  });
  const cpuAfter = await server.cpu();
  return {
    requestsPerSecond: Math.round(result.requests.average),
    cpuMs: Number(((cpuAfter - cpuBefore) / 1000 / Math.max(1, result.requests.total)).toFixed(3)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The median of each figure over rounds; errors add up. */
function medianOf(measurements: Measurement[]): Measurement {
  return {
    requestsPerSecond: median(measurements.map((m) => m.requestsPerSecond)),
    cpuMs: median(measurements.map((m) => m.cpuMs)),
    p50: median(measurements.map((m) => m.p50)),
    p99: median(measurements.map((m) => m.p99)),
    errors: measurements.reduce((sum, m) => sum + m.errors, 0),
  };
}

interface Workload {
  readonly name: string;
  /** The gateway's server for this workload: `gateway-cached` has its response cache on. */
  readonly gateway?: 'gateway' | 'gateway-cached';
  readonly query: (dataset: Dataset) => string;
  readonly endpoint?: string;
  /** Concurrent connections (default BENCH_CONNECTIONS); 1 measures latency without queueing. */
  readonly connections?: number;
}

const discoveryPage = (d: Dataset) =>
  `{ environment(id: ${d.metadataEnvironment}) { applied { models(first: 500) { edges { node { name uniqueId executionInfo { lastRunStatus executeCompletedAt } tests { name executionInfo { lastRunStatus } } } } } } } }`;

const workloads: Workload[] = [
  {
    name: '10-row list',
    query: (d) =>
      `{ project(id: "${d.smallProject}") { runs(first: 10) { edges { node { id status cause createdAt } } } } }`,
  },
  {
    name: '1000-row list, one relation per row',
    query: (d) =>
      `{ project(id: "${d.largeProject}") { runs(first: 1000) { edges { node { id status createdAt job { id name } } } } } }`,
  },
  {
    name: 'Discovery: applied models(first: 500) with executionInfo and tests',
    endpoint: '/discovery/graphql',
    query: discoveryPage,
  },
  {
    name: 'the same Discovery page, one client at a time (latency)',
    endpoint: '/discovery/graphql',
    query: discoveryPage,
    connections: 1,
  },
  {
    name: 'repeated identical reads: the Discovery page, response cache on',
    endpoint: '/discovery/graphql',
    query: discoveryPage,
    gateway: 'gateway-cached',
  },
  {
    name: 'createServiceToken',
    query: () =>
      'mutation { createServiceToken(input: { name: "bench", permissions: [{ permissionSet: metadata_only, allProjects: true }] }) { serviceToken { id } } }',
  },
];

/** What each workload is measured on: the gateway against both baselines. */
const targets = ['stock', 'compiled', 'gateway'] as const;
type Target = (typeof targets)[number];

interface WorkloadResult {
  readonly workload: string;
  readonly stock: Measurement;
  readonly compiled: Measurement;
  readonly gateway: Measurement;
  /** gateway ÷ stock and gateway ÷ compiled, in requests per second. */
  readonly ratio: number;
  readonly ratioToCompiled: number;
  /**
   * The same comparisons in server CPU per request (baseline's CPU ÷ gateway's: above 1, the
   * gateway spends less): steadier than throughput when other work shares the machine.
   */
  readonly cpuRatio: number;
  readonly cpuRatioToCompiled: number;
}

interface AuthenticationResult {
  readonly workload: string;
  readonly 'gateway, 10 tokens': Measurement;
  readonly 'gateway, 100,000 tokens': Measurement;
  readonly ratio: number;
  /** CPU per request with 10 tokens ÷ with 100,000. */
  readonly cpuRatio: number;
}

/**
 * a ÷ b in requests per second, and b ÷ a in CPU per request: the median of each round's ratio.
 * One round measures every target within seconds; the machine's speed changes more between
 * rounds than within one, so ratios of the same round are the steadier figures.
 */
const pairedRatio = (
  a: Measurement[],
  b: Measurement[],
  ratio: (x: Measurement, y: Measurement) => number,
) => Number(median(a.map((measurement, round) => ratio(measurement, b[round]!))).toFixed(2));
const ratioOf = (a: Measurement[], b: Measurement[]) =>
  pairedRatio(a, b, (x, y) => x.requestsPerSecond / y.requestsPerSecond);
const cpuRatioOf = (a: Measurement[], b: Measurement[]) =>
  pairedRatio(a, b, (x, y) => y.cpuMs / x.cpuMs);

const results: WorkloadResult[] = [];
let authentication: AuthenticationResult | undefined;
try {
  const dataset = await prepareDataset(workDir, 'main');
  const servers: Record<Mode, Server> = {
    stock: await start('stock', dataset),
    compiled: await start('compiled', dataset),
    gateway: await start('gateway', dataset),
    'gateway-cached': await start('gateway-cached', dataset),
  };
  try {
    for (const workload of workloads) {
      const serverOf = (target: Target) =>
        servers[target === 'gateway' ? (workload.gateway ?? 'gateway') : target];
      const urls = Object.fromEntries(
        targets.map((target) => {
          const { url } = serverOf(target);
          return [target, workload.endpoint ? url.replace('/graphql', workload.endpoint) : url];
        }),
      ) as Record<Target, string>;
      const query = workload.query(dataset);
      const measured: Record<Target, Measurement[]> = { stock: [], compiled: [], gateway: [] };
      for (const target of targets) await warmUp(urls[target], dataset.adminToken, query);
      // Alternating rounds, each in the other order than the one before: noise from other work
      // on the machine falls on all alike.
      for (let round = 0; round < rounds; round++) {
        for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
          measured[target].push(
            await measure(
              serverOf(target),
              urls[target],
              dataset.adminToken,
              query,
              workload.connections,
            ),
          );
        }
      }
      const [stock, compiled, gateway] = targets.map((target) => medianOf(measured[target])) as [
        Measurement,
        Measurement,
        Measurement,
      ];
      results.push({
        workload: workload.name,
        stock,
        compiled,
        gateway,
        ratio: ratioOf(measured.gateway, measured.stock),
        ratioToCompiled: ratioOf(measured.gateway, measured.compiled),
        cpuRatio: cpuRatioOf(measured.gateway, measured.stock),
        cpuRatioToCompiled: cpuRatioOf(measured.gateway, measured.compiled),
      });
      console.error(`measured: ${workload.name}`);
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => stop(server.child)));
  }

  // Authentication cost with few and with many tokens in the database (gateway only): both
  // servers run at once and are measured in alternating rounds, like the workloads above.
  const authQuery = '{ viewer { id } }';
  const authTargets = [
    {
      label: '10 tokens',
      dataset: await prepareDataset(workDir, 'auth-10', { extraTokens: 9, withMetadata: false }),
    },
    {
      label: '100,000 tokens',
      dataset: await prepareDataset(workDir, 'auth-100000', {
        extraTokens: 99_999,
        withMetadata: false,
      }),
    },
  ];
  const authServers = await Promise.all(
    authTargets.map(({ dataset }) => start('gateway', dataset)),
  );
  const auth: Record<string, Measurement> = {};
  let authRatio = 0;
  let authCpuRatio = 0;
  try {
    const measured: Measurement[][] = authTargets.map(() => []);
    for (const [i, { dataset }] of authTargets.entries())
      await warmUp(authServers[i]!.url, dataset.adminToken, authQuery);
    for (let round = 0; round < rounds; round++) {
      const order = [...authTargets.entries()];
      for (const [i, { dataset }] of round % 2 === 0 ? order : order.reverse())
        measured[i]!.push(
          await measure(authServers[i]!, authServers[i]!.url, dataset.adminToken, authQuery),
        );
    }
    for (const [i, { label }] of authTargets.entries()) auth[label] = medianOf(measured[i]!);
    authRatio = ratioOf(measured[1]!, measured[0]!);
    authCpuRatio = cpuRatioOf(measured[1]!, measured[0]!);
  } finally {
    await Promise.all(authServers.map((server) => stop(server.child)));
  }
  authentication = {
    workload: 'authentication ({ viewer { id } })',
    'gateway, 10 tokens': auth['10 tokens']!,
    'gateway, 100,000 tokens': auth['100,000 tokens']!,
    ratio: authRatio,
    cpuRatio: authCpuRatio,
  };
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  secondsPerMeasurement: seconds,
  rounds,
  connections,
};
const cell = (m: Measurement) =>
  `${m.requestsPerSecond}${m.errors ? ` (${m.errors} errors)` : ''} | ${m.p50} / ${m.p99}`;
const lines = [
  `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; medians of ${rounds} alternating rounds of ${seconds} s, ${connections} connections; ratios: the median of each round's ratio`,
  '',
  '| workload | stock req/s | p50 / p99 ms | compiled req/s | p50 / p99 ms | gateway req/s | p50 / p99 ms | gateway ÷ stock | gateway ÷ compiled | CPU ms/request stock / compiled / gateway | CPU: stock ÷ gateway, compiled ÷ gateway |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const row of results) {
  lines.push(
    `| ${row.workload} | ${cell(row.stock)} | ${cell(row.compiled)} | ${cell(row.gateway)} | ${row.ratio}× | ${row.ratioToCompiled}× | ${row.stock.cpuMs} / ${row.compiled.cpuMs} / ${row.gateway.cpuMs} | ${row.cpuRatio}×, ${row.cpuRatioToCompiled}× |`,
  );
}
if (authentication) {
  lines.push(
    '',
    `${authentication.workload}: 10 tokens ${cell(authentication['gateway, 10 tokens'])}; 100,000 tokens ${cell(authentication['gateway, 100,000 tokens'])}; ${authentication.ratio}× in requests per second; CPU ms/request ${authentication['gateway, 10 tokens'].cpuMs} vs ${authentication['gateway, 100,000 tokens'].cpuMs} (${authentication.cpuRatio}×)`,
  );
}
console.log(lines.join('\n'));
const measuredAt = new Date().toISOString();
writeFileSync(
  path.join(here, 'results.json'),
  JSON.stringify({ measuredAt, machine, results, authentication }, null, 2) + '\n',
);
writeFileSync(path.join(here, 'results.svg'), chart(results, machine, measuredAt));
