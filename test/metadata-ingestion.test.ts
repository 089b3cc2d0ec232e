import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { CreateServiceTokenDocument, RunDocument } from '../src/client/index.js';
import { inTransaction } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { ingestArtifacts } from '../src/metadata/ingest.js';
import { IngestInputError, ingestTargetDirectory } from '../src/metadata/ingest-directory.js';
import { MalformedJsonError, readJsonSections } from '../src/metadata/json-sections.js';
import { required } from './support/builders.js';
import { dataDirDatabase } from './support/database.js';
import { macroUses } from './support/dbt-expectations.js';
import { createTestGateway, document, errorCodes, type TestGateway } from './support/helpers.js';
import {
  deployment,
  fixtureArtifacts,
  fixturePath,
  metadataRowCounts,
  uploadArtifacts,
} from './support/metadata.js';
import { seedProductionProject } from './support/seed.js';
import { describeWithShared, readShared } from './support/shared.js';
import { syntheticManifest, syntheticRunResults, text } from './support/synthetic-artifacts.js';

const countsQuery = document<{ id: number }>(`query ($id: BigInt!) {
  environment(id: $id) {
    dbtProjectName adapterType
    applied { resourceCounts lastUpdatedAt models(first: 1) { totalCount } tests(first: 1) { totalCount } }
  }
}`);

async function auditOutcomes(gateway: TestGateway, action: string) {
  const rows = await gateway.db
    .selectFrom('audit_log')
    .select(['outcome', 'details'])
    .where('action', '=', action)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.outcome);
}

