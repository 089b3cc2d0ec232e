import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { createGzip } from 'node:zlib';
import { GraphQLError } from 'graphql';
import { callerMember, callerToken } from '../auth/principal.js';
import { parentProject, runScope } from '../auth/scopes.js';
import { principalOf } from '../context.js';
import { replaceRunArtifactFiles } from '../db/run-artifact-files.js';
import { badUserInput } from '../errors.js';
import { parseId } from '../ids.js';
import { type ArtifactFile, artifactFileNames, type IngestSummary } from '../metadata/ingest.js';
import { UploadedFile } from '../metadata/ingest-files.js';
import { ingestUpload } from '../metadata/ingest-thread.js';
import { builder } from './builder.js';
import { Run } from './run.js';

export const FileScalar = builder.scalarType('File', {
  description:
    'A file uploaded with a multipart request (the GraphQL multipart request spec, as graphql-yoga serves it).',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar.');
  },
  // Checked where the file is read (see `artifactFile`), after the rules: an anonymous or
  // unauthorized caller learns nothing about its input.
  parseValue: (value) => value as File,
});

const RunArtifacts = builder
  .objectRef<IngestSummary & { projectId: number }>('RunArtifacts')
  .implement({
    description: "What a run's artifacts held: counts of what was stored for the Discovery API.",
    fields: (t) => ({
      runId: t.exposeID('runId', { nullable: false }),
      dbtVersion: t.exposeString('dbtVersion'),
      dbtProjectName: t.exposeString('dbtProjectName'),
      adapterType: t.exposeString('adapterType'),
      models: t.int({
        nullable: false,
        authz: 'parent',
        resolve: (summary) => summary.nodeCounts.model ?? 0,
      }),
      tests: t.int({
        nullable: false,
        authz: 'parent',
        resolve: (summary) => summary.nodeCounts.test ?? 0,
      }),
      sources: t.int({
        nullable: false,
        authz: 'parent',
        resolve: (summary) => summary.nodeCounts.source ?? 0,
      }),
      seeds: t.int({
        nullable: false,
        authz: 'parent',
        resolve: (summary) => summary.nodeCounts.seed ?? 0,
      }),
      snapshots: t.int({
        nullable: false,
        authz: 'parent',
        resolve: (summary) => summary.nodeCounts.snapshot ?? 0,
      }),
      exposures: t.int({
        nullable: false,
        authz: 'parent',
        resolve: (summary) => summary.nodeCounts.exposure ?? 0,
      }),
      runResults: t.exposeInt('runResults', {
        nullable: false,
        description: 'Results read from run_results.json.',
      }),
      freshnessResults: t.exposeInt('freshnessResults', {
        nullable: false,
        description: 'Freshness checks read from sources.json.',
      }),
      catalogEntries: t.exposeInt('catalogEntries', {
        nullable: false,
        description: 'Relations read from catalog.json.',
      }),
      run: t.field({
        type: Run,
        authz: {
          resource: 'runs',
          action: 'read',
          project: parentProject((summary) => summary.projectId, 'Run'),
        },
        resolve: (summary, _args, context) => context.loaders.run.load(summary.runId),
      }),
    }),
  });

/** The file's bytes chunk by chunk, through the web-streams reader every File implementation has. */
async function* chunksOf(file: File): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** yoga hands over its own File implementation, not necessarily the global class. */
function artifactFile(file: File | null | undefined, field: string): ArtifactFile | null {
  if (file == null) return null;
  if (
    typeof file !== 'object' ||
    typeof file.stream !== 'function' ||
    typeof file.size !== 'number'
  ) {
    throw badUserInput(
      `${field} must be an uploaded file: send a multipart/form-data request (GraphQL multipart request spec).`,
      field,
    );
  }
  // An upload on disk (src/hardening/upload.ts) is read by path; `chunksOf` only starts on use.
  const path = file instanceof UploadedFile ? file.path : undefined;
  return { stream: chunksOf(file), size: file.size, ...(path ? { path } : {}) };
}

builder.mutationField('uploadRunArtifacts', (t) =>
  t.field({
    type: RunArtifacts,
    nullable: false,
    description: [
      "Stores a run's dbt artifacts (a multipart request) and folds them into its environment's applied state for the",
      `Discovery API: ${Object.values(artifactFileNames).join(', ')}; only the manifest is required. All or nothing: a`,
      'broken, truncated or unsupported file (manifest v9–v12, run_results v4–v6, sources v3, catalog v1) stores nothing.',
    ].join(' '),
    args: {
      runId: t.arg.id({ required: true }),
      manifest: t.arg({ type: FileScalar, required: true }),
      runResults: t.arg({ type: FileScalar }),
      sources: t.arg({ type: FileScalar }),
      catalog: t.arg({ type: FileScalar }),
    },
    authz: {
      resource: 'runs',
      action: 'write',
      project: (_root, { runId }, context) => runScope(runId, context.loaders, 'runId'),
    },
    resolve: async (_root, args, context) => {
      const run = (await context.loaders.run.load(parseId(args.runId, 'runId')))!;
      const account = principalOf(context).account;
      const upload = {
        manifest: artifactFile(args.manifest, 'manifest')!,
        runResults: artifactFile(args.runResults, 'runResults'),
        sources: artifactFile(args.sources, 'sources'),
        catalog: artifactFile(args.catalog, 'catalog'),
      };
      // Staged in short transactions and applied in one (see ingestArtifacts), by a worker thread
      // for large files; the audit entry is written in the transaction that applies the run.
      const summary = await ingestUpload(context.db, { ...run, account_id: account.id }, upload, {
        now: context.now(),
        audit: {
          account_id: account.id,
          occurred_at: context.now().toISOString(),
          actor_token_id: callerToken(principalOf(context))?.id ?? null,
          actor_member_id: callerMember(principalOf(context))?.id ?? null,
          action: 'uploadRunArtifacts',
          client_ip: context.clientIp,
          target_type: 'Run',
          target_id: String(run.id),
          project_id: run.project_id,
        },
      });
      // The files as uploaded, kept (compressed) for the REST API's artifact downloads, once
      // ingestion has accepted them; a later upload to the same run replaces them.
      await replaceRunArtifactFiles(
        context.db,
        run.id,
        await Promise.all(
          (Object.keys(artifactFileNames) as (keyof typeof artifactFileNames)[])
            .filter((name) => args[name] != null)
            .map(async (name) => {
              const file = args[name] as File;
              return {
                path: artifactFileNames[name],
                size: file.size,
                // Compressed as it is read: an upload is on disk, never whole in memory.
                gzipped: await buffer(
                  Readable.fromWeb(file.stream() as NodeReadableStream).pipe(createGzip()),
                ),
              };
            }),
        ),
        context.now().toISOString(),
      );
      return { ...summary, projectId: run.project_id };
    },
  }),
);
