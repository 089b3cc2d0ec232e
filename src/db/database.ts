import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  type Migration,
  type MigrationProvider,
  SqliteDialect,
  type Generated,
  type Insertable,
  type Selectable,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';

/** ISO-8601 UTC timestamps stored as text: sortable, and the same on SQLite and PostgreSQL. */
type Timestamp = string;
/** Booleans are stored as 0/1 so that the same code binds them on every dialect. */
type Flag = number;

export interface AccountTable {
  id: Generated<number>;
  name: string;
  plan: 'team' | 'enterprise';
  created_at: Timestamp;
}

export interface ProjectTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ServiceTokenTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** SHA-256 of the full token string, hex. The secret itself is never stored. */
  token_hash: string;
  /** Prefix and last four characters, enough to recognise a token in a list. */
  token_hint: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  created_by_token_id: number | null;
  /** Null: never expires. */
  expires_at: Timestamp | null;
  /** After a rotation, the replaced secret's hash, accepted until `previous_token_valid_until`. */
  previous_token_hash: string | null;
  previous_token_valid_until: Timestamp | null;
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  /** JSON array of the last few distinct client addresses, newest first. */
  recent_ips: Generated<string>;
  use_count: Generated<number>;
  /** Comma-separated CIDRs the token may be used from; empty: anywhere the account allows. */
  allowed_cidrs: Generated<string>;
}

export interface ServiceTokenPolicyTable {
  account_id: number;
  /** Null: tokens may live forever. */
  max_lifetime_seconds: number | null;
  updated_at: Timestamp;
  /** Requests per minute each token may make; null: the server's default. */
  requests_per_minute: number | null;
}

export interface ServiceTokenGrantTable {
  id: Generated<number>;
  service_token_id: number;
  permission_set: string;
  all_projects: Flag;
  /** Comma-separated categories (`development,production`, or `all`); empty for none. */
  writable_environment_categories: string;
}

export interface ServiceTokenGrantProjectTable {
  grant_id: number;
  project_id: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  account_id: number;
  occurred_at: Timestamp;
  actor_token_id: number | null;
  /** The mutation (`createServiceToken`) or event (`authenticate`). */
  action: string;
  target_type: string | null;
  target_id: string | null;
  project_id: number | null;
  outcome: 'success' | 'denied' | 'failed';
  client_ip: string | null;
  /** JSON object; never secrets. */
  details: string;
}

export interface IpRestrictionRuleTable {
  id: Generated<number>;
  account_id: number;
  kind: 'allow' | 'deny';
  cidr: string;
  description: string;
  created_at: Timestamp;
}

export interface EnvironmentTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  type: 'development' | 'deployment';
  category: 'development' | 'staging' | 'production' | 'other';
  dbt_version: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface JobTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  name: string;
  description: string;
  /** JSON array of dbt commands. */
  steps: string;
  schedule_cron: string | null;
  trigger_on_schedule: Flag;
  trigger_on_pull_request: Flag;
  trigger_on_merge: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type RunStatus = 'queued' | 'running' | 'success' | 'error' | 'cancelled';

export interface RunTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  job_id: number;
  status: RunStatus;
  cause: string;
  triggered_by_token_id: number | null;
  git_branch: string | null;
  git_sha: string | null;
  error_message: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export const adapterTypes = [
  'snowflake',
  'bigquery',
  'databricks',
  'redshift',
  'postgres',
  'clickhouse',
  'fabric',
  'synapse',
  'spark',
  'trino',
  'athena',
] as const;
export type AdapterType = (typeof adapterTypes)[number];

export interface ConnectionTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  adapter_type: AdapterType;
  /** Hostname, or the account identifier (Snowflake) or GCP project (BigQuery). */
  host: string;
  port: number | null;
  database: string | null;
  warehouse: string | null;
  role: string | null;
  oauth_client_id: string | null;
  /** Sealed with the SecretBox; never returned by the API. */
  oauth_client_secret_sealed: string | null;
  private_key_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type CloneStrategy = 'deploy_key' | 'github_app' | 'gitlab_deploy_token' | 'azure_devops_app';

