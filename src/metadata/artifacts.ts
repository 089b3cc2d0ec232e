import { createHash } from 'node:crypto';
import type {
  MetadataRunCatalogTable,
  MetadataRunFreshnessTable,
  MetadataRunResultTable,
} from '../db/tables/metadata.js';

// dbt's artifact JSON (manifest v7–v12, run_results v4–v6, sources v3, catalog v1) mapped to the
// rows we store. Only what the Discovery API serves is kept; everything is read defensively,
// since older schema versions lack fields that newer ones have. Manifest nodes are mapped in
// manifest-nodes.ts.

export type ArtifactKind = 'manifest' | 'run-results' | 'sources' | 'catalog';

/** The schema versions we parse, per artifact (inclusive ranges). */
export const supportedSchemaVersions: Readonly<Record<ArtifactKind, readonly [number, number]>> = {
  manifest: [7, 12],
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

export const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
export const number = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
export const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** ISO-8601 in UTC with milliseconds, so that stored timestamps compare as text. */
export function isoTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const time = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

const periods = new Set(['minute', 'hour', 'day']);

/** A freshness threshold ({count, period}) as served; null when it sets neither. */
export function criteriaInfo(
  value: unknown,
): { count: number | null; period: string | null } | null {
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

/** The dbt command that wrote a run_results.json (`args.which`: run, build, compile, ...). */
export function runCommandOf(args: unknown): string | null {
  return isObject(args) ? text(args.which) : null;
}

/**
 * The root project's name. Manifests before v10 do not state it, but every version states
 * `project_id`, dbt's md5 of that name: it is the package of the manifest whose name hashes to it.
 */
export function projectNameOf(
  metadata: Record<string, any>,
  packages: Iterable<string>,
): string | null {
  const stated = text(metadata.project_name);
  if (stated) return stated;
  const id = text(metadata.project_id);
  if (!id) return null;
  for (const name of packages) if (createHash('md5').update(name).digest('hex') === id) return name;
  return null;
}
