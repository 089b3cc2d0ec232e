import type { InterfaceRef, ObjectRef } from '@pothos/core';
import type { Context } from '../context.js';
import { appliedAncestors } from '../metadata/loaders.js';
import type { AppliedNodeView } from '../metadata/views.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import {
  AncestorNodeTypeEnum,
  BigIntScalar,
  CatalogNode,
  Criteria,
  DateTimeScalar,
  FreshnessStatusEnum,
  JSONObjectScalar,
  ModelLevelConstraint,
  metadataRead,
  ReleaseVersionEnum,
  RunStatusEnum,
  resourceTypeOfNodeType,
  TestMetadata,
  TestTypeEnum,
} from './common.js';

// The applied state's node types (environment { applied { models { edges { node } } } }) and
// their nested forms (parents, children, ancestors). Every scalar is a property of the view
// built once per row; relations go through the per-request batch loaders.

type Node = AppliedNodeView;

const read = metadataRead<Node>();

type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, Node>;

// Execution info: `lastRun*` is the latest attempt; `execute*`, `executionTime`,
// `runGeneratedAt` and `lastSuccess*` the latest successful execution (as dbt defines them).
type ExecutionInfo = Node['executionInfo'];

function executionInfoType(
  name: string,
  statusAs: 'enum' | 'string',
  extra: 'seed' | 'test' | null,
) {
  return builder.objectRef<ExecutionInfo>(name).implement({
    fields: (t) => ({
      lastRunId: t.expose('lastRunId', { type: BigIntScalar, nullable: true }),
      lastJobDefinitionId: t.expose('lastJobDefinitionId', { type: BigIntScalar, nullable: true }),
      ...(statusAs === 'enum'
        ? { lastRunStatus: t.expose('lastRunStatusEnum', { type: RunStatusEnum, nullable: true }) }
        : { lastRunStatus: t.exposeString('lastRunStatus') }),
      lastRunError: t.exposeString('lastRunError'),
      lastRunGeneratedAt: t.expose('lastRunGeneratedAt', { type: DateTimeScalar, nullable: true }),
      lastSuccessRunId: t.expose('lastSuccessRunId', { type: BigIntScalar, nullable: true }),
      lastSuccessJobDefinitionId: t.expose('lastSuccessJobDefinitionId', {
        type: BigIntScalar,
        nullable: true,
      }),
      runGeneratedAt: t.expose('runGeneratedAt', { type: DateTimeScalar, nullable: true }),
      compileStartedAt: t.expose('compileStartedAt', { type: DateTimeScalar, nullable: true }),
      compileCompletedAt: t.expose('compileCompletedAt', { type: DateTimeScalar, nullable: true }),
      executeStartedAt: t.expose('executeStartedAt', { type: DateTimeScalar, nullable: true }),
      executeCompletedAt: t.expose('executeCompletedAt', { type: DateTimeScalar, nullable: true }),
      executionTime: t.exposeFloat('executionTime'),
      runElapsedTime: t.exposeFloat('runElapsedTime'),
      ...(extra === 'seed' ? { lastRunSkip: t.exposeBoolean('lastRunSkip') } : {}),
      ...(extra === 'test'
        ? { lastRunFailures: t.expose('lastRunFailures', { type: BigIntScalar, nullable: true }) }
        : {}),
    }),
  });
}

export const ModelExecutionInfoNode = executionInfoType('ModelExecutionInfoNode', 'enum', null);
export const SeedExecutionInfoNode = executionInfoType('SeedExecutionInfoNode', 'string', 'seed');
export const SnapshotExecutionInfoNode = executionInfoType(
  'SnapshotExecutionInfoNode',
  'string',
  null,
);
export const TestExecutionInfoNode = executionInfoType('TestExecutionInfoNode', 'string', 'test');

export const SourceFreshnessNode = builder
  .objectRef<Node['freshness']>('SourceFreshnessNode')
  .implement({
    fields: (t) => ({
      criteria: t.expose('criteria', { type: Criteria, nullable: false, authz: 'parent' }),
      freshnessChecked: t.exposeBoolean('freshnessChecked'),
      freshnessStatus: t.expose('freshnessStatus', { type: FreshnessStatusEnum, nullable: true }),
      freshnessJobDefinitionId: t.expose('freshnessJobDefinitionId', {
        type: BigIntScalar,
        nullable: true,
      }),
      freshnessRunId: t.expose('freshnessRunId', { type: BigIntScalar, nullable: true }),
      freshnessRunGeneratedAt: t.expose('freshnessRunGeneratedAt', {
        type: DateTimeScalar,
        nullable: true,
      }),
      maxLoadedAt: t.expose('maxLoadedAt', { type: DateTimeScalar, nullable: true }),
      maxLoadedAtTimeAgoInS: t.exposeFloat('maxLoadedAtTimeAgoInS'),
      snapshottedAt: t.expose('snapshottedAt', { type: DateTimeScalar, nullable: true }),
    }),
  });

