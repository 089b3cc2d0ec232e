import type { Context } from '../context.js';
import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import { discoveryBuilder as builder } from './builder.js';
import {
  DateTimeScalar,
  JSONObjectScalar,
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
import { EnvironmentAppliedNestedNode } from './node-interfaces.js';

// The applied state's nested node types: what parents, children, ancestors and tests return.

type Node = AppliedNodeView;

const read = metadataRead<Node>();

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

export const ModelAppliedStateNestedNode = builder
  .objectRef<Node>('ModelAppliedStateNestedNode')
  .implement({
    interfaces: [EnvironmentAppliedNestedNode],
    fields: (t) => ({
      description: t.exposeString('appliedDescription'),
      access: t.exposeString('access'),
      alias: t.exposeString('alias'),
      contractEnforced: t.exposeBoolean('contractEnforced'),
      modelingLayer: t.exposeString('modelingLayer'),
      relationName: t.exposeString('relationName'),
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
      relationName: t.exposeString('relationName'),
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
      relationName: t.exposeString('relationName'),
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

export const TestAppliedStateNestedNode = builder
  .objectRef<Node>('TestAppliedStateNestedNode')
  .implement({
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
