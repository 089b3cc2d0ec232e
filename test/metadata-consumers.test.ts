import { beforeAll, expect, it } from 'vitest';
import { servedEntries } from './support/dbt-expectations.js';
import {
  type IngestedDeployment,
  type IngestedFixtures,
  ingestFixtures,
  manifestOf,
} from './support/discovery.js';
import { describeWithShared } from './support/shared.js';

// Queries written the way metadata consumers (dbt's MCP server, catalog integrations) write
// them: fragments on every implementation of an interface (aliasing the fields whose types
// differ between implementations, as GraphQL requires), one query for a node's parents and
// children of every type, paging loops until hasNextPage is false, their default sort. Expected
// values are read from the artifacts.

type Json = Record<string, any>;

const nestedFragments = `
  __typename uniqueId name resourceType description
  ... on ModelAppliedStateNestedNode { materializedType modelingLayer modelRun: executionInfo { lastRunStatus } }
  ... on SourceAppliedStateNestedNode { sourceName freshness { freshnessStatus } }
  ... on SeedAppliedStateNestedNode { alias seedRun: executionInfo { lastRunStatus } }
  ... on SnapshotAppliedStateNestedNode { alias snapshotRun: executionInfo { lastRunStatus } }
  ... on ExposureAppliedStateNestedNode { exposureType ownerName }
  ... on TestAppliedStateNestedNode { testType columnName }
  ... on MacroDefinitionNestedNode { packageName }
  ... on MetricDefinitionNestedNode { type formula }
  ... on SemanticModelDefinitionNestedNode { measures { name } }
  ... on SavedQueryDefinitionNestedNode { queryParams { metrics } }
  ... on ExternalModelNode { dbtProjectName releaseVersion }
  ... on GroupNode { ownerEmail }`;

const typenames: Record<string, string> = {
  model: 'ModelAppliedStateNestedNode',
  source: 'SourceAppliedStateNestedNode',
  seed: 'SeedAppliedStateNestedNode',
  snapshot: 'SnapshotAppliedStateNestedNode',
  exposure: 'ExposureAppliedStateNestedNode',
  test: 'TestAppliedStateNestedNode',
};

