import {
  countAppliedNodesByType,
  listAppliedPackages,
  listAppliedTagLists,
} from '../db/metadata-applied-nodes.js';
import { badUserInput } from '../errors.js';
import type { AppliedNodeView } from '../metadata/views.js';
import {
  type AppliedShape,
  appliedConnection,
  ExposureFilter,
  GenericMaterializedFilter,
  pageArgs,
} from './applied-lists.js';
import { nodeRelations } from './applied-nodes.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import {
  AccessLevelEnum,
  BigIntScalar,
  connectionType,
  DateTimeScalar,
  JSONObjectScalar,
  ModelLevelConstraint,
  metadataRead,
  PackageResourceTypeEnum,
  ReleaseVersionEnum,
  Tag,
  TestMetadata,
  TestTypeEnum,
} from './common.js';
import { Environment } from './environment.js';
import { LineageFilter, LineageNode, resolveLineage } from './lineage.js';

// The definition state: the nodes as the newest manifest defines them, with no execution
// results (`environment { definition { ... } }`). Served from the same rows as the applied
// state, whose definitions come from that manifest.

type Node = AppliedNodeView;
type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, Node>;

const read = metadataRead<Node>();
const definitionRead = metadataRead<AppliedShape>();

const nestedTypeNames: Record<string, string> = {
  model: 'ModelDefinitionNestedNode',
  source: 'SourceDefinitionNestedNode',
  seed: 'SeedDefinitionNestedNode',
  snapshot: 'SnapshotDefinitionNestedNode',
  exposure: 'ExposureDefinitionNestedNode',
  test: 'TestDefinitionNestedNode',
};

export const EnvironmentDefinitionNestedNode = builder
  .interfaceRef<Node>('EnvironmentDefinitionNestedNode')
  .implement({
    resolveType: (node) => nestedTypeNames[node.resourceType]!,
    fields: (t) => ({
      uniqueId: t.exposeString('uniqueId', { nullable: false }),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      filePath: t.exposeString('filePath', { nullable: false }),
      resourceType: t.exposeString('resourceType', { nullable: false }),
      runGeneratedAt: t.expose('manifestGeneratedAt', { type: DateTimeScalar, nullable: true }),
    }),
  });

export const EnvironmentDefinitionNode = builder
  .interfaceRef<Node>('EnvironmentDefinitionNode')
  .implement({
    resolveType: (node) => `${nestedTypeNames[node.resourceType]!.replace('NestedNode', 'Node')}`,
    fields: (t) => ({
      accountId: t.expose('accountId', { type: BigIntScalar, nullable: false }),
      projectId: t.expose('projectId', { type: BigIntScalar, nullable: false }),
      environmentId: t.expose('environmentId', { type: BigIntScalar, nullable: false }),
      uniqueId: t.exposeString('uniqueId', { nullable: false }),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      filePath: t.exposeString('filePath', { nullable: false }),
      meta: t.expose('meta', { type: JSONObjectScalar, nullable: true }),
      resourceType: t.exposeString('resourceType', { nullable: false }),
      runGeneratedAt: t.expose('manifestGeneratedAt', { type: DateTimeScalar, nullable: true }),
      tags: t.exposeStringList('tags', { nullable: false }),
    }),
  });

/** The run that brought the manifest, and its job. */
const runFields = (t: FieldBuilder) => ({
  runId: t.expose('manifestRunId', { type: BigIntScalar, nullable: true }),
  jobDefinitionId: t.field({
    type: BigIntScalar,
    authz: read,
    resolve: async (node, _args, context) =>
      (await context.loaders.run.load(node.manifestRunId))?.job_id ?? null,
  }),
});

const relationFields = (t: FieldBuilder) => ({
  alias: t.exposeString('alias'),
  database: t.exposeString('database'),
  schema: t.exposeString('schema'),
  packageName: t.exposeString('packageName'),
  patchPath: t.exposeString('patchPath'),
});

