/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Action =
  | 'read'
  | 'write';

export type AuditLogFilter = {
  action?: string | null | undefined;
  actorMemberId?: string | number | null | undefined;
  actorTokenId?: string | number | null | undefined;
  outcome?: AuditOutcome | null | undefined;
  projectId?: string | number | null | undefined;
  since?: string | null | undefined;
};

export type AuditOutcome =
  /** Refused: missing permission or IP restriction. */
  | 'denied'
  /** Refused for bad input, a missing object, or an error. */
  | 'failed'
  /** The write happened. */
  | 'success';

export type CreateServiceTokenInput = {
  /** With `permissions: []`: create the token with no grants; it can do nothing until setServiceTokenGrants gives it some (how dbt Cloud's REST API and its Terraform provider create tokens). */
  allowNoGrants?: boolean | null | undefined;
  /** Addresses it may be used from, besides the account's IP restrictions. */
  allowedCidrs?: Array<string> | null | undefined;
  /** Null: never (unless the account's policy requires an expiry). */
  expiresAt?: string | null | undefined;
  name: string;
  permissions: Array<PermissionGrantInput>;
};

export type EnvironmentCategory =
  | 'development'
  | 'other'
  | 'production'
  | 'staging';

export type EnvironmentType =
  /** Where jobs run for staging, production or other purposes. */
  | 'deployment'
  /** Where developers build; its category is always `development`. */
  | 'development';

/** A permission set to grant. Project-level sets need allProjects: true or projectIds; account-level sets always apply to the whole account. */
export type PermissionGrantInput = {
  allProjects?: boolean | null | undefined;
  permissionSet: PermissionSetId;
  projectIds?: Array<string | number> | null | undefined;
  /** Only for sets that accept it (analyst, database_admin, developer, git_admin, team_admin). */
  writableEnvironmentCategories?: Array<WritableEnvironmentCategory> | null | undefined;
};

/** `account`: applies account-wide. `project`: applies per project. */
export type PermissionLevel =
  | 'account'
  | 'project';

/** A permission set, by its dbt Cloud API id. */
export type PermissionSetId =
  | 'account_admin'
  | 'account_viewer'
  | 'admin'
  | 'analyst'
  | 'billing_admin'
  | 'database_admin'
  | 'developer'
  | 'git_admin'
  | 'job_admin'
  | 'job_runner'
  | 'job_viewer'
  | 'member'
  | 'metadata_only'
  | 'project_creator'
  | 'readonly'
  | 'security_admin'
  | 'semantic_layer_only'
  | 'stakeholder'
  | 'team_admin'
  | 'webhooks_only';

export type Plan =
  | 'enterprise'
  | 'team';

/** A resource the permission catalog governs. */
export type Resource =
  /** The account: name and settings. */
  | 'account_settings'
  /** The append-only record of every write. */
  | 'audit_logs'
  /** Single sign-on settings. */
  | 'auth_provider'
  /** Plan and seats. */
  | 'billing'
  /** Data platform connections shared by projects. */
  | 'connections'
  /** Environment variables: project defaults and overrides. */
  | 'custom_env_vars'
  /** A project's data platform connection settings. */
  | 'data_platform_configs'
  /** Development sessions and credentials. */
  | 'develop'
  /** Data platform credentials per environment. */
  | 'environment_credentials'
  /** Development and deployment environments. */
  | 'environments'
  /** Named groups of members with permission grants. */
  | 'groups'
  /** Invitations of new members by email. */
  | 'invitations'
  /** Allow and deny CIDR rules for the account. */
  | 'ip_restrictions'
  /** Job definitions: steps, schedule, triggers. */
  | 'jobs'
  /** Seat allocation per member. */
  | 'licenses'
  /** The account's users. */
  | 'members'
  /** The metadata (Discovery) API over dbt artifacts. */
  | 'metadata'
  /** Which tokens and groups hold which sets on a project. */
  | 'permissions'
  /** Creating new projects. */
  | 'project_creation'
  /** Project settings, repository and connection links. */
  | 'projects'
  /** Git repositories linked to projects. */
  | 'repositories'
  /** Job runs: trigger, cancel, history. */
  | 'runs'
  /** Semantic layer configuration. */
  | 'semantic_layer_config'
  /** Service account tokens and their permission grants. */
  | 'service_tokens'
  /** Webhook subscriptions to job events. */
  | 'webhooks';

