import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import { loadConfig } from '../config.js';
import { createSqliteDb, migrateToLatest } from '../db/database.js';
import { artifactFileNames, type IngestProgress } from '../metadata/ingest.js';
import { IngestInputError, ingestTargetDirectory } from '../metadata/ingest-directory.js';

// node --import tsx src/cli/ingest.ts <environmentId> <jobId> <target-dir>
//
// An operator tool on the gateway's host: stores a dbt target/ directory's artifacts as a new
// run of the job, in the database under TOLLGATE_DATA_DIR (as the server uses it).

const usage = 'Usage: node --import tsx src/cli/ingest.ts <environmentId> <jobId> <target-dir>';

function positiveId(value: string | undefined, name: string): number {
  if (!value || !/^[1-9]\d{0,14}$/.test(value)) throw new IngestInputError(`${name} must be a positive integer id.\n${usage}`);
  return Number(value);
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

/** Prints a line per file about every 10% (and when it is done), not per chunk. */
function progressPrinter(write: (line: string) => void) {
  const lastTenth = new Map<string, number>();
  return (progress: IngestProgress) => {
    const name = artifactFileNames[progress.file];
    const tenth = progress.totalBytes ? Math.floor((progress.bytes / progress.totalBytes) * 10) : 0;
    if (!progress.done && (lastTenth.get(name) ?? -1) >= tenth) return;
    lastTenth.set(name, tenth);
    const size = progress.totalBytes ? `${megabytes(progress.bytes)} of ${megabytes(progress.totalBytes)} MB` : `${megabytes(progress.bytes)} MB`;
    write(`${name}: ${size}, ${progress.items.toLocaleString('en-US')} ${progress.file === 'manifest' ? 'nodes' : 'entries'}${progress.done ? ' — read' : ''}`);
  };
}

async function main() {
  const [environmentArg, jobArg, directory] = process.argv.slice(2);
  const environmentId = positiveId(environmentArg, 'environmentId');
  const jobId = positiveId(jobArg, 'jobId');
  if (!directory) throw new IngestInputError(usage);
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  const db = createSqliteDb(path.join(config.dataDir, 'tollgate.sqlite'));
  try {
    await migrateToLatest(db);
    const started = Date.now();
    const { run, summary } = await ingestTargetDirectory(db, {
      environmentId,
      jobId,
      directory: path.resolve(directory),
      now: () => new Date(),
      onProgress: progressPrinter((line) => console.log(line)),
    });
    const nodes = Object.entries(summary.nodeCounts)
      .map(([type, count]) => `${count} ${type}${count === 1 ? '' : 's'}`)
      .join(', ');
    console.log(
      `Run ${run.id} of job ${jobId} (${run.status}): ${summary.dbtProjectName ?? 'dbt project'} ${summary.dbtVersion ?? ''} — ${nodes}; ` +
        `${summary.runResults} results, ${summary.freshnessResults} freshness checks, ${summary.catalogEntries} catalog entries ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof IngestInputError || error instanceof GraphQLError;
  console.error(known ? `Refused, nothing was stored: ${(error as Error).message}` : error);
  process.exit(1);
});
