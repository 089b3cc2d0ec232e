import { beforeAll, expect, it } from 'vitest';
import { CreateServiceTokenDocument } from '../src/client/index.js';
import { required } from './support/builders.js';
import {
  type IngestedFixtures,
  ingestFixtures,
  manifestOf,
  runResultsOf,
} from './support/discovery.js';
import { errorCodes } from './support/helpers.js';
import { describeWithShared } from './support/shared.js';

// dbt's deprecated job-scoped root queries and modelByEnvironment, which older integrations
// still send: the same answers as job(id, runId) and modelHistoricalRuns, guarded the same way.

type Json = Record<string, any>;

const legacyQuery = `query ($jobId: Int!, $runId: Int) {
  models(jobId: $jobId, runId: $runId) { uniqueId status executionTime parentsModels { uniqueId } parentsSources { uniqueId } }
  model(jobId: $jobId, uniqueId: "model.paystream.stg_users") { uniqueId materializedType dependsOn }
  sources(jobId: $jobId, schema: "silver") { uniqueId state }
  source(jobId: $jobId, uniqueId: "source.paystream.silver.users_silver") { uniqueId sourceName }
  tests(jobId: $jobId) { uniqueId status }
  test(jobId: $jobId, uniqueId: "test.paystream.assert_no_approved_above_credit_limit") { status error }
  seeds(jobId: $jobId) { uniqueId }
  seed(jobId: $jobId, uniqueId: "seed.paystream.merchant_categories") { uniqueId alias }
  snapshots(jobId: $jobId) { uniqueId }
  snapshot(jobId: $jobId, uniqueId: "snapshot.paystream.snapshot_user_credit_tier") { uniqueId }
  exposures(jobId: $jobId) { name }
  exposure(jobId: $jobId, name: "none") { name }
  macros(jobId: $jobId) { uniqueId }
  macro(jobId: $jobId, uniqueId: "macro.paystream.assert_no_negative_amounts") { uniqueId macroSql dependsOn packageName }
  metrics(jobId: $jobId) { uniqueId }
  metric(jobId: $jobId, uniqueId: "metric.paystream.none") { uniqueId }
}`;

