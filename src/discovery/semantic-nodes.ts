import type { Context } from '../context.js';
import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import type {
  MacroView,
  MetricView,
  SavedQueryView,
  SemanticModelView,
} from '../metadata/node-views.js';
import { discoveryBuilder as builder } from './builder.js';
import { JSONObjectScalar, metadataRead } from './common.js';
import { ModelDefinitionNestedNode } from './definition-nodes.js';
import {
  EnvironmentAppliedNestedNode,
  EnvironmentAppliedNode,
  EnvironmentDefinitionNestedNode,
  EnvironmentDefinitionNode,
  manifestRunFields,
  manifestRunJobIdFields,
} from './node-interfaces.js';
import { nodeRelations } from './relations.js';
import {
  MacroArguments,
  metricFields,
  SemanticModelDefaults,
  savedQueryFields,
  semanticModelFields,
} from './semantic-types.js';

// The definition node types of macros, metrics, semantic models, saved queries and groups. The
// first four are both applied and definition nodes in dbt's schema (applied.resources returns
// them too); their relations return definition nested nodes.

const bothInterfaces = [EnvironmentAppliedNode, EnvironmentDefinitionNode];

const { parents, children, allAncestors, macros } = nodeRelations(
  EnvironmentDefinitionNestedNode,
  EnvironmentDefinitionNestedNode,
);

export const MacroDefinitionNode = builder.objectRef<MacroView>('MacroDefinitionNode').implement({
  interfaces: bothInterfaces,
  fields: (t) => ({
    ...manifestRunJobIdFields(t),
    dbtVersion: t.exposeString('dbtVersion'),
    packageName: t.exposeString('packageName'),
    patchPath: t.exposeString('patchPath'),
    path: t.exposeString('path'),
    macroSql: t.exposeString('macroSql', { nullable: false }),
    arguments: t.expose('arguments', { type: [MacroArguments], nullable: false, authz: 'parent' }),
    parents: macros(EnvironmentDefinitionNestedNode)(t),
  }),
});

export const MetricDefinitionNode = builder
  .objectRef<MetricView>('MetricDefinitionNode')
  .implement({
    interfaces: bothInterfaces,
    fields: (t) => ({
      ...manifestRunFields(t),
      ...metricFields(t),
      fqn: t.exposeStringList('fqn', { nullable: false }),
      parents: parents(t),
      children: children(t),
      ancestors: allAncestors(t),
    }),
  });

export const SemanticModelDefinitionNode = builder
  .objectRef<SemanticModelView>('SemanticModelDefinitionNode')
  .implement({
    interfaces: bothInterfaces,
    fields: (t) => ({
      ...manifestRunFields(t),
      ...semanticModelFields(t),
      fqn: t.exposeStringList('fqn', { nullable: false }),
      defaults: t.expose('defaults', {
        type: SemanticModelDefaults,
        nullable: true,
        authz: 'parent',
      }),
      parents: parents(t),
      children: children(t),
      ancestors: allAncestors(t),
    }),
  });

export const SavedQueryDefinitionNode = builder
  .objectRef<SavedQueryView>('SavedQueryDefinitionNode')
  .implement({
    interfaces: bothInterfaces,
    fields: (t) => ({
      ...manifestRunFields(t),
      ...savedQueryFields(t),
      fqn: t.exposeStringList('fqn', { nullable: false }),
      parents: parents(t),
      children: children(t),
      ancestors: allAncestors(t),
    }),
  });

const read = metadataRead<AppliedNodeView>();

const groupModels = (node: AppliedNodeView, context: Context) =>
  context.loaders.metadata.groupModels.load({
    environmentId: node.environmentId,
    name: node.name,
  });

/**
 * A group of models (model governance). In dbt's schema a definition node; it is also reachable
 * where nested nodes are, so fragments on it validate there.
 */
export const GroupNode = builder.objectRef<AppliedNodeView>('GroupNode').implement({
  interfaces: [
    EnvironmentDefinitionNode,
    EnvironmentAppliedNestedNode,
    EnvironmentDefinitionNestedNode,
  ],
  fields: (t) => ({
    ...manifestRunJobIdFields(t),
    packageName: t.exposeString('packageName'),
    ownerName: t.exposeString('ownerName'),
    ownerEmail: t.exposeString('ownerEmail'),
    tags: t.exposeStringList('tags', {
      nullable: false,
      deprecationReason: 'Groups cannot have tags',
    }),
    meta: t.expose('meta', { type: JSONObjectScalar, nullable: true }),
    models: t.field({
      type: [ModelDefinitionNestedNode],
      nullable: false,
      authz: read,
      resolve: (node, _args, context) => groupModels(node, context),
    }),
    modelCount: t.int({
      nullable: false,
      authz: read,
      resolve: async (node, _args, context) => (await groupModels(node, context)).length,
    }),
  }),
});
