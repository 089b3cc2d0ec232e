import type { Context } from '../context.js';
import type { RunNodeView } from '../metadata/run-node-view.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import {
  BigIntScalar,
  CatalogColumn,
  CatalogStat,
  Criteria,
  DateTimeScalar,
  FreshnessStatusEnum,
  JSONObjectScalar,
  metadataRead,
} from './common.js';

// The job level's node types (`job(id, runId) { models { ... } }`, the deprecated job-scoped
// root queries, modelHistoricalRuns): one run's nodes with that run's results.

type Node = RunNodeView;
type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, Node>;
type InterfaceFieldBuilder = PothosSchemaTypes.InterfaceFieldBuilder<DiscoveryTypes, Node>;

const read = metadataRead<Node>();

const jobTypeNames: Record<string, string> = {
  model: 'ModelNode',
  source: 'SourceNode',
  seed: 'SeedNode',
  snapshot: 'SnapshotNode',
  exposure: 'ExposureNode',
  test: 'TestNode',
  macro: 'MacroNode',
  metric: 'MetricNode',
};

export const cloudArtifactFields = (t: InterfaceFieldBuilder | FieldBuilder) => ({
  accountId: t.expose('accountId', { type: BigIntScalar, nullable: false }),
  projectId: t.expose('projectId', { type: BigIntScalar, nullable: false }),
  environmentId: t.expose('environmentId', { type: BigIntScalar, nullable: false }),
  jobId: t.expose('jobId', { type: BigIntScalar, nullable: false }),
  runId: t.expose('runId', { type: BigIntScalar, nullable: false }),
});

export const CloudArtifactInterface = builder
  .interfaceRef<Node>('CloudArtifactInterface')
  .implement({
    resolveType: (node) => jobTypeNames[node.resourceType]!,
    fields: (t) => cloudArtifactFields(t),
  });

export const NodeInterface = builder.interfaceRef<Node>('NodeInterface').implement({
  resolveType: (node) => jobTypeNames[node.resourceType]!,
  fields: (t) => ({
    uniqueId: t.exposeString('uniqueId', { nullable: false }),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    meta: t.expose('meta', { type: JSONObjectScalar, nullable: true }),
    resourceType: t.exposeString('resourceType', { nullable: false }),
    tags: t.exposeStringList('tags'),
    dbtVersion: t.exposeString('dbtVersion'),
  }),
});

type RunInfo = Node['runResults'][number];

export const RunInfoNode = builder.objectRef<RunInfo>('RunInfoNode').implement({
  fields: (t) => ({
    status: t.exposeString('status'),
    error: t.exposeString('error'),
    skip: t.exposeBoolean('skip'),
    threadId: t.exposeString('threadId'),
    executionTime: t.exposeFloat('executionTime'),
    compileStartedAt: t.expose('compileStartedAt', { type: DateTimeScalar, nullable: true }),
    compileCompletedAt: t.expose('compileCompletedAt', { type: DateTimeScalar, nullable: true }),
    executeStartedAt: t.expose('executeStartedAt', { type: DateTimeScalar, nullable: true }),
    executeCompletedAt: t.expose('executeCompletedAt', { type: DateTimeScalar, nullable: true }),
    runGeneratedAt: t.expose('runGeneratedAt', { type: DateTimeScalar, nullable: true }),
    runElapsedTime: t.exposeFloat('runElapsedTime'),
    invocationId: t.exposeString('invocationId'),
    args: t.exposeString('args'),
  }),
});

const timingFields = (t: FieldBuilder) => ({
  status: t.exposeString('status'),
  error: t.exposeString('error'),
  skip: t.exposeBoolean('skip'),
  threadId: t.exposeString('threadId'),
  executionTime: t.exposeFloat('executionTime'),
  compileStartedAt: t.expose('compileStartedAt', { type: DateTimeScalar, nullable: true }),
  compileCompletedAt: t.expose('compileCompletedAt', { type: DateTimeScalar, nullable: true }),
  executeStartedAt: t.expose('executeStartedAt', { type: DateTimeScalar, nullable: true }),
  executeCompletedAt: t.expose('executeCompletedAt', { type: DateTimeScalar, nullable: true }),
  runGeneratedAt: t.expose('runGeneratedAt', { type: DateTimeScalar, nullable: true }),
  runElapsedTime: t.exposeFloat('runElapsedTime'),
});