export interface RepositoryTable {
  id: Generated<number>;
  project_id: number;
  git_url: string;
  default_branch: string;
  clone_strategy: CloneStrategy;
  /** `ssh-ed25519 AAAA… comment`, as an authorized_keys line. */
  deploy_key_public: string | null;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  deploy_key_fingerprint: string | null;
  /** Sealed OpenSSH private key file; never returned by the API. */
  deploy_key_private_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One row per project that has any setting; a project without a row has none. */
export interface ProjectSettingsTable {
  project_id: number;
  repository_id: number | null;
  connection_id: number | null;
  dbt_project_subdirectory: string;
}

export interface DataPlatformConfigTable {
  id: Generated<number>;
  project_id: number;
  adapter_type: AdapterType;
  host: string;
  port: number | null;
  database: string | null;
  warehouse: string | null;
  role: string | null;
  threads: number;
  target_name: string;
  /** Sealed; never returned by the API. */
  private_key_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type CredentialAuthType = 'password' | 'key_pair' | 'oauth' | 'service_account';

export interface EnvironmentCredentialsTable {
  id: Generated<number>;
  environment_id: number;
  auth_type: CredentialAuthType;
  username: string | null;
  schema: string;
  /** Sealed; never returned by the API. */
  password_sealed: string | null;
  private_key_sealed: string | null;
  private_key_passphrase_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomEnvVarTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  /** The project default of a plain variable; null for none and for secret variables. */
  value: string | null;
  /** The project default of a secret (`DBT_ENV_SECRET_…`) variable, sealed. */
  value_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomEnvVarOverrideTable {
  id: Generated<number>;
  env_var_id: number;
  environment_id: number;
  value: string | null;
  value_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SemanticLayerConfigTable {
  id: Generated<number>;
  project_id: number;
  enabled: Flag;
  environment_id: number | null;
  username: string | null;
  /** Sealed; never returned by the API. */
  password_sealed: string | null;
  private_key_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DevelopSessionTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  branch: string;
  started_by_token_id: number | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface AccountSettingsTable {
  account_id: number;
  default_dbt_version: string;
  run_slots: number;
  schedule_timezone: string;
  updated_at: Timestamp;
}

export interface AccountBillingTable {
  account_id: number;
  billing_email: string | null;
  developer_seats: number;
  read_only_seats: number;
  it_seats: number;
  updated_at: Timestamp;
}

export type AuthProviderType = 'none' | 'saml' | 'oidc';

export interface AuthProviderTable {
  account_id: number;
  type: AuthProviderType;
  enabled: Flag;
  login_slug: string | null;
  saml_metadata_url: string | null;
  saml_entity_id: string | null;
  oidc_issuer_url: string | null;
  oidc_client_id: string | null;
  /** Sealed with the secret box; never returned by the API. */
  oidc_client_secret: string | null;
  updated_at: Timestamp;
}

export type LicenseType = 'developer' | 'read_only' | 'it';

export interface MemberTable {
  id: Generated<number>;
  account_id: number;
  /** Lower-cased. */
  email: string;
  name: string;
  /** Null: the member holds no seat. */
  license_type: LicenseType | null;
  created_at: Timestamp;
}

export interface GroupTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupGrantTable {
  id: Generated<number>;
  group_id: number;
  permission_set: string;
  all_projects: Flag;
  /** Comma-separated categories, as in service_token_grants. */
  writable_environment_categories: string;
}

export interface GroupGrantProjectTable {
  grant_id: number;
  project_id: number;
}

export interface GroupMemberTable {
  group_id: number;
  member_id: number;
}

export interface InvitationTable {
  id: Generated<number>;
  account_id: number;
  /** Lower-cased. */
  email: string;
  /** `expired` is derived: pending and past expires_at. */
  status: 'pending' | 'revoked';
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  invited_by_token_id: number | null;
}

export interface InvitationGroupTable {
  invitation_id: number;
  group_id: number;
}

export interface WebhookTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  url: string;
  /** Comma-separated event names. */
  events: string;
  all_jobs: Flag;
  active: Flag;
  /** The signing secret, sealed; never returned after creation or rotation. */
  secret: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookJobTable {
  webhook_id: number;
  job_id: number;
}

/** The columns of a dbt node's definition, shared by the run-level and applied tables. */
export interface MetadataNodeColumns {
  unique_id: string;
  /** model, test, seed, snapshot, source, exposure (unit tests are tests with test_type UNIT_TEST). */
  resource_type: string;
  name: string;
  package_name: string | null;
  database_name: string | null;
  schema_name: string | null;
  /** The relation's name: alias for models, seeds and snapshots, identifier for sources. */
  identifier: string | null;
  materialized: string | null;
  access: string | null;
  dbt_group: string | null;
  source_name: string | null;
  test_type: string | null;
  file_path: string | null;
  /** JSON array of strings. */
  tags: string;
  raw_code: string | null;
  compiled_code: string | null;
  /** JSON object: the rarely filtered fields (description, meta, fqn, config, columns, ...). */
  payload: string;
}

export interface MetadataArtifactsTable {
  run_id: number;
  account_id: number;
  project_id: number;
  environment_id: number;
  job_id: number;
  dbt_version: string | null;
  dbt_project_name: string | null;
  adapter_type: string | null;
  invocation_id: string | null;
  manifest_generated_at: Timestamp;
  run_results_generated_at: Timestamp | null;
  run_elapsed_time: number | null;
  run_args: string | null;
  sources_generated_at: Timestamp | null;
  catalog_generated_at: Timestamp | null;
  macro_packages: string;
  ingested_at: Timestamp;
}

export interface MetadataRunNodeTable extends MetadataNodeColumns {
  id: Generated<number>;
  run_id: number;
}

export interface MetadataRunEdgeTable {
  run_id: number;
  parent_unique_id: string;
  child_unique_id: string;
}

export interface MetadataRunResultTable {
  run_id: number;
  unique_id: string;
  status: string;
  message: string | null;
  failures: number | null;
  thread_id: string | null;
  execution_time: number | null;
  compile_started_at: Timestamp | null;
  compile_completed_at: Timestamp | null;
  execute_started_at: Timestamp | null;
  execute_completed_at: Timestamp | null;
  adapter_response: string | null;
}

export interface MetadataRunFreshnessTable {
  run_id: number;
  unique_id: string;
  status: string;
  error: string | null;
  max_loaded_at: Timestamp | null;
  snapshotted_at: Timestamp | null;
  max_loaded_at_time_ago_in_s: number | null;
  criteria: string | null;
  execution_time: number | null;
}

export interface MetadataRunCatalogTable {
  run_id: number;
  unique_id: string;
  table_type: string | null;
  owner: string | null;
  comment: string | null;
  columns: string;
  stats: string;
  row_count: number | null;
  bytes: number | null;
}

export interface MetadataEnvironmentStateTable {
  environment_id: number;
  project_id: number;
  manifest_run_id: number;
  manifest_generated_at: Timestamp;
  dbt_project_name: string | null;
  adapter_type: string | null;
  dbt_version: string | null;
  macro_packages: string;
  last_updated_at: Timestamp;
}

export interface MetadataAppliedNodeTable extends MetadataNodeColumns {
  id: Generated<number>;
  environment_id: number;
  account_id: number;
  project_id: number;
  manifest_run_id: number;
  dbt_version: string | null;
  manifest_generated_at: Timestamp | null;
  last_run_id: number | null;
  last_job_id: number | null;
  last_run_status: string | null;
  last_run_error: string | null;
  last_run_failures: number | null;
  last_run_generated_at: Timestamp | null;
  success_run_id: number | null;
  success_job_id: number | null;
  run_generated_at: Timestamp | null;
  compile_started_at: Timestamp | null;
  compile_completed_at: Timestamp | null;
  execute_started_at: Timestamp | null;
  execute_completed_at: Timestamp | null;
  execution_time: number | null;
  run_elapsed_time: number | null;
  freshness_status: string | null;
  freshness_error: string | null;
  max_loaded_at: Timestamp | null;
  snapshotted_at: Timestamp | null;
  max_loaded_at_time_ago_in_s: number | null;
  freshness_criteria: string | null;
  freshness_run_id: number | null;
  freshness_job_id: number | null;
  freshness_generated_at: Timestamp | null;
  catalog_type: string | null;
  catalog_owner: string | null;
  catalog_comment: string | null;
  catalog_columns: string | null;
  catalog_stats: string | null;
  row_count: number | null;
  bytes: number | null;
  catalog_run_id: number | null;
  catalog_job_id: number | null;
  catalog_generated_at: Timestamp | null;
}

export interface MetadataAppliedEdgeTable {
  environment_id: number;
  parent_id: number;
  child_id: number;
}

export interface Database {
  accounts: AccountTable;
  projects: ProjectTable;
  service_tokens: ServiceTokenTable;
  service_token_grants: ServiceTokenGrantTable;
  service_token_grant_projects: ServiceTokenGrantProjectTable;
  service_token_policies: ServiceTokenPolicyTable;
  audit_log: AuditLogTable;
  ip_restriction_rules: IpRestrictionRuleTable;
  environments: EnvironmentTable;
  jobs: JobTable;
  runs: RunTable;
  connections: ConnectionTable;
  repositories: RepositoryTable;
  project_settings: ProjectSettingsTable;
  data_platform_configs: DataPlatformConfigTable;
  environment_credentials: EnvironmentCredentialsTable;
  custom_env_vars: CustomEnvVarTable;
  custom_env_var_overrides: CustomEnvVarOverrideTable;
  semantic_layer_configs: SemanticLayerConfigTable;
  develop_sessions: DevelopSessionTable;
  account_settings: AccountSettingsTable;
  account_billing: AccountBillingTable;
  auth_providers: AuthProviderTable;
  members: MemberTable;
  groups: GroupTable;
  group_grants: GroupGrantTable;
  group_grant_projects: GroupGrantProjectTable;
  group_members: GroupMemberTable;
  invitations: InvitationTable;
  invitation_groups: InvitationGroupTable;
  webhooks: WebhookTable;
  webhook_jobs: WebhookJobTable;
  metadata_artifacts: MetadataArtifactsTable;
  metadata_run_nodes: MetadataRunNodeTable;
  metadata_run_edges: MetadataRunEdgeTable;
  metadata_run_results: MetadataRunResultTable;
  metadata_run_freshness: MetadataRunFreshnessTable;
  metadata_run_catalog: MetadataRunCatalogTable;
  metadata_environment_state: MetadataEnvironmentStateTable;
  metadata_applied_nodes: MetadataAppliedNodeTable;
  metadata_applied_edges: MetadataAppliedEdgeTable;
}

export type Account = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
export type Project = Selectable<ProjectTable>;
export type ServiceToken = Selectable<ServiceTokenTable>;
export type ServiceTokenGrant = Selectable<ServiceTokenGrantTable>;
export type ServiceTokenPolicy = Selectable<ServiceTokenPolicyTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
export type IpRestrictionRule = Selectable<IpRestrictionRuleTable>;
export type Environment = Selectable<EnvironmentTable>;
export type Job = Selectable<JobTable>;
export type Run = Selectable<RunTable>;
export type DataConnection = Selectable<ConnectionTable>;
export type Repository = Selectable<RepositoryTable>;
export type ProjectSettings = Selectable<ProjectSettingsTable>;
export type DataPlatformConfig = Selectable<DataPlatformConfigTable>;
export type EnvironmentCredentials = Selectable<EnvironmentCredentialsTable>;
export type CustomEnvVar = Selectable<CustomEnvVarTable>;
export type CustomEnvVarOverride = Selectable<CustomEnvVarOverrideTable>;
export type SemanticLayerConfig = Selectable<SemanticLayerConfigTable>;
export type DevelopSession = Selectable<DevelopSessionTable>;

export type AccountSettings = Selectable<AccountSettingsTable>;
export type AccountBilling = Selectable<AccountBillingTable>;
export type AuthProvider = Selectable<AuthProviderTable>;
export type Member = Selectable<MemberTable>;
export type Group = Selectable<GroupTable>;
export type Invitation = Selectable<InvitationTable>;
export type Webhook = Selectable<WebhookTable>;

export type MetadataArtifacts = Selectable<MetadataArtifactsTable>;
export type MetadataEnvironmentState = Selectable<MetadataEnvironmentStateTable>;
export type MetadataAppliedNode = Selectable<MetadataAppliedNodeTable>;

export type Db = Kysely<Database>;

// Kysely re-prepares every statement; compiling SQL is a fixed cost per query that a small
// cache removes. Statements are safe to reuse because the SQLite driver runs one query at a time.
//
// Kysely opens transactions with a plain (deferred) `begin`. Ours all write, and a deferred
// transaction that reads first cannot wait for the write lock when another process (the
// ingest CLI, a second server) wrote meanwhile: SQLite answers "database is locked" at once.
// `begin immediate` takes the write lock up front, so the busy timeout applies.
function withStatementCache(database: BetterSqlite3.Database, capacity = 512): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(text) {
      const sql = text === 'begin' ? 'begin immediate' : text;
      let statement = cache.get(sql);
      if (!statement) {
        statement = database.prepare(sql) as unknown as SqliteStatement;
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

export interface DbOptions {
  /** Called with every SQL statement executed (tests count them). */
  readonly onQuery?: (sql: string) => void;
}

/**
 * Opens (creating if needed) a SQLite database: WAL journal, foreign keys on, and a busy
 * timeout so that a second process waits for a lock instead of failing. `':memory:'` for tests.
 */
export function createSqliteDb(filename: string, { onQuery }: DbOptions = {}): Db {
  const database = new BetterSqlite3(filename);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // WAL + NORMAL never corrupts on a crash; at worst the last commits before a power loss vanish.
  database.pragma('synchronous = NORMAL');
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
    log: onQuery
      ? (event) => {
          if (event.level === 'query') onQuery(event.query.sql);
        }
      : undefined,
  });
}

/**
 * A PostgreSQL database through Kysely's Postgres dialect, for when one machine is outgrown: the
 * same repositories and migrations run on it. `searchPath` puts every table in one schema.
 */
export function createPostgresDb(connectionString: string, { onQuery, searchPath }: DbOptions & { searchPath?: string } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: 10, ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}) });
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: onQuery
      ? (event) => {
          if (event.level === 'query') onQuery(event.query.sql);
        }
      : undefined,
  });
}

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Every migration file in migrations/, by name. Like Kysely's FileMigrationProvider, but the
 * import happens here, so it goes through the same loader as the rest of our TypeScript (tsx,
 * or vitest's transform) instead of Node's, which cannot load .ts from inside node_modules.
 */
const migrationProvider: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(migrationsFolder)).filter((file) => /^\d{4}-\d\d-\d\d-.+\.ts$/.test(file)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.ts$/, '')] = (await import(pathToFileURL(path.join(migrationsFolder, file)).href)) as Migration;
    }
    return migrations;
  },
};

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

/** Runs every pending migration; throws (naming the migration) if one fails. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error });
  }
}

/** Whether every migration in the folder has been applied (the readiness check). */
export async function migrationsAreCurrent(db: Kysely<any>): Promise<boolean> {
  const migrations = await migrator(db).getMigrations();
  return migrations.every((migration) => migration.executedAt !== undefined);
}

/** Whether a database error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/**
 * Runs `work` in a transaction, or in the caller's transaction when `db` already is one, so that
 * a repository-level operation composes into a larger atomic write.
 */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