const nestedTypeNames: Record<string, string> = {
  model: 'ModelAppliedStateNestedNode',
  source: 'SourceAppliedStateNestedNode',
  seed: 'SeedAppliedStateNestedNode',
  snapshot: 'SnapshotAppliedStateNestedNode',
  exposure: 'ExposureAppliedStateNestedNode',
  test: 'TestAppliedStateNestedNode',
};

const appliedTypeNames: Record<string, string> = {
  model: 'ModelAppliedStateNode',
  source: 'SourceAppliedStateNode',
  seed: 'SeedAppliedStateNode',
  snapshot: 'SnapshotAppliedStateNode',
  exposure: 'ExposureAppliedStateNode',
  test: 'TestAppliedStateNode',
};

export const EnvironmentAppliedNestedNode = builder
  .interfaceRef<Node>('EnvironmentAppliedNestedNode')
  .implement({
    description:
      'A node reached from another (parents, children, ancestors); `... on XAppliedStateNestedNode` for its own fields.',
    resolveType: (node) => nestedTypeNames[node.resourceType]!,
    fields: (t) => ({
      uniqueId: t.exposeString('uniqueId', { nullable: false }),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      filePath: t.exposeString('filePath', { nullable: false }),
      fqn: t.exposeStringList('fqn'),
      resourceType: t.exposeString('resourceType', { nullable: false }),
    }),
  });

export const EnvironmentAppliedNode = builder
  .interfaceRef<Node>('EnvironmentAppliedNode')
  .implement({
    resolveType: (node) => appliedTypeNames[node.resourceType]!,
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
      tags: t.exposeStringList('tags', { nullable: false }),
    }),
  });

/** The counts of the node's tests by last status, e.g. {"pass": 4, "warn": 1}. */
function testStatuses(node: Node, context: Context) {
  return context.loaders.metadata.appliedTests.load(node.id).then((tests) => {
    const counts: Record<string, number> = {};
    for (const test of tests) {
      const status = test.executionInfo.lastRunStatus ?? 'unknown';
      counts[status] = (counts[status] ?? 0) + 1;
    }
    return counts;
  });
}

const TestAppliedStateNestedNode = builder.objectRef<Node>('TestAppliedStateNestedNode');

// Nested nodes.

export const ModelAppliedStateNestedNode = builder
  .objectRef<Node>('ModelAppliedStateNestedNode')
  .implement({
    interfaces: [EnvironmentAppliedNestedNode],
    fields: (t) => ({
      access: t.exposeString('access'),
      alias: t.exposeString('alias'),
      contractEnforced: t.exposeBoolean('contractEnforced'),
      database: t.exposeString('database'),
      schema: t.exposeString('schema'),
      dbtVersion: t.exposeString('dbtVersion'),
      group: t.exposeString('group'),
      latestVersion: t.exposeString('latestVersion'),
      version: t.exposeString('version'),
      releaseVersion: t.expose('releaseVersion', { type: ReleaseVersionEnum, nullable: true }),
      materializedType: t.exposeString('materializedType'),
      packageName: t.exposeString('packageName'),
      patchPath: t.exposeString('patchPath'),
      executionInfo: t.expose('executionInfo', {
        type: ModelExecutionInfoNode,
        nullable: true,
        authz: 'parent',
      }),
      testStatuses: t.field({
        type: JSONObjectScalar,
        nullable: false,
        authz: read,
        resolve: (node, _args, context) => testStatuses(node, context),
      }),
    }),
  });

export const SourceAppliedStateNestedNode = builder
  .objectRef<Node>('SourceAppliedStateNestedNode')
  .implement({
    interfaces: [EnvironmentAppliedNestedNode],
    fields: (t) => ({
      database: t.exposeString('database'),
      schema: t.exposeString('schema'),
      identifier: t.exposeString('identifier'),
      dbtVersion: t.exposeString('dbtVersion'),
      loader: t.exposeString('loader'),
      patchPath: t.exposeString('patchPath'),
      sourceName: t.exposeString('sourceName'),
      sourceDescription: t.exposeString('sourceDescription'),
      freshness: t.expose('freshness', {
        type: SourceFreshnessNode,
        nullable: false,
        authz: 'parent',
      }),
      testStatuses: t.field({
        type: JSONObjectScalar,
        nullable: false,
        authz: read,
        resolve: (node, _args, context) => testStatuses(node, context),
      }),
    }),
  });

