// Older manifest versions made from a real v12 manifest, faithfully: each reduction keeps only what
// that version's JSON schema (dbt-labs/dbt-core schemas/dbt/manifest/vN.json) allows, and gives
// every entry the fields the schema requires.
//
// - v7 (dbt 1.3) and v8 (dbt 1.4): entries keep exactly the properties of the v7 definitions
//   (CompiledModelNode & co., ParsedSourceDefinition, ParsedMacro, ParsedExposure,
//   ParsedDocumentation; `additionalProperties: false`), v8 the same without `root_path`. v7
//   requires `root_path` (the package's folder) and, on compiled nodes, `compiled`; nodes dbt did
//   not compile take the Parsed form (no compiled_code, relation_name). `refs` are lists of
//   strings. The top level has no groups, semantic models, saved queries or unit tests, and the
//   metadata no project_name (dbt names the project only from v10). v7 also gets one legacy
//   metric (ParsedMetric, every required field), since the fixtures have none.
// - v9 (dbt 1.5): groups come back; refs still lists of strings; metadata without project_name.
// - v10 (dbt 1.6): project_name, refs as {name, package, version} and semantic models;
//   v11 (dbt 1.7) adds saved queries; v12 (dbt 1.8+) unit tests.
// Node fields v9–v11 added over time are kept as v12 wrote them (their schemas allow extra
// config keys, and the stored fields do not depend on them).

export type Json = Record<string, any>;
export type ManifestVersion = 7 | 8 | 9 | 10 | 11 | 12;

const v7Node = [
  'compiled',
  'database',
  'schema',
  'fqn',
  'unique_id',
  'raw_code',
  'language',
  'package_name',
  'root_path',
  'path',
  'original_file_path',
  'name',
  'resource_type',
  'alias',
  'checksum',
  'config',
  'tags',
  'refs',
  'sources',
  'metrics',
  'depends_on',
  'description',
  'columns',
  'meta',
  'docs',
  'patch_path',
  'compiled_path',
  'build_path',
  'deferred',
  'unrendered_config',
  'created_at',
  'config_call_dict',
  'compiled_code',
  'extra_ctes_injected',
  'extra_ctes',
  'relation_name',
  'test_metadata',
  'column_name',
  'file_key_name',
  'index',
];
const compiledOnly = [
  'compiled',
  'compiled_code',
  'extra_ctes_injected',
  'extra_ctes',
  'relation_name',
];
const v7Source = [
  'fqn',
  'database',
  'schema',
  'unique_id',
  'package_name',
  'root_path',
  'path',
  'original_file_path',
  'name',
  'source_name',
  'source_description',
  'loader',
  'identifier',
  'resource_type',
  'quoting',
  'loaded_at_field',
  'freshness',
  'external',
  'description',
  'columns',
  'meta',
  'source_meta',
  'tags',
  'config',
  'patch_path',
  'unrendered_config',
  'relation_name',
  'created_at',
];
const v7Macro = [
  'unique_id',
  'package_name',
  'root_path',
  'path',
  'original_file_path',
  'name',
  'macro_sql',
  'resource_type',
  'tags',
  'depends_on',
  'description',
  'meta',
  'docs',
  'patch_path',
  'arguments',
  'created_at',
  'supported_languages',
];
const v7Exposure = [
  'fqn',
  'unique_id',
  'package_name',
  'root_path',
  'path',
  'original_file_path',
  'name',
  'type',
  'owner',
  'resource_type',
  'description',
  'maturity',
  'meta',
  'tags',
  'config',
  'unrendered_config',
  'url',
  'depends_on',
  'refs',
  'sources',
  'created_at',
];
const v7Doc = [
  'unique_id',
  'package_name',
  'root_path',
  'path',
  'original_file_path',
  'name',
  'block_contents',
];
const v7Metric = [
  'fqn',
  'unique_id',
  'package_name',
  'root_path',
  'path',
  'original_file_path',
  'name',
  'description',
  'label',
  'calculation_method',
  'expression',
  'timestamp',
  'filters',
  'time_grains',
  'dimensions',
  'window',
  'model',
  'model_unique_id',
  'resource_type',
  'meta',
  'tags',
  'config',
  'unrendered_config',
  'sources',
  'depends_on',
  'refs',
  'metrics',
  'created_at',
];

/** The properties each v7/v8 section allows, as their schemas list them. */
export function allowedProperties(version: 7 | 8): Record<string, readonly string[]> {
  const drop = (keys: string[]) =>
    version === 7 ? keys : keys.filter((key) => key !== 'root_path');
  return {
    nodes: drop(v7Node),
    sources: drop(v7Source),
    macros: drop(v7Macro),
    exposures: drop(v7Exposure),
    docs: drop(v7Doc),
    metrics: drop(v7Metric),
  };
}

