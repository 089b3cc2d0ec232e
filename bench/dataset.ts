// The data every benchmark measures on (`npm run bench`, `bench:usage`, bench/in-process.ts): one
// enterprise account with a small and a large project of runs, and an environment whose applied
// state is a synthetic dbt project — so that their figures speak of the same requests.

import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { createSqliteDb } from '../src/db/connect.js';
import type { Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { insertRun } from '../src/db/runs.js';
import { upsertServiceTokenPolicy } from '../src/db/service-tokens.js';
import { ingestTargetDirectory } from '../src/metadata/ingest-directory.js';
import { seedProductionProject } from '../test/support/seed.js';
import {
  type SyntheticOptions,
  syntheticManifest,
  syntheticRunResults,
} from '../test/support/synthetic-artifacts.js';

export interface Dataset {
  /** The SQLite file, closed: each server opens it itself. */
  readonly file: string;
  readonly adminToken: string;
  /** A project with 10 runs, and one with 1,000 (10 jobs each). */
  readonly smallProject: number;
  readonly largeProject: number;
  /** An environment whose applied state has 600 models with 2 tests each (0: none made). */
  readonly metadataEnvironment: number;
}

/** A synthetic dbt target/ folder, ingested into a new environment as a run of a new job. */
async function environmentWithModels(
  db: Db,
  accountId: number,
  models: number,
  workDir: string,
): Promise<number> {
  const {
    environment,
    jobs: [job],
  } = await seedProductionProject(db, accountId, 'metadata');
  const options: SyntheticOptions = {
    models,
    testsPerModel: 2,
    sources: 20,
    macros: 50,
    codeSize: 400,
    failEvery: 50,
  };
  const target = path.join(workDir, `target-${environment.id}`);
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, 'manifest.json'), [...syntheticManifest(options)].join(''));
  writeFileSync(path.join(target, 'run_results.json'), [...syntheticRunResults(options)].join(''));
  await ingestTargetDirectory(db, {
    environmentId: environment.id,
    jobId: job!.id,
    directory: target,
    now: () => new Date(),
  });
  return environment.id;
}

async function projectWithRuns(
  db: Db,
  accountId: number,
  name: string,
  runs: number,
): Promise<number> {
  const now = new Date().toISOString();
  const jobNames = Array.from({ length: 10 }, (_, i) => `job ${i}`) as [string, ...string[]];
  const { project, environment, jobs } = await seedProductionProject(db, accountId, name, jobNames);
  for (let i = 0; i < runs; i++) {
    const job = jobs[i % jobs.length]!;
    await insertRun(db, {
      projectId: project.id,
      environmentId: environment.id,
      jobId: job.id,
      cause: 'benchmark',
      triggeredByTokenId: null,
      gitBranch: 'main',
      gitSha: null,
      now,
    });
  }
  return project.id;
}

/** Extra tokens, inserted in bulk (they only need to exist for the lookup to search among). */
async function addTokens(db: Db, accountId: number, count: number): Promise<void> {
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += 500) {
      const rows = Array.from({ length: Math.min(500, count - start) }, (_, i) => ({
        account_id: accountId,
        name: `bulk ${start + i}`,
        token_hash: randomBytes(32).toString('hex'),
        token_hint: 'tgs_…bulk',
        created_at: now,
      }));
      await trx.insertInto('service_tokens').values(rows).execute();
    }
  });
}

/** Makes `<workDir>/<name>.sqlite` with the benchmarks' data, and closes it. */
export async function prepareDataset(
  workDir: string,
  name: string,
  { extraTokens = 0, withMetadata = true }: { extraTokens?: number; withMetadata?: boolean } = {},
): Promise<Dataset> {
  const file = path.join(workDir, `${name}.sqlite`);
  const db = createSqliteDb(file);
  await migrateToLatest(db);
  const { account, adminToken } = await createAccountWithAdminToken(db, {
    name: 'Bench',
    plan: 'enterprise',
    now: new Date(),
  });
  const smallProject = await projectWithRuns(db, account.id, 'small', 10);
  const largeProject = await projectWithRuns(db, account.id, 'large', 1000);
  const metadataEnvironment = withMetadata
    ? await environmentWithModels(db, account.id, 600, workDir)
    : 0;
  await addTokens(db, account.id, extraTokens);
  // The load generator is one token; lift the per-token request rate out of the way.
  await upsertServiceTokenPolicy(db, {
    accountId: account.id,
    requestsPerMinute: 1_000_000,
    now: new Date().toISOString(),
  });
  await db.destroy();
  return { file, adminToken, smallProject, largeProject, metadataEnvironment };
}