const relationFields = (t: FieldBuilder) => ({
  columns: t.expose('columns', { type: [CatalogColumn], nullable: true, authz: 'parent' }),
  stats: t.expose('stats', { type: [CatalogStat], nullable: false, authz: 'parent' }),
  comment: t.exposeString('comment'),
  owner: t.exposeString('owner'),
  type: t.exposeString('type'),
  childrenL1: t.stringList({
    nullable: false,
    description: 'The unique ids of the nodes that depend on this one directly.',
    authz: read,
    resolve: (node, _args, context) =>
      context.loaders.metadata.runChildIds.load({ runId: node.runId, uniqueId: node.uniqueId }),
  }),
});

const codeFields = (t: FieldBuilder) => ({
  compiledCode: t.exposeString('compiledCode'),
  compiledSql: t.exposeString('compiledSql'),
  rawCode: t.exposeString('rawCode'),
  rawSql: t.exposeString('rawSql'),
});

const relationName = (t: FieldBuilder) => ({
  alias: t.exposeString('alias'),
  database: t.exposeString('database'),
  schema: t.exposeString('schema'),
  packageName: t.exposeString('packageName'),
});

export const paginationCursor = (t: FieldBuilder) => ({
  paginationCursor: t.exposeString('paginationCursor', {
    description: 'Pass it as `after` to continue the list after this item.',
  }),
});

async function parentsOfType(node: Node, context: Context, type: string): Promise<Node[]> {
  const parents = await context.loaders.metadata.runParents.load({
    runId: node.runId,
    uniqueId: node.uniqueId,
  });
  return parents.filter((parent) => parent.resourceType === type);
}

export const SourceNode = builder.objectRef<Node>('SourceNode');
export const TestNode = builder.objectRef<Node>('TestNode');
export const ModelNode = builder.objectRef<Node>('ModelNode');

const parentsModels = (t: FieldBuilder) =>
  t.field({
    type: [ModelNode],
    nullable: false,
    authz: read,
    resolve: (node, _args, context) => parentsOfType(node, context, 'model'),
  });
const parentsSources = (t: FieldBuilder) =>
  t.field({
    type: [SourceNode],
    nullable: false,
    authz: read,
    resolve: (node, _args, context) => parentsOfType(node, context, 'source'),
  });
const tests = (t: FieldBuilder) =>
  t.field({
    type: [TestNode],
    nullable: false,
    authz: read,
    resolve: (node, _args, context) =>
      context.loaders.metadata.runTests.load({ runId: node.runId, uniqueId: node.uniqueId }),
  });

ModelNode.implement({
  interfaces: [CloudArtifactInterface, NodeInterface],
  fields: (t) => ({
    ...timingFields(t),
    ...relationFields(t),
    ...codeFields(t),
    ...relationName(t),
    ...paginationCursor(t),
    access: t.exposeString('access'),
    args: t.exposeString('args'),
    invocationId: t.exposeString('invocationId'),
    dbtGroup: t.exposeString('dbtGroup'),
    language: t.exposeString('language'),
    materializedType: t.exposeString('materializedType'),
    packages: t.exposeStringList('packages'),
    dependsOn: t.exposeStringList('dependsOn', { nullable: false }),
    runResults: t.expose('runResults', { type: [RunInfoNode], nullable: false, authz: 'parent' }),
    parentsModels: parentsModels(t),
    parentsSources: parentsSources(t),
    tests: tests(t),
  }),
});

