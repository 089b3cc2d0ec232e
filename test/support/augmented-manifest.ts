import { manifestOf, runResultsOf } from './discovery.js';

// The ecommerce fixture with what neither real fixture has: a semantic model, two MetricFlow
// metrics, a saved query, a group with its owner, a unit test, a versioned model and a
// cross-project (dbt Mesh) parent. Each added entry has the shape dbt-core 1.10 writes in
// manifest v12 (SemanticModel, Metric, SavedQuery, Group, UnitTestDefinition, versioned
// ModelNode, RefArgs with a package): the fields dbt-core's dataclasses serialize, with values
// a project built on these models would have. parent_map and child_map are rebuilt from
// depends_on, as dbt builds them.

export type Json = Record<string, any>;

const pkg = 'ecommerce_analytics_platform';
export const augmentedIds = {
  fctOrders: `model.${pkg}.fct_orders`,
  dimDate: `model.${pkg}.dim_date`,
  dimDateV1: `model.${pkg}.dim_date.v1`,
  dimDateV2: `model.${pkg}.dim_date.v2`,
  semanticModel: `semantic_model.${pkg}.orders`,
  orderCount: `metric.${pkg}.order_count`,
  averageOrder: `metric.${pkg}.average_order_value`,
  savedQuery: `saved_query.${pkg}.daily_orders`,
  group: `group.${pkg}.finance`,
  unitTest: `unit_test.${pkg}.fct_orders.test_order_totals`,
  externalParent: 'model.finance_core.exchange_rates',
};

const location = (file: string) => ({
  package_name: pkg,
  path: file,
  original_file_path: `models/core/${file}`,
});

function rebuildMaps(manifest: Json): void {
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const section of [
    'nodes',
    'sources',
    'exposures',
    'metrics',
    'semantic_models',
    'saved_queries',
    'unit_tests',
  ]) {
    for (const [id, entry] of Object.entries((manifest[section] ?? {}) as Record<string, Json>)) {
      parentMap[id] = [...(entry.depends_on?.nodes ?? [])];
      childMap[id] ??= [];
    }
  }
  for (const [child, parents] of Object.entries(parentMap)) {
    for (const parent of parents) {
      childMap[parent] ??= [];
      childMap[parent].push(child);
    }
  }
  for (const list of Object.values(childMap)) list.sort();
  manifest.parent_map = parentMap;
  manifest.child_map = childMap;
}

