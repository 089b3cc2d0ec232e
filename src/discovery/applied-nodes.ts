import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import { TestAppliedStateNestedNode } from './applied-nested.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import {
  CatalogNode,
  DateTimeScalar,
  JSONObjectScalar,
  ModelLevelConstraint,
  metadataRead,
  ReleaseVersionEnum,
  TestMetadata,
  TestTypeEnum,
} from './common.js';
import {
  ModelExecutionInfoNode,
  SeedExecutionInfoNode,
  SnapshotExecutionInfoNode,
  SourceFreshnessNode,
  TestExecutionInfoNode,
} from './execution-info.js';
import { EnvironmentAppliedNestedNode, EnvironmentAppliedNode } from './node-interfaces.js';
import { nodeRelations } from './relations.js';
import { MacroDefinitionNestedNode } from './semantic-types.js';

// The applied state's node types (environment { applied { models { edges { node } } } }). Every
// scalar is a property of the view built once per row; relations go through the per-request
// batch loaders.

type Node = AppliedNodeView;
type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, Node>;

const read = metadataRead<Node>();

export const ModelVersion = builder
  .objectRef<{ name: string; releaseVersion: string; uniqueId: string }>('ModelVersion')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name', { nullable: false }),
      releaseVersion: t.exposeString('releaseVersion', { nullable: false }),
      uniqueId: t.exposeString('uniqueId', { nullable: false }),
    }),
  });

const {
  parents: parentsField,
  children: childrenField,
  tests: testsField,
  ancestors: ancestorsField,
  macros: macrosField,
} = nodeRelations(EnvironmentAppliedNestedNode, TestAppliedStateNestedNode);

const catalogField = (t: FieldBuilder) =>
  t.expose('catalog', { type: CatalogNode, nullable: true, authz: 'parent' });

const commonFields = (t: FieldBuilder) => ({
  dbtVersion: t.exposeString('dbtVersion'),
  fqn: t.exposeStringList('fqn', { nullable: false }),
  packageName: t.exposeString('packageName'),
  patchPath: t.exposeString('patchPath'),
});

// The applied node types.

