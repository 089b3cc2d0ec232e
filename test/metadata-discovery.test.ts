import { beforeAll, expect, it } from 'vitest';
import { isoTimestamp } from '../src/metadata/artifacts.js';
import { expectedModelingLayer, resourceCountsOf } from './support/dbt-expectations.js';
import {
  type IngestedDeployment,
  type IngestedFixtures,
  ingestFixtures,
  type Json,
  manifestOf,
  runResultsOf,
  sourcesOf,
} from './support/discovery.js';
import { errorCodes } from './support/helpers.js';
import { describeWithShared } from './support/shared.js';

describeWithShared('the Discovery API over the ingested fixtures: the applied state', () => {
  let ecommerce: IngestedDeployment;
  let paystream: IngestedDeployment;
  let ask: IngestedFixtures['ask'];

  beforeAll(async () => {
    ({ ecommerce, paystream, ask } = await ingestFixtures());
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
    const results = new Map(
      (runResultsOf('ecommerce').results as Json[]).map((result) => [result.unique_id, result]),
    );
    const models = await allPages(
      'models',
      ecommerce.environmentId,
      'uniqueId name materializedType database schema alias rawCode filePath access contractEnforced executionInfo { lastRunStatus lastRunId lastSuccessRunId executionTime executeCompletedAt }',
    );
    const expected = Object.values(manifest.nodes as Json).filter(
      (node: Json) => node.resource_type === 'model',
    );
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
    const tests = await allPages(
      'tests',
      paystream.environmentId,
      'uniqueId name testType columnName executionInfo { lastRunStatus lastRunFailures lastRunError }',
    );
    const results = runResultsOf('paystream').results as Json[];
    expect(tests).toHaveLength(55);
    const statuses: Record<string, number> = {};
    for (const test of tests)
      statuses[test.executionInfo.lastRunStatus] =
        (statuses[test.executionInfo.lastRunStatus] ?? 0) + 1;
    expect(statuses).toEqual({ pass: 53, warn: 2 });
    const warned = tests.filter((test) => test.executionInfo.lastRunStatus === 'warn');
    expect(
      warned.map((test) => [test.uniqueId, test.executionInfo.lastRunFailures]).sort(),
    ).toEqual([
      ['test.paystream.assert_no_approved_above_credit_limit', 3794],
      ['test.paystream.gold_user_cohorts_repaid_not_zero', 1],
    ]);
    for (const test of warned) {
      expect(test.executionInfo.lastRunError).toBe(
        results.find((result) => result.unique_id === test.uniqueId)!.message,
      );
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
      const environmentId =
        name === 'ecommerce' ? ecommerce.environmentId : paystream.environmentId;
      const sources = await allPages(
        'sources',
        environmentId,
        'uniqueId sourceName identifier freshness { freshnessChecked freshnessStatus maxLoadedAt maxLoadedAtTimeAgoInS snapshottedAt criteria { warnAfter { count period } errorAfter { count period } } }',
      );
      const checks = new Map(
        (sourcesOf(name).results as Json[]).map((result) => [result.unique_id, result]),
      );
      expect(sources).toHaveLength(Object.keys(manifestOf(name).sources).length);
      for (const source of sources) {
        const check = checks.get(source.uniqueId);
        if (!check) {
          expect(source.freshness).toMatchObject({
            freshnessChecked: false,
            freshnessStatus: 'Unknown',
            maxLoadedAt: null,
          });
          continue;
        }
        const period = (info: Json | null) =>
          info?.count == null ? null : { count: info.count, period: info.period };
        expect(source.freshness).toEqual({
          freshnessChecked: true,
          freshnessStatus: { pass: 'Pass', warn: 'Warn', error: 'Error' }[check.status as string],
          maxLoadedAt: isoTimestamp(check.max_loaded_at),
          maxLoadedAtTimeAgoInS: check.max_loaded_at_time_ago_in_s,
          snapshottedAt: isoTimestamp(check.snapshotted_at),
          criteria: {
            warnAfter: period(check.criteria.warn_after),
            errorAfter: period(check.criteria.error_after),
          },
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
      expect(edge.node.freshness.criteria).toEqual({
        warnAfter: { count: 6, period: 'hour' },
        errorAfter: { count: 24, period: 'hour' },
      });
    }
  });

  it('serves the graph: parents, children, ancestors and lineage agree with parent_map', async () => {
    for (const name of ['ecommerce', 'paystream'] as const) {
      const environmentId =
        name === 'ecommerce' ? ecommerce.environmentId : paystream.environmentId;
      const manifest = manifestOf(name);
      const lineage = await ask(
        `query ($id: BigInt!) { environment(id: $id) { applied { lineage(filter: {}) { uniqueId resourceType parentIds } } } }`,
        {
          id: Number(environmentId),
        },
      );
      const nodes = lineage.data!.environment.applied.lineage as Json[];
      const expected = Object.entries(manifest.parent_map as Record<string, string[]>).filter(
        ([id]) => !id.startsWith('test.'),
      );
      expect(nodes.map((node) => node.uniqueId).sort()).toEqual(expected.map(([id]) => id).sort());
      for (const [id, parents] of expected)
        expect(nodes.find((node) => node.uniqueId === id)!.parentIds, id).toEqual(
          [...new Set(parents)].sort(),
        );
    }
    const exposure = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { exposures(first: 10) { edges { node {
        name exposureType ownerName ownerEmail parents { uniqueId resourceType } ancestors(types: [Source]) { uniqueId } } } } } } }`,
      { id: Number(ecommerce.environmentId) },
    );
    const node = exposure.data!.environment.applied.exposures.edges[0].node;
    const definition =
      manifestOf('ecommerce').exposures['exposure.ecommerce_analytics_platform.sales_dashboard'];
    expect(node).toMatchObject({
      name: 'sales_dashboard',
      exposureType: definition.type,
      ownerName: definition.owner.name,
      ownerEmail: definition.owner.email,
    });
    expect(node.parents.map((parent: Json) => parent.uniqueId).sort()).toEqual(
      [...definition.depends_on.nodes].sort(),
    );
    expect(node.ancestors.length).toBeGreaterThan(0);
    expect(node.ancestors.every((ancestor: Json) => ancestor.uniqueId.startsWith('source.'))).toBe(
      true,
    );

    const nested = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { models(first: 1, filter: { uniqueIds: ["model.ecommerce_analytics_platform.mrt_sales_trends"] }) {
        edges { node { ancestors(types: [Model]) { uniqueId resourceType ... on ModelAppliedStateNestedNode { materializedType executionInfo { lastRunStatus } testStatuses } } } } } } } }`,
      { id: Number(ecommerce.environmentId) },
    );
    const manifest = manifestOf('ecommerce');
    const ancestors = nested.data!.environment.applied.models.edges[0].node.ancestors as Json[];
    expect(ancestors.length).toBeGreaterThan(0);
    for (const ancestor of ancestors) {
      const tests = (manifest.child_map[ancestor.uniqueId] as string[]).filter((child) =>
        child.startsWith('test.'),
      ).length;
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
        frontier = [...new Set(frontier.flatMap((id) => edges[id] ?? []))].filter(
          (id) => !seen.has(id),
        );
        for (const id of frontier) seen.add(id);
      }
      return seen;
    };
    const id = (name: string) => `model.ecommerce_analytics_platform.${name}`;
    const withoutTests = (ids: Iterable<string>) =>
      [...new Set(ids)].filter((value) => !value.startsWith('test.')).sort();
    const select = async (filter: Json) => {
      const response = await ask(
        `query ($id: BigInt!, $filter: LineageFilter!) { environment(id: $id) { applied { lineage(filter: $filter) { uniqueId matchesMethod } } } }`,
        {
          id: Number(ecommerce.environmentId),
          filter,
        },
      );
      expect(response.errors).toBeUndefined();
      return (response.data!.environment.applied.lineage as Json[])
        .map((node) => node.uniqueId)
        .sort();
    };
    expect(await select({ select: '+mrt_sales_trends' })).toEqual(
      withoutTests([id('mrt_sales_trends'), ...walk(id('mrt_sales_trends'), parentMap)]),
    );
    expect(await select({ select: 'stg_customers+' })).toEqual(
      withoutTests([id('stg_customers'), ...walk(id('stg_customers'), childMap)]),
    );
    expect(await select({ select: '1+fct_orders' })).toEqual(
      withoutTests([id('fct_orders'), ...parentMap[id('fct_orders')]!]),
    );
    const descendants = walk(id('stg_customers'), childMap);
    expect(await select({ select: '@stg_customers' })).toEqual(
      withoutTests([
        id('stg_customers'),
        ...descendants,
        ...[id('stg_customers'), ...descendants].flatMap((node) => [...walk(node, parentMap)]),
      ]),
    );
    expect(await select({ select: 'resource_type:source' })).toEqual(
      Object.keys(manifest.sources).sort(),
    );
    expect(await select({ select: 'resource_type:source resource_type:exposure' })).toEqual(
      [...Object.keys(manifest.sources), ...Object.keys(manifest.exposures)].sort(),
    );
    const marts = Object.values(manifest.nodes as Json)
      .filter(
        (node: Json) =>
          node.resource_type === 'model' &&
          node.original_file_path.replace(/\\/g, '/').startsWith('models/marts/'),
      )
      .map((node: Json) => node.unique_id as string)
      .sort();
    expect(await select({ select: 'path:models/marts,resource_type:model' })).toEqual(marts);
    // The exposure is declared in models/marts/exposures.yml.
    expect(await select({ select: 'path:models/marts', exclude: 'mrt_sales_trends' })).toEqual(
      [...marts, ...Object.keys(manifest.exposures)]
        .filter((value) => value !== id('mrt_sales_trends'))
        .sort(),
    );
    expect(await select({ select: '+mrt_sales_trends', types: ['Source'] })).toEqual(
      withoutTests(walk(id('mrt_sales_trends'), parentMap)).filter((value) =>
        value.startsWith('source.'),
      ),
    );
    expect(await select({ select: 'fct_orders', types: ['Test'] })).toEqual([]);
    expect((await select({ select: 'fct_orders+1', types: ['Test'] })).length).toBe(
      childMap[id('fct_orders')]!.filter((child) => child.startsWith('test.')).length,
    );
    expect(await select({ uniqueIds: [id('dim_date')] })).toEqual([id('dim_date')]);

    const matched = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { lineage(filter: { select: "1+fct_orders" }) { uniqueId matchesMethod } } } }`,
      {
        id: Number(ecommerce.environmentId),
      },
    );
    const flags = Object.fromEntries(
      (matched.data!.environment.applied.lineage as Json[]).map((node) => [
        node.uniqueId,
        node.matchesMethod,
      ]),
    );
    expect(flags[id('fct_orders')]).toBe(true);
    expect(Object.values(flags).filter((flag) => flag === false).length).toBe(
      parentMap[id('fct_orders')]!.length,
    );

    for (const bad of [{ select: 'owner:someone' }, { select: '@+x' }, { columnNames: ['id'] }]) {
      const response = await ask(
        `query ($id: BigInt!, $filter: LineageFilter!) { environment(id: $id) { applied { lineage(filter: $filter) { uniqueId } } } }`,
        {
          id: Number(ecommerce.environmentId),
          filter: bad,
        },
      );
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
        values.push(
          ...connection.edges.map(
            (edge: Json) => edge.node.executionInfo?.executeCompletedAt ?? null,
          ),
        );
        if (!connection.pageInfo.hasNextPage) {
          expect(seen).toHaveLength(connection.totalCount);
          break;
        }
        after = connection.pageInfo.endCursor;
      }
      expect(new Set(seen).size, extra).toBe(seen.length);
      expect(pages).toBe(Math.ceil(seen.length / 5));
      if (extra.includes('executeCompletedAt'))
        expect(values).toEqual([...values].sort().reverse());
      if (extra.includes('uniqueId')) expect(seen).toEqual([...seen].sort().reverse());
    }
    const tooMany = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { models(first: 501) { totalCount } } } }`,
      { id: Number(ecommerce.environmentId) },
    );
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    const sorted = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { models(first: 2, sort: { field: rowCount, direction: asc }) { pageInfo { endCursor } } } } }`,
      {
        id: Number(ecommerce.environmentId),
      },
    );
    const mixed = await ask(
      `query ($id: BigInt!, $after: String) { environment(id: $id) { applied { models(first: 2, after: $after) { totalCount } } } }`,
      {
        id: Number(ecommerce.environmentId),
        after: sorted.data!.environment.applied.models.pageInfo.endCursor,
      },
    );
    expect(errorCodes(mixed)).toEqual(['BAD_USER_INPUT']);
  });

  it("filters as dbt's filters do", async () => {
    const count = async (environmentId: string, field: string, filter: string) => {
      const response = await ask(
        `query ($id: BigInt!) { environment(id: $id) { applied { ${field}(first: 500, filter: ${filter}) { totalCount edges { node { uniqueId } } } } } }`,
        {
          id: Number(environmentId),
        },
      );
      expect(response.errors, filter).toBeUndefined();
      const connection = response.data!.environment.applied[field];
      expect(connection.edges).toHaveLength(connection.totalCount);
      return connection.totalCount as number;
    };
    const e = ecommerce.environmentId;
    const p = paystream.environmentId;
    expect(await count(e, 'models', '{ schema: "dev_core" }')).toBe(8);
    expect(
      await count(e, 'models', '{ database: "intense-pixel-490219-h2", schema: "dev_marts" }'),
    ).toBe(3);
    expect(await count(e, 'models', '{ identifier: "dim_customers" }')).toBe(1);
    expect(await count(e, 'models', '{ lastRunStatus: success }')).toBe(17);
    expect(await count(e, 'models', '{ lastRunStatus: error }')).toBe(0);
    expect(
      await count(
        e,
        'models',
        '{ access: protected, packageName: "ecommerce_analytics_platform" }',
      ),
    ).toBe(17);
    expect(
      await count(e, 'models', '{ uniqueIds: "model.ecommerce_analytics_platform.dim_date" }'),
    ).toBe(1);
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
    // Modeling layers by dbt's project structure conventions (docs/metadata.md states the rule).
    for (const [name, environmentId] of [
      ['ecommerce', e],
      ['paystream', p],
    ] as const) {
      const models = Object.values(manifestOf(name).nodes as Record<string, Json>).filter(
        (node) => node.resource_type === 'model',
      );
      for (const layer of ['staging', 'intermediate', 'marts']) {
        const expected = models.filter(
          (node) => expectedModelingLayer(node.name, node.original_file_path) === layer,
        ).length;
        expect(await count(environmentId, 'models', `{ modelingLayer: "${layer}" }`), layer).toBe(
          expected,
        );
      }
    }
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
    expect(response.data!.environment).toMatchObject({
      dbtProjectName: 'paystream',
      adapterType: 'clickhouse',
    });
    expect(applied.resourceCounts).toEqual(resourceCountsOf(manifestOf('paystream')));
    expect(applied.resourceCounts).toMatchObject({
      model: 12,
      seed: 1,
      snapshot: 2,
      source: 14,
      test: 55,
      macro: 844,
    });
    expect(applied.tags).toEqual([]);
    expect(applied.macroPackages).toEqual([
      'dbt',
      'dbt_clickhouse',
      'dbt_date',
      'dbt_expectations',
      'dbt_utils',
      'paystream',
    ]);
    expect(applied.modelPackages).toEqual(['paystream']);
    expect(applied.lastUpdatedAt).toMatch(/^\d{4}-/);
    expect(applied.latestGitSha).toBeNull();
    expect(applied.seeds.edges.map((edge: Json) => edge.node)).toEqual([
      expect.objectContaining({
        name: 'merchant_categories',
        alias: 'merchant_categories',
        schema: 'silver',
        executionInfo: { lastRunStatus: null, lastRunSkip: null },
      }),
    ]);
    expect(applied.snapshots.edges.map((edge: Json) => edge.node.name).sort()).toEqual([
      'snapshot_merchant_credit_limits',
      'snapshot_user_credit_tier',
    ]);
    const manifest = manifestOf('paystream');
    const stgUsers = applied.models.edges[0].node;
    expect(stgUsers.materializedType).toBe(
      manifest.nodes['model.paystream.stg_users'].config.materialized,
    );
    expect(stgUsers.children.map((child: Json) => child.uniqueId).sort()).toEqual(
      [...manifest.child_map['model.paystream.stg_users']].sort(),
    );
  });
});
