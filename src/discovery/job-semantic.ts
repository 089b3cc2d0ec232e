import { findRunNode } from '../db/metadata-runs.js';
import { type RunNodeView, runNodeView } from '../metadata/run-node-view.js';
import type { Json } from '../metadata/views.js';
import { discoveryBuilder as builder } from './builder.js';
import { metadataRead } from './common.js';
import { CloudArtifactInterface, ModelNode, NodeInterface, paginationCursor } from './job-nodes.js';

// The job level's macros and metrics (`job { macros metrics }` and the deprecated `macros` and
// `metrics` root queries). MetricNode has the legacy metrics' fields (dbt 1.3–1.5); MetricFlow
// metrics of newer manifests fill `type`, `label` and `dependsOn`.

type Node = RunNodeView;

const read = metadataRead<Node>();

export const MacroNode = builder.objectRef<Node>('MacroNode').implement({
  interfaces: [CloudArtifactInterface, NodeInterface],
  fields: (t) => ({
    ...paginationCursor(t),
    dependsOn: t.exposeStringList('dependsOnMacros', {
      nullable: false,
      description: 'The macros this macro uses.',
    }),
    macroSql: t.exposeString('macroSql'),
    originalFilePath: t.exposeString('filePath'),
    packageName: t.exposeString('packageName'),
    path: t.exposeString('path'),
    rootPath: t.exposeString('rootPath'),
  }),
});

const MetricFilter = builder.objectRef<Json>('MetricFilter').implement({
  fields: (t) => ({
    field: t.exposeString('field'),
    operator: t.exposeString('operator'),
    value: t.exposeString('value'),
  }),
});

export const MetricNode = builder.objectRef<Node>('MetricNode').implement({
  interfaces: [CloudArtifactInterface, NodeInterface],
  fields: (t) => ({
    ...paginationCursor(t),
    calculation_method: t.exposeString('calculationMethod'),
    dependsOn: t.exposeStringList('dependsOn', { nullable: false }),
    dimensions: t.exposeStringList('dimensions', { nullable: false }),
    expression: t.exposeString('expression'),
    filters: t.expose('filters', { type: [MetricFilter], nullable: false, authz: 'parent' }),
    label: t.exposeString('label'),
    packageName: t.exposeString('packageName'),
    sql: t.exposeString('sql'),
    timeGrains: t.exposeStringList('timeGrains'),
    timestamp: t.exposeString('timestamp'),
    type: t.exposeString('metricType'),
    environmentName: t.string({
      authz: read,
      resolve: async (node, _args, context) =>
        (await context.loaders.environment.load(node.environmentId))?.name ?? null,
    }),
    model: t.field({
      type: ModelNode,
      description: 'The model a legacy metric is defined on, as this run has it.',
      authz: read,
      resolve: async (node, _args, context) => {
        if (!node.modelUniqueId) return null;
        const row = await findRunNode(context.db, node.runId, 'model', {
          uniqueId: node.modelUniqueId,
        });
        return row ? runNodeView(row) : null;
      },
    }),
  }),
});
