import { beforeAll, expect, it } from 'vitest';
import {
  augmentedIds,
  augmentedManifest,
  augmentedRunResults,
} from './support/augmented-manifest.js';
import { resourceCountsOf, walk } from './support/dbt-expectations.js';
import { createTestGateway, document, type TestGateway } from './support/helpers.js';
import { deployment, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

// Macros, metrics, semantic models, saved queries and groups, on the ecommerce fixture augmented
// with the semantic layer (test/support/augmented-manifest.ts). Every expected value is read
// from that manifest here.

type Json = Record<string, any>;

describeWithShared(
  'the semantic layer, macros and groups as dbt defines them',
  () => {
    let gateway: TestGateway;
    let environmentId: number;
    let runId: number;
    let jobId: number;
    const manifest = augmentedManifest();

    beforeAll(async () => {
      gateway = await createTestGateway();
      const target = await deployment(gateway, 'ecommerce');
      const run = await target.run();
      const uploaded = await uploadArtifacts(gateway, gateway.adminToken, run, {
        manifest: JSON.stringify(manifest),
        runResults: JSON.stringify(augmentedRunResults()),
      });
      expect(uploaded.errors).toBeUndefined();
      environmentId = Number(target.environmentId);
      runId = Number(run);
      jobId = Number(target.jobId);
    });

    const ask = async (query: string, variables: Json = {}) => {
      const response = await gateway
        .discovery(gateway.adminToken)
        .request(document(query), { id: environmentId, ...variables });
      expect(response.errors).toBeUndefined();
      return response.data!.environment;
    };

    /** Every node of a definition list, page by page until hasNextPage is false. */
    const everyPage = async (field: string, selection: string, args = '') => {
      const nodes: Json[] = [];
      for (let after: string | null = null; ; ) {
        const environment = await ask(
          `query ($id: BigInt!, $after: String) { environment(id: $id) { definition {
          ${field}(first: 100, after: $after ${args}) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${selection} } } } } } }`,
          { after },
        );
        const connection = environment.definition[field];
        nodes.push(...connection.edges.map((edge: Json) => edge.node));
        if (!connection.pageInfo.hasNextPage) {
          expect(nodes).toHaveLength(connection.totalCount);
          return nodes;
        }
        after = connection.pageInfo.endCursor;
      }
    };

    it('serves every macro with its SQL, arguments and the macros it uses', async () => {
      const macros = await everyPage(
        'macros',
        'uniqueId name packageName macroSql path filePath description runId jobId arguments { name type description } parents { uniqueId }',
      );
      const expected = manifest.macros as Record<string, Json>;
      expect(macros).toHaveLength(Object.keys(expected).length);
      for (const macro of macros) {
        const entry = expected[macro.uniqueId]!;
        expect(macro).toEqual({
          uniqueId: entry.unique_id,
          name: entry.name,
          packageName: entry.package_name,
          macroSql: entry.macro_sql,
          path: entry.path,
          filePath: entry.original_file_path,
          description: entry.description,
          runId,
          jobId,
          arguments: entry.arguments.map((argument: Json) => ({
            name: argument.name,
            type: argument.type ?? null,
            description: argument.description ?? null,
          })),
          parents: [...new Set<string>(entry.depends_on.macros)]
            .filter((id) => id in expected)
            .sort()
            .map((uniqueId) => ({ uniqueId })),
        });
      }
      const dbtMacros = await everyPage('macros', 'uniqueId', ', filter: { packageName: "dbt" }');
      expect(dbtMacros).toHaveLength(
        Object.values(expected).filter((entry) => entry.package_name === 'dbt').length,
      );
    });

    it('serves metrics, semantic models, saved queries and groups with their own fields', async () => {
      const metrics = await everyPage(
        'metrics',
        'uniqueId name description type typeParams filter formula fqn group runId parents { uniqueId } children { uniqueId } ancestors { uniqueId }',
      );
      expect(metrics.map((metric) => metric.uniqueId).sort()).toEqual(
        Object.keys(manifest.metrics).sort(),
      );
      const ids = (list: Json[]) => list.map((item) => item.uniqueId).sort();
      for (const metric of metrics) {
        const entry = manifest.metrics[metric.uniqueId];
        expect(metric).toMatchObject({
          name: entry.name,
          description: entry.description,
          type: entry.type,
          typeParams: entry.type_params,
          filter: entry.filter,
          formula: entry.type_params.expr ?? null,
          fqn: entry.fqn,
          group: entry.group,
          runId,
        });
        expect(ids(metric.parents)).toEqual([...manifest.parent_map[metric.uniqueId]].sort());
        expect(ids(metric.children)).toEqual([...manifest.child_map[metric.uniqueId]].sort());
        // Upstream nodes this manifest defines (the cross-project parent is not one).
        expect(ids(metric.ancestors)).toEqual(
          [...walk(metric.uniqueId, manifest.parent_map)]
            .filter((id) => id in manifest.parent_map)
            .sort(),
        );
      }

      const [semantic] = await everyPage(
        'semanticModels',
        `uniqueId name description meta fqn parents { uniqueId } children { uniqueId }
       defaults { aggTimeDimension } entities { name type description }
       measures { name agg description expr createMetric }
       dimensions { name type description typeParams { timeGranularity validityParams } }`,
      );
      const model = manifest.semantic_models[augmentedIds.semanticModel];
      expect(semantic).toEqual({
        uniqueId: model.unique_id,
        name: model.name,
        description: model.description,
        meta: model.config.meta,
        fqn: model.fqn,
        parents: model.depends_on.nodes.map((uniqueId: string) => ({ uniqueId })),
        children: [...manifest.child_map[model.unique_id]].sort().map((uniqueId) => ({ uniqueId })),
        defaults: { aggTimeDimension: model.defaults.agg_time_dimension },
        entities: model.entities.map((entity: Json) => ({
          name: entity.name,
          type: entity.type,
          description: entity.description,
        })),
        measures: model.measures.map((measure: Json) => ({
          name: measure.name,
          agg: measure.agg,
          description: measure.description,
          expr: String(measure.expr),
          createMetric: measure.create_metric,
        })),
        dimensions: model.dimensions.map((dimension: Json) => ({
          name: dimension.name,
          type: dimension.type,
          description: dimension.description,
          typeParams: dimension.type_params
            ? {
                timeGranularity: dimension.type_params.time_granularity,
                validityParams: dimension.type_params.validity_params,
              }
            : null,
        })),
      });

      const [saved] = await everyPage(
        'savedQueries',
        `uniqueId description parents { uniqueId } queryParams { metrics groupBy orderBy limit where { whereFilters { whereSqlTemplate } } }
       exports { name config { exportAs schema alias database } }`,
      );
      const query = manifest.saved_queries[augmentedIds.savedQuery];
      expect(saved).toEqual({
        uniqueId: query.unique_id,
        description: query.description,
        parents: [...query.depends_on.nodes].sort().map((uniqueId: string) => ({ uniqueId })),
        queryParams: {
          metrics: query.query_params.metrics,
          groupBy: query.query_params.group_by,
          orderBy: query.query_params.order_by,
          limit: query.query_params.limit,
          where: {
            whereFilters: query.query_params.where.where_filters.map((filter: Json) => ({
              whereSqlTemplate: filter.where_sql_template,
            })),
          },
        },
        exports: query.exports.map((item: Json) => ({
          name: item.name,
          config: {
            exportAs: item.config.export_as,
            schema: item.config.schema_name,
            alias: item.config.alias,
            database: item.config.database,
          },
        })),
      });

      const groups = await everyPage(
        'groups',
        'uniqueId name description ownerName ownerEmail modelCount models { uniqueId } filePath',
        `, filter: { uniqueIds: ["${augmentedIds.group}"] }`,
      );
      const group = manifest.groups[augmentedIds.group];
      const members = Object.values(manifest.nodes as Record<string, Json>)
        .filter((node) => node.resource_type === 'model' && node.group === group.name)
        .map((node) => node.unique_id)
        .sort();
      expect(groups).toEqual([
        {
          uniqueId: group.unique_id,
          name: group.name,
          description: group.description,
          ownerName: group.owner.name,
          ownerEmail: group.owner.email,
          modelCount: members.length,
          models: members.map((uniqueId) => ({ uniqueId })),
          filePath: group.original_file_path,
        },
      ]);
      const owners = await ask(
        `query ($id: BigInt!) { environment(id: $id) { applied { groups: owners(resource: group) { name email } exposures: owners(resource: exposure) { name email } } } }`,
      );
      expect(owners.applied.groups).toEqual([group.owner]);
      expect(owners.applied.exposures).toEqual(
        Object.values(manifest.exposures as Record<string, Json>).map((exposure) => ({
          name: exposure.owner.name,
          email: exposure.owner.email,
        })),
      );
    });

    it('makes semantic models, metrics and saved queries nodes: children, lineage, counts, resources', async () => {
      const environment = await ask(
        `query ($id: BigInt!) { environment(id: $id) { applied {
        resourceCounts
        lineage(filter: { select: "source:raw.orders+" }) { uniqueId resourceType ... on LineageNodeWithParents { parentIds } }
        models(first: 1, filter: { uniqueIds: ["${augmentedIds.fctOrders}"] }) { edges { node {
          children { uniqueId resourceType ... on SemanticModelDefinitionNestedNode { measures { name } } ... on TestAppliedStateNestedNode { testType } }
        } } }
      } } }`,
      );
      const applied = environment.applied;
      expect(applied.resourceCounts).toEqual(resourceCountsOf(manifest));
      const source = `source.${'ecommerce_analytics_platform'}.raw.orders`;
      const downstream = [source, ...walk(source, manifest.child_map)].filter(
        (id) => !id.startsWith('test.') && !id.startsWith('unit_test.'),
      );
      expect(applied.lineage.map((node: Json) => node.uniqueId).sort()).toEqual(downstream.sort());
      for (const id of [
        augmentedIds.semanticModel,
        augmentedIds.orderCount,
        augmentedIds.savedQuery,
      ])
        expect(downstream).toContain(id);
      const semantic = applied.lineage.find(
        (node: Json) => node.uniqueId === augmentedIds.semanticModel,
      );
      expect(semantic).toEqual({
        uniqueId: augmentedIds.semanticModel,
        resourceType: 'SemanticModel',
        parentIds: manifest.parent_map[augmentedIds.semanticModel],
      });
      const children = applied.models.edges[0].node.children as Json[];
      expect(children.map((child) => child.uniqueId).sort()).toEqual(
        [...manifest.child_map[augmentedIds.fctOrders]].sort(),
      );
      expect(children.find((child) => child.uniqueId === augmentedIds.semanticModel)).toEqual({
        uniqueId: augmentedIds.semanticModel,
        resourceType: 'semantic_model',
        measures: manifest.semantic_models[augmentedIds.semanticModel].measures.map(
          (measure: Json) => ({ name: measure.name }),
        ),
      });

      // applied.resources over the semantic layer's types, page by page.
      const seen: Json[] = [];
      for (let after: string | null = null; ; ) {
        const page = await ask(
          `query ($id: BigInt!, $after: String) { environment(id: $id) { applied {
          resources(first: 2, after: $after, filter: { types: [SemanticModel, Metric, SavedQuery] }) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { __typename uniqueId resourceType } } } } } }`,
          { after },
        );
        const connection = page.applied.resources;
        seen.push(...connection.edges.map((edge: Json) => edge.node));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      const typename: Record<string, string> = {
        semantic_model: 'SemanticModelDefinitionNode',
        metric: 'MetricDefinitionNode',
        saved_query: 'SavedQueryDefinitionNode',
      };
      const expected = [
        ...Object.keys(manifest.semantic_models),
        ...Object.keys(manifest.metrics),
        ...Object.keys(manifest.saved_queries),
      ].sort();
      expect(seen.map((node) => node.uniqueId)).toEqual(expected);
      for (const node of seen) expect(node.__typename).toBe(typename[node.resourceType]);
    });
  },
  120_000,
);
