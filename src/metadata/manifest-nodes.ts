import type { MetadataNodeColumns } from '../db/tables/metadata.js';
import { criteriaInfo, isObject, strings, text } from './artifacts.js';
import {
  mapGroup,
  mapMacro,
  mapMetric,
  mapSavedQuery,
  mapSemanticModel,
} from './semantic-nodes.js';

// The entries of manifest.json (v7–v12) that the Discovery API serves, mapped to the rows we store:
// nodes (models, tests, seeds, snapshots), sources, exposures and unit tests here; macros,
// metrics, semantic models, saved queries and groups in semantic-nodes.ts.

/** A manifest entry as we store it, plus what it depends on (nodes and macros alike). */
export interface MappedNode {
  readonly row: MetadataNodeColumns;
  readonly parents: readonly string[];
}

/** The manifest sections whose entries are stored, each read entry by entry. */
export const nodeSections = [
  'nodes',
  'sources',
  'exposures',
  'unit_tests',
  'macros',
  'metrics',
  'semantic_models',
  'saved_queries',
  'groups',
] as const;
export type NodeSection = (typeof nodeSections)[number];

const keptNodeTypes = new Set(['model', 'test', 'seed', 'snapshot']);

export function manifestColumns(columns: unknown) {
  if (!isObject(columns)) return [];
  return Object.values(columns)
    .filter(isObject)
    .map((column) => ({
      name: text(column.name),
      description: text(column.description),
      meta: isObject(column.meta) ? column.meta : {},
      tags: strings(column.tags),
      dataType: text(column.data_type),
    }));
}

/** The nodes an entry depends on (`depends_on.nodes`), without repeats. */
export function dependsOnNodes(node: Record<string, any>): string[] {
  return isObject(node.depends_on) ? [...new Set(strings(node.depends_on.nodes))] : [];
}

/** The macros an entry uses (`depends_on.macros`), without repeats. */
export function dependsOnMacros(node: Record<string, any>): string[] {
  return isObject(node.depends_on) ? [...new Set(strings(node.depends_on.macros))] : [];
}

const layerPrefixes: readonly [RegExp, string][] = [
  [/^(stg|base)_/i, 'staging'],
  [/^int_/i, 'intermediate'],
  [/^(fct|dim|mrt|fact|mart)_/i, 'marts'],
];
const layerFolders = new Map([
  ['staging', 'staging'],
  ['intermediate', 'intermediate'],
  ['marts', 'marts'],
  ['mart', 'marts'],
]);

/**
 * The layer of the DAG a model belongs to, by dbt's documented project structure: the name's
 * prefix (stg_ or base_, int_, fct_, dim_ or mrt_) or else the nearest folder named staging,
 * intermediate or marts. Null when neither says.
 */
export function modelingLayerOf(name: string, filePath: string | null): string | null {
  for (const [pattern, layer] of layerPrefixes) if (pattern.test(name)) return layer;
  const folders = (filePath ?? '').split(/[\\/]/);
  // The nearest folder first; the last part is the file itself.
  for (let index = folders.length - 2; index >= 0; index--) {
    const layer = layerFolders.get(folders[index]!.toLowerCase());
    if (layer) return layer;
  }
  return null;
}

/** The columns every stored entry fills the same way, from the fields every entry has. */
export function baseColumns(value: Record<string, any>, uniqueId: string, name: string) {
  const config = isObject(value.config) ? value.config : {};
  return {
    unique_id: uniqueId,
    name,
    package_name: text(value.package_name),
    database_name: text(value.database),
    schema_name: text(value.schema),
    identifier: null as string | null,
    materialized: null as string | null,
    access: null as string | null,
    dbt_group: text(value.group) ?? text(config.group),
    source_name: null as string | null,
    test_type: null as string | null,
    file_path: text(value.original_file_path),
    tags: JSON.stringify(strings(value.tags ?? config.tags)),
    raw_code: text(value.raw_code) ?? text(value.raw_sql),
    compiled_code: text(value.compiled_code) ?? text(value.compiled_sql),
  };
}

/** The payload fields every entry has. */
export function commonPayload(value: Record<string, any>) {
  const config = isObject(value.config) ? value.config : {};
  return {
    description: text(value.description) ?? '',
    meta: isObject(value.meta) ? value.meta : isObject(config.meta) ? config.meta : {},
    fqn: strings(value.fqn),
    patchPath: text(value.patch_path),
    path: text(value.path),
    dependsOn: dependsOnNodes(value),
    dependsOnMacros: dependsOnMacros(value),
  };
}

/**
 * Maps one entry of a manifest section to a row; undefined for resource types the API does not
 * serve (analyses, operations, docs). Throws a message naming the entry when it lacks the fields
 * every entry has.
 */
