import path from 'node:path';
import { GraphQLError } from 'graphql';
import { loadStorageConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { advanceDataVersion } from '../db/data-version.js';
import { migrateToLatest } from '../db/migrator.js';
import { artifactFileNames, type IngestProgress } from '../metadata/ingest.js';
import { IngestInputError, ingestTargetDirectory } from '../metadata/ingest-directory.js';
import {
  type CommandSpec,
  idArgument,
  isEntryPoint,
  parseCommandLine,
  runCommand,
} from './command-line.js';
import { type Progress, progressReporter } from './progress.js';

// An operator tool on the gateway's host: stores a dbt target/ directory's artifacts as a new
// run of the job, in the database the server uses.

const command: CommandSpec = {
  usage: 'tollgate ingest <environmentId> <jobId> <target-dir>',
  description: [
    'Stores the dbt artifacts in <target-dir> (manifest.json required; run_results.json, sources.json',
    'and catalog.json when present) as a new run of the job, which must belong to the environment.',
    'One transaction: a refused file stores nothing. The database is the one the server uses:',
    'TOLLGATE_DATABASE_URL when set, otherwise tollgate.sqlite in TOLLGATE_DATA_DIR (./data).',
  ].join('\n'),
  required: ['environmentId', 'jobId', 'target-dir'],
};

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

/** Prints a line per file about every 10% (and when it is done), not per chunk. */
export function progressPrinter(write: (line: string) => void) {
  const lastTenth = new Map<string, number>();
  return (progress: IngestProgress) => {
    const name = artifactFileNames[progress.file];
    const tenth = progress.totalBytes ? Math.floor((progress.bytes / progress.totalBytes) * 10) : 0;
    if (!progress.done && (lastTenth.get(name) ?? -1) >= tenth) return;
    lastTenth.set(name, tenth);
    const size = progress.totalBytes
      ? `${megabytes(progress.bytes)} of ${megabytes(progress.totalBytes)} MB`
      : `${megabytes(progress.bytes)} MB`;
    write(
      `${name}: ${size}, ${progress.items.toLocaleString('en-US')} ${progress.file === 'manifest' ? 'nodes' : 'entries'}${progress.done ? ' — read' : ''}`,
    );
  };
}

/** On a terminal, a bar per file redrawn in place. */
function progressBars() {
  const bars = new Map<string, Progress>();
  return (progress: IngestProgress) => {
    const name = artifactFileNames[progress.file];
    let bar = bars.get(name);
    if (!bar) {
      bar = progressReporter(name.padEnd(16));
      bars.set(name, bar);
    }
    const detail = `${progress.items.toLocaleString('en-US')} ${progress.file === 'manifest' ? 'nodes' : 'entries'}`;
    const total = progress.totalBytes ?? progress.bytes;
    if (progress.done) bar.finish(detail);
    else bar.update(progress.bytes, total, detail);
  };
}

export async function main(args: readonly string[]) {
  const line = parseCommandLine(command, args);
  if (!line) return;
  const [environmentArg, jobArg, directory] = line.positionals as [string, string, string];
  const environmentId = idArgument(environmentArg, 'environmentId', command);
  const jobId = idArgument(jobArg, 'jobId', command);
  const db = openDatabase(loadStorageConfig());
  try {
    await migrateToLatest(db);
    const started = Date.now();
    const { run, summary } = await ingestTargetDirectory(db, {
      environmentId,
      jobId,
      directory: path.resolve(directory),
      now: () => new Date(),
      onProgress: process.stdout.isTTY
        ? progressBars()
        : progressPrinter((line) => console.log(line)),
    });
    // Written outside any server: cached Discovery responses of every instance must go stale.
    await advanceDataVersion(db);
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

/** The explanation of an input the command refused (exit status 1); undefined for a bug. */
export function refusal(error: unknown): string | undefined {
  return error instanceof IngestInputError || error instanceof GraphQLError
    ? `Refused, nothing was stored: ${error.message}`
    : undefined;
}

if (isEntryPoint(import.meta.url)) runCommand(() => main(process.argv.slice(2)), refusal);
