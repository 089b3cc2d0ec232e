import { GraphQLError } from 'graphql';
import { type Db, inTransaction } from '../db/database.js';
import { applyRunToEnvironment, findEnvironmentState } from '../db/metadata-applied.js';
import {
  countRunNodesByType,
  deleteArtifacts,
  enlargeStagingCache,
  findArtifactsClaim,
  insertArtifacts,
  insertRunCatalog,
  insertRunEdges,
  insertRunFreshness,
  insertRunNodes,
  insertRunResults,
  updateArtifacts,
} from '../db/metadata-runs.js';
import type { RunRow } from '../db/tables/deployments.js';
import type { MetadataNodeColumns, MetadataRunEdgeTable } from '../db/tables/metadata.js';
import { badUserInput } from '../errors.js';
import {
  type ArtifactKind,
  checkSchemaVersion,
  isObject,
  isoTimestamp,
  mapCatalogEntry,
  mapFreshnessResult,
  mapRunResult,
  projectNameOf,
  runCommandOf,
} from './artifacts.js';
import { MalformedJsonError, readJsonSections, type SectionHandler } from './json-sections.js';
import { mapManifestNode, nodeSections } from './manifest-nodes.js';

/** One artifact file: its bytes as a stream (read once), and its size when known (for progress). */
export interface ArtifactFile {
  readonly stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
  readonly size?: number;
  /** The file on disk, when it is one: a worker thread can then read it itself. */
  readonly path?: string;
}

/** A run's `target/` files; only the manifest is required. */
export interface ArtifactUpload {
  readonly manifest: ArtifactFile;
  readonly runResults?: ArtifactFile | null;
  readonly sources?: ArtifactFile | null;
  readonly catalog?: ArtifactFile | null;
}

export type ArtifactName = keyof ArtifactUpload;

export const artifactFileNames: Record<ArtifactName, string> = {
  manifest: 'manifest.json',
  runResults: 'run_results.json',
  sources: 'sources.json',
  catalog: 'catalog.json',
};

const artifactKinds: Record<ArtifactName, ArtifactKind> = {
  manifest: 'manifest',
  runResults: 'run-results',
  sources: 'sources',
  catalog: 'catalog',
};

export interface IngestProgress {
  readonly file: ArtifactName;
  readonly bytes: number;
  readonly totalBytes?: number;
  /** Nodes, results or entries read from the file so far. */
  readonly items: number;
  readonly done: boolean;
}

export interface IngestSummary {
  readonly runId: number;
  readonly dbtVersion: string | null;
  readonly dbtProjectName: string | null;
  readonly adapterType: string | null;
  /** Stored nodes per resource type (model, test, source, ...). */
  readonly nodeCounts: Readonly<Record<string, number>>;
  readonly runResults: number;
  readonly freshnessResults: number;
  readonly catalogEntries: number;
}

export interface IngestOptions {
  readonly now: Date;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** Runs inside the transaction that applies the run: its audit entry, its status. */
  readonly finish?: (trx: Db, summary: IngestSummary) => Promise<void>;
}

/** A staging older than this was abandoned (its process died): the next upload takes it over. */
const abandonedAfterMs = 60 * 60_000;

/** Rows per INSERT statement. */
const batchSize = 400;

function refuse(file: ArtifactName, problem: string): GraphQLError {
  return badUserInput(`${artifactFileNames[file]} ${problem}.`, file);
}

/**
 * Reads one artifact file section by section; a handler's thrown Error (not a GraphQLError) is
 * reported as BAD_USER_INPUT naming the file. `flush` runs after each chunk and at the end.
 */
