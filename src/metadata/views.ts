import type { RunNodeRow } from '../db/metadata-runs.js';
import type { MetadataAppliedNodeRow } from '../db/tables/metadata.js';
import { freshnessStatusOf, runStatusOf } from '../dbt-statuses.js';

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

function releaseVersion(
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
    testedNodeUniqueId: payload.attachedNode ?? payload.model ?? null,
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
  };
}

type TestTypeValue = 'GENERIC_DATA_TEST' | 'SINGULAR_DATA_TEST' | 'UNIT_TEST';

/**
 * An applied-state row as served (ModelAppliedStateNode, SourceAppliedStateNode, ...). Fields
 * are getters over the row: the JSON columns are parsed only when a query asks for one of
 * their fields, so a page of 500 rows costs little more than reading it.
 */
export class AppliedNodeView {
  #payload: Json | undefined;
  #executionInfo: ExecutionInfoView | undefined;

  constructor(private readonly row: MetadataAppliedNodeRow) {}

  private get payload(): Json {
    this.#payload ??= parse<Json>(this.row.payload, {});
    return this.#payload;
  }

  get id() {
    return this.row.id;
  }
  get accountId() {
    return this.row.account_id;
  }
  get projectId() {
    return this.row.project_id;
  }
  get environmentId() {
    return this.row.environment_id;
  }
  get dbtVersion() {
    return this.row.dbt_version;
  }
  get manifestGeneratedAt() {
    return this.row.manifest_generated_at ?? null;
  }
  /** The run whose manifest defines the node (the definition state's runId). */
  get manifestRunId() {
    return this.row.manifest_run_id;
  }
  get uniqueId() {
    return this.row.unique_id;
  }
  get name() {
    return this.row.name;
  }
  get resourceType() {
    return this.row.resource_type;
  }
  get tags(): string[] {
    return parse<string[]>(this.row.tags, []);
  }
  get filePath() {
    return this.row.file_path ?? '';
  }
  get packageName() {
    return this.row.package_name ?? null;
  }
  get database() {
    return this.row.database_name ?? null;
  }
  get schema() {
    return this.row.schema_name ?? null;
  }
  get alias() {
    return this.row.resource_type === 'source' ? null : (this.row.identifier ?? null);
  }
  get identifier() {
    return this.row.identifier ?? null;
  }
  get materializedType() {
    return this.row.materialized ?? null;
  }
  get access() {
    return this.row.access ?? null;
  }
  get group() {
    return this.row.dbt_group ?? null;
  }
  get rawCode() {
    return this.row.raw_code ?? null;
  }
  get compiledCode() {
    return this.row.compiled_code ?? null;
  }
  get sourceName() {
    return this.row.source_name ?? null;
  }
  /** Only served on tests, which always have one. */
  get testType(): TestTypeValue {
    return (this.row.test_type ?? 'SINGULAR_DATA_TEST') as TestTypeValue;
  }

  get description(): string | null {
    return this.payload.description ?? null;
  }
  get meta(): Json | null {
    return this.payload.meta ?? null;
  }
  get fqn(): string[] {
    return this.payload.fqn ?? [];
  }
  get patchPath(): string | null {
    return this.payload.patchPath ?? null;
  }
  get language(): string | null {
    return this.payload.language ?? null;
  }
  get config(): Json | null {
    return this.payload.config ?? null;
  }
  get contractEnforced(): boolean | null {
    return this.payload.contractEnforced ?? null;
  }
  get constraints(): Json[] {
    return this.payload.constraints ?? [];
  }
  get version(): string | null {
    return this.payload.version ?? null;
  }
  get latestVersion(): string | null {
    return this.payload.latestVersion ?? null;
  }
  get releaseVersion() {
    return this.row.resource_type === 'model'
      ? releaseVersion(this.version, this.latestVersion)
      : null;
  }
  get deprecationDate(): string | null {
    return this.payload.deprecationDate ?? null;
  }
  get packages(): string[] {
    return this.payload.packages ?? [];
  }
  get columnName(): string | null {
    return this.payload.columnName ?? null;
  }
  get testedNodeUniqueId(): string | null {
    return this.payload.attachedNode ?? this.payload.model ?? null;
  }
  get testMetadata(): { name: string | null; namespace: string | null; kwargs: Json | null } {
    return this.payload.testMetadata ?? { name: null, namespace: null, kwargs: null };
  }
  get model(): string | null {
    return this.payload.model ?? null;
  }
  get given(): Json[] | null {
    return this.payload.given ?? null;
  }
  get expect(): Json | null {
    return this.payload.expect ?? null;
  }
  get overrides(): Json | null {
    return this.payload.overrides ?? null;
  }
  get sourceDescription(): string | null {
    return this.payload.sourceDescription ?? null;
  }
  get loader(): string | null {
    return this.payload.loader ?? null;
  }
  get exposureType(): string | null {
    return this.payload.exposureType ?? null;
  }
  get ownerName(): string | null {
    return this.payload.ownerName ?? null;
  }
  get ownerEmail(): string | null {
    return this.payload.ownerEmail ?? null;
  }
  get url(): string | null {
    return this.payload.url ?? null;
  }
  get maturity(): string | null {
    return this.payload.maturity ?? null;
  }
  get label(): string | null {
    return this.payload.label ?? null;
  }