export type RunStatus =
  | 'cancelled'
  | 'error'
  /** Triggered, not started. */
  | 'queued'
  | 'running'
  | 'success';

/** Every filter given must hold. */
export type ServiceTokenFilter = {
  /** Tokens with an expiry before this time. */
  expiringBefore?: string | null | undefined;
  /** Tokens that have not expired and expire within this many days. */
  expiringWithinDays?: number | null | undefined;
  /** Tokens last used before this time (never-used ones excluded). */
  lastUsedBefore?: string | null | undefined;
  /** true: only tokens never used; false: only tokens used at least once. */
  neverUsed?: boolean | null | undefined;
  /** Working tokens holding permissions they did not use in this many days: their suggestedGrants would remove something. */
  overGrantedForDays?: number | null | undefined;
  /** Tokens holding this set. */
  permissionSet?: PermissionSetId | null | undefined;
  /** Tokens with a grant reaching this project (grants on all projects included). */
  projectId?: string | number | null | undefined;
  states?: Array<ServiceTokenState> | null | undefined;
  /** Tokens not used for this many days (never-used ones included). */
  unusedForDays?: number | null | undefined;
};

/** Never-used tokens (and tokens without expiry) sort first ascending, last descending. */
export type ServiceTokenSort = {
  direction?: SortDirection | null | undefined;
  field: ServiceTokenSortField;
};

export type ServiceTokenSortField =
  | 'CREATED_AT'
  | 'EXPIRES_AT'
  | 'LAST_USED_AT'
  | 'NAME';

export type ServiceTokenState =
  /** Accepted. */
  | 'ACTIVE'
  /** Past its expiresAt: refused. */
  | 'EXPIRED'
  /** Revoked: refused. */
  | 'REVOKED';

export type SortDirection =
  | 'ASC'
  | 'DESC';

/** An environment category a grant may write jobs and runs in; `all` means every category. */
export type WritableEnvironmentCategory =
  | 'all'
  | 'development'
  | 'other'
  | 'production'
  | 'staging';

export type ConsoleProjectsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleProjectsQuery = { projects: { edges: Array<{ node: { id: string, name: string, description: string, environments: { edges: Array<{ node: { id: string, name: string, type: EnvironmentType, category: EnvironmentCategory, dbtVersion: string } }> } | null } }> } | null };

export type ConsoleRunFragment = { id: string, status: RunStatus, createdAt: string, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, cause: string, triggeredByTokenId: string | null, errorMessage: string | null, jobId: string };

export type ConsoleProjectJobsQueryVariables = Exact<{
  projectId: string | number;
}>;


export type ConsoleProjectJobsQuery = { project: { id: string, name: string, jobs: { edges: Array<{ node: { id: string, name: string, description: string, environmentId: string, schedule: string | null, triggers: { schedule: boolean }, runs: { edges: Array<{ node: { id: string, status: RunStatus, createdAt: string, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, cause: string, triggeredByTokenId: string | null, errorMessage: string | null, jobId: string } }> } | null } }> } | null } | null };

export type ConsoleJobQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleJobQuery = { job: { id: string, name: string, description: string, schedule: string | null, steps: Array<string>, projectId: string, environment: { id: string, name: string, category: EnvironmentCategory } | null, project: { id: string, name: string } | null, runs: { totalCount: number, edges: Array<{ node: { id: string, status: RunStatus, createdAt: string, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, cause: string, triggeredByTokenId: string | null, errorMessage: string | null, jobId: string } }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } | null } | null };

export type ConsoleTriggerRunMutationVariables = Exact<{
  jobId: string | number;
  cause?: string | null | undefined;
}>;


export type ConsoleTriggerRunMutation = { triggerRun: { id: string, status: RunStatus, createdAt: string, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, cause: string, triggeredByTokenId: string | null, errorMessage: string | null, jobId: string } | null };

export type ConsoleCancelRunMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleCancelRunMutation = { cancelRun: { id: string, status: RunStatus, createdAt: string, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, cause: string, triggeredByTokenId: string | null, errorMessage: string | null, jobId: string } | null };

