import type { MetadataNodeColumns } from '../db/tables/metadata.js';
import { isObject, number, strings, text } from './artifacts.js';
import type { baseColumns, commonPayload } from './manifest-nodes.js';

// The manifest's macros, metrics, semantic models, saved queries and groups as stored rows. Their
// own fields go to the payload under the Discovery API's names; metrics of both generations are
// kept: MetricFlow's (manifest v10+: type, type_params, filter) and the legacy ones of v7–v9
// (calculation_method, expression, timestamp, time_grains, dimensions, filters).

type Base = ReturnType<typeof baseColumns>;
type Common = ReturnType<typeof commonPayload>;

const configOf = (value: Record<string, any>) => (isObject(value.config) ? value.config : {});

/** `{where_filters: [{where_sql_template}]}` as `{whereFilters: [{whereSqlTemplate}]}`. */
function whereOf(value: unknown): { whereFilters: { whereSqlTemplate: string }[] } | null {
  if (!isObject(value)) return null;
  const filters = Array.isArray(value.where_filters) ? value.where_filters : [];
  return {
    whereFilters: filters
      .filter(isObject)
      .map((filter) => ({ whereSqlTemplate: text(filter.where_sql_template) ?? '' })),
  };
}

export function mapMacro(value: Record<string, any>, base: Base, common: Common) {
  return {
    ...base,
    database_name: null,
    schema_name: null,
    resource_type: 'macro',
    raw_code: text(value.macro_sql),
    compiled_code: null,
    payload: JSON.stringify({
      ...common,
      arguments: (Array.isArray(value.arguments) ? value.arguments : [])
        .filter(isObject)
        .map((argument) => ({
          name: text(argument.name),
          type: text(argument.type),
          description: text(argument.description),
        })),
      rootPath: text(value.root_path),
      supportedLanguages: Array.isArray(value.supported_languages)
        ? strings(value.supported_languages)
        : null,
    }),
  } satisfies MetadataNodeColumns;
}

export function mapMetric(value: Record<string, any>, base: Base, common: Common) {
  const typeParams = isObject(value.type_params) ? value.type_params : null;
  return {
    ...base,
    resource_type: 'metric',
    payload: JSON.stringify({
      ...common,
      label: text(value.label),
      type: text(value.type) ?? text(value.calculation_method),
      typeParams,
      filter: isObject(value.filter) ? value.filter : null,
      formula: text(typeParams?.expr),
      timeGranularity: text(value.time_granularity),
      // Legacy metrics (dbt 1.3–1.5).
      calculationMethod: text(value.calculation_method),
      expression: text(value.expression) ?? text(value.sql),
      sql: text(value.sql),
      timestamp: text(value.timestamp),
      timeGrains: strings(value.time_grains),
      dimensions: strings(value.dimensions),
      filters: (Array.isArray(value.filters) ? value.filters : [])
        .filter(isObject)
        .map((filter) => ({
          field: text(filter.field),
          operator: text(filter.operator),
          value: filter.value == null ? null : String(filter.value),
        })),
      model: text(value.model),
      modelUniqueId:
        text(value.model_unique_id) ??
        common.dependsOn.find((parent) => parent.startsWith('model.')) ??
        null,
    }),
  } satisfies MetadataNodeColumns;
}

export function mapSemanticModel(value: Record<string, any>, base: Base, common: Common) {
  const relation = isObject(value.node_relation) ? value.node_relation : {};
  const defaults = isObject(value.defaults) ? value.defaults : {};
  const list = (key: string) => (Array.isArray(value[key]) ? value[key] : []).filter(isObject);
  return {
    ...base,
    resource_type: 'semantic_model',
    database_name: text(relation.database),
    schema_name: text(relation.schema_name),
    identifier: text(relation.alias),
    payload: JSON.stringify({
      ...common,
      meta: isObject(configOf(value).meta) ? configOf(value).meta : common.meta,
      label: text(value.label),
      model: text(value.model),
      relationName: text(relation.relation_name),
      primaryEntity: text(value.primary_entity),
      defaults: { aggTimeDimension: text(defaults.agg_time_dimension) },
      entities: list('entities').map((entity) => ({
        name: text(entity.name),
        type: text(entity.type),
        description: text(entity.description),
      })),
      measures: list('measures').map((measure) => ({
        name: text(measure.name),
        agg: text(measure.agg),
        description: text(measure.description),
        expr: measure.expr == null ? null : String(measure.expr),
        createMetric: typeof measure.create_metric === 'boolean' ? measure.create_metric : null,
      })),
      dimensions: list('dimensions').map((dimension) => {
        const params = isObject(dimension.type_params) ? dimension.type_params : null;
        return {
          name: text(dimension.name),
          type: text(dimension.type),
          description: text(dimension.description),
          typeParams: params
            ? {
                timeGranularity: text(params.time_granularity),
                validityParams: isObject(params.validity_params) ? params.validity_params : null,
              }
            : null,
        };
      }),
    }),
  } satisfies MetadataNodeColumns;
}

export function mapSavedQuery(value: Record<string, any>, base: Base, common: Common) {
  const params = isObject(value.query_params) ? value.query_params : {};
  return {
    ...base,
    resource_type: 'saved_query',
    payload: JSON.stringify({
      ...common,
      label: text(value.label),
      queryParams: {
        metrics: strings(params.metrics),
        groupBy: strings(params.group_by),
        where: whereOf(params.where),
        orderBy: strings(params.order_by),
        limit: number(params.limit),
      },
      exports: (Array.isArray(value.exports) ? value.exports : []).filter(isObject).map((item) => {
        const config = isObject(item.config) ? item.config : {};
        return {
          name: text(item.name),
          config: {
            exportAs: text(config.export_as) ?? 'table',
            schema: text(config.schema_name) ?? text(config.schema),
            alias: text(config.alias),
            database: text(config.database),
          },
        };
      }),
    }),
  } satisfies MetadataNodeColumns;
}

export function mapGroup(value: Record<string, any>, base: Base, common: Common) {
  const owner = isObject(value.owner) ? value.owner : {};
  return {
    ...base,
    resource_type: 'group',
    dbt_group: base.name,
    payload: JSON.stringify({
      ...common,
      ownerName: text(owner.name),
      ownerEmail: text(owner.email),
    }),
  } satisfies MetadataNodeColumns;
}