async function readArtifact(
  file: ArtifactName,
  artifact: ArtifactFile,
  handlers: Record<string, SectionHandler>,
  flush: (final: boolean) => Promise<void>,
  progress: (bytes: number, done: boolean) => void,
): Promise<void> {
  let seenMetadata = false;
  const metadataHandler = handlers.metadata as Extract<SectionHandler, { kind: 'value' }>;
  const guarded: Record<string, SectionHandler> = {
    ...handlers,
    metadata: {
      kind: 'value',
      onValue: (value) => {
        seenMetadata = true;
        metadataHandler.onValue(value);
      },
    },
  };
  let bytes = 0;
  try {
    await readJsonSections(artifact.stream, guarded, async (read) => {
      bytes = read.bytes;
      await flush(false);
      progress(bytes, false);
    });
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    if (error instanceof MalformedJsonError)
      throw refuse(file, `is not a complete JSON document: ${error.message}`);
    if (error instanceof Error && !('code' in error))
      throw refuse(file, `is not a valid dbt artifact: ${error.message}`);
    throw error;
  }
  if (!seenMetadata) throw refuse(file, 'has no metadata (not a dbt artifact?)');
  await flush(true);
  progress(bytes, true);
}

/**
 * Stores a run's dbt artifacts and folds them into its environment's applied state, in three
 * steps so that a large ingest never holds the database for long: a short transaction claims the
 * run (its artifacts row, marked incomplete: readers skip it); the files are streamed into the
 * run's tables in short statements of one batch each; one transaction then marks the run complete,
 * applies it to the environment and runs `finish`. Readers see the old applied state until that
 * transaction commits, and other writers wait at most for one batch. Throws BAD_USER_INPUT naming
 * the file for unsupported schema versions and broken or truncated files, after removing what was
 * staged. Given a transaction, all three steps run in it (and its rollback cleans up). Memory
 * holds one batch of rows at a time.
 */
export async function ingestArtifacts(
  db: Db,
  run: RunRow & { account_id: number },
  upload: ArtifactUpload,
  options: IngestOptions,
): Promise<IngestSummary> {
  const now = options.now.toISOString();
  // An environment deploys one dbt project: a manifest of another is a mistake, not an update.
  const expectedProjectName =
    (await findEnvironmentState(db, run.environment_id))?.dbt_project_name ?? null;
  await inTransaction(db, async (trx) => {
    const claim = await findArtifactsClaim(trx, run.id);
    if (claim?.complete === 1)
      throw badUserInput(
        `Run ${run.id} already has artifacts; trigger a new run for new ones.`,
        'runId',
      );
    if (claim) {
      if (options.now.getTime() - Date.parse(claim.ingested_at) < abandonedAfterMs)
        throw badUserInput(
          `Run ${run.id}'s artifacts are being stored by another upload; wait for it to finish.`,
          'runId',
        );
      await deleteArtifacts(trx, run.id);
    }
    await insertArtifacts(trx, {
      run_id: run.id,
      account_id: run.account_id,
      project_id: run.project_id,
      environment_id: run.environment_id,
      job_id: run.job_id,
      manifest_generated_at: now,
      macro_packages: '[]',
      ingested_at: now,
      complete: 0,
    });
  });
  const restoreCache = await enlargeStagingCache(db);
  try {
    return await stageAndApply(db, run, upload, options, expectedProjectName);
  } catch (error) {
    // Outside a transaction the staged rows are committed: remove them (the claim cascades).
    if (!db.isTransaction) await deleteArtifacts(db, run.id);
    throw error;
  } finally {
    await restoreCache();
  }
}