export type ConsoleTokenUsageQueryVariables = Exact<{
  id: string | number;
  sinceDays: number;
}>;


export type ConsoleTokenUsageQuery = { serviceToken: { id: string, permissionUsage: { coversWindow: boolean, recordedSince: string, granted: Array<{ resource: Resource, action: Action, projectId: string | null, allProjects: boolean, used: boolean, lastUsedAt: string | null, useCount: number }> }, suggestedGrants: { coversWindow: boolean, explanation: string, grants: Array<{ allProjects: boolean, projectIds: Array<string>, permissionSet: { id: PermissionSetId, name: string } }>, removed: Array<{ resource: Resource, action: Action, projectId: string | null }> } } | null };

export type ConsoleApplySuggestedGrantsMutationVariables = Exact<{
  id: string | number;
  sinceDays: number;
}>;


export type ConsoleApplySuggestedGrantsMutation = { applySuggestedGrants: { serviceToken: { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> } } };

export type ConsoleViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleViewerQuery = { viewer: { id: string, name: string, displayHint: string, state: ServiceTokenState, expiresAt: string | null, account: { id: string, name: string, plan: Plan }, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string } }>, effectivePermissions: Array<{ resource: Resource, projectId: string | null, read: boolean, write: boolean, writableEnvironmentCategories: Array<EnvironmentCategory> }> } };

export type ConsoleAccountAccessQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAccountAccessQuery = { viewer: { id: string, tokensRead: { allowed: boolean, reason: string }, tokensWrite: { allowed: boolean, reason: string }, auditRead: { allowed: boolean, reason: string }, settingsWrite: { allowed: boolean, reason: string } } };

export type ConsoleCanQueryVariables = Exact<{
  resource: Resource;
  action: Action;
  projectId?: string | number | null | undefined;
  environmentCategory?: EnvironmentCategory | null | undefined;
}>;


export type ConsoleCanQuery = { viewer: { id: string, can: { allowed: boolean, reason: string, grantedBy: Array<PermissionSetId> } } };

export type ConsoleTokenFragment = { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> };