function materializedNestedFields(
  name: string,
  executionInfo: typeof SeedExecutionInfoNode,
  executionInfoNullable: boolean,
) {
  return builder.objectRef<Node>(name).implement({
    interfaces: [EnvironmentAppliedNestedNode],
    fields: (t) => ({
      alias: t.exposeString('alias'),
      database: t.exposeString('database'),
      schema: t.exposeString('schema'),
      dbtVersion: t.exposeString('dbtVersion'),
      packageName: t.exposeString('packageName'),
      patchPath: t.exposeString('patchPath'),
      executionInfo: t.expose('executionInfo', {
        type: executionInfo,
        nullable: executionInfoNullable,
        authz: 'parent',
      }),
    }),
  });
}

export const SeedAppliedStateNestedNode = materializedNestedFields(
  'SeedAppliedStateNestedNode',
  SeedExecutionInfoNode,
  false,
);
export const SnapshotAppliedStateNestedNode = materializedNestedFields(
  'SnapshotAppliedStateNestedNode',
  SnapshotExecutionInfoNode,
  true,
);

export const ExposureAppliedStateNestedNode = builder
  .objectRef<Node>('ExposureAppliedStateNestedNode')
  .implement({
    interfaces: [EnvironmentAppliedNestedNode],
    fields: (t) => ({
      dbtVersion: t.exposeString('dbtVersion'),
      exposureType: t.exposeString('exposureType'),
      label: t.exposeString('label'),
      manifestGeneratedAt: t.expose('manifestGeneratedAt', {
        type: DateTimeScalar,
        nullable: true,
      }),
      maturity: t.exposeString('maturity'),
      ownerEmail: t.exposeString('ownerEmail'),
      ownerName: t.exposeString('ownerName'),
      packageName: t.exposeString('packageName'),
      patchPath: t.exposeString('patchPath'),
      url: t.exposeString('url'),
    }),
  });

TestAppliedStateNestedNode.implement({
  interfaces: [EnvironmentAppliedNestedNode],
  fields: (t) => ({
    columnName: t.exposeString('columnName'),
    dbtVersion: t.exposeString('dbtVersion'),
    patchPath: t.exposeString('patchPath'),
    testType: t.expose('testType', { type: TestTypeEnum, nullable: false }),
    testMetadata: t.expose('testMetadata', {
      type: TestMetadata,
      nullable: false,
      authz: 'parent',
    }),
    executionInfo: t.expose('executionInfo', {
      type: TestExecutionInfoNode,
      nullable: false,
      authz: 'parent',
    }),
  }),
});

// Relations shared by the full node types, of the applied and of the definition state alike:
// only the nested types they return differ.

type NodeRef = ObjectRef<DiscoveryTypes, Node> | InterfaceRef<DiscoveryTypes, Node>;

/** parents, children, tests and ancestors of a node type whose nested types are `nested` and `nestedTest`. */
export function nodeRelations(nested: NodeRef, nestedTest: NodeRef) {
  const loaded =
    (loader: 'appliedParents' | 'appliedChildren' | 'appliedTests', type: NodeRef) =>
    (t: FieldBuilder) =>
      t.field({
        type: [type],
        nullable: false,
        authz: read,
        resolve: (node, _args, context) => context.loaders.metadata[loader].load(node.id),
      });
  return {
    parents: loaded('appliedParents', nested),
    children: loaded('appliedChildren', nested),
    tests: loaded('appliedTests', nestedTest),
    ancestors: (t: FieldBuilder) =>
      t.field({
        type: [nested],
        nullable: false,
        description: 'Every node upstream of this one, of the given types, nearest first.',
        args: { types: t.arg({ type: [AncestorNodeTypeEnum], required: true }) },
        authz: read,
        resolve: (node, { types }, context) =>
          appliedAncestors(
            context.loaders.metadata,
            node,
            new Set(types.map((type) => resourceTypeOfNodeType[type]!)),
          ),
      }),
  };
}

const {
  parents: parentsField,
  children: childrenField,
  tests: testsField,
  ancestors: ancestorsField,
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

function materializedNode(
  name: string,
  executionInfo: typeof SeedExecutionInfoNode,
  kind: 'seed' | 'snapshot',
) {
  return builder.objectRef<Node>(name).implement({
    interfaces: [EnvironmentAppliedNode],
    fields: (t) => ({
      ...commonFields(t),
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
      ...(kind === 'snapshot'
        ? {
            compiledCode: t.exposeString('compiledCode'),
            rawCode: t.exposeString('rawCode'),
            config: t.expose('config', { type: JSONObjectScalar, nullable: true }),
            parents: parentsField(t),
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
    executionInfo: t.expose('executionInfo', {
      type: TestExecutionInfoNode,
      nullable: false,
      authz: 'parent',
    }),
    parents: parentsField(t),
  }),
});