/** The augmented manifest (a fresh copy each call). */
export function augmentedManifest(): Json {
  // dim_date becomes a versioned model (v2, latest) with an older v1 beside it.
  const text = JSON.stringify(manifestOf('ecommerce')).replaceAll(
    JSON.stringify(augmentedIds.dimDate),
    JSON.stringify(augmentedIds.dimDateV2),
  );
  const manifest = JSON.parse(text) as Json;
  const v2 = manifest.nodes[augmentedIds.dimDateV2];
  Object.assign(v2, { version: 2, latest_version: 2, fqn: [...v2.fqn, 'v2'] });
  manifest.nodes[augmentedIds.dimDateV1] = {
    ...structuredClone(v2),
    unique_id: augmentedIds.dimDateV1,
    version: 1,
    alias: 'dim_date_v1',
    fqn: [...v2.fqn.slice(0, -1), 'v1'],
    relation_name: v2.relation_name?.replace('dim_date', 'dim_date_v1') ?? null,
  };

  // fct_orders: in the finance group, public, and reading another project's public model.
  const orders = manifest.nodes[augmentedIds.fctOrders];
  Object.assign(orders, { group: 'finance', access: 'public' });
  orders.config = { ...orders.config, group: 'finance', access: 'public' };
  orders.depends_on.nodes.push(augmentedIds.externalParent);
  orders.refs.push({ name: 'exchange_rates', package: 'finance_core', version: null });

  manifest.groups = {
    [augmentedIds.group]: {
      name: 'finance',
      resource_type: 'group',
      ...location('groups.yml'),
      unique_id: augmentedIds.group,
      owner: { email: 'finance@example.com', name: 'Finance team' },
      description: 'Revenue reporting',
      config: { meta: {} },
    },
  };
  manifest.semantic_models = {
    [augmentedIds.semanticModel]: {
      name: 'orders',
      resource_type: 'semantic_model',
      ...location('orders_semantic.yml'),
      unique_id: augmentedIds.semanticModel,
      fqn: [pkg, 'core', 'orders'],
      model: "ref('fct_orders')",
      node_relation: {
        alias: orders.alias,
        schema_name: orders.schema,
        database: orders.database,
        relation_name: orders.relation_name,
      },
      description: 'Orders, one row per order',
      label: 'Orders',
      defaults: { agg_time_dimension: 'order_date' },
      entities: [
        {
          name: 'order',
          type: 'primary',
          description: 'The order',
          label: null,
          role: null,
          expr: 'order_key',
          config: null,
        },
        {
          name: 'customer',
          type: 'foreign',
          description: null,
          label: null,
          role: null,
          expr: 'customer_key',
          config: null,
        },
      ],
      measures: [
        {
          name: 'order_total',
          agg: 'sum',
          description: 'Sum of order totals',
          label: null,
          create_metric: false,
          expr: 'order_total',
          agg_params: null,
          non_additive_dimension: null,
          agg_time_dimension: null,
          config: null,
        },
        {
          name: 'order_count',
          agg: 'count',
          description: null,
          label: null,
          create_metric: true,
          expr: 1,
          agg_params: null,
          non_additive_dimension: null,
          agg_time_dimension: null,
          config: null,
        },
      ],
      dimensions: [
        {
          name: 'order_date',
          type: 'time',
          description: 'When the order was placed',
          label: null,
          is_partition: false,
          type_params: { time_granularity: 'day', validity_params: null },
          expr: null,
          metadata: null,
          config: null,
        },
        {
          name: 'order_status',
          type: 'categorical',
          description: null,
          label: null,
          is_partition: false,
          type_params: null,
          expr: null,
          metadata: null,
          config: null,
        },
      ],
      metadata: null,
      depends_on: { macros: [], nodes: [augmentedIds.fctOrders] },
      refs: [{ name: 'fct_orders', package: null, version: null }],
      created_at: 1774036600.5,
      config: { enabled: true, group: null, meta: { domain: 'sales' } },
      unrendered_config: {},
      primary_entity: null,
      group: null,
    },
  };
  const metric = (name: string, fields: Json, dependsOn: string[]) => ({
    name,
    resource_type: 'metric',
    ...location('metrics.yml'),
    unique_id: `metric.${pkg}.${name}`,
    fqn: [pkg, 'core', name],
    metadata: null,
    time_granularity: null,
    meta: {},
    tags: [],
    config: { enabled: true, group: null, meta: {} },
    unrendered_config: {},
    sources: [],
    depends_on: { macros: [], nodes: dependsOn },
    refs: [],
    metrics: [],
    created_at: 1774036600.6,
    group: null,
    ...fields,
  });
  manifest.metrics = {
    [augmentedIds.orderCount]: metric(
      'order_count',
      {
        description: 'Number of orders',
        label: 'Orders',
        type: 'simple',
        type_params: {
          measure: { name: 'order_count', filter: null, alias: null },
          input_measures: [{ name: 'order_count', filter: null, alias: null }],
          expr: null,
          metrics: [],
        },
        filter: {
          where_filters: [
            { where_sql_template: "{{ Dimension('order__order_status') }} != 'cancelled'" },
          ],
        },
      },
      [augmentedIds.semanticModel],
    ),
    [augmentedIds.averageOrder]: metric(
      'average_order_value',
      {
        description: 'Revenue per order',
        label: 'Average order value',
        type: 'derived',
        type_params: {
          expr: 'order_total / order_count',
          metrics: [{ name: 'order_count' }],
          input_measures: [],
        },
        filter: null,
      },
      [augmentedIds.orderCount],
    ),
  };
  manifest.saved_queries = {
    [augmentedIds.savedQuery]: {
      name: 'daily_orders',
      resource_type: 'saved_query',
      ...location('saved_queries.yml'),
      unique_id: augmentedIds.savedQuery,
      fqn: [pkg, 'core', 'daily_orders'],
      query_params: {
        metrics: ['order_count', 'average_order_value'],
        group_by: ["TimeDimension('order__order_date', 'day')"],
        where: {
          where_filters: [
            { where_sql_template: "{{ Dimension('order__order_status') }} = 'shipped'" },
          ],
        },
        order_by: [],
        limit: 100,
      },
      exports: [
        {
          name: 'daily_orders_export',
          config: {
            export_as: 'table',
            schema_name: 'exports',
            alias: 'daily_orders',
            database: null,
          },
          unrendered_config: {},
        },
      ],
      description: 'Orders per day',
      label: null,
      metadata: null,
      config: {
        enabled: true,
        group: null,
        meta: {},
        export_as: null,
        schema: null,
        cache: { enabled: false },
      },
      unrendered_config: {},
      group: null,
      depends_on: { macros: [], nodes: [augmentedIds.orderCount, augmentedIds.averageOrder] },
      created_at: 1774036600.7,
      refs: [],
      tags: [],
    },
  };
  manifest.unit_tests = {
    [augmentedIds.unitTest]: {
      model: 'fct_orders',
      given: [
        {
          input: "ref('stg_orders')",
          rows: [
            { order_id: 1, order_total: 10 },
            { order_id: 2, order_total: 5 },
          ],
          format: 'dict',
          fixture: null,
        },
        { input: 'this', rows: 'order_id,order_total\n1,10\n', format: 'csv', fixture: null },
      ],
      expect: {
        rows: [
          { order_id: 1, order_total: 10 },
          { order_id: 2, order_total: 5 },
        ],
        format: 'dict',
        fixture: null,
      },
      name: 'test_order_totals',
      resource_type: 'unit_test',
      ...location('fct_orders.yml'),
      unique_id: augmentedIds.unitTest,
      fqn: [pkg, 'core', 'fct_orders', 'test_order_totals'],
      description: 'Order totals carry over',
      overrides: { vars: { as_of: '2026-01-01' }, macros: {}, env_vars: {} },
      depends_on: { macros: ['macro.dbt.is_incremental'], nodes: [augmentedIds.fctOrders] },
      config: { tags: [], meta: {}, enabled: true },
      checksum: null,
      schema: orders.schema,
      created_at: 1774036600.8,
      versions: null,
      version: null,
    },
  };
  rebuildMaps(manifest);
  return manifest;
}

/** The fixture's run_results with the unit test's result, and dim_date's under its versioned id. */
export function augmentedRunResults(): Json {
  const results = JSON.parse(
    JSON.stringify(runResultsOf('ecommerce')).replaceAll(
      JSON.stringify(augmentedIds.dimDate),
      JSON.stringify(augmentedIds.dimDateV2),
    ),
  ) as Json;
  const template = results.results.find((result: Json) => result.status === 'pass');
  results.results.push({
    ...structuredClone(template),
    unique_id: augmentedIds.unitTest,
    status: 'pass',
    failures: 0,
  });
  return results;
}