describeWithShared('ingesting dbt artifacts through uploadRunArtifacts', () => {
  it('stores both fixtures with the counts their SOURCE.md states, audited', async () => {
    const gateway = await createTestGateway();
    const ecommerce = await deployment(gateway, 'ecommerce');
    const uploaded = await uploadArtifacts(
      gateway,
      gateway.adminToken,
      await ecommerce.run(),
      fixtureArtifacts('ecommerce'),
    );
    expect(uploaded.errors).toBeUndefined();
    expect(uploaded.data?.uploadRunArtifacts).toMatchObject({
      dbtVersion: '1.10.17',
      dbtProjectName: 'ecommerce_analytics_platform',
      adapterType: 'bigquery',
      models: 17,
      tests: 122,
      sources: 6,
      exposures: 1,
      runResults: 140,
      freshnessResults: 5,
      catalogEntries: 23,
    });

    const paystream = await deployment(gateway, 'paystream');
    const second = await uploadArtifacts(
      gateway,
      gateway.adminToken,
      await paystream.run(),
      fixtureArtifacts('paystream'),
    );
    expect(second.data?.uploadRunArtifacts).toMatchObject({
      dbtVersion: '1.8.0',
      dbtProjectName: 'paystream',
      adapterType: 'clickhouse',
      models: 12,
      tests: 55,
      sources: 14,
      seeds: 1,
      snapshots: 2,
      exposures: 0,
      runResults: 55,
      freshnessResults: 14,
      catalogEntries: 0,
    });

    const discovery = gateway.discovery(gateway.adminToken);
    const shown = await discovery.request(countsQuery, { id: Number(paystream.environmentId) });
    const paystreamManifest = JSON.parse(
      readShared('fixtures', 'dbt', 'paystream', 'manifest.json'),
    );
    expect(shown.data?.environment).toMatchObject({
      dbtProjectName: 'paystream',
      adapterType: 'clickhouse',
      applied: {
        resourceCounts: { model: 12, test: 55, source: 14, seed: 1, snapshot: 2, macro: 844 },
        models: { totalCount: 12 },
        tests: { totalCount: 55 },
      },
    });
    // The 67 parent_map edges of the manifest, all between stored nodes, and apart from them
    // each use of a macro the manifest defines.
    const edges = await gateway.db
      .selectFrom('metadata_applied_edges')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('environment_id', '=', Number(paystream.environmentId))
      .executeTakeFirstOrThrow();
    const parentMap = paystreamManifest.parent_map as Record<string, string[]>;
    expect(Object.values(parentMap).flat()).toHaveLength(67);
    expect(Number(edges.count)).toBe(
      Object.values(parentMap).flat().length + macroUses(paystreamManifest).length,
    );
    expect(await auditOutcomes(gateway, 'uploadRunArtifacts')).toEqual(['success', 'success']);
  });

  it('refuses broken, truncated, unsupported or misplaced artifacts and stores nothing', async () => {
    const gateway = await createTestGateway();
    const ecommerce = await deployment(gateway, 'ecommerce');
    const files = fixtureArtifacts('ecommerce');
    const manifest = String(files.manifest);
    const runResults = String(files.runResults);
    const withVersion = (json: string, from: string, to: string) => json.replace(from, to);
    const runId = await ecommerce.run();
    const empty = await metadataRowCounts(gateway);

    const refusals: [string, Parameters<typeof uploadArtifacts>[3], string][] = [
      ['truncated manifest', { manifest: manifest.slice(0, manifest.length / 2) }, 'manifest'],
      [
        'manifest of a later version',
        { manifest: withVersion(manifest, 'dbt/manifest/v12.json', 'dbt/manifest/v13.json') },
        'manifest',
      ],
      [
        'manifest of an older version',
        { manifest: withVersion(manifest, 'dbt/manifest/v12.json', 'dbt/manifest/v6.json') },
        'manifest',
      ],
      ['run_results given as the manifest', { manifest: runResults }, 'manifest'],
      ['not JSON', { manifest: 'manifest' }, 'manifest'],
      ['an array, not an object', { manifest: '[1, 2]' }, 'manifest'],
      ['no metadata', { manifest: '{"nodes": {}}' }, 'manifest'],
      [
        'run_results v3',
        {
          ...files,
          runResults: withVersion(runResults, 'dbt/run-results/v6.json', 'dbt/run-results/v3.json'),
        },
        'runResults',
      ],
      ['truncated run_results', { ...files, runResults: runResults.slice(0, 5000) }, 'runResults'],
      ['truncated catalog', { ...files, catalog: String(files.catalog).slice(0, 3000) }, 'catalog'],
      [
        'a node without unique_id',
        {
          manifest: manifest.replace(
            '"unique_id": "model.ecommerce_analytics_platform.dim_customers"',
            '"unique_idx": 1',
          ),
        },
        'manifest',
      ],
    ];
    for (const [what, upload, field] of refusals) {
      const response = await uploadArtifacts(gateway, gateway.adminToken, runId, upload);
      expect(errorCodes(response), what).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.extensions?.field, what).toBe(field);
      expect(await metadataRowCounts(gateway), what).toEqual(empty);
    }
    expect(await auditOutcomes(gateway, 'uploadRunArtifacts')).toEqual(
      refusals.map(() => 'failed'),
    );

    // The run then takes its artifacts, once.
    expect(
      (await uploadArtifacts(gateway, gateway.adminToken, runId, files)).errors,
    ).toBeUndefined();
    const stored = await metadataRowCounts(gateway);
    const again = await uploadArtifacts(gateway, gateway.adminToken, runId, files);
    expect(errorCodes(again)).toEqual(['BAD_USER_INPUT']);
    expect(again.errors?.[0]?.extensions?.field).toBe('runId');
    expect(await metadataRowCounts(gateway)).toEqual(stored);

    // Another dbt project's artifacts do not go into an environment that deploys this one.
    const other = await uploadArtifacts(
      gateway,
      gateway.adminToken,
      await ecommerce.run(),
      fixtureArtifacts('paystream'),
    );
    expect(errorCodes(other)).toEqual(['BAD_USER_INPUT']);
    expect(other.errors?.[0]?.message).toContain('"paystream"');
    expect(await metadataRowCounts(gateway)).toEqual(stored);
  });

  it('refuses runs of other accounts and of projects the token does not reach (NOT_FOUND), and writes only with runs write', async () => {
    const gateway = await createTestGateway();
    const a = await deployment(gateway, 'A');
    const b = await deployment(gateway, 'B');
    const runOfB = await b.run();
    const admin = gateway.client(gateway.adminToken);
    const token = async (permissionSet: 'job_admin' | 'metadata_only', projectIds: string[]) =>
      required(
        await admin.request(CreateServiceTokenDocument, {
          input: { name: permissionSet, permissions: [{ permissionSet, projectIds }] },
        }),
        'token',
      ).createServiceToken!.token;
    const files = fixtureArtifacts('paystream');
    const before = await metadataRowCounts(gateway);

    expect(
      errorCodes(
        await uploadArtifacts(gateway, await token('job_admin', [a.projectId]), runOfB, files),
      ),
    ).toEqual(['NOT_FOUND']);
    const other = await gateway.addAccount('Other', 'enterprise');
    expect(errorCodes(await uploadArtifacts(gateway, other.adminToken, runOfB, files))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await uploadArtifacts(gateway, gateway.adminToken, '999999', files))).toEqual(
      ['NOT_FOUND'],
    );
    const refused = await uploadArtifacts(
      gateway,
      await token('metadata_only', [b.projectId]),
      runOfB,
      files,
    );
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors?.[0]?.extensions?.requiredPermission).toBe('runs:write');
    expect(errorCodes(await uploadArtifacts(gateway, '', runOfB, files))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(await metadataRowCounts(gateway)).toEqual(before);

    const allowed = await uploadArtifacts(
      gateway,
      await token('job_admin', [b.projectId]),
      runOfB,
      files,
    );
    expect(allowed.data?.uploadRunArtifacts.models).toBe(12);
  });

  it('takes a large manifest arriving as one chunk (an uploaded file) in bounded batches', async () => {
    const gateway = await createTestGateway();
    const big = await deployment(gateway, 'big');
    const options = { models: 3000, testsPerModel: 2, sources: 10, codeSize: 50 };
    const manifest = text(syntheticManifest(options));
    expect(manifest.length).toBeGreaterThan(9_000_000);
    const uploaded = await uploadArtifacts(gateway, gateway.adminToken, await big.run(), {
      manifest,
      runResults: text(syntheticRunResults(options)),
    });
    expect(uploaded.errors).toBeUndefined();
    expect(uploaded.data?.uploadRunArtifacts).toMatchObject({
      models: 3000,
      tests: 6000,
      sources: 10,
      runResults: 9000,
    });
  });

  it('answers a plain JSON request for the files with BAD_USER_INPUT naming the argument', async () => {
    const gateway = await createTestGateway();
    const a = await deployment(gateway, 'A');
    const response = await gateway.graphql(
      'mutation ($runId: ID!) { uploadRunArtifacts(runId: $runId, manifest: "{}") { runId } }',
      { runId: await a.run() },
      gateway.adminToken,
    );
    expect(errorCodes(response.body)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.extensions?.field).toBe('manifest');
  });
});

