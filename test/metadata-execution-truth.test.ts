import { expect, it } from 'vitest';
import { isoTimestamp } from '../src/metadata/artifacts.js';
import { manifestOf, runResultsOf } from './support/discovery.js';
import { createTestGateway, document } from './support/helpers.js';
import { deployment, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

// Only executions (run, build, seed, snapshot, test) change execution and test state: a
// `dbt compile` or `dbt docs generate` writes run_results.json too, with every node "success",
// and brings only definitions.

type Json = Record<string, any>;

const later = (iso: string, days: number) =>
  new Date(Date.parse(iso) + days * 86_400_000).toISOString().replace('.000Z', '.000000Z');

/** The ecommerce run_results as `dbt <command>` would write them `days` later. */
function resultsOf(command: string, days: number): Json {
  const results = structuredClone(runResultsOf('ecommerce'));
  results.metadata.generated_at = later(results.metadata.generated_at, days);
  results.args.which = command;
  results.args.invocation_command = `dbt ${command === 'generate' ? 'docs generate' : command}`;
  // `dbt run` builds the models only; the others report every node.
  if (command === 'run')
    results.results = (results.results as Json[]).filter((result) =>
      result.unique_id.startsWith('model.'),
    );
  else
    for (const result of results.results as Json[]) {
      // What a compilation reports: success, no execution, no failures.
      result.status = 'success';
      result.failures = null;
      result.message = null;
      result.timing = (result.timing as Json[]).filter((timing) => timing.name === 'compile');
    }
  return results;
}

function manifestAt(days: number): Json {
  const manifest = structuredClone(manifestOf('ecommerce'));
  manifest.metadata.generated_at = later(manifest.metadata.generated_at, days);
  return manifest;
}

describeWithShared(
  'what counts as an execution',
  () => {
    it('records the command of each run; compile and docs generate change definitions only', async () => {
      const gateway = await createTestGateway();
      const target = await deployment(gateway, 'ecommerce');
      const upload = async (days: number, results: Json) => {
        const runId = await target.run();
        const uploaded = await uploadArtifacts(gateway, gateway.adminToken, runId, {
          manifest: JSON.stringify(manifestAt(days)),
          runResults: JSON.stringify(results),
        });
        expect(uploaded.errors).toBeUndefined();
        return Number(runId);
      };
      const built = await upload(0, runResultsOf('ecommerce'));
      const compiled = await upload(1, resultsOf('compile', 1));
      const state = async () => {
        const response = await gateway.discovery(gateway.adminToken).request(
          document(`query ($id: BigInt!) { environment(id: $id) {
          applied {
            models(first: 500) { edges { node { uniqueId executionInfo { lastRunId lastRunStatus lastSuccessRunId runGeneratedAt executeCompletedAt } } } }
            tests(first: 500) { edges { node { uniqueId executionInfo { lastRunId lastRunStatus } } } }
            modelHistoricalRuns(uniqueId: "model.ecommerce_analytics_platform.fct_orders", lastRunCount: 10) { runId status }
          }
          definition { models(first: 1) { edges { node { runId runGeneratedAt } } } }
        } }`),
          { id: Number(target.environmentId) },
        );
        expect(response.errors).toBeUndefined();
        return response.data!.environment;
      };
      const build = runResultsOf('ecommerce');
      const byId = new Map<string, Json>((build.results as Json[]).map((r) => [r.unique_id, r]));
      const afterCompile = await state();
      for (const { node } of afterCompile.applied.models.edges as { node: Json }[]) {
        const execute = (byId.get(node.uniqueId)!.timing as Json[]).find(
          (t) => t.name === 'execute',
        )!;
        expect(node.executionInfo).toEqual({
          lastRunId: built,
          lastRunStatus: byId.get(node.uniqueId)!.status,
          lastSuccessRunId: built,
          runGeneratedAt: isoTimestamp(build.metadata.generated_at),
          executeCompletedAt: isoTimestamp(execute.completed_at),
        });
      }
      for (const { node } of afterCompile.applied.tests.edges as { node: Json }[])
        expect(node.executionInfo).toEqual({
          lastRunId: built,
          lastRunStatus: byId.get(node.uniqueId)!.status,
        });
      expect(afterCompile.applied.modelHistoricalRuns).toEqual([
        { runId: built, status: 'success' },
      ]);
      // The compile's manifest is the newest: it defines the nodes.
      expect(afterCompile.definition.models.edges[0].node).toEqual({
        runId: compiled,
        runGeneratedAt: isoTimestamp(manifestAt(1).metadata.generated_at),
      });

      // A later `dbt run` is an execution again.
      const ran = await upload(2, resultsOf('run', 2));
      const afterRun = await state();
      for (const { node } of afterRun.applied.models.edges as { node: Json }[])
        expect(node.executionInfo.lastRunId).toBe(ran);
      // Tests did not run in it: they keep the build's results.
      for (const { node } of afterRun.applied.tests.edges as { node: Json }[])
        expect(node.executionInfo.lastRunId).toBe(built);

      const commands = await gateway.db
        .selectFrom('metadata_artifacts')
        .select(['run_id', 'command'])
        .where('environment_id', '=', Number(target.environmentId))
        .orderBy('run_id')
        .execute();
      expect(commands).toEqual([
        { run_id: built, command: build.args.which },
        { run_id: compiled, command: 'compile' },
        { run_id: ran, command: 'run' },
      ]);
    });

    it('shows nothing executed after a docs generate alone, while its job level shows what it wrote', async () => {
      const gateway = await createTestGateway();
      const target = await deployment(gateway, 'ecommerce docs');
      const runId = await target.run();
      const uploaded = await uploadArtifacts(gateway, gateway.adminToken, runId, {
        manifest: JSON.stringify(manifestOf('ecommerce')),
        runResults: JSON.stringify(resultsOf('generate', 0)),
      });
      expect(uploaded.errors).toBeUndefined();
      const response = await gateway.discovery(gateway.adminToken).request(
        document(`query ($id: BigInt!, $jobId: BigInt!) {
        environment(id: $id) { applied {
          models(first: 500) { totalCount edges { node { executionInfo { lastRunId lastRunStatus executeCompletedAt } } } }
          tests(first: 500) { edges { node { executionInfo { lastRunStatus } } } }
          failed: models(first: 500, filter: { lastRunStatus: success }) { totalCount }
          lineage(filter: { types: [Model] }) { ... on ModelLineageNode { lastRunStatus } }
        } }
        job(id: $jobId) { models(first: 3) { status runResults { args } } }
      }`),
        { id: Number(target.environmentId), jobId: Number(target.jobId) },
      );
      expect(response.errors).toBeUndefined();
      const { environment, job } = response.data!;
      const models = Object.values(manifestOf('ecommerce').nodes as Record<string, Json>).filter(
        (node) => node.resource_type === 'model',
      );
      expect(environment.applied.models.totalCount).toBe(models.length);
      for (const { node } of environment.applied.models.edges as { node: Json }[])
        expect(node.executionInfo).toEqual({
          lastRunId: null,
          lastRunStatus: null,
          executeCompletedAt: null,
        });
      for (const { node } of environment.applied.tests.edges as { node: Json }[])
        expect(node.executionInfo.lastRunStatus).toBeNull();
      expect(environment.applied.failed.totalCount).toBe(0);
      for (const node of environment.applied.lineage) expect(node.lastRunStatus).toBeNull();
      // The run's own artifacts, as they were.
      for (const model of job.models) {
        expect(model.status).toBe('success');
        expect(JSON.parse(model.runResults[0].args).which).toBe('generate');
      }
    });
  },
  120_000,
);
