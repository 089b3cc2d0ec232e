/**
 * Synthetic dbt artifacts of any size, shaped like dbt 1.8 `target/` files (manifest v12,
 * run_results v6, sources v3, catalog v1), produced as a stream of text chunks so that even a
 * 50 MB manifest is never held in memory whole. Models form chains of `depth` layers over the
 * sources; each model has `testsPerModel` generic tests.
 */
export interface SyntheticOptions {
  readonly projectName?: string;
  readonly models: number;
  readonly testsPerModel?: number;
  readonly sources?: number;
  readonly macros?: number;
  /** Padding per model (raw and compiled code), in characters. */
  readonly codeSize?: number;
  /** Every how many models one fails (0: none). */
  readonly failEvery?: number;
  /** Adds one exposure depending on the first model. */
  readonly exposure?: boolean;
  /** When dbt wrote the manifest. */
  readonly generatedAt?: string;
  /** When dbt wrote run_results.json (default: 10 minutes after the manifest). */
  readonly resultsGeneratedAt?: string;
  readonly invocationId?: string;
}

const layers = ['stg', 'int', 'fct', 'dim', 'mrt'];

function modelName(index: number): string {
  return `${layers[index % layers.length]}_model_${String(index).padStart(5, '0')}`;
}

export function syntheticIds(options: SyntheticOptions) {
  const project = options.projectName ?? 'synthetic';
  return {
    model: (index: number) => `model.${project}.${modelName(index)}`,
    test: (model: number, index: number) =>
      `test.${project}.not_null_${modelName(model)}_col_${index}.${(model * 31 + index).toString(16).padStart(10, '0')}`,
    source: (index: number) => `source.${project}.raw.table_${index}`,
  };
}

function modelParents(index: number, sources: number): { models: number[]; sources: number[] } {
  if (index < sources) return { models: [], sources: [index % sources] };
  return {
    models: [index - sources, Math.floor((index - sources) / 2)].filter(
      (v, i, a) => a.indexOf(v) === i,
    ),
    sources: [],
  };
}

