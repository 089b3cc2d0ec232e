import type { InterfaceRef, ObjectRef } from '@pothos/core';
import { parentProject } from '../auth/scopes.js';
import { discoveryRunStatuses, freshnessStatuses } from '../dbt-statuses.js';
import { badUserInput } from '../errors.js';
import type {
  CatalogColumnView,
  CatalogStatView,
  CatalogView,
  CriteriaView,
} from '../metadata/views.js';
import { discoveryBuilder as builder } from './builder.js';
import { AnyScalar, BigIntScalar, DateTimeScalar, JSONObjectScalar } from './scalars.js';

/**
 * The Discovery API's one requirement: `metadata` read in the project of the object reached.
 * Root fields find the project from their id argument; relations from their parent.
 */
export function metadataRead<Parent extends { readonly projectId: number }>() {
  return {
    resource: 'metadata' as const,
    action: 'read' as const,
    project: parentProject((parent: Parent) => parent.projectId, 'Environment'),
  };
}

// Enums, spelled exactly as dbt's.

export const RunStatusEnum = builder.enumType('RunStatus', { values: discoveryRunStatuses });
export const FreshnessStatusEnum = builder.enumType('FreshnessStatus', {
  values: freshnessStatuses,
});
export const TimePeriodEnum = builder.enumType('TimePeriod', {
  values: ['day', 'hour', 'minute'] as const,
});
export const TestTypeEnum = builder.enumType('TestType', {
  values: ['GENERIC_DATA_TEST', 'SINGULAR_DATA_TEST', 'UNIT_TEST'] as const,
});
export const AccessLevelEnum = builder.enumType('AccessLevel', {
  values: ['private', 'protected', 'public'] as const,
});
export const ReleaseVersionEnum = builder.enumType('ReleaseVersion', {
  values: ['latest', 'none', 'old', 'prerelease'] as const,
});
export const SortDirectionEnum = builder.enumType('SortDirection', {
  values: ['asc', 'desc'] as const,
});
export const AncestorNodeTypeEnum = builder.enumType('AncestorNodeType', {
  values: ['Exposure', 'Macro', 'Model', 'Seed', 'Snapshot', 'Source'] as const,
});
export const ResourceNodeTypeEnum = builder.enumType('ResourceNodeType', {
  values: [
    'Exposure',
    'Macro',
    'Metric',
    'Model',
    'SavedQuery',
    'Seed',
    'SemanticModel',
    'Snapshot',
    'Source',
    'Test',
  ] as const,
});
export const PackageResourceTypeEnum = builder.enumType('PackageResourceType', {
  values: ['macro', 'model'] as const,
});
export const OwnerResourceTypeEnum = builder.enumType('OwnerResourceType', {
  values: ['exposure', 'group'] as const,
});
export const AutoExposureBIProviderEnum = builder.enumType('AutoExposureBIProvider', {
  values: ['powerbi', 'tableau'] as const,
});
export const ExposureHealthIssueTypeEnum = builder.enumType('ExposureHealthIssueType', {
  values: [
    'CautionUpstreamSources',
    'DegradedUpstreamSources',
    'FailedTestUpstreamModels',
    'LastRunFailedUpstreamModels',
    'Unknown',
    'WarnedTestUpstreamModels',
  ] as const,
});
export const QualityEnum = builder.enumType('Quality', {
  values: ['Error', 'Pass', 'Unknown', 'Warn'] as const,
});

/** Our stored resource types by dbt's ResourceNodeType / AncestorNodeType names. */
export const resourceTypeOfNodeType: Readonly<Record<string, string>> = {
  Exposure: 'exposure',
  Macro: 'macro',
  Metric: 'metric',
  Model: 'model',
  SavedQuery: 'saved_query',
  Seed: 'seed',
  SemanticModel: 'semantic_model',
  Snapshot: 'snapshot',
  Source: 'source',
  Test: 'test',
};

export const nodeTypeOfResourceType: Readonly<
  Record<string, (typeof ResourceNodeTypeEnum)['$inferType']>
> = Object.fromEntries(
  Object.entries(resourceTypeOfNodeType).map(([nodeType, resourceType]) => [
    resourceType,
    nodeType,
  ]),
) as never;

// Shared objects.

export const PageInfo = builder
  .objectRef<{
    startCursor: string | null;
    endCursor: string | null;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  }>('PageInfo')
  .implement({
    fields: (t) => ({
      startCursor: t.exposeString('startCursor'),
      endCursor: t.exposeString('endCursor'),
      hasNextPage: t.exposeBoolean('hasNextPage', { nullable: false }),
      hasPreviousPage: t.exposeBoolean('hasPreviousPage', { nullable: false }),
    }),
  });

/** A page of applied nodes, resolved lazily: `totalCount` runs its query only when asked for. */
export interface ConnectionShape<T> {
  readonly projectId: number;
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: {
    startCursor: string | null;
    endCursor: string | null;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  };
  readonly totalCount: () => Promise<number>;
}