export const ModelAppliedStateNode = builder.objectRef<Node>('ModelAppliedStateNode').implement({
  interfaces: [EnvironmentAppliedNode],
  fields: (t) => ({
    ...commonFields(t),
    relationName: t.exposeString('relationName'),
    description: t.exposeString('appliedDescription'),
    isDescriptionInherited: t.exposeBoolean('isDescriptionInherited', {
      description:
        "Whether the description is the relation's warehouse comment (the model has none).",
    }),
    modelingLayer: t.exposeString('modelingLayer', {
      description:
        'staging, intermediate or marts: by name prefix (stg_, int_, fct_/dim_/mrt_) or folder.',
    }),
    versions: t.field({
      type: [ModelVersion],
      nullable: false,
      description: 'Every version of a versioned model (empty for an unversioned one).',
      authz: read,
      resolve: async (node, _args, context) => {
        if (node.version === null) return [];
        const models = await context.loaders.metadata.modelsByName.load({
          environmentId: node.environmentId,
          name: node.name,
        });
        return models
          .filter((model) => model.packageName === node.packageName && model.version !== null)
          .map((model) => ({
            name: model.version!,
            releaseVersion: model.releaseVersion ?? 'none',
            uniqueId: model.uniqueId,
          }));
      },
    }),
    access: t.exposeString('access'),
    alias: t.exposeString('alias'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    compiledCode: t.exposeString('compiledCode'),
    rawCode: t.exposeString('rawCode'),
    config: t.expose('config', { type: JSONObjectScalar, nullable: true }),
    constraints: t.expose('constraints', {
      type: [ModelLevelConstraint],
      nullable: false,
      authz: 'parent',
    }),
    contractEnforced: t.exposeBoolean('contractEnforced'),
    deprecationDate: t.expose('deprecationDate', { type: DateTimeScalar, nullable: true }),
    group: t.exposeString('group'),
    language: t.exposeString('language'),
    latestVersion: t.exposeString('latestVersion'),
    version: t.exposeString('version'),
    releaseVersion: t.expose('releaseVersion', { type: ReleaseVersionEnum, nullable: true }),
    materializedType: t.exposeString('materializedType'),
    packages: t.exposeStringList('packages', { nullable: false }),
    executionInfo: t.expose('executionInfo', {
      type: ModelExecutionInfoNode,
      nullable: true,
      authz: 'parent',
    }),
    catalog: catalogField(t),
    parents: parentsField(t),
    children: childrenField(t),
    ancestors: ancestorsField(t),
    tests: testsField(t),
  }),
});

export const SourceAppliedStateNode = builder.objectRef<Node>('SourceAppliedStateNode').implement({
  interfaces: [EnvironmentAppliedNode],
  fields: (t) => ({
    ...commonFields(t),
    relationName: t.exposeString('relationName'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    identifier: t.exposeString('identifier'),
    loader: t.exposeString('loader'),
    sourceName: t.exposeString('sourceName'),
    sourceDescription: t.exposeString('sourceDescription'),
    freshness: t.expose('freshness', {
      type: SourceFreshnessNode,
      nullable: false,
      authz: 'parent',
    }),
    catalog: catalogField(t),
    children: childrenField(t),
    tests: testsField(t),
  }),
});

const snapshotConfigFields = (t: FieldBuilder) => ({
  targetDatabase: t.string({
    authz: 'parent',
    resolve: (node) => node.snapshotConfig.targetDatabase,
  }),
  targetSchema: t.string({ authz: 'parent', resolve: (node) => node.snapshotConfig.targetSchema }),
  strategy: t.string({ authz: 'parent', resolve: (node) => node.snapshotConfig.strategy }),
  primaryKey: t.string({
    description: "The snapshot's unique_key (several columns joined by commas).",
    authz: 'parent',
    resolve: (node) => node.snapshotConfig.primaryKey,
  }),
});

function materializedNode(
  name: string,
  executionInfo: typeof SeedExecutionInfoNode,
  kind: 'seed' | 'snapshot',
) {
  return builder.objectRef<Node>(name).implement({
    interfaces: [EnvironmentAppliedNode],
    fields: (t) => ({
      ...commonFields(t),
      relationName: t.exposeString('relationName'),
      alias: t.exposeString('alias'),
      database: t.exposeString('database'),
      schema: t.exposeString('schema'),
      executionInfo: t.expose('executionInfo', {
        type: executionInfo,
        nullable: kind === 'snapshot',
        authz: 'parent',
      }),
      catalog: catalogField(t),
      children: childrenField(t),
      tests: testsField(t),
      compiledCode: t.exposeString('compiledCode'),
      ...(kind === 'seed' ? { path: t.exposeString('path') } : {}),
      ...(kind === 'snapshot'
        ? {
            rawCode: t.exposeString('rawCode'),
            config: t.expose('config', { type: JSONObjectScalar, nullable: true }),
            parents: parentsField(t),
            snapshotExecutionInfo: t.expose('executionInfo', {
              type: executionInfo,
              nullable: true,
              authz: 'parent',
            }),
            ...snapshotConfigFields(t),
          }
        : {}),
    }),
  });
}

export const SeedAppliedStateNode = materializedNode(
  'SeedAppliedStateNode',
  SeedExecutionInfoNode,
  'seed',
);
export const SnapshotAppliedStateNode = materializedNode(
  'SnapshotAppliedStateNode',
  SnapshotExecutionInfoNode,
  'snapshot',
);

export const ExposureAppliedStateNode = builder
  .objectRef<Node>('ExposureAppliedStateNode')
  .implement({
    interfaces: [EnvironmentAppliedNode],
    fields: (t) => ({
      ...commonFields(t),
      exposureType: t.exposeString('exposureType'),
      label: t.exposeString('label'),
      manifestGeneratedAt: t.expose('manifestGeneratedAt', {
        type: DateTimeScalar,
        nullable: true,
      }),
      maturity: t.exposeString('maturity'),
      ownerEmail: t.exposeString('ownerEmail'),
      ownerName: t.exposeString('ownerName'),
      url: t.exposeString('url'),
      parents: parentsField(t),
      ancestors: ancestorsField(t),
    }),
  });

export const TestAppliedStateNode = builder.objectRef<Node>('TestAppliedStateNode').implement({
  interfaces: [EnvironmentAppliedNode],
  fields: (t) => ({
    ...commonFields(t),
    columnName: t.exposeString('columnName'),
    compiledCode: t.exposeString('compiledCode'),
    rawCode: t.exposeString('rawCode'),
    config: t.expose('config', { type: JSONObjectScalar, nullable: true }),
    testType: t.expose('testType', { type: TestTypeEnum, nullable: false }),
    testMetadata: t.expose('testMetadata', {
      type: TestMetadata,
      nullable: false,
      authz: 'parent',
    }),
    testedNodeUniqueId: t.exposeString('testedNodeUniqueId'),
    model: t.exposeString('model'),
    given: t.expose('given', { type: [JSONObjectScalar], nullable: true }),
    expect: t.expose('expect', { type: JSONObjectScalar, nullable: true }),
    overrides: t.expose('overrides', { type: JSONObjectScalar, nullable: true }),
    numGiven: t.exposeInt('numGiven'),
    numGivenRows: t.exposeInt('numGivenRows'),
    numExpectRows: t.exposeInt('numExpectRows'),
    thisInputNodeUniqueId: t.exposeString('thisInputNodeUniqueId'),
    eventStatus: t.expose('eventStatus', { type: JSONObjectScalar, nullable: true }),
    dependsOnMacros: macrosField(MacroDefinitionNestedNode)(t),
    executionInfo: t.expose('executionInfo', {
      type: TestExecutionInfoNode,
      nullable: false,
      authz: 'parent',
    }),
    parents: parentsField(t),
  }),
});