describeWithShared(
  'the deprecated job-scoped queries',
  () => {
    let fixtures: IngestedFixtures;

    beforeAll(async () => {
      fixtures = await ingestFixtures();
    });

    it("answers with the job's latest run, or the run given, as the artifacts state it", async () => {
      const { paystream, ask } = fixtures;
      for (const runId of [null, Number(paystream.runId)]) {
        const response = await ask(legacyQuery, { jobId: Number(paystream.jobId), runId });
        expect(response.errors).toBeUndefined();
        const data = response.data!;
        const manifest = manifestOf('paystream');
        const nodes = Object.values(manifest.nodes as Record<string, Json>);
        const results = new Map<string, Json>(
          (runResultsOf('paystream').results as Json[]).map((result) => [result.unique_id, result]),
        );
        const ofType = (type: string) =>
          nodes
            .filter((node) => node.resource_type === type)
            .map((node) => node.unique_id)
            .sort();
        const ids = (list: Json[]) => list.map((item) => item.uniqueId).sort();
        expect(ids(data.models)).toEqual(ofType('model'));
        for (const model of data.models as Json[]) {
          const parents = manifest.nodes[model.uniqueId].depends_on.nodes as string[];
          expect(model.status).toBeNull();
          expect(ids(model.parentsModels)).toEqual(
            parents.filter((id) => id.startsWith('model.')).sort(),
          );
          expect(ids(model.parentsSources)).toEqual(
            parents.filter((id) => id.startsWith('source.')).sort(),
          );
        }
        expect(data.model).toEqual({
          uniqueId: 'model.paystream.stg_users',
          materializedType: manifest.nodes['model.paystream.stg_users'].config.materialized,
          dependsOn: manifest.nodes['model.paystream.stg_users'].depends_on.nodes,
        });
        expect(ids(data.sources)).toEqual(
          Object.values(manifest.sources as Record<string, Json>)
            .filter((source) => source.schema === 'silver')
            .map((source) => source.unique_id)
            .sort(),
        );
        expect(data.source).toEqual({
          uniqueId: 'source.paystream.silver.users_silver',
          sourceName: 'silver',
        });
        expect(ids(data.tests)).toEqual(ofType('test'));
        for (const test of data.tests as Json[])
          expect(test.status).toBe(results.get(test.uniqueId)!.status);
        const warned = results.get('test.paystream.assert_no_approved_above_credit_limit')!;
        expect(data.test).toEqual({ status: warned.status, error: warned.message });
        expect(ids(data.seeds)).toEqual(ofType('seed'));
        expect(data.seed).toEqual({
          uniqueId: 'seed.paystream.merchant_categories',
          alias: manifest.nodes['seed.paystream.merchant_categories'].alias,
        });
        expect(ids(data.snapshots)).toEqual(ofType('snapshot'));
        expect(data.snapshot).toEqual({ uniqueId: 'snapshot.paystream.snapshot_user_credit_tier' });
        expect(data.exposures).toEqual([]);
        expect(data.exposure).toBeNull();
        expect(ids(data.macros)).toEqual(Object.keys(manifest.macros).sort());
        const macro = manifest.macros['macro.paystream.assert_no_negative_amounts'];
        expect(data.macro).toEqual({
          uniqueId: macro.unique_id,
          macroSql: macro.macro_sql,
          dependsOn: macro.depends_on.macros,
          packageName: macro.package_name,
        });
        expect(data.metrics).toEqual([]);
        expect(data.metric).toBeNull();
      }
    });

    it('serves modelByEnvironment as modelHistoricalRuns', async () => {
      const { ecommerce, ask } = fixtures;
      const response = await ask(
        `query ($id: Int!, $environmentId: BigInt!) {
        modelByEnvironment(environmentId: $id, uniqueId: "model.ecommerce_analytics_platform.fct_orders", lastRunCount: 5) { runId status executionTime executeCompletedAt }
        environment(id: $environmentId) { applied { modelHistoricalRuns(uniqueId: "model.ecommerce_analytics_platform.fct_orders", lastRunCount: 5) { runId status executionTime executeCompletedAt } } }
      }`,
        { id: Number(ecommerce.environmentId), environmentId: Number(ecommerce.environmentId) },
      );
      expect(response.errors).toBeUndefined();
      const result = (runResultsOf('ecommerce').results as Json[]).find(
        (entry) => entry.unique_id === 'model.ecommerce_analytics_platform.fct_orders',
      )!;
      expect(response.data!.modelByEnvironment).toEqual(
        response.data!.environment.applied.modelHistoricalRuns,
      );
      expect(response.data!.modelByEnvironment).toMatchObject([
        {
          runId: Number(ecommerce.runId),
          status: result.status,
          executionTime: result.execution_time,
        },
      ]);
    });

    it("is deprecated with dbt's reasons", async () => {
      const response = await fixtures.ask(
        '{ __type(name: "Query") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }',
      );
      const fields = response.data!.__type.fields as Json[];
      const reason = (name: string) =>
        fields.find((field) => field.name === name)!.deprecationReason;
      for (const name of [
        'models',
        'model',
        'sources',
        'tests',
        'seeds',
        'snapshots',
        'exposures',
        'macros',
        'metrics',
      ])
        expect(reason(name), name).toBe(
          'We recommend using the environment query to get the latest state instead.',
        );
      expect(reason('modelByEnvironment')).toBe(
        'Use the environment.applied.modelHistoricalRuns query instead.',
      );
      expect(reason('environment')).toBeNull();
    });

    it("needs metadata read in the job's project: FORBIDDEN without it, NOT_FOUND elsewhere", async () => {
      const { gateway, ecommerce, paystream, ask } = fixtures;
      const token = async (permissionSet: 'metadata_only' | 'job_runner') =>
        required(
          await gateway.client(gateway.adminToken).request(CreateServiceTokenDocument, {
            input: {
              name: permissionSet,
              permissions: [{ permissionSet, projectIds: [ecommerce.projectId] }],
            },
          }),
          'token',
        ).createServiceToken!.token;
      const runner = await token('job_runner');
      const reader = await token('metadata_only');
      const documents: [string, Json][] = [
        ['query ($j: Int!) { models(jobId: $j) { uniqueId } }', { j: Number(ecommerce.jobId) }],
        [
          'query ($j: Int!) { macro(jobId: $j, uniqueId: "x") { uniqueId } }',
          { j: Number(ecommerce.jobId) },
        ],
        [
          'query ($e: Int!) { modelByEnvironment(environmentId: $e, identifier: "fct_orders") { runId } }',
          { e: Number(ecommerce.environmentId) },
        ],
        [
          'query ($e: BigInt!) { environment(id: $e) { applied { resources(first: 1, filter: { types: [Macro] }) { totalCount } } definition { macros(first: 1) { totalCount } } } }',
          { e: Number(ecommerce.environmentId) },
        ],
      ];
      for (const [query, variables] of documents) {
        const refused = await ask(query, variables, runner);
        expect(errorCodes(refused), query).toEqual(['FORBIDDEN']);
        expect(refused.errors?.[0]?.extensions?.requiredPermission).toBe('metadata:read');
        expect((await ask(query, variables, reader)).errors, query).toBeUndefined();
        // The same on paystream's project, which the token does not reach: nothing of it is shown.
        const elsewhere = await ask(
          query,
          Object.fromEntries(
            Object.entries(variables).map(([key]) => [
              key,
              key === 'j' ? Number(paystream.jobId) : Number(paystream.environmentId),
            ]),
          ),
          reader,
        );
        expect(errorCodes(elsewhere), query).toEqual(['NOT_FOUND']);
        for (const value of Object.values(elsewhere.data ?? {})) expect(value, query).toBeNull();
      }
    });
  },
  120_000,
);