const metadataKeys = [
  'dbt_schema_version',
  'dbt_version',
  'generated_at',
  'invocation_id',
  'env',
  'project_id',
  'user_id',
  'send_anonymous_usage_stats',
  'adapter_type',
];
const dbtVersions: Record<ManifestVersion, string> = {
  7: '1.3.7',
  8: '1.4.9',
  9: '1.5.11',
  10: '1.6.18',
  11: '1.7.19',
  12: '1.8.9',
};
const sectionsSince: Record<string, ManifestVersion> = {
  groups: 9,
  group_map: 9,
  semantic_models: 10,
  saved_queries: 11,
  unit_tests: 12,
};

const pick = (entry: Json, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(entry).filter(([key]) => keys.includes(key)));

/** `refs` as dbt before v10 wrote them: [name] or [package, name]. */
const refLists = (refs: unknown) =>
  (Array.isArray(refs) ? refs : []).map((ref) =>
    Array.isArray(ref) ? ref : ref.package ? [ref.package, ref.name] : [ref.name],
  );

/** A copy of the v12 `manifest` as dbt of `version` would have written it. */
export function reducedManifest(manifest: Json, version: ManifestVersion): Json {
  const copy = structuredClone(manifest) as Json;
  const project = copy.metadata.project_name as string;
  copy.metadata = {
    ...pick(copy.metadata, version >= 10 ? [...metadataKeys, 'project_name'] : metadataKeys),
    dbt_schema_version: `https://schemas.getdbt.com/dbt/manifest/v${version}.json`,
    dbt_version: dbtVersions[version],
  };
  for (const [section, since] of Object.entries(sectionsSince))
    if (version < since) delete copy[section];
  if (version >= 10) return copy;
  for (const node of Object.values(copy.nodes as Record<string, Json>))
    node.refs = refLists(node.refs);
  for (const exposure of Object.values(copy.exposures as Record<string, Json>))
    exposure.refs = refLists(exposure.refs);
  if (version === 9) return copy;

  const allowed = allowedProperties(version as 7 | 8);
  const rootPath = (pkg: string) =>
    pkg === project ? `/home/dbt/${project}` : `/home/dbt/${project}/dbt_packages/${pkg}`;
  const reduce = (section: string, entry: Json) => {
    let keys = allowed[section]!;
    if (section === 'nodes' && typeof entry.compiled_code !== 'string')
      keys = keys.filter((key) => !compiledOnly.includes(key));
    const reduced = pick(entry, keys);
    if (section === 'nodes' && typeof entry.compiled_code === 'string') reduced.compiled = true;
    if (version === 7) reduced.root_path = rootPath(entry.package_name);
    if (section === 'exposures' && reduced.owner)
      reduced.owner = pick(reduced.owner, ['email', 'name']);
    return reduced;
  };
  for (const section of Object.keys(allowed))
    copy[section] = Object.fromEntries(
      Object.entries((copy[section] ?? {}) as Record<string, Json>).map(([id, entry]) => [
        id,
        reduce(section, entry),
      ]),
    );
  if (version === 7) {
    const model = Object.values(copy.nodes as Record<string, Json>).find(
      (node) => node.resource_type === 'model',
    )!;
    const id = `metric.${project}.row_count`;
    copy.metrics[id] = reduce('metrics', {
      fqn: [project, 'row_count'],
      unique_id: id,
      package_name: project,
      path: 'models/metrics.yml',
      original_file_path: 'models/metrics.yml',
      name: 'row_count',
      description: `Rows of ${model.name}`,
      label: 'Row count',
      calculation_method: 'count',
      expression: '*',
      timestamp: null,
      filters: [{ field: 'is_deleted', operator: '=', value: 'false' }],
      time_grains: ['day', 'week'],
      dimensions: [],
      window: null,
      model: `ref('${model.name}')`,
      model_unique_id: model.unique_id,
      resource_type: 'metric',
      meta: {},
      tags: [],
      config: { enabled: true },
      unrendered_config: {},
      sources: [],
      depends_on: { macros: [], nodes: [model.unique_id] },
      refs: [[model.name]],
      metrics: [],
      created_at: 1663015313.8,
    });
    copy.parent_map[id] = [model.unique_id];
    copy.child_map[id] = [];
    copy.child_map[model.unique_id] = [...(copy.child_map[model.unique_id] ?? []), id];
  }
  return copy;
}
