import { beforeAll, expect, it } from 'vitest';
import { CreateServiceTokenDocument, EnvironmentDocument, JobDocument, ProjectsDocument, RunDocument, ViewerDocument } from '../src/client/index.js';
import {
  EnvironmentModelsDocument,
  EnvironmentTestsDocument,
  JobModelsDocument,
  LineageDocument,
  ModelHistoricalRunsDocument,
  SourceFreshnessDocument,
} from '../src/client/discovery.js';
import { isoTimestamp } from '../src/metadata/artifacts.js';
import { createTestGateway, document, errorCodes, type TestGateway } from './helpers.js';
import { required } from './builders.js';
import { deployment, fixtureArtifacts, uploadArtifacts } from './metadata/setup.js';
import { describeWithShared, readShared } from './shared.js';

type Json = Record<string, any>;

const manifestOf = (name: string) => JSON.parse(readShared('fixtures', 'dbt', name, 'manifest.json')) as Json;
const runResultsOf = (name: string) => JSON.parse(readShared('fixtures', 'dbt', name, 'run_results.json')) as Json;
const sourcesOf = (name: string) => JSON.parse(readShared('fixtures', 'dbt', name, 'sources.json')) as Json;

describeWithShared('the Discovery API over the ingested fixtures', () => {
  let gateway: TestGateway;
  let ecommerce: Awaited<ReturnType<typeof deployment>> & { runId: string };
  let paystream: Awaited<ReturnType<typeof deployment>> & { runId: string };
  let ask: (query: string, variables?: Json, token?: string) => Promise<{ data?: Json | null; errors?: readonly Json[] }>;

  beforeAll(async () => {
    gateway = await createTestGateway();
    const e = await deployment(gateway, 'ecommerce');
    const p = await deployment(gateway, 'paystream');
    ecommerce = { ...e, runId: await e.run() };
    paystream = { ...p, runId: await p.run() };
    for (const [target, name] of [
      [ecommerce, 'ecommerce'],
      [paystream, 'paystream'],
    ] as const) {
      const uploaded = await uploadArtifacts(gateway, gateway.adminToken, target.runId, fixtureArtifacts(name));
      if (uploaded.errors) throw new Error(JSON.stringify(uploaded.errors));
    }
    ask = (query, variables = {}, token = gateway.adminToken) => gateway.discovery(token).request(document(query), variables);
  });

  const allPages = async (field: string, environmentId: string, selection: string, extra = '') => {
    const nodes: Json[] = [];
    let after: string | null = null;
    for (;;) {
      const response = await ask(
        `query ($id: BigInt!, $after: String) { environment(id: $id) { applied { ${field}(first: 500, after: $after ${extra}) {
          totalCount pageInfo { endCursor hasNextPage } edges { node { ${selection} } } } } } }`,
        { id: Number(environmentId), after },
      );
      expect(response.errors).toBeUndefined();
      const connection = response.data!.environment.applied[field];
      nodes.push(...connection.edges.map((edge: Json) => edge.node));
      if (!connection.pageInfo.hasNextPage) return nodes;
      after = connection.pageInfo.endCursor;
    }
  };

  it("serves each model's materialization, code and latest execution as the artifacts state them", async () => {
    const manifest = manifestOf('ecommerce');
    const results = new Map((runResultsOf('ecommerce').results as Json[]).map((result) => [result.unique_id, result]));
    const models = await allPages(
      'models',
      ecommerce.environmentId,
      'uniqueId name materializedType database schema alias rawCode filePath access contractEnforced executionInfo { lastRunStatus lastRunId lastSuccessRunId executionTime executeCompletedAt }',
    );
    const expected = Object.values(manifest.nodes as Json).filter((node: Json) => node.resource_type === 'model');
    expect(models).toHaveLength(expected.length);
    for (const node of expected) {
      const model = models.find((candidate) => candidate.uniqueId === node.unique_id)!;
      const result = results.get(node.unique_id)!;
      const execute = (result.timing as Json[]).find((timing) => timing.name === 'execute')!;
      expect(model).toEqual({
        uniqueId: node.unique_id,
        name: node.name,
        materializedType: node.config.materialized,
        database: node.database,
        schema: node.schema,
        alias: node.alias,
        rawCode: node.raw_code,
        filePath: node.original_file_path,
        access: node.access,
        contractEnforced: node.contract.enforced,
        executionInfo: {
          lastRunStatus: result.status,
          lastRunId: Number(ecommerce.runId),
          lastSuccessRunId: Number(ecommerce.runId),
          executionTime: result.execution_time,
          executeCompletedAt: isoTimestamp(execute.completed_at),
        },
      });
    }
  });

  it('serves test results with their failures: paystream has two warning tests', async () => {
    const tests = await allPages('tests', paystream.environmentId, 'uniqueId name testType columnName executionInfo { lastRunStatus lastRunFailures lastRunError }');
    const results = runResultsOf('paystream').results as Json[];
    expect(tests).toHaveLength(55);
    const statuses: Record<string, number> = {};
    for (const test of tests) statuses[test.executionInfo.lastRunStatus] = (statuses[test.executionInfo.lastRunStatus] ?? 0) + 1;
    expect(statuses).toEqual({ pass: 53, warn: 2 });
    const warned = tests.filter((test) => test.executionInfo.lastRunStatus === 'warn');
    expect(warned.map((test) => [test.uniqueId, test.executionInfo.lastRunFailures]).sort()).toEqual([
      ['test.paystream.assert_no_approved_above_credit_limit', 3794],
      ['test.paystream.gold_user_cohorts_repaid_not_zero', 1],
    ]);
    for (const test of warned) {
      expect(test.executionInfo.lastRunError).toBe(results.find((result) => result.unique_id === test.uniqueId)!.message);
      expect(test.testType).toBe('SINGULAR_DATA_TEST');
    }
    // A model's tests carry their last status.
    const onModel = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { models(first: 1, filter: { uniqueIds: ["model.paystream.gold_user_cohorts"] }) {
        edges { node { name tests { name testType executionInfo { lastRunStatus lastRunFailures } } } } } } } }`,
      { id: Number(paystream.environmentId) },
    );
    const modelTests = onModel.data!.environment.applied.models.edges[0].node.tests as Json[];
    expect(modelTests.find((test) => test.name === 'gold_user_cohorts_repaid_not_zero')).toEqual({
      name: 'gold_user_cohorts_repaid_not_zero',
      testType: 'SINGULAR_DATA_TEST',
      executionInfo: { lastRunStatus: 'warn', lastRunFailures: 1 },
    });
  });

  it('serves source freshness: status, maxLoadedAt and criteria from sources.json, unchecked sources as Unknown', async () => {
    for (const name of ['ecommerce', 'paystream'] as const) {
      const environmentId = name === 'ecommerce' ? ecommerce.environmentId : paystream.environmentId;
      const sources = await allPages(
        'sources',
        environmentId,
        'uniqueId sourceName identifier freshness { freshnessChecked freshnessStatus maxLoadedAt maxLoadedAtTimeAgoInS snapshottedAt criteria { warnAfter { count period } errorAfter { count period } } }',
      );
      const checks = new Map((sourcesOf(name).results as Json[]).map((result) => [result.unique_id, result]));
      expect(sources).toHaveLength(Object.keys(manifestOf(name).sources).length);
      for (const source of sources) {
        const check = checks.get(source.uniqueId);
        if (!check) {
          expect(source.freshness).toMatchObject({ freshnessChecked: false, freshnessStatus: 'Unknown', maxLoadedAt: null });
          continue;
        }
        const period = (info: Json | null) => (info?.count == null ? null : { count: info.count, period: info.period });
        expect(source.freshness).toEqual({
          freshnessChecked: true,
          freshnessStatus: { pass: 'Pass', warn: 'Warn', error: 'Error' }[check.status as string],
          maxLoadedAt: isoTimestamp(check.max_loaded_at),
          maxLoadedAtTimeAgoInS: check.max_loaded_at_time_ago_in_s,
          snapshottedAt: isoTimestamp(check.snapshotted_at),
          criteria: { warnAfter: period(check.criteria.warn_after), errorAfter: period(check.criteria.error_after) },
        });
      }
    }
    const bronze = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { sources(first: 20, filter: { sourceNames: ["bronze"], freshnessStatus: Error }) {
        totalCount edges { node { freshness { criteria { warnAfter { count period } errorAfter { count period } } } } } } } } }`,
      { id: Number(paystream.environmentId) },
    );
    expect(bronze.data!.environment.applied.sources.totalCount).toBe(7);
    for (const edge of bronze.data!.environment.applied.sources.edges) {
      expect(edge.node.freshness.criteria).toEqual({ warnAfter: { count: 6, period: 'hour' }, errorAfter: { count: 24, period: 'hour' } });
    }
  });

  it('serves the graph: parents, children, ancestors and lineage agree with parent_map', async () => {
    for (const name of ['ecommerce', 'paystream'] as const) {
      const environmentId = name === 'ecommerce' ? ecommerce.environmentId : paystream.environmentId;
      const manifest = manifestOf(name);
      const lineage = await ask(`query ($id: BigInt!) { environment(id: $id) { applied { lineage(filter: {}) { uniqueId resourceType parentIds } } } }`, {
        id: Number(environmentId),
      });
      const nodes = lineage.data!.environment.applied.lineage as Json[];
      const expected = Object.entries(manifest.parent_map as Record<string, string[]>).filter(([id]) => !id.startsWith('test.'));
      expect(nodes.map((node) => node.uniqueId).sort()).toEqual(expected.map(([id]) => id).sort());
      for (const [id, parents] of expected) expect(nodes.find((node) => node.uniqueId === id)!.parentIds, id).toEqual([...new Set(parents)].sort());
    }
    const exposure = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { exposures(first: 10) { edges { node {
        name exposureType ownerName ownerEmail parents { uniqueId resourceType } ancestors(types: [Source]) { uniqueId } } } } } } }`,
      { id: Number(ecommerce.environmentId) },
    );
    const node = exposure.data!.environment.applied.exposures.edges[0].node;
    const definition = manifestOf('ecommerce').exposures['exposure.ecommerce_analytics_platform.sales_dashboard'];
    expect(node).toMatchObject({ name: 'sales_dashboard', exposureType: definition.type, ownerName: definition.owner.name, ownerEmail: definition.owner.email });
    expect(node.parents.map((parent: Json) => parent.uniqueId).sort()).toEqual([...definition.depends_on.nodes].sort());
    expect(node.ancestors.length).toBeGreaterThan(0);
    expect(node.ancestors.every((ancestor: Json) => ancestor.uniqueId.startsWith('source.'))).toBe(true);

    const nested = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { models(first: 1, filter: { uniqueIds: ["model.ecommerce_analytics_platform.mrt_sales_trends"] }) {
        edges { node { ancestors(types: [Model]) { uniqueId resourceType ... on ModelAppliedStateNestedNode { materializedType executionInfo { lastRunStatus } testStatuses } } } } } } } }`,
      { id: Number(ecommerce.environmentId) },
    );
    const manifest = manifestOf('ecommerce');
    const ancestors = nested.data!.environment.applied.models.edges[0].node.ancestors as Json[];
    expect(ancestors.length).toBeGreaterThan(0);
    for (const ancestor of ancestors) {
      const tests = (manifest.child_map[ancestor.uniqueId] as string[]).filter((child) => child.startsWith('test.')).length;
      expect(ancestor).toEqual({
        uniqueId: ancestor.uniqueId,
        resourceType: 'model',
        materializedType: manifest.nodes[ancestor.uniqueId].config.materialized,
        executionInfo: { lastRunStatus: 'success' },
        testStatuses: tests ? { pass: tests } : {},
      });
    }
  });

  it("evaluates dbt's node selection syntax in lineage filters", async () => {
    const manifest = manifestOf('ecommerce');
    const parentMap = manifest.parent_map as Record<string, string[]>;
    const childMap = manifest.child_map as Record<string, string[]>;
    const walk = (start: string, edges: Record<string, string[]>, depth = Infinity) => {
      const seen = new Set<string>();
      let frontier = [start];
      for (let level = 0; level < depth && frontier.length; level++) {
        frontier = [...new Set(frontier.flatMap((id) => edges[id] ?? []))].filter((id) => !seen.has(id));
        for (const id of frontier) seen.add(id);
      }
      return seen;
    };
    const id = (name: string) => `model.ecommerce_analytics_platform.${name}`;
    const withoutTests = (ids: Iterable<string>) => [...new Set(ids)].filter((value) => !value.startsWith('test.')).sort();
    const select = async (filter: Json) => {
      const response = await ask(`query ($id: BigInt!, $filter: LineageFilter!) { environment(id: $id) { applied { lineage(filter: $filter) { uniqueId matchesMethod } } } }`, {
        id: Number(ecommerce.environmentId),
        filter,
      });
      expect(response.errors).toBeUndefined();
      return (response.data!.environment.applied.lineage as Json[]).map((node) => node.uniqueId).sort();
    };
    expect(await select({ select: '+mrt_sales_trends' })).toEqual(withoutTests([id('mrt_sales_trends'), ...walk(id('mrt_sales_trends'), parentMap)]));
    expect(await select({ select: 'stg_customers+' })).toEqual(withoutTests([id('stg_customers'), ...walk(id('stg_customers'), childMap)]));
    expect(await select({ select: '1+fct_orders' })).toEqual(withoutTests([id('fct_orders'), ...parentMap[id('fct_orders')]!]));
    const descendants = walk(id('stg_customers'), childMap);
    expect(await select({ select: '@stg_customers' })).toEqual(
      withoutTests([id('stg_customers'), ...descendants, ...[id('stg_customers'), ...descendants].flatMap((node) => [...walk(node, parentMap)])]),
    );
    expect(await select({ select: 'resource_type:source' })).toEqual(Object.keys(manifest.sources).sort());
    expect(await select({ select: 'resource_type:source resource_type:exposure' })).toEqual([...Object.keys(manifest.sources), ...Object.keys(manifest.exposures)].sort());
    const marts = Object.values(manifest.nodes as Json)
      .filter((node: Json) => node.resource_type === 'model' && node.original_file_path.replace(/\\/g, '/').startsWith('models/marts/'))
      .map((node: Json) => node.unique_id as string)
      .sort();
    expect(await select({ select: 'path:models/marts,resource_type:model' })).toEqual(marts);
    // The exposure is declared in models/marts/exposures.yml.
    expect(await select({ select: 'path:models/marts', exclude: 'mrt_sales_trends' })).toEqual(
      [...marts, ...Object.keys(manifest.exposures)].filter((value) => value !== id('mrt_sales_trends')).sort(),
    );
    expect(await select({ select: '+mrt_sales_trends', types: ['Source'] })).toEqual(withoutTests(walk(id('mrt_sales_trends'), parentMap)).filter((value) => value.startsWith('source.')));
    expect(await select({ select: 'fct_orders', types: ['Test'] })).toEqual([]);
    expect((await select({ select: 'fct_orders+1', types: ['Test'] })).length).toBe(childMap[id('fct_orders')]!.filter((child) => child.startsWith('test.')).length);
    expect(await select({ uniqueIds: [id('dim_date')] })).toEqual([id('dim_date')]);

    const matched = await ask(`query ($id: BigInt!) { environment(id: $id) { applied { lineage(filter: { select: "1+fct_orders" }) { uniqueId matchesMethod } } } }`, {
      id: Number(ecommerce.environmentId),
    });
    const flags = Object.fromEntries((matched.data!.environment.applied.lineage as Json[]).map((node) => [node.uniqueId, node.matchesMethod]));
    expect(flags[id('fct_orders')]).toBe(true);
    expect(Object.values(flags).filter((flag) => flag === false).length).toBe(parentMap[id('fct_orders')]!.length);

    for (const bad of [{ select: 'owner:someone' }, { select: '@+x' }, { columnNames: ['id'] }]) {
      const response = await ask(`query ($id: BigInt!, $filter: LineageFilter!) { environment(id: $id) { applied { lineage(filter: $filter) { uniqueId } } } }`, {
        id: Number(ecommerce.environmentId),
        filter: bad,
      });
      expect(errorCodes(response), JSON.stringify(bad)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('walks every page exactly once, in each order, and refuses first over 500 and foreign cursors', async () => {
    for (const [extra, field] of [
      ['', 'tests'],
      [', sort: { field: executeCompletedAt, direction: desc }', 'models'],
      [', sort: { field: rowCount, direction: asc }', 'models'],
      [', sort: { field: uniqueId, direction: desc }', 'models'],
    ] as const) {
      const seen: string[] = [];
      const values: (string | null)[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const response = await ask(
          `query ($id: BigInt!, $after: String) { environment(id: $id) { applied { ${field}(first: 5, after: $after${extra}) {
            totalCount pageInfo { endCursor hasNextPage hasPreviousPage startCursor } edges { cursor node { uniqueId ${field === 'models' ? 'executionInfo { executeCompletedAt }' : ''} } } } } } }`,
          { id: Number(ecommerce.environmentId), after },
        );
        expect(response.errors).toBeUndefined();
        const connection = response.data!.environment.applied[field];
        pages++;
        expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
        expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor ?? null);
        seen.push(...connection.edges.map((edge: Json) => edge.node.uniqueId));
        values.push(...connection.edges.map((edge: Json) => edge.node.executionInfo?.executeCompletedAt ?? null));
        if (!connection.pageInfo.hasNextPage) {
          expect(seen).toHaveLength(connection.totalCount);
          break;
        }
        after = connection.pageInfo.endCursor;
      }
      expect(new Set(seen).size, extra).toBe(seen.length);
      expect(pages).toBe(Math.ceil(seen.length / 5));
      if (extra.includes('executeCompletedAt')) expect(values).toEqual([...values].sort().reverse());
      if (extra.includes('uniqueId')) expect(seen).toEqual([...seen].sort().reverse());
    }
    const tooMany = await ask(`query ($id: BigInt!) { environment(id: $id) { applied { models(first: 501) { totalCount } } } }`, { id: Number(ecommerce.environmentId) });
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    const sorted = await ask(`query ($id: BigInt!) { environment(id: $id) { applied { models(first: 2, sort: { field: rowCount, direction: asc }) { pageInfo { endCursor } } } } }`, {
      id: Number(ecommerce.environmentId),
    });
    const mixed = await ask(`query ($id: BigInt!, $after: String) { environment(id: $id) { applied { models(first: 2, after: $after) { totalCount } } } }`, {
      id: Number(ecommerce.environmentId),
      after: sorted.data!.environment.applied.models.pageInfo.endCursor,
    });
    expect(errorCodes(mixed)).toEqual(['BAD_USER_INPUT']);
  });

  it("filters as dbt's filters do", async () => {
    const count = async (environmentId: string, field: string, filter: string) => {
      const response = await ask(`query ($id: BigInt!) { environment(id: $id) { applied { ${field}(first: 500, filter: ${filter}) { totalCount edges { node { uniqueId } } } } } }`, {
        id: Number(environmentId),
      });
      expect(response.errors, filter).toBeUndefined();
      const connection = response.data!.environment.applied[field];
      expect(connection.edges).toHaveLength(connection.totalCount);
      return connection.totalCount as number;
    };
    const e = ecommerce.environmentId;
    const p = paystream.environmentId;
    expect(await count(e, 'models', '{ schema: "dev_core" }')).toBe(8);
    expect(await count(e, 'models', '{ database: "intense-pixel-490219-h2", schema: "dev_marts" }')).toBe(3);
    expect(await count(e, 'models', '{ identifier: "dim_customers" }')).toBe(1);
    expect(await count(e, 'models', '{ lastRunStatus: success }')).toBe(17);
    expect(await count(e, 'models', '{ lastRunStatus: error }')).toBe(0);
    expect(await count(e, 'models', '{ access: protected, packageName: "ecommerce_analytics_platform" }')).toBe(17);
    expect(await count(e, 'models', '{ uniqueIds: "model.ecommerce_analytics_platform.dim_date" }')).toBe(1);
    expect(await count(e, 'models', '{ tags: ["nightly"] }')).toBe(0);
    expect(await count(p, 'models', '{ lastRunStatus: success }')).toBe(0);
    expect(await count(e, 'sources', '{ freshnessChecked: true }')).toBe(5);
    expect(await count(e, 'sources', '{ freshnessChecked: false }')).toBe(1);
    expect(await count(e, 'sources', '{ freshnessStatus: Warn }')).toBe(5);
    expect(await count(e, 'sources', '{ freshnessStatus: Unknown }')).toBe(1);
    expect(await count(p, 'sources', '{ sourceNames: ["silver"], schema: "silver" }')).toBe(7);
    expect(await count(p, 'tests', '{ testTypes: [SINGULAR_DATA_TEST] }')).toBe(15);
    expect(await count(p, 'tests', '{ testTypes: [GENERIC_DATA_TEST] }')).toBe(40);
    expect(await count(p, 'tests', '{ status: "warn" }')).toBe(2);
    expect(await count(e, 'tests', '{ status: "fail" }')).toBe(0);
    expect(await count(p, 'seeds', '{ schema: "silver" }')).toBe(1);
    expect(await count(p, 'snapshots', '{ identifier: "snapshot_user_credit_tier" }')).toBe(1);
    expect(await count(e, 'exposures', '{ exposureType: "dashboard" }')).toBe(1);
    expect(await count(e, 'exposures', '{ exposureType: "ml" }')).toBe(0);
    const layer = await ask(`query ($id: BigInt!) { environment(id: $id) { applied { models(first: 5, filter: { modelingLayer: "staging" }) { totalCount } } } }`, { id: Number(e) });
    expect(errorCodes(layer)).toEqual(['BAD_USER_INPUT']);
  });

  it('serves the environment summary: counts, tags, packages, seeds and snapshots with their executions', async () => {
    const response = await ask(
      `query ($id: BigInt!) { environment(id: $id) { dbtProjectName adapterType applied {
        lastUpdatedAt latestGitSha resourceCounts tags { name } macroPackages: packages(resource: macro) modelPackages: packages(resource: model)
        seeds(first: 5) { edges { node { name alias schema executionInfo { lastRunStatus lastRunSkip } children { uniqueId } } } }
        snapshots(first: 5) { edges { node { name schema parents { uniqueId } executionInfo { lastRunStatus } } } }
        models(first: 500, filter: { uniqueIds: ["model.paystream.stg_users"] }) { edges { node { materializedType children { uniqueId resourceType } ancestors(types: [Source, Seed, Snapshot]) { uniqueId } } } }
      } } }`,
      { id: Number(paystream.environmentId) },
    );
    expect(response.errors).toBeUndefined();
    const applied = response.data!.environment.applied;
    expect(response.data!.environment).toMatchObject({ dbtProjectName: 'paystream', adapterType: 'clickhouse' });
    expect(applied.resourceCounts).toEqual({ model: 12, seed: 1, snapshot: 2, source: 14, test: 55 });
    expect(applied.tags).toEqual([]);
    expect(applied.macroPackages).toEqual(['dbt', 'dbt_clickhouse', 'dbt_date', 'dbt_expectations', 'dbt_utils', 'paystream']);
    expect(applied.modelPackages).toEqual(['paystream']);
    expect(applied.lastUpdatedAt).toMatch(/^\d{4}-/);
    expect(applied.latestGitSha).toBeNull();
    expect(applied.seeds.edges.map((edge: Json) => edge.node)).toEqual([
      expect.objectContaining({ name: 'merchant_categories', alias: 'merchant_categories', schema: 'silver', executionInfo: { lastRunStatus: null, lastRunSkip: null } }),
    ]);
    expect(applied.snapshots.edges.map((edge: Json) => edge.node.name).sort()).toEqual(['snapshot_merchant_credit_limits', 'snapshot_user_credit_tier']);
    const manifest = manifestOf('paystream');
    const stgUsers = applied.models.edges[0].node;
    expect(stgUsers.materializedType).toBe(manifest.nodes['model.paystream.stg_users'].config.materialized);
    expect(stgUsers.children.map((child: Json) => child.uniqueId).sort()).toEqual([...manifest.child_map['model.paystream.stg_users']].sort());
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
    expect(definition.resourceCounts).toEqual({ model: 12, seed: 1, snapshot: 2, source: 14, test: 55 });
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
    expect(node.parents.map((parent: Json) => parent.uniqueId).sort()).toEqual([...manifest.parent_map[model.unique_id]].sort());
    expect(node.children.map((child: Json) => child.uniqueId).sort()).toEqual([...manifest.child_map[model.unique_id]].sort());
    expect(definition.sources.totalCount).toBe(7);
    expect(definition.seeds.edges).toEqual([{ node: { name: 'merchant_categories', runId: Number(paystream.runId) } }]);
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
    expect(node).toMatchObject({ id: Number(ecommerce.jobId), runId: Number(ecommerce.runId), missing: null });
    expect(node.models).toHaveLength(8);
    const manifest = manifestOf('ecommerce');
    const results = new Map((runResultsOf('ecommerce').results as Json[]).map((result) => [result.unique_id, result]));
    for (const model of node.models) {
      const definition = manifest.nodes[model.uniqueId];
      expect(model).toMatchObject({ status: 'success', error: null, executionTime: results.get(model.uniqueId)!.execution_time, materializedType: definition.config.materialized });
      expect(model.runResults).toEqual([{ status: 'success', executionTime: results.get(model.uniqueId)!.execution_time }]);
      expect(model.dependsOn.sort()).toEqual([...definition.depends_on.nodes].sort());
      expect([...model.parentsModels, ...model.parentsSources].map((parent: Json) => parent.uniqueId).sort()).toEqual([...definition.depends_on.nodes].sort());
      expect(model.tests.map((test: Json) => test.uniqueId).sort()).toEqual(manifest.child_map[model.uniqueId].filter((id: string) => id.startsWith('test.')).sort());
      expect(model.tests.every((test: Json) => test.status === 'pass' && test.fail === false && test.warn === false)).toBe(true);
      expect(model.childrenL1.sort()).toEqual([...manifest.child_map[model.uniqueId]].sort());
    }
    expect(node.model.columns.map((column: Json) => column.name)).toContain('customer_key');
    expect(node.model.stats.find((stat: Json) => stat.id === 'num_rows').value).toBe(1904);
    const orders = (sourcesOf('ecommerce').results as Json[]).find((result) => result.unique_id === 'source.ecommerce_analytics_platform.raw.orders')!;
    expect(node.source).toEqual({ sourceName: 'raw', name: 'orders', state: 'Warn', maxLoadedAt: isoTimestamp(orders.max_loaded_at), criteria: { warnAfter: { count: 24, period: 'hour' } } });
    expect(node.exposures).toEqual([expect.objectContaining({ name: 'sales_dashboard', status: 'no-op' })]);
    expect(node.exposures[0].parents.every((parent: Json) => parent.materializedType)).toBe(true);

    // Pagination: 122 tests in pages of 50, each exactly once.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await ask(`query ($id: BigInt!, $after: String) { job(id: $id) { tests(first: 50, after: $after) { uniqueId paginationCursor } } }`, {
        id: Number(ecommerce.jobId),
        after,
      });
      const tests = page.data!.job.tests as Json[];
      seen.push(...tests.map((test) => test.uniqueId));
      if (tests.length < 50) break;
      after = tests.at(-1)!.paginationCursor;
    }
    expect(seen).toHaveLength(122);
    expect(new Set(seen).size).toBe(122);
    const tooMany = await ask(`query ($id: BigInt!) { job(id: $id) { tests(first: 101) { uniqueId } } }`, { id: Number(ecommerce.jobId) });
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
    expect(runs[0]).toMatchObject({ name: 'fct_orders', status: 'success', jobId: Number(ecommerce.jobId), environmentId: Number(ecommerce.environmentId) });
    expect(runs[0]!.tests.length).toBeGreaterThan(0);
    const one = await ask(`query ($id: BigInt!) { environment(id: $id) { applied { modelHistoricalRuns(identifier: "fct_orders") { runId } } } }`, {
      id: Number(ecommerce.environmentId),
    });
    expect(one.data!.environment.applied.modelHistoricalRuns).toEqual([{ runId: Number(rerun) }]);
    const latest = await ask(`query ($id: BigInt!) { job(id: $id) { runId } }`, { id: Number(ecommerce.jobId) });
    expect(latest.data!.job.runId).toBe(Number(rerun));
  });

  it("the typed client carries the Discovery operations (schema/discovery-operations)", async () => {
    const client = gateway.discovery(gateway.adminToken);
    const environmentId = Number(paystream.environmentId);
    const models = await client.request(EnvironmentModelsDocument, { environmentId, first: 100, filter: { schema: 'gold' } });
    expect(models.data?.environment.applied?.models.totalCount).toBe(4);
    const sources = await client.request(SourceFreshnessDocument, { environmentId, filter: { freshnessStatus: 'Error' } });
    expect(sources.data?.environment.applied?.sources.edges.every((edge) => edge.node.freshness.freshnessStatus === 'Error')).toBe(true);
    const tests = await client.request(EnvironmentTestsDocument, { environmentId, filter: { status: 'warn' } });
    expect(tests.data?.environment.applied?.tests.edges.map((edge) => edge.node.executionInfo.lastRunFailures).sort()).toEqual([1, 3794]);
    const lineage = await client.request(LineageDocument, { environmentId, filter: { select: 'gold_user_cohorts', types: ['Model'] } });
    expect(lineage.data?.environment.applied?.lineage.map((node) => node.uniqueId)).toEqual(['model.paystream.gold_user_cohorts']);
    const history = await client.request(ModelHistoricalRunsDocument, { environmentId, uniqueId: 'model.paystream.gold_user_cohorts', lastRunCount: 5 });
    // A test-only run executed no model.
    expect(history.data?.environment.applied?.modelHistoricalRuns).toEqual([]);
    const job = await client.request(JobModelsDocument, { jobId: Number(paystream.jobId), first: 3 });
    expect(job.data?.job?.models).toHaveLength(3);
  });

  it('answers NOT_FOUND for unknown ids, other accounts and runs of other jobs; null for a job without artifacts', async () => {
    const other = await gateway.addAccount('Other', 'enterprise');
    const byOther = (query: string, variables: Json) => ask(query, variables, other.adminToken);
    const environmentQuery = 'query ($id: BigInt!) { environment(id: $id) { dbtProjectName } }';
    const jobQuery = 'query ($id: BigInt!, $runId: BigInt) { job(id: $id, runId: $runId) { runId } }';
    expect(errorCodes(await ask(environmentQuery, { id: 999999 }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await ask(jobQuery, { id: 999999 }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await byOther(environmentQuery, { id: Number(ecommerce.environmentId) }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await byOther(jobQuery, { id: Number(ecommerce.jobId) }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await ask(jobQuery, { id: Number(ecommerce.jobId), runId: Number(paystream.runId) }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await ask(jobQuery, { id: Number(ecommerce.jobId), runId: 999999 }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await ask(environmentQuery, { id: 'abc' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await ask(environmentQuery, { id: Number(ecommerce.environmentId) }, ''))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await ask(jobQuery, { id: Number(ecommerce.jobId) }, ''))).toEqual(['UNAUTHENTICATED']);

    const fresh = await deployment(gateway, 'empty');
    const noArtifacts = await ask(jobQuery, { id: Number(fresh.jobId) });
    expect(noArtifacts).toMatchObject({ data: { job: null } });
    const emptyEnvironment = await ask(
      'query ($id: BigInt!) { environment(id: $id) { dbtProjectName applied { lastUpdatedAt resourceCounts models(first: 5) { totalCount edges { cursor } } lineage(filter: {}) { uniqueId } } } }',
      { id: Number(fresh.environmentId) },
    );
    expect(emptyEnvironment.data).toEqual({
      environment: { dbtProjectName: null, applied: { lastUpdatedAt: null, resourceCounts: {}, models: { totalCount: 0, edges: [] }, lineage: [] } },
    });
  });

  it('lets metadata readers in (Metadata Only on its own projects, Read-Only, Stakeholder) and keeps Metadata Only out of the admin API', async () => {
    const admin = gateway.client(gateway.adminToken);
    const token = async (permissionSet: 'metadata_only' | 'readonly' | 'stakeholder' | 'job_runner', projectIds: string[]) =>
      required(await admin.request(CreateServiceTokenDocument, { input: { name: permissionSet, permissions: [{ permissionSet, projectIds }] } }), 'token')
        .createServiceToken!.token;
    const query = 'query ($e: BigInt!, $j: BigInt!) { environment(id: $e) { dbtProjectName applied { models(first: 1) { totalCount edges { node { tests { name } } } } } } job(id: $j) { runId } }';
    const onEcommerce = { e: Number(ecommerce.environmentId), j: Number(ecommerce.jobId) };
    for (const set of ['metadata_only', 'readonly', 'stakeholder'] as const) {
      const secret = await token(set, [ecommerce.projectId]);
      const allowed = await ask(query, onEcommerce, secret);
      expect(allowed.errors, set).toBeUndefined();
      expect(allowed.data!.environment.dbtProjectName).toBe('ecommerce_analytics_platform');
      const elsewhere = await ask('query ($e: BigInt!) { environment(id: $e) { dbtProjectName } }', { e: Number(paystream.environmentId) }, secret);
      expect(errorCodes(elsewhere), set).toEqual(['NOT_FOUND']);
    }
    const runner = await token('job_runner', [ecommerce.projectId]);
    for (const refused of [
      await ask('query ($e: BigInt!) { environment(id: $e) { dbtProjectName } }', { e: onEcommerce.e }, runner),
      await ask('query ($j: BigInt!) { job(id: $j) { runId } }', { j: onEcommerce.j }, runner),
    ]) {
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors?.[0]?.extensions?.requiredPermission).toBe('metadata:read');
    }

    const metadataOnly = gateway.client(await token('metadata_only', [ecommerce.projectId]));
    expect((await metadataOnly.request(ViewerDocument)).errors).toBeUndefined();
    expect(errorCodes(await metadataOnly.request(ProjectsDocument, {}))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await metadataOnly.request(EnvironmentDocument, { id: ecommerce.environmentId }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await metadataOnly.request(JobDocument, { id: ecommerce.jobId }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await metadataOnly.request(RunDocument, { id: ecommerce.runId }))).toEqual(['FORBIDDEN']);
  });
});