async function stageAndApply(
  db: Db,
  run: RunRow & { account_id: number },
  upload: ArtifactUpload,
  options: IngestOptions,
  expectedProjectName: string | null,
): Promise<IngestSummary> {
  const now = options.now.toISOString();
  const report = (file: ArtifactName, items: () => number) => (bytes: number, done: boolean) =>
    options.onProgress?.({ file, bytes, totalBytes: upload[file]?.size, items: items(), done });

  // manifest.json
  let manifestMeta: Record<string, any> = {};
  let nodes: MetadataNodeColumns[] = [];
  let edges: MetadataRunEdgeTable[] = [];
  let nodeCount = 0;
  const macroPackages = new Set<string>();
  const packages = new Set<string>();
  const nodeHandler = (section: (typeof nodeSections)[number]): SectionHandler => ({
    kind: 'entries',
    onEntry: (key, value) => {
      const mapped = mapManifestNode(section, key, value);
      if (!mapped) return;
      if (mapped.row.package_name) packages.add(mapped.row.package_name);
      if (mapped.row.resource_type === 'macro') macroPackages.add(mapped.row.package_name ?? '');
      nodes.push(mapped.row);
      nodeCount++;
      for (const parent of mapped.parents)
        edges.push({
          run_id: run.id,
          parent_unique_id: parent,
          child_unique_id: mapped.row.unique_id,
        });
    },
  });
  await readArtifact(
    'manifest',
    upload.manifest,
    {
      metadata: {
        kind: 'value',
        onValue: (value) => {
          const checked = checkSchemaVersion('manifest', value);
          if ('problem' in checked) throw refuse('manifest', checked.problem);
          manifestMeta = value as Record<string, any>;
          const projectName =
            typeof manifestMeta.project_name === 'string' ? manifestMeta.project_name : null;
          if (expectedProjectName && projectName && projectName !== expectedProjectName) {
            throw refuse(
              'manifest',
              `is of the dbt project "${projectName}", but this environment holds "${expectedProjectName}"`,
            );
          }
        },
      },
      ...Object.fromEntries(nodeSections.map((section) => [section, nodeHandler(section)])),
    },
    async (final) => {
      if (nodes.length >= batchSize || (final && nodes.length > 0)) {
        const batch = nodes;
        nodes = [];
        await insertRunNodes(db, run.id, batch);
      }
      if (edges.length >= batchSize * 2 || (final && edges.length > 0)) {
        const batch = edges;
        edges = [];
        await insertRunEdges(db, batch);
      }
    },
    report('manifest', () => nodeCount),
  );
  const manifestGeneratedAt = isoTimestamp(manifestMeta.generated_at) ?? now;
  // Manifests before v10 do not name their project: checked here, once the packages are known.
  const projectName = projectNameOf(manifestMeta, packages);
  if (expectedProjectName && projectName && projectName !== expectedProjectName) {
    throw refuse(
      'manifest',
      `is of the dbt project "${projectName}", but this environment holds "${expectedProjectName}"`,
    );
  }

  // run_results.json
  let runResultsMeta: Record<string, any> | null = null;
  let elapsed: number | null = null;
  let args: unknown = null;
  let resultCount = 0;
  if (upload.runResults) {
    let results: ReturnType<typeof mapRunResult>[] = [];
    await readArtifact(
      'runResults',
      upload.runResults,
      {
        metadata: {
          kind: 'value',
          onValue: (value) => (runResultsMeta = versioned('runResults', value)),
        },
        results: {
          kind: 'entries',
          onEntry: (key, value) => {
            results.push(mapRunResult(run.id, Number(key), value));
            resultCount++;
          },
        },
        elapsed_time: {
          kind: 'value',
          onValue: (value) => (elapsed = typeof value === 'number' ? value : null),
        },
        args: { kind: 'value', onValue: (value) => (args = value) },
      },
      async (final) => {
        if (results.length >= batchSize || (final && results.length > 0)) {
          const batch = results;
          results = [];
          await insertRunResults(db, batch);
        }
      },
      report('runResults', () => resultCount),
    );
  }

  // sources.json
  let sourcesMeta: Record<string, any> | null = null;
  let freshnessCount = 0;
  if (upload.sources) {
    let results: ReturnType<typeof mapFreshnessResult>[] = [];
    await readArtifact(
      'sources',
      upload.sources,
      {
        metadata: {
          kind: 'value',
          onValue: (value) => (sourcesMeta = versioned('sources', value)),
        },
        results: {
          kind: 'entries',
          onEntry: (key, value) => {
            results.push(mapFreshnessResult(run.id, Number(key), value));
            freshnessCount++;
          },
        },
      },
      async (final) => {
        if (results.length >= batchSize || (final && results.length > 0)) {
          const batch = results;
          results = [];
          await insertRunFreshness(db, batch);
        }
      },
      report('sources', () => freshnessCount),
    );
  }

  // catalog.json
  let catalogMeta: Record<string, any> | null = null;
  let catalogCount = 0;
  if (upload.catalog) {
    let entries: ReturnType<typeof mapCatalogEntry>[] = [];
    const entryHandler: SectionHandler = {
      kind: 'entries',
      onEntry: (key, value) => {
        entries.push(mapCatalogEntry(run.id, key, value));
        catalogCount++;
      },
    };
    await readArtifact(
      'catalog',
      upload.catalog,
      {
        metadata: {
          kind: 'value',
          onValue: (value) => (catalogMeta = versioned('catalog', value)),
        },
        nodes: entryHandler,
        sources: entryHandler,
      },
      async (final) => {
        if (entries.length >= batchSize || (final && entries.length > 0)) {
          const batch = entries;
          entries = [];
          await insertRunCatalog(db, batch);
        }
      },
      report('catalog', () => catalogCount),
    );
  }

  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const generatedAt = (meta: Record<string, any> | null) =>
    meta ? (isoTimestamp(meta.generated_at) ?? now) : null;
  return inTransaction(db, async (trx) => {
    const artifacts = await updateArtifacts(trx, run.id, {
      dbt_version: text(manifestMeta.dbt_version),
      dbt_project_name: projectName,
      adapter_type: text(manifestMeta.adapter_type),
      invocation_id:
        text((runResultsMeta as Record<string, any> | null)?.invocation_id) ??
        text(manifestMeta.invocation_id),
      manifest_generated_at: manifestGeneratedAt,
      run_results_generated_at: generatedAt(runResultsMeta),
      run_elapsed_time: elapsed,
      run_args: isObject(args) ? JSON.stringify(args) : null,
      command: runCommandOf(args),
      sources_generated_at: generatedAt(sourcesMeta),
      catalog_generated_at: generatedAt(catalogMeta),
      macro_packages: JSON.stringify([...macroPackages].filter(Boolean).sort()),
      complete: 1,
    });
    await applyRunToEnvironment(trx, {
      runId: run.id,
      jobId: run.job_id,
      environmentId: run.environment_id,
      projectId: run.project_id,
      accountId: run.account_id,
      dbtVersion: artifacts.dbt_version,
      dbtProjectName: artifacts.dbt_project_name,
      adapterType: artifacts.adapter_type,
      macroPackages: [...macroPackages].filter(Boolean).sort(),
      manifestGeneratedAt,
      runResultsGeneratedAt: artifacts.run_results_generated_at,
      command: artifacts.command,
      runElapsedTime: artifacts.run_elapsed_time,
      sourcesGeneratedAt: artifacts.sources_generated_at,
      catalogGeneratedAt: artifacts.catalog_generated_at,
      now,
    });
    const summary: IngestSummary = {
      runId: run.id,
      dbtVersion: artifacts.dbt_version,
      dbtProjectName: artifacts.dbt_project_name,
      adapterType: artifacts.adapter_type,
      nodeCounts: await countRunNodesByType(trx, run.id),
      runResults: resultCount,
      freshnessResults: freshnessCount,
      catalogEntries: catalogCount,
    };
    await options.finish?.(trx, summary);
    return summary;
  });
}

function versioned(file: ArtifactName, value: unknown): Record<string, any> {
  const checked = checkSchemaVersion(artifactKinds[file], value);
  if ('problem' in checked) throw refuse(file, checked.problem);
  return value as Record<string, any>;
}