/** `XConnection { edges { cursor node } pageInfo totalCount }` and `XEdge`, named as dbt names them. */
export function connectionType<T>(
  node: ObjectRef<any, T> | InterfaceRef<any, T>,
  name: string,
): ObjectRef<any, ConnectionShape<T>> {
  const Edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor', { nullable: false }),
      node: t.field({
        type: node,
        nullable: false,
        authz: 'parent',
        resolve: (edge) => edge.node as never,
      }),
    }),
  });
  return builder.objectRef<ConnectionShape<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.expose('edges', { type: [Edge], nullable: false, authz: 'parent' }),
      pageInfo: t.expose('pageInfo', { type: PageInfo, nullable: false, authz: 'parent' }),
      totalCount: t.int({
        nullable: false,
        authz: 'parent',
        resolve: (connection) => connection.totalCount(),
      }),
    }),
  });
}

export const maxAppliedPageSize = 500;
export const maxJobPageSize = 100;

/** `first` of an applied list: at most 500 (dbt's cap), 500 when left out. */
export function appliedFirst(first: number | null | undefined): number {
  const value = first ?? maxAppliedPageSize;
  if (!Number.isInteger(value) || value < 0 || value > maxAppliedPageSize) {
    throw badUserInput(`first must be between 0 and ${maxAppliedPageSize}.`, 'first');
  }
  return value;
}

export const CriteriaInfo = builder
  .objectRef<{ count: number | null; period: 'day' | 'hour' | 'minute' | null }>('CriteriaInfo')
  .implement({
    fields: (t) => ({
      count: t.exposeInt('count'),
      period: t.expose('period', { type: TimePeriodEnum, nullable: true }),
    }),
  });

export const Criteria = builder.objectRef<CriteriaView>('Criteria').implement({
  fields: (t) => ({
    warnAfter: t.expose('warnAfter', { type: CriteriaInfo, nullable: true, authz: 'parent' }),
    errorAfter: t.expose('errorAfter', { type: CriteriaInfo, nullable: true, authz: 'parent' }),
  }),
});

export const CatalogColumn = builder.objectRef<CatalogColumnView>('CatalogColumn').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.exposeString('type'),
    index: t.exposeInt('index'),
    comment: t.exposeString('comment'),
    description: t.exposeString('description'),
    meta: t.expose('meta', { type: JSONObjectScalar, nullable: true }),
    tags: t.exposeStringList('tags', { nullable: false }),
  }),
});

export const CatalogStat = builder.objectRef<CatalogStatView>('CatalogStat').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    label: t.exposeString('label'),
    value: t.expose('value', { type: AnyScalar, nullable: true }),
    include: t.exposeBoolean('include'),
    description: t.exposeString('description'),
  }),
});

export const CatalogNode = builder.objectRef<CatalogView>('CatalogNode').implement({
  description:
    "The node's relation as the warehouse describes it (catalog.json of `dbt docs generate`).",
  fields: (t) => ({
    uniqueId: t.exposeString('uniqueId', { nullable: false }),
    environmentId: t.expose('environmentId', { type: BigIntScalar, nullable: false }),
    runId: t.expose('runId', { type: BigIntScalar, nullable: true }),
    jobDefinitionId: t.expose('jobDefinitionId', { type: BigIntScalar, nullable: true }),
    runGeneratedAt: t.expose('runGeneratedAt', { type: DateTimeScalar, nullable: true }),
    type: t.exposeString('type'),
    owner: t.exposeString('owner'),
    comment: t.exposeString('comment'),
    columns: t.expose('columns', { type: [CatalogColumn], nullable: true, authz: 'parent' }),
    stats: t.expose('stats', { type: [CatalogStat], nullable: true, authz: 'parent' }),
    rowCountStat: t.expose('rowCountStat', { type: CatalogStat, nullable: true, authz: 'parent' }),
    bytesStat: t.expose('bytesStat', { type: CatalogStat, nullable: true, authz: 'parent' }),
  }),
});

export const TestMetadata = builder
  .objectRef<{
    name: string | null;
    namespace: string | null;
    kwargs: Record<string, unknown> | null;
    columnName?: string | null;
  }>('TestMetadata')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      namespace: t.exposeString('namespace'),
      kwargs: t.expose('kwargs', { type: JSONObjectScalar, nullable: true }),
      columnName: t.string({
        authz: 'parent',
        resolve: (metadata) =>
          metadata.columnName ??
          (typeof metadata.kwargs?.column_name === 'string' ? metadata.kwargs.column_name : null),
      }),
    }),
  });

export const ModelLevelConstraint = builder
  .objectRef<Record<string, any>>('ModelLevelConstraint')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      type: t.exposeString('type', { nullable: false }),
      expression: t.exposeString('expression'),
      columns: t.exposeStringList('columns'),
      warnUnenforced: t.exposeBoolean('warn_unenforced'),
      warnUnsupported: t.exposeBoolean('warn_unsupported'),
    }),
  });

export const Tag = builder.objectRef<{ name: string }>('Tag').implement({
  fields: (t) => ({ name: t.exposeString('name', { nullable: false }) }),
});

export { AnyScalar, BigIntScalar, DateTimeScalar, JSONObjectScalar };