SourceNode.implement({
  interfaces: [CloudArtifactInterface, NodeInterface],
  fields: (t) => ({
    ...relationFields(t),
    ...paginationCursor(t),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    identifier: t.exposeString('identifier'),
    loader: t.exposeString('loader'),
    sourceName: t.exposeString('sourceName'),
    sourceDescription: t.exposeString('sourceDescription'),
    criteria: t.expose('criteria', { type: Criteria, nullable: false, authz: 'parent' }),
    freshnessChecked: t.exposeBoolean('freshnessChecked'),
    state: t.expose('freshnessState', { type: FreshnessStatusEnum, nullable: true }),
    maxLoadedAt: t.expose('maxLoadedAt', { type: DateTimeScalar, nullable: true }),
    maxLoadedAtTimeAgoInS: t.exposeFloat('maxLoadedAtTimeAgoInS'),
    snapshottedAt: t.expose('snapshottedAt', { type: DateTimeScalar, nullable: true }),
    runGeneratedAt: t.expose('runGeneratedAt', { type: DateTimeScalar, nullable: true }),
    runElapsedTime: t.exposeFloat('runElapsedTime'),
    tests: tests(t),
  }),
});

TestNode.implement({
  interfaces: [CloudArtifactInterface, NodeInterface],
  fields: (t) => ({
    ...timingFields(t),
    ...codeFields(t),
    ...paginationCursor(t),
    columnName: t.exposeString('columnName'),
    dependsOn: t.exposeStringList('dependsOn', { nullable: false }),
    fail: t.exposeBoolean('fail'),
    warn: t.exposeBoolean('warn'),
    state: t.exposeString('state'),
    invocationId: t.exposeString('invocationId'),
    language: t.exposeString('language'),
  }),
});

export const SeedNode = builder.objectRef<Node>('SeedNode').implement({
  interfaces: [CloudArtifactInterface, NodeInterface],
  fields: (t) => ({
    ...timingFields(t),
    ...relationFields(t),
    ...codeFields(t),
    ...relationName(t),
    ...paginationCursor(t),
  }),
});

export const SnapshotNode = builder.objectRef<Node>('SnapshotNode').implement({
  interfaces: [CloudArtifactInterface, NodeInterface],
  fields: (t) => ({
    ...timingFields(t),
    ...relationFields(t),
    ...codeFields(t),
    ...relationName(t),
    ...paginationCursor(t),
    parentsModels: parentsModels(t),
    parentsSources: parentsSources(t),
  }),
});

export const ExposureNode = builder.objectRef<Node>('ExposureNode').implement({
  interfaces: [CloudArtifactInterface, NodeInterface],
  fields: (t) => ({
    ...paginationCursor(t),
    dependsOn: t.exposeStringList('dependsOn', { nullable: false }),
    exposureType: t.exposeString('exposureType'),
    manifestGeneratedAt: t.expose('manifestGeneratedAt', { type: DateTimeScalar, nullable: true }),
    maturity: t.exposeString('maturity'),
    ownerEmail: t.exposeString('ownerEmail'),
    ownerName: t.exposeString('ownerName'),
    packageName: t.exposeString('packageName'),
    url: t.exposeString('url'),
    status: t.exposeString('status'),
    threadId: t.exposeString('threadId'),
    executionTime: t.exposeFloat('executionTime'),
    compileStartedAt: t.expose('compileStartedAt', { type: DateTimeScalar, nullable: true }),
    compileCompletedAt: t.expose('compileCompletedAt', { type: DateTimeScalar, nullable: true }),
    executeStartedAt: t.expose('executeStartedAt', { type: DateTimeScalar, nullable: true }),
    executeCompletedAt: t.expose('executeCompletedAt', { type: DateTimeScalar, nullable: true }),
    parents: t.field({
      type: [NodeInterface],
      nullable: false,
      authz: read,
      resolve: (node, _args, context) =>
        context.loaders.metadata.runParents.load({ runId: node.runId, uniqueId: node.uniqueId }),
    }),
    parentsModels: parentsModels(t),
    parentsSources: parentsSources(t),
  }),
});
