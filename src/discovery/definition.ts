import type { InputFieldMap, ObjectRef } from '@pothos/core';
import type { AppliedFilter } from '../db/metadata-applied-nodes.js';
import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import {
  type AppliedShape,
  appliedConnection,
  ExposureFilter,
  GenericMaterializedFilter,
  pageArgs,
} from './applied-lists.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import { AccessLevelEnum, connectionType, DateTimeScalar, metadataRead } from './common.js';
import {
  ExposureDefinitionNode,
  ModelDefinitionNode,
  SeedDefinitionNode,
  SnapshotDefinitionNode,
  SourceDefinitionNode,
  TestDefinitionNode,
} from './definition-nodes.js';
import { Environment } from './environment.js';
import { stateSummaryFields } from './resources.js';
import {
  GroupNode,
  MacroDefinitionNode,
  MetricDefinitionNode,
  SavedQueryDefinitionNode,
  SemanticModelDefinitionNode,
} from './semantic-nodes.js';

// The definition state: the nodes as the newest manifest defines them, with no execution
// results (`environment { definition { ... } }`). Served from the same rows as the applied
// state, whose definitions come from that manifest.

export const ModelDefinitionFilter = builder.inputType('ModelDefinitionFilter', {
  fields: (t) => ({
    access: t.field({ type: AccessLevelEnum }),
    database: t.string(),
    group: t.string(),
    identifier: t.string(),
    modelingLayer: t.string(),
    schema: t.string(),
    tags: t.stringList(),
    uniqueIds: t.stringList(),
  }),
});

export const SourceDefinitionFilter = builder.inputType('SourceDefinitionFilter', {
  fields: (t) => ({
    database: t.string(),
    identifier: t.string(),
    schema: t.string(),
    sourceNames: t.stringList(),
    tags: t.stringList(),
    uniqueIds: t.stringList(),
  }),
});

export const TestDefinitionFilter = builder.inputType('TestDefinitionFilter', {
  fields: (t) => ({ tags: t.stringList(), uniqueIds: t.stringList() }),
});

export const MacroDefinitionFilter = builder.inputType('MacroDefinitionFilter', {
  fields: (t) => ({
    packageName: t.string({ description: 'Filter results by package' }),
    uniqueIds: t.stringList({ description: 'unique ids of nodes to return' }),
  }),
});

export const GroupFilter = builder.inputType('GroupFilter', {
  fields: (t) => ({ uniqueIds: t.stringList({ description: 'unique ids of nodes to return' }) }),
});

const definitionRead = metadataRead<AppliedShape>();

type StateFieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, AppliedShape>;

/** A connection of the definition state: nodes of one resource type, with a filter. */
function definitionList<Filter extends InputFieldMap>(
  t: StateFieldBuilder,
  node: ObjectRef<any, AppliedNodeView> | ObjectRef<any, any>,
  name: string,
  resourceType: string,
  filterType: Parameters<typeof t.arg>[0]['type'],
  description?: string,
) {
  return t.field({
    type: connectionType(node, name),
    nullable: false,
    description,
    args: { ...pageArgs, filter: t.arg({ type: filterType }) },
    authz: definitionRead,
    resolve: (definition, { filter, ...page }, context, info) =>
      appliedConnection(
        definition,
        resourceType,
        { ...(filter as AppliedFilter | null) },
        page as never,
        context,
        info,
      ),
  }) as never;
}

export const DefinitionState = builder.objectRef<AppliedShape>('DefinitionState').implement({
  description: "The nodes as the newest manifest of the environment's runs defines them.",
  fields: (t) => ({
    lastUpdatedAt: t.field({
      type: DateTimeScalar,
      authz: 'parent',
      resolve: (definition) => definition.state?.manifest_generated_at ?? null,
    }),
    ...stateSummaryFields(t, false),
    models: definitionList(
      t,
      ModelDefinitionNode,
      'ModelDefinitionNode',
      'model',
      ModelDefinitionFilter,
    ),
    sources: definitionList(
      t,
      SourceDefinitionNode,
      'SourceDefinitionNode',
      'source',
      SourceDefinitionFilter,
    ),
    seeds: definitionList(
      t,
      SeedDefinitionNode,
      'SeedDefinitionNode',
      'seed',
      GenericMaterializedFilter,
    ),
    snapshots: definitionList(
      t,
      SnapshotDefinitionNode,
      'SnapshotDefinitionNode',
      'snapshot',
      GenericMaterializedFilter,
    ),
    exposures: definitionList(
      t,
      ExposureDefinitionNode,
      'ExposureDefinitionNode',
      'exposure',
      ExposureFilter,
    ),
    tests: definitionList(
      t,
      TestDefinitionNode,
      'TestDefinitionNode',
      'test',
      TestDefinitionFilter,
    ),
    macros: definitionList(
      t,
      MacroDefinitionNode,
      'MacroDefinitionNode',
      'macro',
      MacroDefinitionFilter,
    ),
    metrics: definitionList(
      t,
      MetricDefinitionNode,
      'MetricDefinitionNode',
      'metric',
      GenericMaterializedFilter,
    ),
    semanticModels: definitionList(
      t,
      SemanticModelDefinitionNode,
      'SemanticModelDefinitionNode',
      'semantic_model',
      GenericMaterializedFilter,
    ),
    savedQueries: definitionList(
      t,
      SavedQueryDefinitionNode,
      'SavedQueryDefinitionNode',
      'saved_query',
      GenericMaterializedFilter,
    ),
    groups: definitionList(
      t,
      GroupNode,
      'GroupNode',
      'group',
      GroupFilter,
      'Groups for model governance.',
    ),
  }),
});

builder.objectField(Environment, 'definition', (t) =>
  t.field({
    type: DefinitionState,
    authz: metadataRead<{ projectId: number }>(),
    resolve: (environment) => ({
      environmentId: environment.id,
      projectId: environment.projectId,
      state: environment.state,
    }),
  }),
);