builder.objectRef<Node>('ModelDefinitionNestedNode').implement({
  interfaces: [EnvironmentDefinitionNestedNode],
  fields: (t) => ({
    ...relationFields(t),
    ...runFields(t),
    access: t.exposeString('access'),
    contractEnforced: t.exposeBoolean('contractEnforced'),
    group: t.exposeString('group'),
    latestVersion: t.exposeString('latestVersion'),
    version: t.exposeString('version'),
    releaseVersion: t.expose('releaseVersion', { type: ReleaseVersionEnum, nullable: true }),
    materializedType: t.exposeString('materializedType'),
  }),
});
builder.objectRef<Node>('SourceDefinitionNestedNode').implement({
  interfaces: [EnvironmentDefinitionNestedNode],
  fields: (t) => ({
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    identifier: t.exposeString('identifier'),
    sourceName: t.exposeString('sourceName'),
    sourceDescription: t.exposeString('sourceDescription'),
    loader: t.exposeString('loader'),
    patchPath: t.exposeString('patchPath'),
  }),
});
builder.objectRef<Node>('SeedDefinitionNestedNode').implement({
  interfaces: [EnvironmentDefinitionNestedNode],
  fields: (t) => ({ ...relationFields(t), ...runFields(t) }),
});
builder.objectRef<Node>('SnapshotDefinitionNestedNode').implement({
  interfaces: [EnvironmentDefinitionNestedNode],
  fields: (t) => ({ ...relationFields(t), ...runFields(t) }),
});
builder.objectRef<Node>('ExposureDefinitionNestedNode').implement({
  interfaces: [EnvironmentDefinitionNestedNode],
  fields: (t) => ({
    exposureType: t.exposeString('exposureType'),
    maturity: t.exposeString('maturity'),
    ownerEmail: t.exposeString('ownerEmail'),
    ownerName: t.exposeString('ownerName'),
    packageName: t.exposeString('packageName'),
    url: t.exposeString('url'),
  }),
});
const TestDefinitionNestedNode = builder.objectRef<Node>('TestDefinitionNestedNode').implement({
  interfaces: [EnvironmentDefinitionNestedNode],
  fields: (t) => ({
    ...runFields(t),
    columnName: t.exposeString('columnName'),
    testType: t.expose('testType', { type: TestTypeEnum, nullable: false }),
    testMetadata: t.expose('testMetadata', {
      type: TestMetadata,
      nullable: false,
      authz: 'parent',
    }),
  }),
});

const { parents, children, tests, ancestors } = nodeRelations(
  EnvironmentDefinitionNestedNode,
  TestDefinitionNestedNode,
);

const common = (t: FieldBuilder) => ({
  dbtVersion: t.exposeString('dbtVersion'),
  fqn: t.exposeStringList('fqn'),
  packageName: t.exposeString('packageName'),
  patchPath: t.exposeString('patchPath'),
  ...runFields(t),
});

const ModelDefinitionNode = builder.objectRef<Node>('ModelDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    access: t.exposeString('access'),
    alias: t.exposeString('alias'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
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
    rawCode: t.exposeString('rawCode'),
    parents: parents(t),
    children: children(t),
    ancestors: ancestors(t),
    tests: tests(t),
  }),
});

const SourceDefinitionNode = builder.objectRef<Node>('SourceDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    identifier: t.exposeString('identifier'),
    loader: t.exposeString('loader'),
    sourceName: t.exposeString('sourceName'),
    sourceDescription: t.exposeString('sourceDescription'),
    children: children(t),
    tests: tests(t),
  }),
});

const SeedDefinitionNode = builder.objectRef<Node>('SeedDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    alias: t.exposeString('alias'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    children: children(t),
  }),
});

const SnapshotDefinitionNode = builder.objectRef<Node>('SnapshotDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    alias: t.exposeString('alias'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    rawCode: t.exposeString('rawCode'),
    parents: parents(t),
    children: children(t),
  }),
});

const ExposureDefinitionNode = builder.objectRef<Node>('ExposureDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    exposureType: t.exposeString('exposureType'),
    label: t.exposeString('label'),
    manifestGeneratedAt: t.expose('manifestGeneratedAt', { type: DateTimeScalar, nullable: true }),
    maturity: t.exposeString('maturity'),
    ownerEmail: t.exposeString('ownerEmail'),
    ownerName: t.exposeString('ownerName'),
    url: t.exposeString('url'),
    parents: parents(t),
    ancestors: ancestors(t),
  }),
});

