import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import type {
  MacroView,
  MetricView,
  SavedQueryView,
  SemanticModelView,
} from '../metadata/node-views.js';
import type { Json } from '../metadata/views.js';
import { discoveryBuilder as builder } from './builder.js';
import { BigIntScalar, DateTimeScalar, JSONObjectScalar, ReleaseVersionEnum } from './common.js';
import {
  EnvironmentAppliedNestedNode,
  EnvironmentDefinitionNestedNode,
  manifestRunFields,
  manifestRunJobIdFields,
} from './node-interfaces.js';

// The semantic layer's and macros' records and nested node types (what parents, children and
// ancestors return for them), and ExternalModelNode. Each nested type implements both nested
// interfaces, as in dbt's schema.

export const MacroArguments = builder
  .objectRef<{ name: string | null; type: string | null; description: string | null }>(
    'MacroArguments',
  )
  .implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      type: t.exposeString('type'),
      description: t.exposeString('description'),
    }),
  });

const SemanticModelDimensionTypeParams = builder
  .objectRef<Json>('SemanticModelDimensionTypeParams')
  .implement({
    description: "A dimension's type_params (time dimensions).",
    fields: (t) => ({
      timeGranularity: t.exposeString('timeGranularity'),
      validityParams: t.expose('validityParams', { type: JSONObjectScalar, nullable: true }),
    }),
  });

export const SemanticModelDimension = builder.objectRef<Json>('SemanticModelDimension').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.exposeString('type'),
    description: t.exposeString('description'),
    typeParams: t.expose('typeParams', {
      type: SemanticModelDimensionTypeParams,
      nullable: true,
      authz: 'parent',
    }),
  }),
});

export const SemanticModelEntity = builder.objectRef<Json>('SemanticModelEntity').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.exposeString('type'),
    description: t.exposeString('description'),
  }),
});

export const SemanticModelMeasure = builder.objectRef<Json>('SemanticModelMeasure').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    agg: t.exposeString('agg'),
    description: t.exposeString('description'),
    expr: t.exposeString('expr'),
    createMetric: t.exposeBoolean('createMetric'),
  }),
});

export const SemanticModelDefaults = builder
  .objectRef<{ aggTimeDimension: string | null }>('SemanticModelDefaults')
  .implement({
    fields: (t) => ({ aggTimeDimension: t.exposeString('aggTimeDimension') }),
  });

const QueryWhereFilter = builder
  .objectRef<{ whereSqlTemplate: string }>('QueryWhereFilter')
  .implement({
    fields: (t) => ({ whereSqlTemplate: t.exposeString('whereSqlTemplate', { nullable: false }) }),
  });

const QueryWhere = builder
  .objectRef<{ whereFilters: { whereSqlTemplate: string }[] }>('QueryWhere')
  .implement({
    fields: (t) => ({
      whereFilters: t.expose('whereFilters', {
        type: [QueryWhereFilter],
        nullable: false,
        authz: 'parent',
      }),
    }),
  });

/** A saved query's query_params, as stored. */
interface QueryParamsShape {
  readonly metrics: string[];
  readonly groupBy: string[];
  readonly where: { whereFilters: { whereSqlTemplate: string }[] } | null;
  readonly orderBy: string[];
  readonly limit: number | null;
}

export const QueryParams = builder.objectRef<QueryParamsShape>('QueryParams').implement({
  fields: (t) => ({
    metrics: t.exposeStringList('metrics', { nullable: false }),
    groupBy: t.exposeStringList('groupBy', { nullable: false }),
    orderBy: t.exposeStringList('orderBy', { nullable: { list: true, items: true } }),
    limit: t.expose('limit', { type: BigIntScalar, nullable: true }),
    where: t.expose('where', { type: QueryWhere, nullable: true, authz: 'parent' }),
  }),
});

const QueryExportConfig = builder.objectRef<Json>('QueryExportConfig').implement({
  fields: (t) => ({
    exportAs: t.exposeString('exportAs', { nullable: false }),
    schema: t.exposeString('schema'),
    alias: t.exposeString('alias'),
    database: t.exposeString('database'),
  }),
});

export const QueryExports = builder.objectRef<Json>('QueryExports').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    config: t.expose('config', { type: QueryExportConfig, nullable: true, authz: 'parent' }),
  }),
});

export const ExposureOwner = builder
  .objectRef<{ name: string; email: string }>('ExposureOwner')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name', { nullable: false }),
      email: t.exposeString('email', { nullable: false }),
    }),
  });

