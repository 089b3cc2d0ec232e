// Tables of the data platform: connections, repositories, credentials, variables, configs.

import type { Generated, Selectable } from 'kysely';
import type { Flag, Timestamp } from './columns.js';

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

export type CloneStrategy =
  | 'deploy_key'
  | 'github_app'
  | 'gitlab_deploy_token'
  | 'azure_devops_app';

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

export type DataConnectionRow = Selectable<ConnectionTable>;

export type RepositoryRow = Selectable<RepositoryTable>;

export type ProjectSettingsRow = Selectable<ProjectSettingsTable>;

export type DataPlatformConfigRow = Selectable<DataPlatformConfigTable>;

export type EnvironmentCredentialsRow = Selectable<EnvironmentCredentialsTable>;

export type CustomEnvVarRow = Selectable<CustomEnvVarTable>;

export type CustomEnvVarOverrideRow = Selectable<CustomEnvVarOverrideTable>;

export type SemanticLayerConfigRow = Selectable<SemanticLayerConfigTable>;

export type DevelopSessionRow = Selectable<DevelopSessionTable>;
