import type { TestGateway } from './helpers.js';
import { createTestGateway, document } from './helpers.js';
import { deployment, fixtureArtifacts, uploadArtifacts } from './metadata.js';
import { readShared } from './shared.js';

// The Discovery API over the two dbt fixtures of ../shared, ingested once per test file.

export type Json = Record<string, any>;

export const manifestOf = (name: string) =>
  JSON.parse(readShared('fixtures', 'dbt', name, 'manifest.json')) as Json;
export const runResultsOf = (name: string) =>
  JSON.parse(readShared('fixtures', 'dbt', name, 'run_results.json')) as Json;
export const sourcesOf = (name: string) =>
  JSON.parse(readShared('fixtures', 'dbt', name, 'sources.json')) as Json;

export type IngestedDeployment = Awaited<ReturnType<typeof deployment>> & { runId: string };

export interface IngestedFixtures {
  readonly gateway: TestGateway;
  readonly ecommerce: IngestedDeployment;
  readonly paystream: IngestedDeployment;
  /** A Discovery query, as the admin unless another token is given. */
  readonly ask: (
    query: string,
    variables?: Json,
    token?: string,
  ) => Promise<{ data?: Json | null; errors?: readonly Json[] }>;
}

/** A gateway with the ecommerce and paystream projects, each with one run whose artifacts were uploaded. */
export async function ingestFixtures(): Promise<IngestedFixtures> {
  const gateway = await createTestGateway();
  const e = await deployment(gateway, 'ecommerce');
  const p = await deployment(gateway, 'paystream');
  const ecommerce = { ...e, runId: await e.run() };
  const paystream = { ...p, runId: await p.run() };
  for (const [target, name] of [
    [ecommerce, 'ecommerce'],
    [paystream, 'paystream'],
  ] as const) {
    const uploaded = await uploadArtifacts(
      gateway,
      gateway.adminToken,
      target.runId,
      fixtureArtifacts(name),
    );
    if (uploaded.errors) throw new Error(JSON.stringify(uploaded.errors));
  }
  const ask: IngestedFixtures['ask'] = (query, variables = {}, token = gateway.adminToken) =>
    gateway.discovery(token).request(document(query), variables);
  return { gateway, ecommerce, paystream, ask };
}
