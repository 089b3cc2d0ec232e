import { describe, expect, it } from 'vitest';
import { createTestGateway, document, type TestGateway } from './support/helpers.js';
import { deployment, uploadArtifacts } from './support/metadata.js';
import {
  type SyntheticOptions,
  syntheticIds,
  syntheticManifest,
  syntheticRunResults,
  text,
} from './support/synthetic-artifacts.js';

type Json = Record<string, any>;

async function upload(
  gateway: TestGateway,
  runId: string,
  options: SyntheticOptions,
  withResults = true,
) {
  const response = await uploadArtifacts(gateway, gateway.adminToken, runId, {
    manifest: text(syntheticManifest(options)),
    ...(withResults ? { runResults: text(syntheticRunResults(options)) } : {}),
  });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.uploadRunArtifacts;
}

const modelsQuery = document<{
  id: number;
  first?: number;
}>(`query ($id: BigInt!, $first: Int) { environment(id: $id) { applied {
  models(first: $first) { totalCount edges { node { uniqueId executionInfo {
    lastRunStatus lastRunError lastRunId lastJobDefinitionId lastSuccessRunId lastSuccessJobDefinitionId executeCompletedAt runGeneratedAt lastRunGeneratedAt
  } } } }
} } }`);

describe('the applied state across runs', () => {
  it('keeps the latest attempt and the latest success apart, per node, and takes definitions from the newest manifest only', async () => {
    const gateway = await createTestGateway();
    const first = await deployment(gateway, 'synthetic');
    // A second job in the same environment.
    const second = await gateway
      .client(gateway.adminToken)
      .request(
        document<{ environmentId: string }>(
          'mutation ($environmentId: ID!) { createJob(input: { environmentId: $environmentId, name: "hourly", steps: ["dbt run"] }) { id } }',
        ),
        { environmentId: first.environmentId },
      );
    const secondJob = second.data!.createJob.id as string;
    const runOfSecondJob = async () =>
      (
        await gateway
          .client(gateway.adminToken)
          .request(
            document<{ jobId: string }>(
              'mutation ($jobId: ID!) { triggerRun(jobId: $jobId) { id } }',
            ),
            {
              jobId: secondJob,
            },
          )
      ).data!.triggerRun.id as string;
    const ids = syntheticIds({ models: 0 });
    const discovery = gateway.discovery(gateway.adminToken);
    const models = async () => {
      const response = await discovery.request(modelsQuery, {
        id: Number(first.environmentId),
        first: 500,
      });
      expect(response.errors).toBeUndefined();
      return new Map(
        (response.data!.environment.applied.models.edges as Json[]).map((edge) => [
          edge.node.uniqueId,
          edge.node,
        ]),
      );
    };

    const run1 = await first.run();
    await upload(gateway, run1, { models: 30, generatedAt: '2026-11-01T06:00:00.000Z' });
    const run2 = await runOfSecondJob();
    await upload(gateway, run2, {
      models: 30,
      generatedAt: '2026-11-02T06:00:00.000Z',
      failEvery: 10,
    });

    let state = await models();
    expect(state.size).toBe(30);
    const failed = state.get(ids.model(9))!.executionInfo;
    expect(failed).toMatchObject({
      lastRunStatus: 'error',
      lastRunError: 'Database Error in model 9',
      lastRunId: Number(run2),
      lastJobDefinitionId: Number(secondJob),
      lastSuccessRunId: Number(run1),
      lastSuccessJobDefinitionId: Number(first.jobId),
      runGeneratedAt: '2026-11-01T06:10:00.000Z',
      lastRunGeneratedAt: '2026-11-02T06:10:00.000Z',
      executeCompletedAt: '2026-11-01T06:01:11.500Z',
    });
    expect(state.get(ids.model(8))!.executionInfo).toMatchObject({
      lastRunStatus: 'success',
      lastRunId: Number(run2),
      lastSuccessRunId: Number(run2),
    });

    // Older artifacts arriving late change nothing: neither definitions nor newer results.
    const run3 = await first.run();
    await upload(gateway, run3, { models: 20, generatedAt: '2026-10-31T06:00:00.000Z' });
    state = await models();
    expect(state.size).toBe(30);
    expect(state.get(ids.model(9))!.executionInfo.lastRunId).toBe(Number(run2));

    // A newer manifest without some models removes them (and their edges) from the applied state.
    const run4 = await first.run();
    await upload(gateway, run4, { models: 25, generatedAt: '2026-11-03T06:00:00.000Z' }, false);
    state = await models();
    expect(state.size).toBe(25);
    expect(state.has(ids.model(29))).toBe(false);
    // Without run_results the results stay those of run 2.
    expect(state.get(ids.model(9))!.executionInfo.lastRunId).toBe(Number(run2));
    const lineage = await discovery.request(
      document<{ id: number }>(
        'query ($id: BigInt!) { environment(id: $id) { applied { lineage(filter: { select: "tag:nightly" }) { uniqueId parentIds } } } }',
      ),
      {
        id: Number(first.environmentId),
      },
    );
    const tagged = lineage.data!.environment.applied.lineage as Json[];
    expect(tagged.map((node) => node.uniqueId)).toEqual([
      ids.model(0),
      ids.model(10),
      ids.model(20),
    ]);
    const known = new Set(state.keys());
    for (const node of tagged)
      for (const parent of node.parentIds)
        expect(parent.startsWith('source.') || known.has(parent)).toBe(true);
  });
});

describe('a page of 500 models', () => {
  it('costs the same number of SQL statements as a page of 5, relations included', async () => {
    const gateway = await createTestGateway();
    const synthetic = await deployment(gateway, 'synthetic');
    const summary = await upload(gateway, await synthetic.run(), {
      models: 600,
      testsPerModel: 2,
      sources: 10,
      codeSize: 100,
    });
    expect(summary.models).toBe(600);
    const page = document<{
      id: number;
      first: number;
    }>(`query ($id: BigInt!, $first: Int) { environment(id: $id) { applied {
      models(first: $first) { edges { node { name uniqueId executionInfo { lastRunStatus executeCompletedAt } tests { name executionInfo { lastRunStatus } } } } }
    } } }`);
    const discovery = gateway.discovery(gateway.adminToken);
    const statementsFor = async (first: number) => {
      await discovery.request(page, { id: Number(synthetic.environmentId), first }); // warms the token cache alike for both
      gateway.queries.length = 0;
      const response = await discovery.request(page, {
        id: Number(synthetic.environmentId),
        first,
      });
      expect(response.errors).toBeUndefined();
      const edges = response.data!.environment.applied.models.edges as Json[];
      expect(edges).toHaveLength(first);
      expect(
        edges.every(
          (edge) =>
            edge.node.tests.length === 2 && edge.node.executionInfo.lastRunStatus === 'success',
        ),
      ).toBe(true);
      return [...gateway.queries];
    };
    const large = await statementsFor(500);
    const small = await statementsFor(5);
    expect(large).toHaveLength(small.length);
    // Authentication, the environment and its state, the page, the tests of the whole page.
    expect(large.length).toBeLessThanOrEqual(8);
    expect(large.filter((sql) => sql.includes('metadata_applied_edges'))).toHaveLength(1);
  });
});
