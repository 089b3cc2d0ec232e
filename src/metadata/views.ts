import type { RunNodeRow } from '../db/metadata-runs.js';
import type { MetadataAppliedNodeRow } from '../db/tables/metadata.js';

// Stored rows turned into the objects the Discovery schema serves, once per row, so that every
// scalar field of the schema is a plain property read.

export type Json = Record<string, any>;

export function parse<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export interface CatalogView {
  readonly uniqueId: string;
  readonly environmentId: number;
  readonly runId: number | null;
  readonly jobDefinitionId: number | null;
  readonly runGeneratedAt: string | null;
  readonly type: string | null;
  readonly owner: string | null;
  readonly comment: string | null;
  readonly columns: readonly CatalogColumnView[];
  readonly stats: readonly CatalogStatView[];
  readonly rowCountStat: CatalogStatView | null;
  readonly bytesStat: CatalogStatView | null;
}

export interface CatalogColumnView {
  readonly name: string | null;
  readonly type: string | null;
  readonly index: number | null;
  readonly comment: string | null;
  readonly description: string | null;
  readonly meta: Json | null;
  readonly tags: readonly string[];
}

export interface CatalogStatView {
  readonly id: string | null;
  readonly label: string | null;
  readonly value: unknown;
  readonly include: boolean | null;
  readonly description: string | null;
}

export interface CriteriaInfoView {
  readonly count: number | null;
  readonly period: 'day' | 'hour' | 'minute' | null;
}

export interface CriteriaView {
  readonly warnAfter: CriteriaInfoView | null;
  readonly errorAfter: CriteriaInfoView | null;
}

/** dbt's release state of a model version compared with the model's latest version. */
export function releaseVersion(
  version: string | null,
  latest: string | null,
): 'latest' | 'old' | 'prerelease' | 'none' {
  if (version === null) return 'none';
  if (latest === null || version === latest) return 'latest';
  const numeric = (value: string) => (Number.isFinite(Number(value)) ? Number(value) : null);
  const [v, l] = [numeric(version), numeric(latest)];
  return v !== null && l !== null && v > l ? 'prerelease' : 'old';
}

export function catalogView(
  uniqueId: string,
  columnsText: string | null,
  statsText: string | null,
  docs: readonly Json[],
  rest: Pick<
    CatalogView,
    'environmentId' | 'runId' | 'jobDefinitionId' | 'runGeneratedAt' | 'type' | 'owner' | 'comment'
  >,
): CatalogView {
  const described = new Map(
    docs.map((column) => [String(column.name ?? '').toLowerCase(), column]),
  );
  const columns = parse<Json[]>(columnsText, []).map((column) => {
    const doc = described.get(String(column.name ?? '').toLowerCase());
    return {
      name: column.name ?? null,
      type: column.type ?? null,
      index: column.index ?? null,
      comment: column.comment ?? null,
      description: doc?.description ?? null,
      meta: doc?.meta ?? null,
      tags: doc?.tags ?? [],
    };
  });
  const stats = parse<CatalogStatView[]>(statsText, []);
  return {
    uniqueId,
    ...rest,
    columns,
    stats,
    rowCountStat: stats.find((stat) => stat.id === 'num_rows' || stat.id === 'row_count') ?? null,
    bytesStat: stats.find((stat) => stat.id === 'num_bytes' || stat.id === 'bytes') ?? null,
  };
}

/**
 * The node a test tests: a data test's attached node; a unit test's model, by unique id (the
 * manifest names it, and lists its unique id among the unit test's dependencies).
 */
export function testedNodeOf(payload: Json): string | null {
  if (payload.attachedNode) return payload.attachedNode;
  if (!payload.model) return null;
  const models = ((payload.dependsOn ?? []) as string[]).filter((id) => id.startsWith('model.'));
  return models.find((id) => id.split('.')[2] === payload.model) ?? models[0] ?? null;
}

/** The fields every node view has, from the definition columns and payload. */
export function definitionFields(
  row: Omit<MetadataAppliedNodeRow, 'id'> | RunNodeRow,
  payload: Json,
) {
  const version: string | null = payload.version ?? null;
  const latestVersion: string | null = payload.latestVersion ?? null;
  return {
    uniqueId: row.unique_id,
    name: row.name,
    resourceType: row.resource_type,
    description: payload.description ?? null,
    meta: payload.meta ?? null,
    tags: parse<string[]>(row.tags, []),
    fqn: (payload.fqn ?? []) as string[],
    filePath: row.file_path ?? '',
    patchPath: payload.patchPath ?? null,
    packageName: row.package_name,
    database: row.database_name,
    schema: row.schema_name,
    alias: row.resource_type === 'source' ? null : row.identifier,
    identifier: row.identifier,
    materializedType: row.materialized,
    access: row.access,
    group: row.dbt_group,
    language: payload.language ?? null,
    rawCode: row.raw_code,
    compiledCode: row.compiled_code,
    config: payload.config ?? null,
    contractEnforced: payload.contractEnforced ?? null,
    constraints: (payload.constraints ?? []) as Json[],
    version,
    latestVersion,
    releaseVersion: row.resource_type === 'model' ? releaseVersion(version, latestVersion) : null,
    deprecationDate: payload.deprecationDate ?? null,
    packages: (payload.packages ?? []) as string[],
    dependsOn: (payload.dependsOn ?? []) as string[],
    // Tests
    // Only served on tests, which always have one.
    testType: (row.test_type ?? 'SINGULAR_DATA_TEST') as
      | 'GENERIC_DATA_TEST'
      | 'SINGULAR_DATA_TEST'
      | 'UNIT_TEST',
    columnName: payload.columnName ?? null,
    testedNodeUniqueId: testedNodeOf(payload),
    testMetadata: (payload.testMetadata ?? { name: null, namespace: null, kwargs: null }) as {
      name: string | null;
      namespace: string | null;
      kwargs: Json | null;
    },
    model: payload.model ?? null,
    given: (payload.given ?? null) as Json[] | null,
    expect: (payload.expect ?? null) as Json | null,
    overrides: (payload.overrides ?? null) as Json | null,
    // Sources
    sourceName: row.source_name,
    sourceDescription: payload.sourceDescription ?? null,
    loader: payload.loader ?? null,
    // Exposures
    exposureType: payload.exposureType ?? null,
    ownerName: payload.ownerName ?? null,
    ownerEmail: payload.ownerEmail ?? null,
    url: payload.url ?? null,
    maturity: payload.maturity ?? null,
    label: payload.label ?? null,
    // Macros
    macroSql: row.resource_type === 'macro' ? row.raw_code : null,
    path: (payload.path ?? null) as string | null,
    rootPath: (payload.rootPath ?? null) as string | null,
    dependsOnMacros: (payload.dependsOnMacros ?? []) as string[],
    // Metrics (MetricFlow's, and the legacy ones of manifests v7–v9)
    metricType: (payload.type ?? null) as string | null,
    calculationMethod: (payload.calculationMethod ?? null) as string | null,
    expression: (payload.expression ?? null) as string | null,
    sql: (payload.sql ?? null) as string | null,
    timestamp: (payload.timestamp ?? null) as string | null,
    timeGrains: (payload.timeGrains ?? []) as string[],
    dimensions: (payload.dimensions ?? []) as string[],
    filters: (payload.filters ?? []) as Json[],
    modelUniqueId: (payload.modelUniqueId ?? null) as string | null,
  };
}
