import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GraphQLError } from 'graphql';
import type { Insertable } from 'kysely';
import { insertAuditEntry } from '../db/audit-log.js';
import { type DbLocation, locationOf } from '../db/connect.js';
import type { Db } from '../db/database.js';
import type { AuditLogTable } from '../db/tables/accounts.js';
import type { RunRow } from '../db/tables/deployments.js';
import {
  type ArtifactName,
  type ArtifactUpload,
  type IngestSummary,
  ingestArtifacts,
} from './ingest.js';

// Parsing a large manifest is CPU work: tens of megabytes of JSON take seconds, during which the
// thread doing it answers nothing else. An upload is therefore ingested by a worker thread with
// its own connection to the database, when the files are on disk and the database is one another
// thread can open (a file or PostgreSQL; not an in-memory SQLite database, whose uploads are then
// ingested in the request's thread).

/** The audit entry of the upload, written in the transaction that applies it. */
export type UploadAudit = Omit<Insertable<AuditLogTable>, 'outcome' | 'details'>;

/** What the worker receives: plain data (it crosses threads by structured clone). */
export interface IngestJob {
  readonly location: DbLocation;
  readonly run: RunRow & { account_id: number };
  readonly files: Partial<Record<ArtifactName, { path: string; size?: number }>>;
  readonly now: string;
  readonly audit: UploadAudit | null;
}

/** The worker's answer. */
export type IngestOutcome =
  | { readonly ok: true; readonly summary: IngestSummary }
  | {
      readonly ok: false;
      readonly message: string;
      /** Set for a GraphQLError: what the client may see. */
      readonly extensions?: Record<string, unknown>;
    };

/** Below this many bytes in all, starting a thread costs more than it saves. */
export const workerThresholdBytes = 1_000_000;

/** `finish` of an upload: its audit entry, with what the artifacts held. */
export function auditUpload(audit: UploadAudit) {
  return async (trx: Db, summary: IngestSummary): Promise<void> => {
    await insertAuditEntry(trx, {
      ...audit,
      outcome: 'success',
      details: JSON.stringify({
        dbtProjectName: summary.dbtProjectName,
        dbtVersion: summary.dbtVersion,
        nodes: summary.nodeCounts,
        runResults: summary.runResults,
        freshnessResults: summary.freshnessResults,
        catalogEntries: summary.catalogEntries,
      }),
    });
  };
}

/**
 * Starts the worker on its entry file: the compiled .js beside this one, or the .ts source. A
 * worker does not inherit tsx's loader from `--import tsx` on Node 20, so the source is loaded
 * through a bootstrap that registers tsx's loader in the worker first.
 */
function startWorker(job: IngestJob): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./ingest-worker.js', import.meta.url), { workerData: job });
  const entry = new URL('./ingest-worker.ts', import.meta.url).href;
  // The ESM build of tsx's API (require.resolve would name its CommonJS build).
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const tsx = pathToFileURL(path.join(path.dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: job });
}

function runWorker(job: IngestJob): Promise<IngestOutcome> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job);
    let answered = false;
    worker.once('message', (outcome: IngestOutcome) => {
      answered = true;
      resolve(outcome);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`The ingest worker stopped (exit code ${code}).`));
    });
  });
}

/**
 * Stores an upload's artifacts (see `ingestArtifacts`): in a worker thread when every file is on
 * disk, the database can be opened from another thread and the files are large enough; in this
 * thread otherwise. Refusals come back as the same BAD_USER_INPUT errors either way.
 */
export async function ingestUpload(
  db: Db,
  run: RunRow & { account_id: number },
  upload: ArtifactUpload,
  options: { now: Date; audit: UploadAudit | null; thresholdBytes?: number },
): Promise<IngestSummary> {
  const location = locationOf(db);
  const present = Object.entries(upload).filter(([, file]) => file != null) as [
    ArtifactName,
    NonNullable<ArtifactUpload[ArtifactName]>,
  ][];
  const onDisk = present.every(([, file]) => file.path !== undefined);
  const bytes = present.reduce((sum, [, file]) => sum + (file.size ?? 0), 0);
  const finish = options.audit ? auditUpload(options.audit) : undefined;
  if (
    !location ||
    !onDisk ||
    db.isTransaction ||
    bytes < (options.thresholdBytes ?? workerThresholdBytes)
  )
    return ingestArtifacts(db, run, upload, { now: options.now, finish });
  const outcome = await runWorker({
    location,
    run,
    files: Object.fromEntries(
      present.map(([name, file]) => [name, { path: file.path!, size: file.size }]),
    ),
    now: options.now.toISOString(),
    audit: options.audit,
  });
  if (outcome.ok) return outcome.summary;
  if (outcome.extensions)
    throw new GraphQLError(outcome.message, { extensions: outcome.extensions });
  throw new Error(outcome.message);
}
