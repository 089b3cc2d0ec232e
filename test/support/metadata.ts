import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TriggerRunDocument } from '../../src/client/index.js';
import { csrfHeader } from '../../src/hardening/transport.js';
import { builders, required } from './builders.js';
import type { TestGateway } from './helpers.js';
import { sharedDir } from './shared.js';

export type ArtifactFiles = Partial<
  Record<'manifest' | 'runResults' | 'sources' | 'catalog', string | Uint8Array>
>;

const fileNames = {
  manifest: 'manifest.json',
  runResults: 'run_results.json',
  sources: 'sources.json',
  catalog: 'catalog.json',
} as const;

/** The artifacts of a fixture of ../shared/fixtures/dbt, as their bytes (absent files left out). */
export function fixtureArtifacts(name: 'ecommerce' | 'paystream'): ArtifactFiles {
  const files: ArtifactFiles = {};
  for (const [key, file] of Object.entries(fileNames)) {
    const full = path.join(sharedDir, 'fixtures', 'dbt', name, file);
    if (existsSync(full)) files[key as keyof ArtifactFiles] = readFileSync(full);
  }
  return files;
}

export function fixturePath(name: 'ecommerce' | 'paystream'): string {
  return path.join(sharedDir, 'fixtures', 'dbt', name);
}

/** A project with a production environment and a job, made by the admin. */
export async function deployment(
  gateway: TestGateway,
  name: string,
  category: 'production' | 'staging' = 'production',
) {
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const projectId = await build.project(name);
  const environmentId = await build.environment(projectId, category, 'Production');
  const jobId = await build.job(environmentId, 'nightly');
  const run = async () =>
    required(await admin.request(TriggerRunDocument, { jobId }), 'triggerRun').triggerRun!.id;
  return { projectId, environmentId, jobId, run };
}

const uploadMutation = `mutation ($runId: ID!, $manifest: File!, $runResults: File, $sources: File, $catalog: File) {
  uploadRunArtifacts(runId: $runId, manifest: $manifest, runResults: $runResults, sources: $sources, catalog: $catalog) {
    runId dbtVersion dbtProjectName adapterType models tests sources seeds snapshots exposures runResults freshnessResults catalogEntries
  }
}`;

/** uploadRunArtifacts as a multipart request (the GraphQL multipart request spec), over app.fetch. */
export async function uploadArtifacts(
  gateway: TestGateway,
  token: string,
  runId: string,
  files: ArtifactFiles,
) {
  const form = new FormData();
  const present = Object.entries(files).filter(([, content]) => content !== undefined) as [
    keyof ArtifactFiles,
    string | Uint8Array,
  ][];
  form.set(
    'operations',
    JSON.stringify({
      query: uploadMutation,
      variables: { runId, ...Object.fromEntries(present.map(([key]) => [key, null])) },
    }),
  );
  form.set(
    'map',
    JSON.stringify(
      Object.fromEntries(present.map(([key], index) => [String(index), [`variables.${key}`]])),
    ),
  );
  for (const [index, [key, content]] of present.entries()) {
    form.set(
      String(index),
      new File([content as BlobPart], fileNames[key], { type: 'application/json' }),
    );
  }
  // Over the same socket address as the other test requests (IP restrictions apply to it).
  const response = await gateway.app.fetch(
    'http://localhost/graphql/upload',
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, [csrfHeader]: '1' },
      body: form,
    },
    { req: { socket: { remoteAddress: '127.0.0.1' } } },
  );
  return (await response.json()) as {
    data?: { uploadRunArtifacts: Record<string, any> } | null;
    errors?: { message: string; extensions?: Record<string, any> }[];
  };
}

/** Rows per metadata table, to show that a refused upload stored nothing. */
export async function metadataRowCounts(gateway: TestGateway): Promise<Record<string, number>> {
  const tables = [
    'metadata_artifacts',
    'metadata_run_nodes',
    'metadata_run_edges',
    'metadata_run_results',
    'metadata_run_freshness',
    'metadata_run_catalog',
    'metadata_environment_state',
    'metadata_applied_nodes',
    'metadata_applied_edges',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { count } = await gateway.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(count);
  }
  return counts;
}
