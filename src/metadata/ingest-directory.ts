import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { insertAuditEntry } from '../db/audit-log.js';
import { type Db, inTransaction } from '../db/database.js';
import {
  deleteRun,
  findArtifacts,
  findJobWithAccount,
  listRunResultStatuses,
} from '../db/metadata-runs.js';
import { insertRun, transitionRun } from '../db/runs.js';
import type { RunRow } from '../db/tables/deployments.js';
import { runStatusOfResults } from '../dbt-statuses.js';
import {
  type ArtifactFile,
  type ArtifactName,
  artifactFileNames,
  type IngestProgress,
  type IngestSummary,
  ingestArtifacts,
} from './ingest.js';

/** A refusal of the operator's input; the message says what to fix. */
export class IngestInputError extends Error {}

async function fileIn(directory: string, name: string): Promise<ArtifactFile | null> {
  const full = path.join(directory, name);
  const info = await stat(full).catch(() => undefined);
  if (!info?.isFile()) return null;
  return { stream: createReadStream(full, { highWaterMark: 256 * 1024 }), size: info.size };
}

/**
 * The operator's `ingest <environment> <job> <target-dir>`: creates a run of the job, stores the
 * dbt artifacts found in the directory (manifest.json required; run_results.json, sources.json,
 * catalog.json when present) and finishes the run with the status its run_results.json implies.
 * A refused or broken file leaves neither the run nor any artifact behind.
 */
export async function ingestTargetDirectory(
  db: Db,
  request: {
    environmentId: number;
    jobId: number;
    directory: string;
    now: () => Date;
    onProgress?: (progress: IngestProgress) => void;
  },
): Promise<{ run: RunRow; summary: IngestSummary }> {
  const job = await findJobWithAccount(db, request.jobId);
  if (!job) throw new IngestInputError(`Job ${request.jobId} does not exist.`);
  if (job.environment_id !== request.environmentId) {
    throw new IngestInputError(
      `Job ${request.jobId} belongs to environment ${job.environment_id}, not ${request.environmentId}.`,
    );
  }
  const files: Partial<Record<ArtifactName, ArtifactFile | null>> = {};
  for (const [key, name] of Object.entries(artifactFileNames) as [ArtifactName, string][])
    files[key] = await fileIn(request.directory, name);
  if (!files.manifest)
    throw new IngestInputError(
      `${path.join(request.directory, 'manifest.json')} not found: give a dbt target/ directory.`,
    );

  const now = request.now().toISOString();
  // Running from the start: a queued run could be picked up by whatever executes queued runs.
  const queued = await inTransaction(db, async (trx) => {
    const inserted = await insertRun(trx, {
      projectId: job.project_id,
      environmentId: job.environment_id,
      jobId: job.id,
      cause: 'Artifacts ingested by an operator',
      triggeredByTokenId: null,
      gitBranch: null,
      gitSha: null,
      now,
    });
    return (await transitionRun(trx, inserted.id, 'queued', {
      status: 'running',
      startedAt: now,
    }))!;
  });
  let run: RunRow | undefined;
  try {
    // Staged in short statements, applied in one transaction with the run's status and audit
    // entry (see ingestArtifacts): a server using the same database keeps answering and writing.
    const summary = await ingestArtifacts(
      db,
      { ...queued, account_id: job.account_id },
      {
        manifest: files.manifest!,
        runResults: files.runResults,
        sources: files.sources,
        catalog: files.catalog,
      },
      {
        now: request.now(),
        onProgress: request.onProgress,
        finish: async (trx, summary) => {
          run = await finishRun(trx, queued.id, job.account_id, now, summary);
        },
      },
    );
    return { run: run!, summary };
  } catch (error) {
    // A refused or broken file leaves no run behind either.
    await deleteRun(db, queued.id);
    throw error;
  }
}

/** Finishes the run with the status its run_results.json implies, and audits the ingest. */
async function finishRun(
  trx: Db,
  runId: number,
  accountId: number,
  now: string,
  summary: IngestSummary,
): Promise<RunRow> {
  const artifacts = (await findArtifacts(trx, runId))!;
  const finishedAt = artifacts.run_results_generated_at ?? now;
  const startedAt =
    artifacts.run_results_generated_at && artifacts.run_elapsed_time !== null
      ? new Date(Date.parse(finishedAt) - artifacts.run_elapsed_time * 1000).toISOString()
      : finishedAt;
  const status = runStatusOfResults(await listRunResultStatuses(trx, runId));
  const run = (await transitionRun(trx, runId, 'running', {
    status,
    startedAt,
    finishedAt,
    ...(status === 'error' ? { errorMessage: 'run_results.json reports errors or failures' } : {}),
  }))!;
  await insertAuditEntry(trx, {
    account_id: accountId,
    occurred_at: now,
    actor_token_id: null,
    action: 'ingestRunArtifacts',
    target_type: 'Run',
    target_id: String(run.id),
    project_id: run.project_id,
    outcome: 'success',
    client_ip: null,
    details: JSON.stringify({
      source: 'cli',
      dbtProjectName: summary.dbtProjectName,
      nodes: summary.nodeCounts,
      runResults: summary.runResults,
    }),
  });
  return run;
}