describeWithShared('the ingest CLI', () => {
  async function operatorSetUp() {
    const gateway = await createTestGateway();
    const ecommerce = await deployment(gateway, 'ecommerce');
    const paystream = await deployment(gateway, 'paystream');
    return { gateway, ecommerce, paystream };
  }

  it('ingests both fixtures as new runs whose status comes from run_results, with progress, the same as the mutation', async () => {
    const { gateway, ecommerce, paystream } = await operatorSetUp();
    const lines: string[] = [];
    const now = () => new Date('2026-11-28T10:00:00.000Z');
    const ingested = await ingestTargetDirectory(gateway.db, {
      environmentId: Number(paystream.environmentId),
      jobId: Number(paystream.jobId),
      directory: fixturePath('paystream'),
      now,
      onProgress: (progress) => lines.push(`${progress.file} ${progress.items} ${progress.done}`),
    });
    expect(ingested.summary.nodeCounts).toEqual({
      model: 12,
      test: 55,
      source: 14,
      seed: 1,
      snapshot: 2,
      macro: 844,
    });
    // dbt test with 53 pass and 2 warn: a successful run, timed by run_results.json.
    expect(ingested.run).toMatchObject({
      status: 'success',
      finished_at: '2026-04-05T08:25:48.332Z',
      job_id: Number(paystream.jobId),
    });
    expect(lines).toContain(`manifest ${84 + 844} true`);
    expect(lines).toContain('runResults 55 true');
    expect(lines).toContain('sources 14 true');

    const viaCli = await ingestTargetDirectory(gateway.db, {
      environmentId: Number(ecommerce.environmentId),
      jobId: Number(ecommerce.jobId),
      directory: fixturePath('ecommerce'),
      now,
    });
    expect(viaCli.summary).toMatchObject({
      runResults: 140,
      freshnessResults: 5,
      catalogEntries: 23,
    });
    const run = await gateway
      .client(gateway.adminToken)
      .request(RunDocument, { id: String(viaCli.run.id) });
    expect(run.data?.run).toMatchObject({
      status: 'success',
      cause: 'Artifacts ingested by an operator',
      triggeredByTokenId: null,
    });

    // The mutation, into a second environment, gives the same applied state.
    const second = await deployment(gateway, 'ecommerce again');
    await uploadArtifacts(
      gateway,
      gateway.adminToken,
      await second.run(),
      fixtureArtifacts('ecommerce'),
    );
    const models = document<{ id: number }>(`query ($id: BigInt!) { environment(id: $id) { applied {
      models(first: 500) { edges { node { uniqueId materializedType executionInfo { lastRunStatus executionTime } catalog { rowCountStat { value } } tests { name executionInfo { lastRunStatus } } } } }
      sources(first: 500) { edges { node { uniqueId freshness { freshnessStatus maxLoadedAt } } } } } } }`);
    const discovery = gateway.discovery(gateway.adminToken);
    const fromCli = await discovery.request(models, { id: Number(ecommerce.environmentId) });
    const fromMutation = await discovery.request(models, { id: Number(second.environmentId) });
    expect(fromCli.data?.environment.applied.models.edges).toHaveLength(17);
    expect(fromCli.data).toEqual(fromMutation.data);
    const audited = await gateway.db
      .selectFrom('audit_log')
      .select(['action', 'actor_token_id', 'outcome'])
      .where('action', '=', 'ingestRunArtifacts')
      .execute();
    expect(audited).toEqual([
      { action: 'ingestRunArtifacts', actor_token_id: null, outcome: 'success' },
      { action: 'ingestRunArtifacts', actor_token_id: null, outcome: 'success' },
    ]);
  });

  it('refuses a job of another environment, a folder without manifest, and broken files, leaving no run behind', async () => {
    const { gateway, ecommerce, paystream } = await operatorSetUp();
    const runsBefore = await gateway.db.selectFrom('runs').select('id').execute();
    const now = () => new Date();
    await expect(
      ingestTargetDirectory(gateway.db, {
        environmentId: Number(ecommerce.environmentId),
        jobId: Number(paystream.jobId),
        directory: fixturePath('paystream'),
        now,
      }),
    ).rejects.toThrow(IngestInputError);
    await expect(
      ingestTargetDirectory(gateway.db, {
        environmentId: 1,
        jobId: 9999,
        directory: fixturePath('paystream'),
        now,
      }),
    ).rejects.toThrow('does not exist');
    const empty = mkdtempSync(path.join(tmpdir(), 'tollgate-target-'));
    try {
      await expect(
        ingestTargetDirectory(gateway.db, {
          environmentId: Number(paystream.environmentId),
          jobId: Number(paystream.jobId),
          directory: empty,
          now,
        }),
      ).rejects.toThrow('manifest.json not found');
      writeFileSync(
        path.join(empty, 'manifest.json'),
        readShared('fixtures', 'dbt', 'paystream', 'manifest.json').slice(0, 400_000),
      );
      await expect(
        ingestTargetDirectory(gateway.db, {
          environmentId: Number(paystream.environmentId),
          jobId: Number(paystream.jobId),
          directory: empty,
          now,
        }),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'manifest' } });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(await gateway.db.selectFrom('runs').select('id').execute()).toEqual(runsBefore);
    expect(Object.values(await metadataRowCounts(gateway)).every((count) => count === 0)).toBe(
      true,
    );
  });

  it('runs as a command against the database the configuration names', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-data-'));
    try {
      const database = await dataDirDatabase(dataDir);
      const db = database.open();
      await migrateToLatest(db);
      const { account } = await createAccountWithAdminToken(db, {
        name: 'Ops',
        plan: 'enterprise',
        now: new Date(),
      });
      const {
        environment,
        jobs: [job],
      } = await seedProductionProject(db, account.id, 'paystream', ['tests']);
      await db.destroy();

      const cli = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', ...args], {
          env: { ...process.env, ...database.env },
          encoding: 'utf8',
        });
      const done = cli(String(environment.id), String(job.id), fixturePath('paystream'));
      expect(done.stderr).toBe('');
      expect(done.status).toBe(0);
      expect(done.stdout).toContain(`manifest.json: 1.1 of 1.1 MB, ${84 + 844} nodes — read`);
      expect(done.stdout).toMatch(
        /Run 1 of job \d+ \(success\): paystream 1\.8\.0 — 844 macros, 12 models, 1 seed, 2 snapshots, 14 sources, 55 tests; 55 results, 14 freshness checks/,
      );

      // The same folder again is a second run of the job.
      expect(
        cli(String(environment.id), String(job.id), fixturePath('paystream')).stdout,
      ).toContain('Run 2 of job');
      const refused = cli(String(environment.id), '999', fixturePath('paystream'));
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('Refused, nothing was stored: Job 999 does not exist.');
      const usage = cli('x');
      expect(usage.status).toBe(2);
      expect(usage.stderr).toContain('Usage:');

      const reopened = database.open();
      const applied = await reopened
        .selectFrom('metadata_applied_nodes')
        .where('resource_type', '!=', 'macro')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      // The fixture's models, sources, seeds, snapshots, tests and exposures; macros are stored
      // too (the definition state serves them) but are not what this command is about.
      expect(Number(applied.count)).toBe(84);
      await reopened.destroy();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('streaming', () => {
  it('reads one huge chunk in slices, calling back between them', async () => {
    const big = JSON.stringify({
      metadata: {},
      nodes: Object.fromEntries(
        Array.from({ length: 5000 }, (_, i) => [`n${i}`, { i, s: '✓'.repeat(20) }]),
      ),
    });
    let callbacks = 0;
    let entries = 0;
    await readJsonSections(
      [big],
      { nodes: { kind: 'entries', onEntry: () => entries++ } },
      () => void callbacks++,
    );
    expect(entries).toBe(5000);
    expect(callbacks).toBe(Math.ceil(big.length / 65536));
  });

  it('reads sections of a document split anywhere, even inside strings and multi-byte characters', async () => {
    const doc = {
      metadata: { dbt_schema_version: 'x', note: 'naïve — 数据 🚀' },
      nodes: { a: { n: 1, s: 'é"\\' }, b: [true, null, -1.5e3] },
      skip: { deep: [[{}]] },
      list: [1, { x: 'y' }],
    };
    const bytes = Buffer.from(JSON.stringify(doc, null, 1));
    for (const size of [1, 2, 3, 7, 64]) {
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const seen: Record<string, unknown> = {};
      const entries: [string | number, unknown][] = [];
      await readJsonSections(
        chunks(),
        {
          metadata: { kind: 'value', onValue: (value) => (seen.metadata = value) },
          nodes: { kind: 'entries', onEntry: (key, value) => entries.push([key, value]) },
          list: { kind: 'entries', onEntry: (key, value) => entries.push([key, value]) },
        },
        () => {},
      );
      expect(seen.metadata, `chunks of ${size}`).toEqual(doc.metadata);
      expect(entries, `chunks of ${size}`).toEqual([
        ...Object.entries(doc.nodes),
        [0, 1],
        [1, { x: 'y' }],
      ]);
    }
  });

  it('refuses malformed JSON wherever it is, also in sections nobody reads, without quoting it', async () => {
    const read = (doc: string) =>
      readJsonSections(
        [doc],
        { nodes: { kind: 'entries', onEntry: () => undefined } },
        () => undefined,
      );
    await expect(
      read('{"metadata": {}, "nodes": {"a": {"b": [1, 2]}}, "docs": []}'),
    ).resolves.toBeUndefined();
    const broken = [
      '{"nodes": {"a": {"b": secret_value}}}',
      '{"docs": {"a": {"b": secret_value}}}',
      '{"docs": [1, 2,], "secret_value": 1}',
      '{"nodes": {"a": 1,}}',
      '{"nodes": {"a" 1}}',
      '{"nodes": {"a": 1} "secret_value": 2}',
      '{"metadata": {}, "docs": {"a": "secret_value}',
      '{"metadata": {}} secret_value',
      '["secret_value"]',
    ];
    for (const doc of broken) {
      const error = await read(doc).then(
        () => null,
        (thrown: Error) => thrown,
      );
      expect(error, doc).toBeInstanceOf(MalformedJsonError);
      expect(error!.message, doc).not.toContain('secret_value');
    }
  });

  it('ingests a synthetic manifest produced chunk by chunk, never as one string', async () => {
    const gateway = await createTestGateway();
    const a = await deployment(gateway, 'synthetic');
    const run = await gateway.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', Number(await a.run()))
      .executeTakeFirstOrThrow();
    const options = { models: 1500, testsPerModel: 2, sources: 20, failEvery: 100 };
    let chunks = 0;
    async function* counted(source: Iterable<string>) {
      for (const chunk of source) {
        chunks++;
        yield chunk;
      }
    }
    const summary = await inTransaction(gateway.db, (trx) =>
      ingestArtifacts(
        trx,
        { ...run, account_id: gateway.account.id },
        {
          manifest: { stream: counted(syntheticManifest(options)) },
          runResults: { stream: counted(syntheticRunResults(options)) },
        },
        { now: new Date() },
      ),
    );
    expect(chunks).toBeGreaterThan(1500 * 3);
    expect(summary.nodeCounts).toEqual({ model: 1500, test: 3000, source: 20, macro: 20 });
    expect(summary.runResults).toBe(4500);
    const failed = await gateway.db
      .selectFrom('metadata_applied_nodes')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('last_run_status', '=', 'error')
      .executeTakeFirstOrThrow();
    expect(Number(failed.count)).toBe(15);
  });
});