export function mapManifestNode(
  section: NodeSection,
  key: string | number,
  value: unknown,
): MappedNode | undefined {
  if (!isObject(value)) throw new Error(`${section}.${key} is not an object`);
  const uniqueId = text(value.unique_id);
  const name = text(value.name);
  const declaredType = section === 'unit_tests' ? 'unit_test' : text(value.resource_type);
  if (!uniqueId || !name || !declaredType)
    throw new Error(`${section}.${key} lacks unique_id, name or resource_type`);
  const base = baseColumns(value, uniqueId, name);
  const common = commonPayload(value);
  const parents = [...common.dependsOn, ...common.dependsOnMacros];
  const semantic = mapSemanticEntry(section, value, base, common);
  if (semantic !== null) return semantic ? { row: semantic, parents } : undefined;
  const config = isObject(value.config) ? value.config : {};
  let row: MetadataNodeColumns;
  if (section === 'sources') {
    const freshness = isObject(value.freshness)
      ? value.freshness
      : isObject(config.freshness)
        ? config.freshness
        : null;
    row = {
      ...base,
      resource_type: 'source',
      identifier: text(value.identifier) ?? name,
      source_name: text(value.source_name),
      payload: JSON.stringify({
        ...common,
        columns: manifestColumns(value.columns),
        sourceDescription: text(value.source_description) ?? '',
        loader: text(value.loader) ?? '',
        loadedAtField: text(value.loaded_at_field),
        criteria: freshness
          ? {
              warnAfter: criteriaInfo(freshness.warn_after),
              errorAfter: criteriaInfo(freshness.error_after),
            }
          : null,
        relationName: text(value.relation_name),
      }),
    };
  } else if (section === 'exposures') {
    const owner = isObject(value.owner) ? value.owner : {};
    row = {
      ...base,
      resource_type: 'exposure',
      payload: JSON.stringify({
        ...common,
        exposureType: text(value.type),
        ownerName: text(owner.name),
        ownerEmail: text(owner.email),
        url: text(value.url),
        maturity: text(value.maturity),
        label: text(value.label),
      }),
    };
  } else if (declaredType === 'unit_test') {
    row = {
      ...base,
      resource_type: 'test',
      test_type: 'UNIT_TEST',
      payload: JSON.stringify({
        ...common,
        config,
        model: text(value.model),
        given: Array.isArray(value.given) ? value.given.filter(isObject) : [],
        expect: isObject(value.expect) ? value.expect : null,
        overrides: isObject(value.overrides) ? value.overrides : null,
      }),
    };
  } else {
    if (!keptNodeTypes.has(declaredType)) return undefined;
    row = mapGraphNode(declaredType, value, base, common, config);
  }
  return { row, parents };
}

/** The stored row of a semantic-layer entry; undefined to skip it; null if it is not one. */
function mapSemanticEntry(
  section: NodeSection,
  value: Record<string, any>,
  base: ReturnType<typeof baseColumns>,
  common: ReturnType<typeof commonPayload>,
): MetadataNodeColumns | undefined | null {
  switch (section) {
    case 'macros':
      return mapMacro(value, base, common);
    case 'metrics':
      return mapMetric(value, base, common);
    case 'semantic_models':
      return mapSemanticModel(value, base, common);
    case 'saved_queries':
      return mapSavedQuery(value, base, common);
    case 'groups':
      return mapGroup(value, base, common);
    default:
      return null;
  }
}

/** A model, test, seed or snapshot. */
function mapGraphNode(
  declaredType: string,
  value: Record<string, any>,
  base: ReturnType<typeof baseColumns>,
  common: ReturnType<typeof commonPayload>,
  config: Record<string, any>,
): MetadataNodeColumns {
  const contract = isObject(value.contract)
    ? value.contract
    : isObject(config.contract)
      ? config.contract
      : {};
  const testMetadata = isObject(value.test_metadata) ? value.test_metadata : null;
  return {
    ...base,
    resource_type: declaredType,
    identifier: declaredType === 'test' ? null : (text(value.alias) ?? base.name),
    materialized: text(config.materialized),
    access: declaredType === 'model' ? (text(value.access) ?? text(config.access)) : null,
    test_type:
      declaredType === 'test' ? (testMetadata ? 'GENERIC_DATA_TEST' : 'SINGULAR_DATA_TEST') : null,
    payload: JSON.stringify(graphNodePayload(declaredType, value, base, common, config, contract)),
  };
}

/**
 * The payload of a model, test, seed or snapshot. Written as one literal with every key, then
 * the type's own keys added: an object assembled from conditional spreads ends up in V8's slow
 * dictionary mode, and JSON.stringify took seven times as long on it (most of the CPU of mapping
 * a node).
 */
function graphNodePayload(
  declaredType: string,
  value: Record<string, any>,
  base: ReturnType<typeof baseColumns>,
  common: ReturnType<typeof commonPayload>,
  config: Record<string, any>,
  contract: Record<string, any>,
): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    description: common.description,
    meta: common.meta,
    fqn: common.fqn,
    patchPath: common.patchPath,
    path: common.path,
    dependsOn: common.dependsOn,
    dependsOnMacros: common.dependsOnMacros,
    columns: manifestColumns(value.columns),
    config,
    language: text(value.language),
    contractEnforced: contract.enforced === true,
    constraints: Array.isArray(value.constraints) ? value.constraints.filter(isObject) : [],
    version: value.version == null ? null : String(value.version),
    latestVersion: value.latest_version == null ? null : String(value.latest_version),
    deprecationDate: text(value.deprecation_date),
    packages: strings(config.packages),
    relationName: text(value.relation_name),
  };
  if (declaredType === 'model') payload.modelingLayer = modelingLayerOf(base.name, base.file_path);
  if (declaredType === 'test') {
    const testMetadata = isObject(value.test_metadata) ? value.test_metadata : null;
    payload.columnName = text(value.column_name);
    payload.attachedNode = text(value.attached_node);
    payload.testMetadata = testMetadata
      ? {
          name: text(testMetadata.name),
          namespace: text(testMetadata.namespace),
          kwargs: isObject(testMetadata.kwargs) ? testMetadata.kwargs : {},
        }
      : null;
  }
  return payload;
}
