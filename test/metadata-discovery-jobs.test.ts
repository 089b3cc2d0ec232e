import { beforeAll, expect, it } from 'vitest';
import {
  EnvironmentModelsDocument,
  EnvironmentTestsDocument,
  JobModelsDocument,
  LineageDocument,
  ModelHistoricalRunsDocument,
  SourceFreshnessDocument,
} from '../src/client/discovery.js';
import {
  CreateServiceTokenDocument,
  EnvironmentDocument,
  JobDocument,
  ProjectsDocument,
  RunDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { isoTimestamp } from '../src/metadata/artifacts.js';
import { required } from './support/builders.js';
import { resourceCountsOf } from './support/dbt-expectations.js';
import {
  type IngestedDeployment,
  type IngestedFixtures,
  ingestFixtures,
  type Json,
  manifestOf,
  runResultsOf,
  sourcesOf,
} from './support/discovery.js';
import { errorCodes, type TestGateway } from './support/helpers.js';
import { deployment, fixtureArtifacts, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

describeWithShared(
  'the Discovery API over the ingested fixtures: definitions, jobs, history and access',
  () => {
    let gateway: TestGateway;
    let ecommerce: IngestedDeployment;
    let paystream: IngestedDeployment;
    let ask: IngestedFixtures['ask'];

    beforeAll(async () => {
      ({ gateway, ecommerce, paystream, ask } = await ingestFixtures());
    });

    it('serves the definition state: the newest manifest, with the run and job that brought it', async () => {
      const response = await ask(
        `query ($id: BigInt!) { environment(id: $id) { definition {
        lastUpdatedAt resourceCounts packages(resource: model)
        models(first: 500, filter: { uniqueIds: ["model.paystream.int_transaction_enriched"] }) { totalCount edges { node {
          uniqueId rawCode runGeneratedAt materializedType runId jobDefinitionId accountId
          parents { uniqueId runGeneratedAt ... on ModelDefinitionNestedNode { materializedType } ... on SourceDefinitionNestedNode { sourceName } }
          children { uniqueId resourceType }
          tests { name testType }
          ancestors(types: [Source]) { uniqueId }
        } } }
        sources(first: 500, filter: { sourceNames: ["silver"] }) { totalCount edges { node { name identifier children { uniqueId } } } }
        seeds(first: 10) { edges { node { name runId } } }
        snapshots(first: 10) { edges { node { name rawCode parents { uniqueId } } } }
        tests(first: 100, filter: { uniqueIds: ["test.paystream.assert_no_approved_above_credit_limit"] }) { edges { node { name testType parents { uniqueId } } } }
        lineage(filter: { select: "+int_transaction_enriched" }) { uniqueId }
      } } }`,
        { id: Number(paystream.environmentId) },
      );
      expect(response.errors).toBeUndefined();
      const definition = response.data!.environment.definition;
      const manifest = manifestOf('paystream');
      const model = manifest.nodes['model.paystream.int_transaction_enriched'];
      expect(definition.lastUpdatedAt).toBe(isoTimestamp(manifest.metadata.generated_at));
      expect(definition.resourceCounts).toEqual(resourceCountsOf(manifest));
      const node = definition.models.edges[0].node;
      expect(node).toMatchObject({
        uniqueId: model.unique_id,
        rawCode: model.raw_code,
        runGeneratedAt: isoTimestamp(manifest.metadata.generated_at),
        materializedType: model.config.materialized,
        runId: Number(paystream.runId),
        jobDefinitionId: Number(paystream.jobId),
        accountId: gateway.account.id,
      });
      expect(node.parents.map((parent: Json) => parent.uniqueId).sort()).toEqual(
        [...manifest.parent_map[model.unique_id]].sort(),
      );
      expect(node.children.map((child: Json) => child.uniqueId).sort()).toEqual(
        [...manifest.child_map[model.unique_id]].sort(),
      );
      expect(definition.sources.totalCount).toBe(7);
      expect(definition.seeds.edges).toEqual([
        { node: { name: 'merchant_categories', runId: Number(paystream.runId) } },
      ]);
      expect(definition.snapshots.edges).toHaveLength(2);
      expect(definition.tests.edges[0].node.testType).toBe('SINGULAR_DATA_TEST');
      expect(definition.lineage.map((entry: Json) => entry.uniqueId)).toContain(model.unique_id);
    });

    it('serves the job level: one run, its nodes with status, tests and parents, paginated by paginationCursor', async () => {
      const job = await ask(
        `query ($id: BigInt!) { job(id: $id) { id runId
        models(schema: "dev_core") { uniqueId status error executionTime materializedType dependsOn runResults { status executionTime } parentsModels { uniqueId } parentsSources { uniqueId sourceName } tests { uniqueId status fail warn } childrenL1 }
        model(uniqueId: "model.ecommerce_analytics_platform.dim_customers") { name alias compiledCode columns { name type description } stats { id value } }
        source(uniqueId: "source.ecommerce_analytics_platform.raw.orders") { sourceName name state maxLoadedAt criteria { warnAfter { count period } } }
        exposures { name status parents { uniqueId ... on ModelNode { materializedType } } parentsModels { name } }
        missing: model(uniqueId: "model.nope") { name }
      } }`,
        { id: Number(ecommerce.jobId) },
      );
      expect(job.errors).toBeUndefined();
      const node = job.data!.job;
      expect(node).toMatchObject({
        id: Number(ecommerce.jobId),
        runId: Number(ecommerce.runId),
        missing: null,
      });
      expect(node.models).toHaveLength(8);
      const manifest = manifestOf('ecommerce');
      const results = new Map(
        (runResultsOf('ecommerce').results as Json[]).map((result) => [result.unique_id, result]),
      );
      for (const model of node.models) {
        const definition = manifest.nodes[model.uniqueId];
        expect(model).toMatchObject({
          status: 'success',
          error: null,
          executionTime: results.get(model.uniqueId)!.execution_time,
          materializedType: definition.config.materialized,
        });
        expect(model.runResults).toEqual([
          { status: 'success', executionTime: results.get(model.uniqueId)!.execution_time },
        ]);
        expect(model.dependsOn.sort()).toEqual([...definition.depends_on.nodes].sort());
        expect(
          [...model.parentsModels, ...model.parentsSources]
            .map((parent: Json) => parent.uniqueId)
            .sort(),
        ).toEqual([...definition.depends_on.nodes].sort());
        expect(model.tests.map((test: Json) => test.uniqueId).sort()).toEqual(
          manifest.child_map[model.uniqueId].filter((id: string) => id.startsWith('test.')).sort(),
        );
        expect(
          model.tests.every(
            (test: Json) => test.status === 'pass' && test.fail === false && test.warn === false,
          ),
        ).toBe(true);
        expect(model.childrenL1.sort()).toEqual([...manifest.child_map[model.uniqueId]].sort());
      }
      expect(node.model.columns.map((column: Json) => column.name)).toContain('customer_key');
      expect(node.model.stats.find((stat: Json) => stat.id === 'num_rows').value).toBe(1904);
      const orders = (sourcesOf('ecommerce').results as Json[]).find(
        (result) => result.unique_id === 'source.ecommerce_analytics_platform.raw.orders',
      )!;
      expect(node.source).toEqual({
        sourceName: 'raw',
        name: 'orders',
        state: 'Warn',
        maxLoadedAt: isoTimestamp(orders.max_loaded_at),
        criteria: { warnAfter: { count: 24, period: 'hour' } },
      });
      expect(node.exposures).toEqual([
        expect.objectContaining({ name: 'sales_dashboard', status: 'no-op' }),
      ]);
      expect(node.exposures[0].parents.every((parent: Json) => parent.materializedType)).toBe(true);

      // Pagination: 122 tests in pages of 50, each exactly once.
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await ask(
          `query ($id: BigInt!, $after: String) { job(id: $id) { tests(first: 50, after: $after) { uniqueId paginationCursor } } }`,
          {
            id: Number(ecommerce.jobId),
            after,
          },
        );
        const tests = page.data!.job.tests as Json[];
        seen.push(...tests.map((test) => test.uniqueId));
        if (tests.length < 50) break;
        after = tests.at(-1)!.paginationCursor;
      }
      expect(seen).toHaveLength(122);
      expect(new Set(seen).size).toBe(122);
      const tooMany = await ask(
        `query ($id: BigInt!) { job(id: $id) { tests(first: 101) { uniqueId } } }`,
        { id: Number(ecommerce.jobId) },
      );
      expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);

      // A test-only run: its models have no result; its tests do.
      const tests = await ask(
        `query ($id: BigInt!, $runId: BigInt) { job(id: $id, runId: $runId) { runId
        models { uniqueId status tests { uniqueId status } }
        test(uniqueId: "test.paystream.assert_no_approved_above_credit_limit") { status warn fail error }
        seeds { name status } snapshots { name parentsSources { uniqueId } } } }`,
        { id: Number(paystream.jobId), runId: Number(paystream.runId) },
      );
      expect(tests.errors).toBeUndefined();
      expect(tests.data!.job.models).toHaveLength(12);
      expect(tests.data!.job.models.every((model: Json) => model.status === null)).toBe(true);
      expect(tests.data!.job.test).toMatchObject({ status: 'warn', warn: true, fail: false });
      expect(tests.data!.job.test.error).toContain('3794');
      expect(tests.data!.job.seeds).toEqual([{ name: 'merchant_categories', status: null }]);
    });

    it("modelHistoricalRuns lists the model's executions across the environment's runs, newest first", async () => {
      const rerun = await ecommerce.run();
      await uploadArtifacts(gateway, gateway.adminToken, rerun, fixtureArtifacts('ecommerce'));
      const history = await ask(
        `query ($id: BigInt!) { environment(id: $id) { applied { modelHistoricalRuns(uniqueId: "model.ecommerce_analytics_platform.fct_orders", lastRunCount: 5) {
        runId jobId environmentId name status executionTime runGeneratedAt tests { name status executeCompletedAt } } } } }`,
        { id: Number(ecommerce.environmentId) },
      );
      expect(history.errors).toBeUndefined();
      const runs = history.data!.environment.applied.modelHistoricalRuns as Json[];
      expect(runs.map((run) => run.runId)).toEqual([Number(rerun), Number(ecommerce.runId)]);
      expect(runs[0]).toMatchObject({
        name: 'fct_orders',
        status: 'success',
        jobId: Number(ecommerce.jobId),
        environmentId: Number(ecommerce.environmentId),
      });
      expect(runs[0]!.tests.length).toBeGreaterThan(0);
      const one = await ask(
        `query ($id: BigInt!) { environment(id: $id) { applied { modelHistoricalRuns(identifier: "fct_orders") { runId } } } }`,
        {
          id: Number(ecommerce.environmentId),
        },
      );
      expect(one.data!.environment.applied.modelHistoricalRuns).toEqual([{ runId: Number(rerun) }]);
      const latest = await ask(`query ($id: BigInt!) { job(id: $id) { runId } }`, {
        id: Number(ecommerce.jobId),
      });
      expect(latest.data!.job.runId).toBe(Number(rerun));
    });

    it('the typed client carries the Discovery operations (schema/discovery-operations)', async () => {
      const client = gateway.discovery(gateway.adminToken);
      const environmentId = Number(paystream.environmentId);
      const models = await client.request(EnvironmentModelsDocument, {
        environmentId,
        first: 100,
        filter: { schema: 'gold' },
      });
      expect(models.data?.environment.applied?.models.totalCount).toBe(4);
      const sources = await client.request(SourceFreshnessDocument, {
        environmentId,
        filter: { freshnessStatus: 'Error' },
      });
      expect(
        sources.data?.environment.applied?.sources.edges.every(
          (edge) => edge.node.freshness.freshnessStatus === 'Error',
        ),
      ).toBe(true);
      const tests = await client.request(EnvironmentTestsDocument, {
        environmentId,
        filter: { status: 'warn' },
      });
      expect(
        tests.data?.environment.applied?.tests.edges
          .map((edge) => edge.node.executionInfo.lastRunFailures)
          .sort(),
      ).toEqual([1, 3794]);
      const lineage = await client.request(LineageDocument, {
        environmentId,
        filter: { select: 'gold_user_cohorts', types: ['Model'] },
      });
      expect(lineage.data?.environment.applied?.lineage.map((node) => node.uniqueId)).toEqual([
        'model.paystream.gold_user_cohorts',
      ]);
      const history = await client.request(ModelHistoricalRunsDocument, {
        environmentId,
        uniqueId: 'model.paystream.gold_user_cohorts',
        lastRunCount: 5,
      });
      // A test-only run executed no model.
      expect(history.data?.environment.applied?.modelHistoricalRuns).toEqual([]);
      const job = await client.request(JobModelsDocument, {
        jobId: Number(paystream.jobId),
        first: 3,
      });
      expect(job.data?.job?.models).toHaveLength(3);
    });

    it('answers NOT_FOUND for unknown ids, other accounts and runs of other jobs; null for a job without artifacts', async () => {
      const other = await gateway.addAccount('Other', 'enterprise');
      const byOther = (query: string, variables: Json) => ask(query, variables, other.adminToken);
      const environmentQuery = 'query ($id: BigInt!) { environment(id: $id) { dbtProjectName } }';
      const jobQuery =
        'query ($id: BigInt!, $runId: BigInt) { job(id: $id, runId: $runId) { runId } }';
      expect(errorCodes(await ask(environmentQuery, { id: 999999 }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await ask(jobQuery, { id: 999999 }))).toEqual(['NOT_FOUND']);
      expect(
        errorCodes(await byOther(environmentQuery, { id: Number(ecommerce.environmentId) })),
      ).toEqual(['NOT_FOUND']);
      expect(errorCodes(await byOther(jobQuery, { id: Number(ecommerce.jobId) }))).toEqual([
        'NOT_FOUND',
      ]);
      expect(
        errorCodes(
          await ask(jobQuery, { id: Number(ecommerce.jobId), runId: Number(paystream.runId) }),
        ),
      ).toEqual(['NOT_FOUND']);
      expect(
        errorCodes(await ask(jobQuery, { id: Number(ecommerce.jobId), runId: 999999 })),
      ).toEqual(['NOT_FOUND']);
      expect(errorCodes(await ask(environmentQuery, { id: 'abc' }))).toEqual(['BAD_USER_INPUT']);
      expect(
        errorCodes(await ask(environmentQuery, { id: Number(ecommerce.environmentId) }, '')),
      ).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(await ask(jobQuery, { id: Number(ecommerce.jobId) }, ''))).toEqual([
        'UNAUTHENTICATED',
      ]);

      const fresh = await deployment(gateway, 'empty');
      const noArtifacts = await ask(jobQuery, { id: Number(fresh.jobId) });
      expect(noArtifacts).toMatchObject({ data: { job: null } });
      const emptyEnvironment = await ask(
        'query ($id: BigInt!) { environment(id: $id) { dbtProjectName applied { lastUpdatedAt resourceCounts models(first: 5) { totalCount edges { cursor } } lineage(filter: {}) { uniqueId } } } }',
        { id: Number(fresh.environmentId) },
      );
      expect(emptyEnvironment.data).toEqual({
        environment: {
          dbtProjectName: null,
          applied: {
            lastUpdatedAt: null,
            resourceCounts: {},
            models: { totalCount: 0, edges: [] },
            lineage: [],
          },
        },
      });
    });

    it('lets metadata readers in (Metadata Only on its own projects, Read-Only, Stakeholder) and keeps Metadata Only out of the admin API', async () => {
      const admin = gateway.client(gateway.adminToken);
      const token = async (
        permissionSet: 'metadata_only' | 'readonly' | 'stakeholder' | 'job_runner',
        projectIds: string[],
      ) =>
        required(
          await admin.request(CreateServiceTokenDocument, {
            input: { name: permissionSet, permissions: [{ permissionSet, projectIds }] },
          }),
          'token',
        ).createServiceToken!.token;
      const query =
        'query ($e: BigInt!, $j: BigInt!) { environment(id: $e) { dbtProjectName applied { models(first: 1) { totalCount edges { node { tests { name } } } } } } job(id: $j) { runId } }';
      const onEcommerce = { e: Number(ecommerce.environmentId), j: Number(ecommerce.jobId) };
      for (const set of ['metadata_only', 'readonly', 'stakeholder'] as const) {
        const secret = await token(set, [ecommerce.projectId]);
        const allowed = await ask(query, onEcommerce, secret);
        expect(allowed.errors, set).toBeUndefined();
        expect(allowed.data!.environment.dbtProjectName).toBe('ecommerce_analytics_platform');
        const elsewhere = await ask(
          'query ($e: BigInt!) { environment(id: $e) { dbtProjectName } }',
          { e: Number(paystream.environmentId) },
          secret,
        );
        expect(errorCodes(elsewhere), set).toEqual(['NOT_FOUND']);
      }
      const runner = await token('job_runner', [ecommerce.projectId]);
      for (const refused of [
        await ask(
          'query ($e: BigInt!) { environment(id: $e) { dbtProjectName } }',
          { e: onEcommerce.e },
          runner,
        ),
        await ask('query ($j: BigInt!) { job(id: $j) { runId } }', { j: onEcommerce.j }, runner),
      ]) {
        expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
        expect(refused.errors?.[0]?.extensions?.requiredPermission).toBe('metadata:read');
      }

      const metadataOnly = gateway.client(await token('metadata_only', [ecommerce.projectId]));
      expect((await metadataOnly.request(ViewerDocument)).errors).toBeUndefined();
      expect(errorCodes(await metadataOnly.request(ProjectsDocument, {}))).toEqual(['FORBIDDEN']);
      expect(
        errorCodes(
          await metadataOnly.request(EnvironmentDocument, { id: ecommerce.environmentId }),
        ),
      ).toEqual(['FORBIDDEN']);
      expect(errorCodes(await metadataOnly.request(JobDocument, { id: ecommerce.jobId }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await metadataOnly.request(RunDocument, { id: ecommerce.runId }))).toEqual([
        'FORBIDDEN',
      ]);
    });
  },
);