const TestDefinitionNode = builder.objectRef<Node>('TestDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    columnName: t.exposeString('columnName'),
    rawCode: t.exposeString('rawCode'),
    testType: t.expose('testType', { type: TestTypeEnum, nullable: true }),
    testedNodeUniqueId: t.exposeString('testedNodeUniqueId'),
    model: t.exposeString('model'),
    parents: parents(t),
  }),
});

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

export const DefinitionState = builder.objectRef<AppliedShape>('DefinitionState').implement({
  description: "The nodes as the newest manifest of the environment's runs defines them.",
  fields: (t) => ({
    lastUpdatedAt: t.field({
      type: DateTimeScalar,
      authz: 'parent',
      resolve: (definition) => definition.state?.manifest_generated_at ?? null,
    }),
    resourceCounts: t.field({
      type: JSONObjectScalar,
      authz: definitionRead,
      resolve: (definition, _args, context) =>
        countAppliedNodesByType(context.db, definition.environmentId),
    }),
    tags: t.field({
      type: [Tag],
      nullable: false,
      authz: definitionRead,
      resolve: async (definition, _args, context) => {
        const tags = new Set<string>();
        for (const list of await listAppliedTagLists(context.db, definition.environmentId))
          for (const tag of JSON.parse(list) as string[]) tags.add(tag);
        return [...tags].sort().map((name) => ({ name }));
      },
    }),
    packages: t.stringList({
      nullable: false,
      args: { resource: t.arg({ type: PackageResourceTypeEnum, required: true }) },
      authz: definitionRead,
      resolve: async (definition, { resource }, context) =>
        resource === 'macro'
          ? (JSON.parse(definition.state?.macro_packages ?? '[]') as string[])
          : listAppliedPackages(context.db, definition.environmentId, 'model'),
    }),
    lineage: t.field({
      type: [LineageNode],
      nullable: false,
      args: { filter: t.arg({ type: LineageFilter, required: true }) },
      authz: definitionRead,
      resolve: (definition, { filter }, context) =>
        resolveLineage(definition.environmentId, filter, context),
    }),
    models: t.field({
      type: connectionType(ModelDefinitionNode, 'ModelDefinitionNode'),
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: ModelDefinitionFilter }) },
      authz: definitionRead,
      resolve: (definition, { filter, ...page }, context, info) => {
        if (filter?.modelingLayer != null) {
          throw badUserInput(
            'modelingLayer is not available: this gateway does not derive modeling layers.',
            'filter.modelingLayer',
          );
        }
        return appliedConnection(definition, 'model', { ...filter }, page, context, info);
      },
    }),
    sources: t.field({
      type: connectionType(SourceDefinitionNode, 'SourceDefinitionNode'),
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: SourceDefinitionFilter }) },
      authz: definitionRead,
      resolve: (definition, { filter, ...page }, context, info) =>
        appliedConnection(definition, 'source', { ...filter }, page, context, info),
    }),
    seeds: t.field({
      type: connectionType(SeedDefinitionNode, 'SeedDefinitionNode'),
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: GenericMaterializedFilter }) },
      authz: definitionRead,
      resolve: (definition, { filter, ...page }, context, info) =>
        appliedConnection(definition, 'seed', { ...filter }, page, context, info),
    }),
    snapshots: t.field({
      type: connectionType(SnapshotDefinitionNode, 'SnapshotDefinitionNode'),
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: GenericMaterializedFilter }) },
      authz: definitionRead,
      resolve: (definition, { filter, ...page }, context, info) =>
        appliedConnection(definition, 'snapshot', { ...filter }, page, context, info),
    }),
    exposures: t.field({
      type: connectionType(ExposureDefinitionNode, 'ExposureDefinitionNode'),
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: ExposureFilter }) },
      authz: definitionRead,
      resolve: (definition, { filter, ...page }, context, info) =>
        appliedConnection(
          definition,
          'exposure',
          { uniqueIds: filter?.uniqueIds, tags: filter?.tags, exposureType: filter?.exposureType },
          page,
          context,
          info,
        ),
    }),
    tests: t.field({
      type: connectionType(TestDefinitionNode, 'TestDefinitionNode'),
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: TestDefinitionFilter }) },
      authz: definitionRead,
      resolve: (definition, { filter, ...page }, context, info) =>
        appliedConnection(definition, 'test', { ...filter }, page, context, info),
    }),
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