const nestedInterfaces = [EnvironmentAppliedNestedNode, EnvironmentDefinitionNestedNode];

export const MacroDefinitionNestedNode = builder
  .objectRef<MacroView>('MacroDefinitionNestedNode')
  .implement({
    interfaces: nestedInterfaces,
    fields: (t) => ({
      ...manifestRunJobIdFields(t),
      dbtVersion: t.exposeString('dbtVersion'),
      packageName: t.exposeString('packageName'),
      patchPath: t.exposeString('patchPath'),
    }),
  });

/** The fields of a metric, nested or not. */
export const metricFields = (t: PothosSchemaTypes.ObjectFieldBuilder<any, MetricView>) => ({
  dbtVersion: t.exposeString('dbtVersion'),
  packageName: t.exposeString('packageName'),
  patchPath: t.exposeString('patchPath'),
  group: t.exposeString('group'),
  type: t.exposeString('type'),
  typeParams: t.expose('typeParams', { type: JSONObjectScalar, nullable: true }),
  filter: t.expose('filter', { type: JSONObjectScalar, nullable: true }),
  formula: t.exposeString('formula'),
});

export const MetricDefinitionNestedNode = builder
  .objectRef<MetricView>('MetricDefinitionNestedNode')
  .implement({
    interfaces: nestedInterfaces,
    fields: (t) => ({ ...manifestRunFields(t), ...metricFields(t) }),
  });

/** The fields of a semantic model, nested or not. */
export const semanticModelFields = (
  t: PothosSchemaTypes.ObjectFieldBuilder<any, SemanticModelView>,
) => ({
  dbtVersion: t.exposeString('dbtVersion'),
  packageName: t.exposeString('packageName'),
  patchPath: t.exposeString('patchPath'),
  dimensions: t.expose('dimensions', {
    type: [SemanticModelDimension],
    nullable: false,
    authz: 'parent',
  }),
  entities: t.expose('entities', { type: [SemanticModelEntity], nullable: false, authz: 'parent' }),
  measures: t.expose('measures', {
    type: [SemanticModelMeasure],
    nullable: false,
    authz: 'parent',
  }),
});

export const SemanticModelDefinitionNestedNode = builder
  .objectRef<SemanticModelView>('SemanticModelDefinitionNestedNode')
  .implement({
    interfaces: nestedInterfaces,
    fields: (t) => ({ ...manifestRunFields(t), ...semanticModelFields(t) }),
  });

/** The fields of a saved query, nested or not. */
export const savedQueryFields = (t: PothosSchemaTypes.ObjectFieldBuilder<any, SavedQueryView>) => ({
  dbtVersion: t.exposeString('dbtVersion'),
  packageName: t.exposeString('packageName'),
  group: t.exposeString('group'),
  exports: t.expose('exports', { type: [QueryExports], nullable: false, authz: 'parent' }),
  queryParams: t.expose('queryParams', { type: QueryParams, nullable: false, authz: 'parent' }),
});

export const SavedQueryDefinitionNestedNode = builder
  .objectRef<SavedQueryView>('SavedQueryDefinitionNestedNode')
  .implement({
    interfaces: nestedInterfaces,
    fields: (t) => ({ ...manifestRunFields(t), ...savedQueryFields(t) }),
  });

/**
 * A public model of another dbt project (dbt Mesh). One project's artifacts describe none, so no
 * relation returns one; the type is here so that consumers' fragments on it validate.
 */
builder.objectRef<AppliedNodeView>('ExternalModelNode').implement({
  description: 'Public model from another project',
  interfaces: nestedInterfaces,
  fields: (t) => ({
    accountId: t.expose('accountId', { type: BigIntScalar, nullable: false }),
    projectId: t.expose('projectId', { type: BigIntScalar, nullable: false }),
    environmentId: t.expose('environmentId', { type: BigIntScalar, nullable: false }),
    dbtProjectName: t.exposeString('packageName'),
    packageName: t.exposeString('packageName'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    identifier: t.exposeString('identifier'),
    relationName: t.exposeString('relationName'),
    meta: t.expose('meta', { type: JSONObjectScalar, nullable: true }),
    patchPath: t.exposeString('patchPath'),
    tags: t.exposeStringList('tags', { nullable: false }),
    version: t.exposeString('version'),
    latestVersion: t.exposeString('latestVersion'),
    releaseVersion: t.expose('releaseVersion', { type: ReleaseVersionEnum, nullable: true }),
    runGeneratedAt: t.expose('manifestGeneratedAt', { type: DateTimeScalar, nullable: true }),
  }),
});