export function* syntheticManifest(options: SyntheticOptions): Generator<string> {
  const project = options.projectName ?? 'synthetic';
  const ids = syntheticIds(options);
  const sources = options.sources ?? 10;
  const tests = options.testsPerModel ?? 2;
  const code = 'x'.repeat(options.codeSize ?? 600);
  const generatedAt = options.generatedAt ?? '2026-11-01T06:00:00.000000Z';
  yield '{"metadata": ' +
    JSON.stringify({
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      dbt_version: '1.8.7',
      generated_at: generatedAt,
      invocation_id: options.invocationId ?? 'synthetic-invocation',
      env: {},
      project_name: project,
      adapter_type: 'postgres',
    }) +
    ', "nodes": {';
  let first = true;
  for (let m = 0; m < options.models; m++) {
    const parents = modelParents(m, sources);
    const node = {
      database: 'analytics',
      schema: layers[m % layers.length],
      name: modelName(m),
      resource_type: 'model',
      package_name: project,
      path: `${layers[m % layers.length]}/${modelName(m)}.sql`,
      original_file_path: `models/${layers[m % layers.length]}/${modelName(m)}.sql`,
      unique_id: ids.model(m),
      fqn: [project, layers[m % layers.length], modelName(m)],
      alias: modelName(m),
      checksum: { name: 'sha256', checksum: 'a'.repeat(64) },
      config: {
        enabled: true,
        materialized: m % 3 === 0 ? 'table' : 'view',
        tags: m % 10 === 0 ? ['nightly'] : [],
        meta: {},
        contract: { enforced: false },
      },
      tags: m % 10 === 0 ? ['nightly'] : [],
      description: `Synthetic model number ${m}.`,
      columns: Object.fromEntries(
        Array.from({ length: 6 }, (_, c) => [
          `col_${c}`,
          {
            name: `col_${c}`,
            description: `Column ${c}.`,
            meta: {},
            data_type: null,
            constraints: [],
            quote: null,
            tags: [],
          },
        ]),
      ),
      meta: {},
      group: null,
      docs: { show: true, node_color: null },
      patch_path: null,
      unrendered_config: {},
      created_at: 1760000000,
      relation_name: `"analytics"."${layers[m % layers.length]}"."${modelName(m)}"`,
      raw_code: `select * from {{ ref('x') }} -- ${code}`,
      language: 'sql',
      refs: parents.models.map((p) => ({ name: modelName(p), package: null, version: null })),
      sources: parents.sources.map((s) => ['raw', `table_${s}`]),
      metrics: [],
      depends_on: {
        macros: [],
        nodes: [...parents.models.map(ids.model), ...parents.sources.map(ids.source)],
      },
      compiled_path: null,
      compiled: true,
      compiled_code: `select * from analytics.x -- ${code}`,
      extra_ctes_injected: true,
      extra_ctes: [],
      contract: { enforced: false, alias_types: true, checksum: null },
      access: 'protected',
      constraints: [],
      version: null,
      latest_version: null,
      deprecation_date: null,
    };
    yield (first ? '' : ', ') + JSON.stringify(node.unique_id) + ': ' + JSON.stringify(node);
    first = false;
    for (let t = 0; t < tests; t++) {
      const test = {
        database: 'analytics',
        schema: 'dbt_test__audit',
        name: `not_null_${modelName(m)}_col_${t}`,
        resource_type: 'test',
        package_name: project,
        path: `not_null_${modelName(m)}_col_${t}.sql`,
        original_file_path: `models/${layers[m % layers.length]}/schema.yml`,
        unique_id: ids.test(m, t),
        fqn: [project, layers[m % layers.length], `not_null_${modelName(m)}_col_${t}`],
        alias: `not_null_${modelName(m)}_col_${t}`,
        config: { enabled: true, materialized: 'test', severity: 'ERROR', tags: [], meta: {} },
        tags: [],
        description: '',
        columns: {},
        meta: {},
        raw_code: '{{ test_not_null(**_dbt_generic_test_kwargs) }}',
        language: 'sql',
        refs: [{ name: modelName(m), package: null, version: null }],
        sources: [],
        depends_on: { macros: ['macro.dbt.test_not_null'], nodes: [ids.model(m)] },
        compiled: true,
        compiled_code: `select col_${t} from analytics.${modelName(m)} where col_${t} is null`,
        column_name: `col_${t}`,
        attached_node: ids.model(m),
        test_metadata: {
          name: 'not_null',
          kwargs: { column_name: `col_${t}`, model: "{{ get_where_subquery(ref('x')) }}" },
          namespace: null,
        },
      };
      yield ', ' + JSON.stringify(test.unique_id) + ': ' + JSON.stringify(test);
    }
  }
  yield '}, "sources": {';
  for (let s = 0; s < sources; s++) {
    const source = {
      database: 'analytics',
      schema: 'raw',
      name: `table_${s}`,
      resource_type: 'source',
      package_name: project,
      path: 'models/sources.yml',
      original_file_path: 'models/sources.yml',
      unique_id: ids.source(s),
      fqn: [project, 'raw', `table_${s}`],
      source_name: 'raw',
      source_description: 'Raw tables.',
      loader: 'fivetran',
      identifier: `table_${s}`,
      loaded_at_field: 'loaded_at',
      freshness: {
        warn_after: { count: 12, period: 'hour' },
        error_after: { count: 24, period: 'hour' },
        filter: null,
      },
      description: '',
      columns: {},
      meta: {},
      source_meta: {},
      tags: [],
      config: { enabled: true },
      relation_name: `"analytics"."raw"."table_${s}"`,
    };
    yield (s === 0 ? '' : ', ') + JSON.stringify(source.unique_id) + ': ' + JSON.stringify(source);
  }
  yield '}, "macros": {';
  for (let k = 0; k < (options.macros ?? 20); k++) {
    const id = `macro.${k % 2 ? 'dbt' : 'dbt_utils'}.macro_${k}`;
    yield (k === 0 ? '' : ', ') +
      JSON.stringify(id) +
      ': ' +
      JSON.stringify({
        name: `macro_${k}`,
        resource_type: 'macro',
        package_name: id.split('.')[1],
        path: `macros/macro_${k}.sql`,
        original_file_path: `macros/macro_${k}.sql`,
        unique_id: id,
        macro_sql: '{% macro m() %}select 1{% endmacro %}',
        depends_on: { macros: [] },
        description: '',
        meta: {},
        arguments: [],
      });
  }
  yield '}, "docs": {}, "exposures": {';
  if (options.exposure && options.models > 0) {
    const id = `exposure.${project}.weekly_dashboard`;
    yield JSON.stringify(id) +
      ': ' +
      JSON.stringify({
        name: 'weekly_dashboard',
        resource_type: 'exposure',
        package_name: project,
        path: 'exposures.yml',
        original_file_path: 'models/exposures.yml',
        unique_id: id,
        fqn: [project, 'weekly_dashboard'],
        type: 'dashboard',
        owner: { email: 'data@example.com', name: 'Data team' },
        description: 'The weekly dashboard.',
        label: 'Weekly',
        maturity: 'high',
        meta: {},
        tags: [],
        config: { enabled: true },
        url: 'https://bi.example.com/weekly',
        depends_on: { macros: [], nodes: [ids.model(0)] },
      });
  }
  yield '}, "metrics": {}, "groups": {}, "selectors": {}, "disabled": {}, "parent_map": {}, "child_map": {}, "group_map": {}, "saved_queries": {}, "semantic_models": {}, "unit_tests": {}}';
}

