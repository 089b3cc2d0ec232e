import type {
  MetadataNodeColumns,
  MetadataRunCatalogTable,
  MetadataRunFreshnessTable,
  MetadataRunResultTable,
} from '../db/tables/metadata.js';

// dbt's artifact JSON (manifest v9–v12, run_results v4–v6, sources v3, catalog v1) mapped to the
// rows we store. Only what the Discovery API serves is kept; everything is read defensively,
// since older schema versions lack fields that newer ones have.

export type ArtifactKind = 'manifest' | 'run-results' | 'sources' | 'catalog';

/** The schema versions we parse, per artifact (inclusive ranges). */
export const supportedSchemaVersions: Readonly<Record<ArtifactKind, readonly [number, number]>> = {
  manifest: [9, 12],
  'run-results': [4, 6],
  sources: [3, 3],
  catalog: [1, 1],
};

/** The version of `https://schemas.getdbt.com/dbt/<kind>/vN.json`, or a message saying what is wrong. */
export function checkSchemaVersion(
  kind: ArtifactKind,
  metadata: unknown,
): { version: number } | { problem: string } {
  const url = isObject(metadata) ? metadata.dbt_schema_version : undefined;
  if (typeof url !== 'string') return { problem: 'has no metadata.dbt_schema_version' };
  const match = /\/dbt\/([a-z-]+)\/v(\d+)\.json$/.exec(url);
  if (!match || match[1] !== kind) return { problem: `is a "${url}" artifact, not a ${kind} one` };
  const version = Number(match[2]);
  const [min, max] = supportedSchemaVersions[kind];
  if (version < min || version > max) {
    return {
      problem: `has schema ${kind}/v${version}; supported: ${kind}/v${min}${max > min ? ` to v${max}` : ''}`,
    };
  }
  return { version };
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** ISO-8601 in UTC with milliseconds, so that stored timestamps compare as text. */
export function isoTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const time = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** A manifest node as we store it, plus the unique ids it depends on. */
export interface MappedNode {
  readonly row: MetadataNodeColumns;
  readonly parents: readonly string[];
}

/** The manifest sections whose entries are nodes, and the resource types kept from each. */
export const nodeSections = ['nodes', 'sources', 'exposures', 'unit_tests'] as const;
export type NodeSection = (typeof nodeSections)[number];

const keptNodeTypes = new Set(['model', 'test', 'seed', 'snapshot']);

function manifestColumns(columns: unknown) {
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

function dependsOn(node: Record<string, any>): string[] {
  return isObject(node.depends_on) ? [...new Set(strings(node.depends_on.nodes))] : [];
}

/**
 * Maps one entry of a manifest section to a row; undefined for resource types the API does not
 * serve (analyses, operations, macros). Throws a message naming the entry when it lacks the
 * fields every node has.
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
  const config = isObject(value.config) ? value.config : {};
  const common = {
    description: text(value.description) ?? '',
    meta: isObject(value.meta) ? value.meta : isObject(config.meta) ? config.meta : {},
    fqn: strings(value.fqn),
    patchPath: text(value.patch_path),
    dependsOn: dependsOn(value),
  };
  const base = {
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
    tags: JSON.stringify(strings(value.tags)),
    raw_code: text(value.raw_code) ?? text(value.raw_sql),
    compiled_code: text(value.compiled_code) ?? text(value.compiled_sql),
  };
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
        given: Array.isArray(value.given) ? value.given : [],
        expect: isObject(value.expect) ? value.expect : null,
        overrides: isObject(value.overrides) ? value.overrides : null,
      }),
    };
  } else {
    if (!keptNodeTypes.has(declaredType)) return undefined;
    const contract = isObject(value.contract)
      ? value.contract
      : isObject(config.contract)
        ? config.contract
        : {};
    const testMetadata = isObject(value.test_metadata) ? value.test_metadata : null;
    row = {
      ...base,
      resource_type: declaredType,
      identifier: declaredType === 'test' ? null : (text(value.alias) ?? name),
      materialized: text(config.materialized),
      access: declaredType === 'model' ? (text(value.access) ?? text(config.access)) : null,
      test_type:
        declaredType === 'test'
          ? testMetadata
            ? 'GENERIC_DATA_TEST'
            : 'SINGULAR_DATA_TEST'
          : null,
      payload: JSON.stringify({
        ...common,
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
        ...(declaredType === 'test'
          ? {
              columnName: text(value.column_name),
              attachedNode: text(value.attached_node),
              testMetadata: testMetadata
                ? {
                    name: text(testMetadata.name),
                    namespace: text(testMetadata.namespace),
                    kwargs: isObject(testMetadata.kwargs) ? testMetadata.kwargs : {},
                  }
                : null,
            }
          : {}),
      }),
    };
  }
  return { row, parents: common.dependsOn };
}

const periods = new Set(['minute', 'hour', 'day']);

function criteriaInfo(value: unknown): { count: number | null; period: string | null } | null {
  if (!isObject(value) || (value.count == null && value.period == null)) return null;
  return {
    count: number(value.count),
    period: typeof value.period === 'string' && periods.has(value.period) ? value.period : null,
  };
}

/** The criteria of a freshness check, as stored and served ({warnAfter, errorAfter}). */
export function mapCriteria(value: unknown): string | null {
  if (!isObject(value)) return null;
  return JSON.stringify({
    warnAfter: criteriaInfo(value.warn_after),
    errorAfter: criteriaInfo(value.error_after),
  });
}

function timingOf(
  result: Record<string, any>,
  name: string,
): { started: string | null; completed: string | null } {
  const entry = Array.isArray(result.timing)
    ? result.timing.find((item: unknown) => isObject(item) && item.name === name)
    : undefined;
  return { started: isoTimestamp(entry?.started_at), completed: isoTimestamp(entry?.completed_at) };
}

/** One element of run_results.json `results`. */
export function mapRunResult(
  runId: number,
  index: number,
  value: unknown,
): Omit<MetadataRunResultTable, never> {
  if (!isObject(value) || typeof value.unique_id !== 'string' || typeof value.status !== 'string') {
    throw new Error(`results[${index}] lacks unique_id or status`);
  }
  const compile = timingOf(value, 'compile');
  const execute = timingOf(value, 'execute');
  return {
    run_id: runId,
    unique_id: value.unique_id,
    status: value.status,
    message: text(value.message),
    failures: number(value.failures),
    thread_id: text(value.thread_id),
    execution_time: number(value.execution_time),
    compile_started_at: compile.started,
    compile_completed_at: compile.completed,
    execute_started_at: execute.started,
    execute_completed_at: execute.completed,
    adapter_response: isObject(value.adapter_response)
      ? JSON.stringify(value.adapter_response)
      : null,
  };
}

/** One element of sources.json `results`. */
export function mapFreshnessResult(
  runId: number,
  index: number,
  value: unknown,
): MetadataRunFreshnessTable {
  if (!isObject(value) || typeof value.unique_id !== 'string' || typeof value.status !== 'string') {
    throw new Error(`results[${index}] lacks unique_id or status`);
  }
  return {
    run_id: runId,
    unique_id: value.unique_id,
    status: value.status,
    error: text(value.error) ?? (value.status === 'runtime error' ? text(value.message) : null),
    max_loaded_at: isoTimestamp(value.max_loaded_at),
    snapshotted_at: isoTimestamp(value.snapshotted_at),
    max_loaded_at_time_ago_in_s: number(value.max_loaded_at_time_ago_in_s),
    criteria: mapCriteria(value.criteria),
    execution_time: number(value.execution_time),
  };
}

/** One entry of catalog.json `nodes` or `sources`. */
export function mapCatalogEntry(
  runId: number,
  key: string | number,
  value: unknown,
): MetadataRunCatalogTable {
  if (!isObject(value)) throw new Error(`${key} is not an object`);
  const uniqueId = text(value.unique_id) ?? String(key);
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const columns = isObject(value.columns)
    ? Object.values(value.columns)
        .filter(isObject)
        .map((column) => ({
          name: text(column.name),
          type: text(column.type),
          index: number(column.index),
          comment: text(column.comment),
        }))
        .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    : [];
  const stats = isObject(value.stats)
    ? Object.values(value.stats)
        .filter(isObject)
        .map((stat) => ({
          id: text(stat.id),
          label: text(stat.label),
          value: stat.value ?? null,
          include: stat.include === true,
          description: text(stat.description),
        }))
    : [];
  const statValue = (id: string) => {
    const found = stats.find((stat) => stat.id === id)?.value;
    return typeof found === 'number'
      ? found
      : typeof found === 'string' && /^\d+$/.test(found)
        ? Number(found)
        : null;
  };
  return {
    run_id: runId,
    unique_id: uniqueId,
    table_type: text(metadata.type),
    owner: text(metadata.owner),
    comment: text(metadata.comment),
    columns: JSON.stringify(columns),
    stats: JSON.stringify(stats),
    row_count: statValue('num_rows') ?? statValue('row_count'),
    bytes: statValue('num_bytes') ?? statValue('bytes'),
  };
}

/** The package a macro belongs to, from its unique id (`macro.<package>.<name>`). */
export function macroPackage(uniqueId: string): string | undefined {
  const parts = uniqueId.split('.');
  return parts[0] === 'macro' && parts[1] ? parts[1] : undefined;
}