export type ConsoleServiceTokensQueryVariables = Exact<{
  filter?: ServiceTokenFilter | null | undefined;
  sort?: ServiceTokenSort | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleServiceTokensQuery = { serviceTokens: { totalCount: number, edges: Array<{ node: { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> } }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } | null };

export type ConsolePermissionCatalogQueryVariables = Exact<{
  plan?: Plan | null | undefined;
}>;


export type ConsolePermissionCatalogQuery = { permissionSets: Array<{ id: PermissionSetId, name: string, level: PermissionLevel, description: string, aliasOf: PermissionSetId | null, acceptsWritableEnvironmentCategories: boolean }> };

export type ConsoleProjectNamesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleProjectNamesQuery = { projects: { edges: Array<{ node: { id: string, name: string } }> } | null };

export type ConsoleCreateTokenMutationVariables = Exact<{
  input: CreateServiceTokenInput;
}>;


export type ConsoleCreateTokenMutation = { createServiceToken: { token: string, serviceToken: { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> } } | null };

export type ConsoleRevokeTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleRevokeTokenMutation = { revokeServiceToken: { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> } | null };

export type ConsoleRenameTokenMutationVariables = Exact<{
  id: string | number;
  name: string;
}>;


export type ConsoleRenameTokenMutation = { renameServiceToken: { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> } | null };

export type ConsoleRotateTokenMutationVariables = Exact<{
  id: string | number;
  graceSeconds: number;
  expiresAt?: string | null | undefined;
}>;


export type ConsoleRotateTokenMutation = { rotateServiceToken: { token: string, serviceToken: { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> } } | null };

export type ConsoleSetTokenGrantsMutationVariables = Exact<{
  id: string | number;
  permissions: Array<PermissionGrantInput> | PermissionGrantInput;
}>;


export type ConsoleSetTokenGrantsMutation = { setServiceTokenGrants: { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> } | null };

export type ConsoleSetTokenCidrsMutationVariables = Exact<{
  id: string | number;
  allowedCidrs: Array<string> | string;
}>;


export type ConsoleSetTokenCidrsMutation = { setServiceTokenAllowedCidrs: { id: string, name: string, displayHint: string, state: ServiceTokenState, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, revokedAt: string | null, previousSecretValidUntil: string | null, allowedCidrs: Array<string>, useCount: number, grants: Array<{ id: string, allProjects: boolean, projectIds: Array<string>, writableEnvironmentCategories: Array<WritableEnvironmentCategory>, permissionSet: { id: PermissionSetId, name: string, level: PermissionLevel } }> } | null };

export type ConsoleTokenPolicyQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleTokenPolicyQuery = { serviceTokenPolicy: { maxLifetimeSeconds: number | null, requestsPerMinute: number | null, updatedAt: string | null } };

export type ConsoleUpdateTokenPolicyMutationVariables = Exact<{
  maxLifetimeSeconds?: number | null | undefined;
}>;


export type ConsoleUpdateTokenPolicyMutation = { updateServiceTokenPolicy: { maxLifetimeSeconds: number | null, requestsPerMinute: number | null, updatedAt: string | null } };

export type ConsoleAuditLogQueryVariables = Exact<{
  filter?: AuditLogFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleAuditLogQuery = { auditLog: { totalCount: number, edges: Array<{ node: { id: string, occurredAt: string, action: string, outcome: AuditOutcome, actorTokenId: string | null, targetType: string | null, targetId: string | null, projectId: string | null, clientIp: string | null, details: Record<string, unknown> } }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsoleRunFragmentDoc = new TypedDocumentString(`
    fragment ConsoleRun on Run {
  id
  status
  createdAt
  startedAt
  finishedAt
  durationSeconds
  cause
  triggeredByTokenId
  errorMessage
  jobId
}
    `, {"fragmentName":"ConsoleRun"}) as unknown as TypedDocumentString<ConsoleRunFragment, unknown>;
export const ConsoleTokenFragmentDoc = new TypedDocumentString(`
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}
    `, {"fragmentName":"ConsoleToken"}) as unknown as TypedDocumentString<ConsoleTokenFragment, unknown>;
export const ConsoleProjectsDocument = new TypedDocumentString(`
    query ConsoleProjects {
  projects(first: 100) {
    edges {
      node {
        id
        name
        description
        environments(first: 50) {
          edges {
            node {
              id
              name
              type
              category
              dbtVersion
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleProjectsQuery, ConsoleProjectsQueryVariables>;
export const ConsoleProjectJobsDocument = new TypedDocumentString(`
    query ConsoleProjectJobs($projectId: ID!) {
  project(id: $projectId) {
    id
    name
    jobs(first: 100) {
      edges {
        node {
          id
          name
          description
          environmentId
          schedule
          triggers {
            schedule
          }
          runs(first: 12) {
            edges {
              node {
                ...ConsoleRun
              }
            }
          }
        }
      }
    }
  }
}
    fragment ConsoleRun on Run {
  id
  status
  createdAt
  startedAt
  finishedAt
  durationSeconds
  cause
  triggeredByTokenId
  errorMessage
  jobId
}`) as unknown as TypedDocumentString<ConsoleProjectJobsQuery, ConsoleProjectJobsQueryVariables>;
export const ConsoleJobDocument = new TypedDocumentString(`
    query ConsoleJob($id: ID!, $first: Int, $after: String) {
  job(id: $id) {
    id
    name
    description
    schedule
    steps
    projectId
    environment {
      id
      name
      category
    }
    project {
      id
      name
    }
    runs(first: $first, after: $after) {
      totalCount
      edges {
        node {
          ...ConsoleRun
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
}
    fragment ConsoleRun on Run {
  id
  status
  createdAt
  startedAt
  finishedAt
  durationSeconds
  cause
  triggeredByTokenId
  errorMessage
  jobId
}`) as unknown as TypedDocumentString<ConsoleJobQuery, ConsoleJobQueryVariables>;
export const ConsoleTriggerRunDocument = new TypedDocumentString(`
    mutation ConsoleTriggerRun($jobId: ID!, $cause: String) {
  triggerRun(jobId: $jobId, input: {cause: $cause}) {
    ...ConsoleRun
  }
}
    fragment ConsoleRun on Run {
  id
  status
  createdAt
  startedAt
  finishedAt
  durationSeconds
  cause
  triggeredByTokenId
  errorMessage
  jobId
}`) as unknown as TypedDocumentString<ConsoleTriggerRunMutation, ConsoleTriggerRunMutationVariables>;
export const ConsoleCancelRunDocument = new TypedDocumentString(`
    mutation ConsoleCancelRun($id: ID!) {
  cancelRun(id: $id) {
    ...ConsoleRun
  }
}
    fragment ConsoleRun on Run {
  id
  status
  createdAt
  startedAt
  finishedAt
  durationSeconds
  cause
  triggeredByTokenId
  errorMessage
  jobId
}`) as unknown as TypedDocumentString<ConsoleCancelRunMutation, ConsoleCancelRunMutationVariables>;
export const ConsoleTokenUsageDocument = new TypedDocumentString(`
    query ConsoleTokenUsage($id: ID!, $sinceDays: Int!) {
  serviceToken(id: $id) {
    id
    permissionUsage(sinceDays: $sinceDays) {
      coversWindow
      recordedSince
      granted {
        resource
        action
        projectId
        allProjects
        used
        lastUsedAt
        useCount
      }
    }
    suggestedGrants(sinceDays: $sinceDays) {
      coversWindow
      grants {
        permissionSet {
          id
          name
        }
        allProjects
        projectIds
      }
      removed {
        resource
        action
        projectId
      }
      explanation
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleTokenUsageQuery, ConsoleTokenUsageQueryVariables>;
export const ConsoleApplySuggestedGrantsDocument = new TypedDocumentString(`
    mutation ConsoleApplySuggestedGrants($id: ID!, $sinceDays: Int!) {
  applySuggestedGrants(id: $id, sinceDays: $sinceDays) {
    serviceToken {
      ...ConsoleToken
    }
  }
}
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}`) as unknown as TypedDocumentString<ConsoleApplySuggestedGrantsMutation, ConsoleApplySuggestedGrantsMutationVariables>;
export const ConsoleViewerDocument = new TypedDocumentString(`
    query ConsoleViewer {
  viewer {
    id
    name
    displayHint
    state
    expiresAt
    account {
      id
      name
      plan
    }
    grants {
      id
      allProjects
      projectIds
      writableEnvironmentCategories
      permissionSet {
        id
        name
      }
    }
    effectivePermissions {
      resource
      projectId
      read
      write
      writableEnvironmentCategories
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleViewerQuery, ConsoleViewerQueryVariables>;
export const ConsoleAccountAccessDocument = new TypedDocumentString(`
    query ConsoleAccountAccess {
  viewer {
    id
    tokensRead: can(resource: service_tokens, action: read) {
      allowed
      reason
    }
    tokensWrite: can(resource: service_tokens, action: write) {
      allowed
      reason
    }
    auditRead: can(resource: audit_logs, action: read) {
      allowed
      reason
    }
    settingsWrite: can(resource: account_settings, action: write) {
      allowed
      reason
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAccountAccessQuery, ConsoleAccountAccessQueryVariables>;
export const ConsoleCanDocument = new TypedDocumentString(`
    query ConsoleCan($resource: Resource!, $action: Action!, $projectId: ID, $environmentCategory: EnvironmentCategory) {
  viewer {
    id
    can(
      resource: $resource
      action: $action
      projectId: $projectId
      environmentCategory: $environmentCategory
    ) {
      allowed
      reason
      grantedBy
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleCanQuery, ConsoleCanQueryVariables>;
export const ConsoleServiceTokensDocument = new TypedDocumentString(`
    query ConsoleServiceTokens($filter: ServiceTokenFilter, $sort: ServiceTokenSort, $first: Int, $after: String) {
  serviceTokens(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    edges {
      node {
        ...ConsoleToken
      }
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}`) as unknown as TypedDocumentString<ConsoleServiceTokensQuery, ConsoleServiceTokensQueryVariables>;
export const ConsolePermissionCatalogDocument = new TypedDocumentString(`
    query ConsolePermissionCatalog($plan: Plan) {
  permissionSets(plan: $plan) {
    id
    name
    level
    description
    aliasOf
    acceptsWritableEnvironmentCategories
  }
}
    `) as unknown as TypedDocumentString<ConsolePermissionCatalogQuery, ConsolePermissionCatalogQueryVariables>;
export const ConsoleProjectNamesDocument = new TypedDocumentString(`
    query ConsoleProjectNames {
  projects(first: 1000) {
    edges {
      node {
        id
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleProjectNamesQuery, ConsoleProjectNamesQueryVariables>;
export const ConsoleCreateTokenDocument = new TypedDocumentString(`
    mutation ConsoleCreateToken($input: CreateServiceTokenInput!) {
  createServiceToken(input: $input) {
    token
    serviceToken {
      ...ConsoleToken
    }
  }
}
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}`) as unknown as TypedDocumentString<ConsoleCreateTokenMutation, ConsoleCreateTokenMutationVariables>;
export const ConsoleRevokeTokenDocument = new TypedDocumentString(`
    mutation ConsoleRevokeToken($id: ID!) {
  revokeServiceToken(id: $id) {
    ...ConsoleToken
  }
}
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}`) as unknown as TypedDocumentString<ConsoleRevokeTokenMutation, ConsoleRevokeTokenMutationVariables>;
export const ConsoleRenameTokenDocument = new TypedDocumentString(`
    mutation ConsoleRenameToken($id: ID!, $name: String!) {
  renameServiceToken(id: $id, name: $name) {
    ...ConsoleToken
  }
}
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}`) as unknown as TypedDocumentString<ConsoleRenameTokenMutation, ConsoleRenameTokenMutationVariables>;
export const ConsoleRotateTokenDocument = new TypedDocumentString(`
    mutation ConsoleRotateToken($id: ID!, $graceSeconds: Int!, $expiresAt: DateTime) {
  rotateServiceToken(id: $id, graceSeconds: $graceSeconds, expiresAt: $expiresAt) {
    token
    serviceToken {
      ...ConsoleToken
    }
  }
}
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}`) as unknown as TypedDocumentString<ConsoleRotateTokenMutation, ConsoleRotateTokenMutationVariables>;
export const ConsoleSetTokenGrantsDocument = new TypedDocumentString(`
    mutation ConsoleSetTokenGrants($id: ID!, $permissions: [PermissionGrantInput!]!) {
  setServiceTokenGrants(id: $id, permissions: $permissions) {
    ...ConsoleToken
  }
}
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}`) as unknown as TypedDocumentString<ConsoleSetTokenGrantsMutation, ConsoleSetTokenGrantsMutationVariables>;
export const ConsoleSetTokenCidrsDocument = new TypedDocumentString(`
    mutation ConsoleSetTokenCidrs($id: ID!, $allowedCidrs: [String!]!) {
  setServiceTokenAllowedCidrs(id: $id, allowedCidrs: $allowedCidrs) {
    ...ConsoleToken
  }
}
    fragment ConsoleToken on ServiceToken {
  id
  name
  displayHint
  state
  createdAt
  lastUsedAt
  lastUsedIp
  expiresAt
  revokedAt
  previousSecretValidUntil
  allowedCidrs
  useCount
  grants {
    id
    allProjects
    projectIds
    writableEnvironmentCategories
    permissionSet {
      id
      name
      level
    }
  }
}`) as unknown as TypedDocumentString<ConsoleSetTokenCidrsMutation, ConsoleSetTokenCidrsMutationVariables>;
export const ConsoleTokenPolicyDocument = new TypedDocumentString(`
    query ConsoleTokenPolicy {
  serviceTokenPolicy {
    maxLifetimeSeconds
    requestsPerMinute
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleTokenPolicyQuery, ConsoleTokenPolicyQueryVariables>;
export const ConsoleUpdateTokenPolicyDocument = new TypedDocumentString(`
    mutation ConsoleUpdateTokenPolicy($maxLifetimeSeconds: Int) {
  updateServiceTokenPolicy(maxLifetimeSeconds: $maxLifetimeSeconds) {
    maxLifetimeSeconds
    requestsPerMinute
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleUpdateTokenPolicyMutation, ConsoleUpdateTokenPolicyMutationVariables>;
export const ConsoleAuditLogDocument = new TypedDocumentString(`
    query ConsoleAuditLog($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    edges {
      node {
        id
        occurredAt
        action
        outcome
        actorTokenId
        targetType
        targetId
        projectId
        clientIp
        details
      }
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAuditLogQuery, ConsoleAuditLogQueryVariables>;