  get executionInfo(): ExecutionInfoView {
    const row = this.row;
    this.#executionInfo ??= {
      lastRunId: row.last_run_id,
      lastJobDefinitionId: row.last_job_id,
      lastRunStatus: row.last_run_status,
      lastRunStatusEnum: runStatusOf(row.last_run_status),
      lastRunError: row.last_run_error,
      lastRunFailures: row.last_run_failures,
      lastRunGeneratedAt: row.last_run_generated_at,
      lastRunSkip: row.last_run_status === null ? null : row.last_run_status === 'skipped',
      lastSuccessRunId: row.success_run_id,
      lastSuccessJobDefinitionId: row.success_job_id,
      runGeneratedAt: row.run_generated_at,
      compileStartedAt: row.compile_started_at,
      compileCompletedAt: row.compile_completed_at,
      executeStartedAt: row.execute_started_at,
      executeCompletedAt: row.execute_completed_at,
      executionTime: row.execution_time,
      runElapsedTime: row.run_elapsed_time,
    };
    return this.#executionInfo;
  }

  // Reads may leave column groups out (see AppliedColumns): those fields then read as null.
  get freshness(): FreshnessView {
    const row = this.row;
    const status = row.freshness_status ?? null;
    return {
      criteria: parse<CriteriaView | null>(row.freshness_criteria, null) ??
        this.payload.criteria ?? { warnAfter: null, errorAfter: null },
      freshnessChecked: status !== null,
      freshnessStatus: freshnessStatusOf(status),
      freshnessJobDefinitionId: row.freshness_job_id ?? null,
      freshnessRunId: row.freshness_run_id ?? null,
      freshnessRunGeneratedAt: row.freshness_generated_at ?? null,
      maxLoadedAt: row.max_loaded_at ?? null,
      maxLoadedAtTimeAgoInS: row.max_loaded_at_time_ago_in_s ?? null,
      snapshottedAt: row.snapshotted_at ?? null,
    };
  }

  get catalog(): CatalogView | null {
    const row = this.row;
    if (row.catalog_generated_at == null) return null;
    return catalogView(
      row.unique_id,
      row.catalog_columns,
      row.catalog_stats,
      this.payload.columns ?? [],
      {
        environmentId: row.environment_id,
        runId: row.catalog_run_id,
        jobDefinitionId: row.catalog_job_id,
        runGeneratedAt: row.catalog_generated_at,
        type: row.catalog_type,
        owner: row.catalog_owner,
        comment: row.catalog_comment,
      },
    );
  }

  /** The row's catalog row count, for sorting by it. */
  get rowCount(): number | null {
    return this.row.row_count ?? null;
  }
}

export interface ExecutionInfoView {
  readonly lastRunId: number | null;
  readonly lastJobDefinitionId: number | null;
  readonly lastRunStatus: string | null;
  /** The RunStatus enum value of the last attempt (models). */
  readonly lastRunStatusEnum: 'success' | 'error' | 'skipped' | null;
  readonly lastRunError: string | null;
  readonly lastRunFailures: number | null;
  readonly lastRunGeneratedAt: string | null;
  readonly lastRunSkip: boolean | null;
  readonly lastSuccessRunId: number | null;
  readonly lastSuccessJobDefinitionId: number | null;
  readonly runGeneratedAt: string | null;
  readonly compileStartedAt: string | null;
  readonly compileCompletedAt: string | null;
  readonly executeStartedAt: string | null;
  readonly executeCompletedAt: string | null;
  readonly executionTime: number | null;
  readonly runElapsedTime: number | null;
}

export interface FreshnessView {
  readonly criteria: CriteriaView;
  readonly freshnessChecked: boolean;
  readonly freshnessStatus: 'Pass' | 'Warn' | 'Error' | 'Unknown';
  readonly freshnessJobDefinitionId: number | null;
  readonly freshnessRunId: number | null;
  readonly freshnessRunGeneratedAt: string | null;
  readonly maxLoadedAt: string | null;
  readonly maxLoadedAtTimeAgoInS: number | null;
  readonly snapshottedAt: string | null;
}

export function appliedNodeView(row: MetadataAppliedNodeRow): AppliedNodeView {
  return new AppliedNodeView(row);
}
