import { beforeAll, expect, it } from 'vitest';
import {
  augmentedIds,
  augmentedManifest,
  augmentedRunResults,
} from './support/augmented-manifest.js';
import { expectedModelingLayer, servedEntries } from './support/dbt-expectations.js';
import { createTestGateway, document, type TestGateway } from './support/helpers.js';
import { deployment, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

// The definition state's and the nested nodes' new fields, and the job level's macros, on the
// ecommerce fixture augmented with a semantic layer. Expected values come from its manifest.

type Json = Record<string, any>;

describeWithShared(
  'definition and nested node fields',
  () => {
    let gateway: TestGateway;
    let environmentId: number;
    let jobId: number;
    let runId: number;
    const manifest = augmentedManifest();

    beforeAll(async () => {
      gateway = await createTestGateway();
      const target = await deployment(gateway, 'ecommerce augmented');
      const run = await target.run();
      const uploaded = await uploadArtifacts(gateway, gateway.adminToken, run, {
        manifest: JSON.stringify(manifest),
        runResults: JSON.stringify(augmentedRunResults()),
      });
      expect(uploaded.errors).toBeUndefined();
      environmentId = Number(target.environmentId);
      jobId = Number(target.jobId);
      runId = Number(run);
    });

    const ask = async (query: string) => {
      const response = await gateway
        .discovery(gateway.adminToken)
        .request(document(query), { id: environmentId, jobId });
      expect(response.errors).toBeUndefined();
      return response.data!;
    };

    it('serves modeling layers and relation names wherever a model appears', async () => {
      const data = await ask(`query ($id: BigInt!) { environment(id: $id) {
      applied {
        models(first: 500) { edges { node { uniqueId modelingLayer relationName
          children { uniqueId ... on ModelAppliedStateNestedNode { modelingLayer relationName } } } } }
        lineage(filter: { types: [Model] }) { uniqueId ... on ModelLineageNode { modelingLayer } }
      }
      definition {
        models(first: 500) { edges { node { uniqueId modelingLayer relationName } } }
        sources(first: 500) { edges { node { uniqueId relationName } } }
      }
    } }`);
      const nodes = manifest.nodes as Record<string, Json>;
      const expected = (id: string) => ({
        uniqueId: id,
        modelingLayer: expectedModelingLayer(nodes[id]!.name, nodes[id]!.original_file_path),
        relationName: nodes[id]!.relation_name,
      });
      for (const { node } of data.environment.applied.models.edges as { node: Json }[]) {
        expect({
          uniqueId: node.uniqueId,
          modelingLayer: node.modelingLayer,
          relationName: node.relationName,
        }).toEqual(expected(node.uniqueId));
        for (const child of node.children as Json[])
          if (child.uniqueId.startsWith('model.')) expect(child).toEqual(expected(child.uniqueId));
      }
      for (const { node } of data.environment.definition.models.edges as { node: Json }[])
        expect(node).toEqual(expected(node.uniqueId));
      for (const node of data.environment.applied.lineage as Json[])
        expect(node.modelingLayer).toBe(expected(node.uniqueId).modelingLayer);
      const layers = new Set(Object.keys(nodes).map((id) => expected(id).modelingLayer));
      expect([...layers].filter(Boolean).sort()).toEqual(['intermediate', 'marts', 'staging']);
      for (const { node } of data.environment.definition.sources.edges as { node: Json }[])
        expect(node.relationName).toBe(manifest.sources[node.uniqueId].relation_name);
    });

    it('serves the nested forms of metrics, saved queries and macros, and definition.resources', async () => {
      const data = await ask(`query ($id: BigInt!) { environment(id: $id) { definition {
      semanticModels(first: 5) { edges { node { uniqueId children { uniqueId
        ... on MetricDefinitionNestedNode { type formula typeParams filter group runId jobDefinitionId runGeneratedAt } } } } }
      metrics(first: 5) { edges { node { uniqueId children { uniqueId
        ... on SavedQueryDefinitionNestedNode { queryParams { metrics groupBy limit } exports { name } runId } } } } }
      macros(first: 1, filter: { uniqueIds: ["macro.dbt.is_incremental"] }) { edges { node { uniqueId
        parents { uniqueId ... on MacroDefinitionNestedNode { packageName jobId runId } } } } }
      resources(first: 500, filter: { types: [Model, Metric, SemanticModel, SavedQuery, Macro, Test] }) {
        totalCount edges { node { __typename uniqueId runGeneratedAt } } }
    } } }`);
      const definition = data.environment.definition;
      const generatedAt = new Date(manifest.metadata.generated_at).toISOString();
      const metricChildren = definition.semanticModels.edges[0].node.children as Json[];
      for (const child of metricChildren) {
        const metric = manifest.metrics[child.uniqueId];
        expect(child).toEqual({
          uniqueId: metric.unique_id,
          type: metric.type,
          formula: metric.type_params.expr ?? null,
          typeParams: metric.type_params,
          filter: metric.filter,
          group: metric.group,
          runId,
          jobDefinitionId: jobId,
          runGeneratedAt: generatedAt,
        });
      }
      expect(metricChildren.map((child) => child.uniqueId).sort()).toEqual(
        [...manifest.child_map[augmentedIds.semanticModel]].sort(),
      );
      const saved = manifest.saved_queries[augmentedIds.savedQuery];
      const withSaved = (definition.metrics.edges as { node: Json }[]).filter(({ node }) =>
        (node.children as Json[]).some((child) => child.uniqueId === augmentedIds.savedQuery),
      );
      expect(withSaved.map(({ node }) => node.uniqueId).sort()).toEqual(
        [...saved.depends_on.nodes].sort(),
      );
      expect(withSaved[0]!.node.children).toContainEqual({
        uniqueId: augmentedIds.savedQuery,
        queryParams: {
          metrics: saved.query_params.metrics,
          groupBy: saved.query_params.group_by,
          limit: saved.query_params.limit,
        },
        exports: saved.exports.map((item: Json) => ({ name: item.name })),
        runId,
      });
      const macro = manifest.macros['macro.dbt.is_incremental'];
      expect(definition.macros.edges[0].node.parents).toEqual(
        [...new Set<string>(macro.depends_on.macros)]
          .filter((id) => id in manifest.macros)
          .sort()
          .map((uniqueId) => ({
            uniqueId,
            packageName: manifest.macros[uniqueId].package_name,
            jobId,
            runId,
          })),
      );
      const wanted = new Set(['model', 'metric', 'semantic_model', 'saved_query', 'macro', 'test']);
      const entries = servedEntries(manifest).filter(({ type }) => wanted.has(type));
      expect(definition.resources.totalCount).toBe(entries.length);
      const typename: Record<string, string> = {
        model: 'ModelDefinitionNode',
        test: 'TestDefinitionNode',
        macro: 'MacroDefinitionNode',
        metric: 'MetricDefinitionNode',
        semantic_model: 'SemanticModelDefinitionNode',
        saved_query: 'SavedQueryDefinitionNode',
      };
      const typeOf = new Map(entries.map(({ id, type }) => [id, type]));
      for (const { node } of definition.resources.edges as { node: Json }[]) {
        expect(node.__typename).toBe(typename[typeOf.get(node.uniqueId)!]);
        expect(node.runGeneratedAt).toBe(generatedAt);
      }
    });

    it("serves the job level's macros and metrics as the run's manifest has them", async () => {
      const data = await ask(`query ($jobId: BigInt!) { job(id: $jobId) {
      macros { uniqueId name originalFilePath path rootPath packageName dependsOn macroSql resourceType paginationCursor }
      metrics { uniqueId name label type dependsOn description environmentName }
    } }`);
      const macros = manifest.macros as Record<string, Json>;
      expect(data.job.macros).toHaveLength(Object.keys(macros).length);
      for (const macro of data.job.macros as Json[]) {
        const entry = macros[macro.uniqueId]!;
        expect(macro).toMatchObject({
          name: entry.name,
          originalFilePath: entry.original_file_path,
          path: entry.path,
          rootPath: entry.root_path ?? null,
          packageName: entry.package_name,
          dependsOn: [...new Set(entry.depends_on.macros)],
          macroSql: entry.macro_sql,
          resourceType: 'macro',
        });
      }
      const metrics = manifest.metrics as Record<string, Json>;
      expect(data.job.metrics.map((metric: Json) => metric.uniqueId).sort()).toEqual(
        Object.keys(metrics).sort(),
      );
      for (const metric of data.job.metrics as Json[]) {
        const entry = metrics[metric.uniqueId]!;
        expect(metric).toEqual({
          uniqueId: entry.unique_id,
          name: entry.name,
          label: entry.label,
          type: entry.type,
          dependsOn: entry.depends_on.nodes,
          description: entry.description,
          environmentName: 'Production',
        });
      }
    });
  },
  120_000,
);
