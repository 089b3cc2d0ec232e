import type { MetadataAppliedNodeRow } from '../db/tables/metadata.js';
import { freshnessStatusOf, runStatusOf } from '../dbt-statuses.js';
import {
  type CatalogView,
  type CriteriaView,
  catalogView,
  type Json,
  parse,
  releaseVersion,
  testedNodeOf,
} from './views.js';

/**
 * How many rows a unit test fixture (`given` input or `expect`) has: its `rows` as a list, or as
 * CSV text (lines after the header); null when they live in a fixture file or are SQL.
 */
export function fixtureRowCount(fixture: Json): number | null {
  const rows = fixture.rows;
  if (Array.isArray(rows)) return rows.length;
  if (typeof rows !== 'string' || (fixture.format && fixture.format !== 'csv')) return null;
  const lines = rows.split(/\r?\n/).filter((line) => line.trim() !== '');
  return Math.max(0, lines.length - 1);
}

type TestTypeValue = 'GENERIC_DATA_TEST' | 'SINGULAR_DATA_TEST' | 'UNIT_TEST';

/** How many times a view was asked for a payload its read left out (a bug; see `payload`). */
export const unreadPayloadReads = { count: 0 };

/**
 * An applied-state row as served (ModelAppliedStateNode, SourceAppliedStateNode, ...). Fields
 * are getters over the row: the JSON columns are parsed only when a query asks for one of
 * their fields, so a page of 500 rows costs little more than reading it.
 */
export class AppliedNodeView {
  #payload: Json | undefined;
  #executionInfo: ExecutionInfoView | undefined;

  constructor(protected readonly row: MetadataAppliedNodeRow) {}

  protected get payload(): Json {
    if (this.#payload) return this.#payload;
    // Left out of the read when the query shows none of its fields (rowFieldColumns in
    // src/discovery/lookahead.ts): a field that reads it then is wrongly listed there.
    // Counted, for the test that checks every listed field; not thrown, because a getter that
    // throws under graphql-jit's inlined property reads never settles the request.
    if (this.row.payload === undefined) unreadPayloadReads.count++;
    this.#payload = parse<Json>(this.row.payload, {});
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
    return testedNodeOf(this.payload);
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

  get relationName(): string | null {
    return this.payload.relationName ?? null;
  }
  /** The manifest's `path` (relative to the resource's folder). */
  get path(): string | null {
    return this.payload.path ?? null;
  }
  /** The macros the node uses (`depends_on.macros`). */
  get dependsOnMacros(): string[] {
    return this.payload.dependsOnMacros ?? [];
  }
  get modelingLayer(): string | null {
    return this.payload.modelingLayer ?? null;
  }
  /** A model's description, or when it has none its relation's warehouse comment (catalog.json). */
  get appliedDescription(): string | null {
    return this.isDescriptionInherited ? this.row.catalog_comment : this.description;
  }
  get isDescriptionInherited(): boolean | null {
    if (this.row.resource_type !== 'model') return null;
    return !this.description && !!this.row.catalog_comment;
  }
  /** Dbt's `test` or, for unit tests, `unit_test`. */
  get resource(): string {
    return this.row.test_type === 'UNIT_TEST' ? 'unit_test' : this.row.resource_type;
  }
  get numGiven(): number | null {
    return this.row.test_type === 'UNIT_TEST' ? (this.given ?? []).length : null;
  }
  get numGivenRows(): number | null {
    if (this.row.test_type !== 'UNIT_TEST') return null;
    const counts = (this.given ?? []).map(fixtureRowCount);
    return counts.some((count) => count === null)
      ? null
      : counts.reduce<number>((sum, count) => sum + count!, 0);
  }
  get numExpectRows(): number | null {
    return this.row.test_type === 'UNIT_TEST' ? fixtureRowCount(this.expect ?? {}) : null;
  }
  /** The node a unit test's `this` input stands for: the tested model (incremental models). */
  get thisInputNodeUniqueId(): string | null {
    const usesThis = (this.given ?? []).some((input) => input.input === 'this');
    return usesThis ? this.testedNodeUniqueId : null;
  }
  /** Dbt's internal `_event_status`, which manifest.json does not carry: always empty. */
  get eventStatus(): Json {
    return {};
  }
  get snapshotConfig() {
    const config = this.config ?? {};
    const key = config.unique_key;
    return {
      targetDatabase: (config.target_database as string | undefined) ?? null,
      targetSchema: (config.target_schema as string | undefined) ?? null,
      strategy: (config.strategy as string | undefined) ?? null,
      primaryKey: Array.isArray(key) ? key.join(', ') : ((key as string | undefined) ?? null),
    };
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