describeWithShared(
  'consumer-style queries over the fixtures',
  () => {
    let fixtures: IngestedFixtures;
    let ask: IngestedFixtures['ask'];
    const both = () =>
      [
        ['ecommerce', fixtures.ecommerce],
        ['paystream', fixtures.paystream],
      ] as ['ecommerce' | 'paystream', IngestedDeployment][];

    beforeAll(async () => {
      fixtures = await ingestFixtures();
      ask = fixtures.ask;
    });

    it("answers one query for every model's parents and children, fragments on every nested type", async () => {
      for (const [name, target] of both()) {
        const manifest = manifestOf(name);
        const response = await ask(
          `query ($id: BigInt!) { environment(id: $id) { applied { models(first: 500) { edges { node {
          uniqueId parents { ${nestedFragments} } children { ${nestedFragments} } } } } } } }`,
          { id: Number(target.environmentId) },
        );
        expect(response.errors).toBeUndefined();
        const types = new Map(servedEntries(manifest).map(({ id, type }) => [id, type]));
        for (const { node } of response.data!.environment.applied.models.edges as {
          node: Json;
        }[]) {
          for (const [relation, map] of [
            ['parents', manifest.parent_map],
            ['children', manifest.child_map],
          ] as const) {
            const related = node[relation] as Json[];
            expect(
              related.map((item) => item.uniqueId).sort(),
              `${node.uniqueId} ${relation}`,
            ).toEqual([...new Set<string>(map[node.uniqueId])].sort());
            for (const item of related) {
              expect(item.__typename).toBe(typenames[types.get(item.uniqueId)!]);
              expect(item.resourceType).toBe(types.get(item.uniqueId));
            }
          }
        }
      }
    });

    it('pages applied.resources of every type until hasNextPage is false, with a fragment per type', async () => {
      const typeOf: Record<string, string> = {
        model: 'Model',
        source: 'Source',
        seed: 'Seed',
        snapshot: 'Snapshot',
        test: 'Test',
        exposure: 'Exposure',
        macro: 'Macro',
      };
      for (const [name, target] of both()) {
        const entries = servedEntries(manifestOf(name));
        const nodes: Json[] = [];
        let pages = 0;
        for (let after: string | null = null; ; pages++) {
          const response = await ask(
            `query ($id: BigInt!, $after: String, $filter: AppliedResourcesFilter!) { environment(id: $id) { applied {
            resources(first: 250, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node {
              __typename accountId projectId environmentId uniqueId name resourceType filePath tags meta description
              ... on ModelAppliedStateNode { compiledCode database schema alias relationName catalog { columns { name type } } }
              ... on SourceAppliedStateNode { sourceName identifier freshness { freshnessStatus maxLoadedAt } }
              ... on SeedAppliedStateNode { path compiledCode }
              ... on SnapshotAppliedStateNode { targetDatabase targetSchema strategy primaryKey snapshotExecutionInfo { lastRunStatus } }
              ... on TestAppliedStateNode { testType columnName dependsOnMacros { uniqueId } }
              ... on ExposureAppliedStateNode { ownerEmail }
              ... on MacroDefinitionNode { macroSql path packageName }
            } } } } } }`,
            { id: Number(target.environmentId), after, filter: { types: Object.values(typeOf) } },
          );
          expect(response.errors).toBeUndefined();
          const connection = response.data!.environment.applied.resources;
          expect(connection.totalCount).toBe(entries.length);
          nodes.push(...connection.edges.map((edge: Json) => edge.node));
          if (!connection.pageInfo.hasNextPage) break;
          after = connection.pageInfo.endCursor;
        }
        expect(pages + 1).toBe(Math.ceil(entries.length / 250));
        expect(nodes.map((node) => node.uniqueId)).toEqual(entries.map(({ id }) => id).sort());
        const byId = new Map(entries.map((entry) => [entry.id, entry]));
        for (const node of nodes) {
          const { type, entry } = byId.get(node.uniqueId)!;
          expect(node.resourceType).toBe(type);
          expect(node.name).toBe(entry.name);
          expect(node.filePath).toBe(entry.original_file_path);
          expect(node.environmentId).toBe(Number(target.environmentId));
          if (type === 'macro') expect(node.macroSql).toBe(entry.macro_sql);
          if (type === 'seed') expect(node.path).toBe(entry.path);
          if (type === 'model') expect(node.relationName).toBe(entry.relation_name);
        }
      }
    });

    it('accepts the widely used default sort by queryUsageCount: every model once, in uniqueId order', async () => {
      const ids: string[] = [];
      for (let after: string | null = null; ; ) {
        const response = await ask(
          `query ($id: BigInt!, $after: String, $sort: AppliedModelSort) { environment(id: $id) { applied {
          models(first: 4, after: $after, sort: $sort) { pageInfo { hasNextPage endCursor } edges { node { uniqueId } } } } } }`,
          {
            id: Number(fixtures.ecommerce.environmentId),
            after,
            sort: { field: 'queryUsageCount', direction: 'desc' },
          },
        );
        expect(response.errors).toBeUndefined();
        const connection = response.data!.environment.applied.models;
        ids.push(...connection.edges.map((edge: Json) => edge.node.uniqueId));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      const models = Object.values(manifestOf('ecommerce').nodes as Record<string, Json>)
        .filter((node) => node.resource_type === 'model')
        .map((node) => node.unique_id as string)
        .sort();
      expect(ids).toEqual(models);
    });

    it('reads lineage through its interfaces: graph, executable, testable and with-parents nodes', async () => {
      const response = await ask(
        `query ($id: BigInt!) { environment(id: $id) { applied { lineage(filter: { types: [Model, Source, Seed, Snapshot, Exposure, Test, Macro] }) {
        __typename uniqueId name description resourceType filePath projectId tags matchesMethod
        ... on LineageGraphNode { fqn }
        ... on LineageNodeWithParents { parentIds }
        ... on LineageNodeExecutable { lastRunStatus }
        ... on LineageNodeTestable { worstTestStatus }
        ... on ModelLineageNode { alias database schema materializationType modelingLayer publicParentIds }
        ... on SourceLineageNode { sourceName }
        ... on MacroLineageNode { parentIds }
      } } } }`,
        { id: Number(fixtures.paystream.environmentId) },
      );
      expect(response.errors).toBeUndefined();
      const manifest = manifestOf('paystream');
      const entries = new Map(servedEntries(manifest).map((entry) => [entry.id, entry]));
      const lineage = response.data!.environment.applied.lineage as Json[];
      expect(lineage.map((node) => node.uniqueId).sort()).toEqual([...entries.keys()].sort());
      const lineageType: Record<string, string> = {
        model: 'ModelLineageNode',
        source: 'SourceLineageNode',
        seed: 'SeedLineageNode',
        snapshot: 'SnapshotLineageNode',
        test: 'TestLineageNode',
        macro: 'MacroLineageNode',
      };
      for (const node of lineage) {
        const { type, entry } = entries.get(node.uniqueId)!;
        expect(node.__typename).toBe(lineageType[type]);
        expect(node.description).toBe(entry.description ?? '');
        if (type === 'macro') {
          expect(node).not.toHaveProperty('fqn');
          expect(node.parentIds).toEqual(
            [...new Set<string>(entry.depends_on.macros)]
              .filter((id) => id in manifest.macros)
              .sort(),
          );
          continue;
        }
        expect(node.fqn).toEqual(entry.fqn);
        if ('parentIds' in node)
          expect(node.parentIds).toEqual([...new Set(manifest.parent_map[node.uniqueId])].sort());
      }
    });
  },
  120_000,
);
