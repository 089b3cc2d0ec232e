import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { GraphQLError } from 'graphql';
import { openDatabaseAt } from '../db/connect.js';
import type { ArtifactFile, ArtifactName } from './ingest.js';
import { ingestArtifacts } from './ingest.js';
import { auditUpload, type IngestJob, type IngestOutcome } from './ingest-thread.js';

// The worker thread of `ingestUpload`: opens its own connection, ingests the files on disk, and
// posts the summary or the refusal back. One worker per ingest; it exits when done.

const job = workerData as IngestJob;

function file(entry: { path: string; size?: number } | undefined): ArtifactFile | null {
  if (!entry) return null;
  return {
    stream: createReadStream(entry.path, { highWaterMark: 256 * 1024 }),
    size: entry.size,
    path: entry.path,
  };
}

async function main(): Promise<IngestOutcome> {
  const db = openDatabaseAt(job.location);
  try {
    const files = (name: ArtifactName) => file(job.files[name]);
    const summary = await ingestArtifacts(
      db,
      job.run,
      {
        manifest: files('manifest')!,
        runResults: files('runResults'),
        sources: files('sources'),
        catalog: files('catalog'),
      },
      { now: new Date(job.now), finish: job.audit ? auditUpload(job.audit) : undefined },
    );
    return { ok: true, summary };
  } catch (error) {
    if (error instanceof GraphQLError) {
      return { ok: false, message: error.message, extensions: { ...error.extensions } };
    }
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    await db.destroy();
  }
}

parentPort!.postMessage(await main());
