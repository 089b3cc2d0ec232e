import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
// @ts-expect-error: a plain JavaScript module (it runs before dependencies are installed).
import { ensureConsoleBuild } from '../src/cli/build-console.mjs';
import { createSqliteDb } from '../src/db/connect.js';
import type { Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { ingestTargetDirectory } from '../src/metadata/ingest-directory.js';
import { createSecretBox } from '../src/secrets.js';
import { hasChromium, launchBrowser, signIn } from '../test/console/browser.js';
import { seedProductionProject } from '../test/support/seed.js';
import {
  type SyntheticOptions,
  syntheticManifest,
  syntheticRunResults,
} from '../test/support/synthetic-artifacts.js';

// npm run bench:console: the console's budget, measured in Debian's chromium against a gateway on
// loopback with synthetic dbt artifacts. Prints figures; asserts nothing (it is not a test).
//   1. first load of the documentation page of a 150-model project, browser cache empty:
//      navigation to the list of every node on screen (budget: 1 s);
//   2. the lineage graph of 500 nodes: fetched, laid out and drawn (budget: 2 s).

if (!hasChromium)
  throw new Error('bench:console needs /usr/bin/chromium (apt-get install chromium).');
(ensureConsoleBuild as (options: { quiet: boolean }) => boolean)({ quiet: true });

const rounds = 5;
const work = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-console-'));

async function writeTarget(name: string, options: SyntheticOptions): Promise<string> {
  const target = path.join(work, name);
  mkdirSync(target, { recursive: true });
  for (const [file, chunks] of [
    ['manifest.json', syntheticManifest(options)],
    ['run_results.json', syntheticRunResults(options)],
  ] as const) {
    const out = createWriteStream(path.join(target, file));
    for (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  }
  return target;
}

async function environmentWith(
  db: Db,
  accountId: number,
  name: string,
  options: SyntheticOptions,
): Promise<number> {
  const { environment, jobs } = await seedProductionProject(db, accountId, name);
  await ingestTargetDirectory(db, {
    environmentId: environment.id,
    jobId: jobs[0].id,
    directory: await writeTarget(name, options),
    now: () => new Date(),
  });
  return environment.id;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const db = createSqliteDb(path.join(work, 'tollgate.sqlite'));
await migrateToLatest(db);
const { account, adminToken } = await createAccountWithAdminToken(db, {
  name: 'Bench',
  plan: 'enterprise',
  now: new Date(),
});
// 150 models, 2 tests each, 10 sources, an exposure: the docs page lists 161 nodes.
const docsEnvironment = await environmentWith(db, account.id, 'docs150', {
  projectName: 'docs150',
  models: 150,
  sources: 10,
  testsPerModel: 2,
  exposure: true,
});
// 490 models over 10 sources: a lineage graph of 500 nodes (tests are not drawn).
const lineageEnvironment = await environmentWith(db, account.id, 'lineage500', {
  projectName: 'lineage500',
  models: 490,
  sources: 10,
  testsPerModel: 1,
});

const app = createApp({ db, secrets: createSecretBox(randomBytes(32)) });
const server = createServer(app.requestListener);
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launchBrowser();
try {
  const page = await browser.page({ width: 1280, height: 860 });
  await signIn(page, base, adminToken);
  const cdp = await page.context().newCDPSession(page);

  const docs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await cdp.send('Network.clearBrowserCache');
    const started = Date.now();
    await page.goto(`${base}/docs/${docsEnvironment}`);
    await page.getByRole('status').filter({ hasText: '161 results' }).waitFor({ timeout: 30_000 });
    docs.push(Date.now() - started);
  }

  const lineage: { total: number; layout: number; nodes: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    await cdp.send('Network.clearBrowserCache');
    const started = Date.now();
    await page.goto(`${base}/docs/${lineageEnvironment}/lineage`);
    await page.waitForFunction(
      () => performance.getEntriesByName('lineage-drawn').length > 0,
      undefined,
      { timeout: 30_000 },
    );
    const total = Date.now() - started;
    const mark = await page.evaluate(
      () =>
        (performance.getEntriesByName('lineage-drawn')[0] as PerformanceMark).detail as {
          nodes: number;
          layoutMs: number;
        },
    );
    lineage.push({ total, layout: mark.layoutMs, nodes: mark.nodes });
  }
  const drawn = await page.locator('.react-flow__node').count();

  console.log(
    `docs page, 150 models (161 nodes), cold cache: first ${docs[0]} ms, median of ${rounds} ${median(docs)} ms (budget 1000 ms)`,
  );
  console.log(
    `lineage, ${lineage[0]!.nodes} nodes: first ${lineage[0]!.total} ms, median of ${rounds} ${median(lineage.map((entry) => entry.total))} ms ` +
      `(of which layout median ${median(lineage.map((entry) => entry.layout)).toFixed(0)} ms; ${drawn} nodes in view drawn) (budget 2000 ms)`,
  );
  if (browser.problems.length > 0) console.log(`page problems:\n${browser.problems.join('\n')}`);
} finally {
  await browser.close();
  server.close();
  await app.close();
  await db.destroy();
  rmSync(work, { recursive: true, force: true });
}
