import type { Kysely } from 'kysely';
import type {
  AccountBillingTable,
  AccountSettingsTable,
  AccountTable,
  AuditLogTable,
  AuthenticationRefusalTable,
  AuthProviderTable,
  IpRestrictionRuleTable,
} from './tables/accounts.js';
import type {
  ConnectionTable,
  CustomEnvVarOverrideTable,
  CustomEnvVarTable,
  DataPlatformConfigTable,
  DevelopSessionTable,
  EnvironmentCredentialsTable,
  ProjectSettingsTable,
  RepositoryTable,
  SemanticLayerConfigTable,
} from './tables/data-platform.js';
import type {
  EnvironmentTable,
  JobTable,
  ProjectTable,
  RunArtifactFileTable,
  RunTable,
  WebhookJobTable,
  WebhookTable,
} from './tables/deployments.js';
import type {
  IdentityIssuedTokenTable,
  IdentityTokenUseTable,
  IdentityTrustPolicyTable,
} from './tables/identity.js';
import type {
  DataVersionTable,
  RateLimitWindowTable,
  SecretKeyFingerprintTable,
} from './tables/instance.js';
import type {
  LeastPrivilegePolicyTable,
  PermissionUsageTable,
  TokenExpiryWarningTable,
} from './tables/least-privilege.js';
import type {
  MetadataAppliedEdgeTable,
  MetadataAppliedNodeTable,
  MetadataArtifactsTable,
  MetadataEnvironmentStateTable,
  MetadataRunCatalogTable,
  MetadataRunEdgeTable,
  MetadataRunFreshnessTable,
  MetadataRunNodeTable,
  MetadataRunResultTable,
} from './tables/metadata.js';
import type {
  GroupGrantProjectTable,
  GroupGrantTable,
  GroupMemberTable,
  GroupTable,
  InvitationGroupTable,
  InvitationTable,
  MemberSessionTable,
  MemberTable,
  SignInAttemptTable,
} from './tables/people.js';
import type { RunStepTable, WebhookDeliveryTable } from './tables/runner.js';
import type {
  ServiceTokenGrantProjectTable,
  ServiceTokenGrantTable,
  ServiceTokenPolicyTable,
  ServiceTokenTable,
} from './tables/service-tokens.js';

export interface Database {
  accounts: AccountTable;
  projects: ProjectTable;
  service_tokens: ServiceTokenTable;
  service_token_grants: ServiceTokenGrantTable;
  service_token_grant_projects: ServiceTokenGrantProjectTable;
  service_token_policies: ServiceTokenPolicyTable;
  audit_log: AuditLogTable;
  authentication_refusals: AuthenticationRefusalTable;
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
  member_sessions: MemberSessionTable;
  sign_in_attempts: SignInAttemptTable;
  webhooks: WebhookTable;
  webhook_jobs: WebhookJobTable;
  run_steps: RunStepTable;
  webhook_deliveries: WebhookDeliveryTable;
  metadata_artifacts: MetadataArtifactsTable;
  metadata_run_nodes: MetadataRunNodeTable;
  metadata_run_edges: MetadataRunEdgeTable;
  metadata_run_results: MetadataRunResultTable;
  metadata_run_freshness: MetadataRunFreshnessTable;
  metadata_run_catalog: MetadataRunCatalogTable;
  metadata_environment_state: MetadataEnvironmentStateTable;
  metadata_applied_nodes: MetadataAppliedNodeTable;
  metadata_applied_edges: MetadataAppliedEdgeTable;
  rate_limit_windows: RateLimitWindowTable;
  secret_key_fingerprint: SecretKeyFingerprintTable;
  data_version: DataVersionTable;
  identity_trust_policies: IdentityTrustPolicyTable;
  identity_issued_tokens: IdentityIssuedTokenTable;
  identity_token_uses: IdentityTokenUseTable;
  run_artifact_files: RunArtifactFileTable;
  permission_usage: PermissionUsageTable;
  least_privilege_policies: LeastPrivilegePolicyTable;
  token_expiry_warnings: TokenExpiryWarningTable;
}

export type Db = Kysely<Database>;

/** Whether a database error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

/**
 * Runs `work` in a transaction, or in the caller's transaction when `db` already is one, so that
 * a repository-level operation composes into a larger atomic write.
 */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
