import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import {
  DateTimeScalar,
  FreshnessStatusEnum,
  JSONObjectScalar,
  ModelLevelConstraint,
  metadataRead,
  ReleaseVersionEnum,
  TestMetadata,
  TestTypeEnum,
} from './common.js';
import { exposureHealthOf } from './exposure-tile.js';
import {
  EnvironmentDefinitionNestedNode,
  EnvironmentDefinitionNode,
  manifestRunFields,
} from './node-interfaces.js';
import { nodeRelations } from './relations.js';

// The definition state's node types and their nested forms: the nodes as the newest manifest
// defines them, with no execution results (`environment { definition { ... } }`).

type Node = AppliedNodeView;
type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, Node>;

const read = metadataRead<Node>();

const relationFields = (t: FieldBuilder) => ({
  alias: t.exposeString('alias'),
  database: t.exposeString('database'),
  schema: t.exposeString('schema'),
  packageName: t.exposeString('packageName'),
  patchPath: t.exposeString('patchPath'),
});

export const ModelDefinitionNestedNode = builder
  .objectRef<Node>('ModelDefinitionNestedNode')
  .implement({
    interfaces: [EnvironmentDefinitionNestedNode],
    fields: (t) => ({
      ...relationFields(t),
      ...manifestRunFields(t),
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
  fields: (t) => ({ ...relationFields(t), ...manifestRunFields(t) }),
});
builder.objectRef<Node>('SnapshotDefinitionNestedNode').implement({
  interfaces: [EnvironmentDefinitionNestedNode],
  fields: (t) => ({ ...relationFields(t), ...manifestRunFields(t) }),
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
export const TestDefinitionNestedNode = builder
  .objectRef<Node>('TestDefinitionNestedNode')
  .implement({
    interfaces: [EnvironmentDefinitionNestedNode],
    fields: (t) => ({
      ...manifestRunFields(t),
      columnName: t.exposeString('columnName'),
      testType: t.expose('testType', { type: TestTypeEnum, nullable: false }),
      testMetadata: t.expose('testMetadata', {
        type: TestMetadata,
        nullable: false,
        authz: 'parent',
      }),
    }),
  });

const { parents, children, tests, ancestors, ancestorsOfAnyType } = nodeRelations(
  EnvironmentDefinitionNestedNode,
  TestDefinitionNestedNode,
);

const common = (t: FieldBuilder) => ({
  dbtVersion: t.exposeString('dbtVersion'),
  fqn: t.exposeStringList('fqn'),
  packageName: t.exposeString('packageName'),
  patchPath: t.exposeString('patchPath'),
  ...manifestRunFields(t),
});

export const ModelDefinitionNode = builder.objectRef<Node>('ModelDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    relationName: t.exposeString('relationName'),
    modelingLayer: t.exposeString('modelingLayer'),
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

export const SourceDefinitionNode = builder.objectRef<Node>('SourceDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    relationName: t.exposeString('relationName'),
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

export const SeedDefinitionNode = builder.objectRef<Node>('SeedDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    relationName: t.exposeString('relationName'),
    alias: t.exposeString('alias'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    children: children(t),
  }),
});

export const SnapshotDefinitionNode = builder.objectRef<Node>('SnapshotDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    relationName: t.exposeString('relationName'),
    alias: t.exposeString('alias'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    rawCode: t.exposeString('rawCode'),
    parents: parents(t),
    children: children(t),
  }),
});

export const ExposureDefinitionNode = builder.objectRef<Node>('ExposureDefinitionNode').implement({
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
    freshnessStatus: t.field({
      type: FreshnessStatusEnum,
      description: "The worst latest freshness check of the exposure's upstream sources.",
      authz: read,
      resolve: async (node, _args, context) =>
        (await exposureHealthOf(node, context)).freshnessStatus,
    }),
    parents: parents(t),
    ancestors: ancestorsOfAnyType(t),
  }),
});

export const TestDefinitionNode = builder.objectRef<Node>('TestDefinitionNode').implement({
  interfaces: [EnvironmentDefinitionNode],
  fields: (t) => ({
    ...common(t),
    columnName: t.exposeString('columnName'),
    rawCode: t.exposeString('rawCode'),
    testType: t.expose('testType', { type: TestTypeEnum, nullable: true }),
    testedNodeUniqueId: t.exposeString('testedNodeUniqueId'),
    model: t.exposeString('model'),
    resource: t.exposeString('resource', { nullable: false }),
    given: t.field({
      type: [JSONObjectScalar],
      nullable: false,
      authz: 'parent',
      resolve: (node) => node.given ?? [],
    }),
    expect: t.field({
      type: JSONObjectScalar,
      nullable: false,
      authz: 'parent',
      resolve: (node) => node.expect ?? {},
    }),
    overrides: t.field({
      type: JSONObjectScalar,
      nullable: false,
      authz: 'parent',
      resolve: (node) => node.overrides ?? {},
    }),
    eventStatus: t.expose('eventStatus', { type: JSONObjectScalar, nullable: false }),
    numGiven: t.exposeInt('numGiven'),
    numGivenRows: t.exposeInt('numGivenRows'),
    numExpectRows: t.exposeInt('numExpectRows'),
    thisInputNodeUniqueId: t.exposeString('thisInputNodeUniqueId'),
    parents: parents(t),
  }),
});