export function* syntheticRunResults(options: SyntheticOptions): Generator<string> {
  const ids = syntheticIds(options);
  const tests = options.testsPerModel ?? 2;
  yield '{"metadata": ' +
    JSON.stringify({
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      dbt_version: '1.8.7',
      generated_at:
        options.resultsGeneratedAt ??
        new Date(
          Date.parse(options.generatedAt ?? '2026-11-01T06:00:00.000Z') + 600_000,
        ).toISOString(),
      invocation_id: options.invocationId ?? 'synthetic-invocation',
      env: {},
    }) +
    ', "results": [';
  const base = Date.parse(options.generatedAt ?? '2026-11-01T06:00:00.000Z');
  const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();
  const timing = (start: string, end: string) => [
    { name: 'compile', started_at: start, completed_at: start },
    { name: 'execute', started_at: start, completed_at: end },
  ];
  for (let m = 0; m < options.models; m++) {
    const failed = options.failEvery ? m % options.failEvery === options.failEvery - 1 : false;
    yield (m === 0 ? '' : ', ') +
      JSON.stringify({
        status: failed ? 'error' : 'success',
        timing: timing(at(60 + m), at(62.5 + m)),
        thread_id: 'Thread-1',
        execution_time: 2.5,
        adapter_response: {},
        message: failed ? `Database Error in model ${m}` : 'SELECT 1',
        failures: null,
        unique_id: ids.model(m),
        compiled: true,
        compiled_code: 'select 1',
        relation_name: null,
      });
    for (let t = 0; t < tests; t++) {
      yield ', ' +
        JSON.stringify({
          status: failed ? 'skipped' : 'pass',
          timing: timing(at(300 + m), at(300.2 + m)),
          thread_id: 'Thread-2',
          execution_time: 0.2,
          adapter_response: {},
          message: null,
          failures: failed ? null : 0,
          unique_id: ids.test(m, t),
        });
    }
  }
  yield '], "elapsed_time": 60.5, "args": {"which": "build", "invocation_command": "dbt build"}}';
}

/** Joins chunks into one string: for small artifact sets in tests. */
export function text(chunks: Iterable<string>): string {
  let result = '';
  for (const chunk of chunks) result += chunk;
  return result;
}
