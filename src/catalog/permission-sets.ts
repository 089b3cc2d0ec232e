/**
 * The permission sets a service token can carry, as dbt Cloud names them.
 * The spec is ../shared/reference/permission-sets.csv; test/catalog.test.ts compares cell by cell.
 */

export const plans = ['team', 'enterprise'] as const;
export type Plan = (typeof plans)[number];

export type PermissionSetLevel = 'account' | 'project';

export interface PermissionSetDefinition {
  readonly name: string;
  /** `account` sets always apply account-wide; `project` sets to all or to specific projects. */
  readonly level: PermissionSetLevel;
  readonly plans: readonly Plan[];
  /** Whether a grant of this set may list `writableEnvironmentCategories` (the `R*` cells). */
  readonly environmentWrite: boolean;
  /** The set whose access this one shares (dbt's `readonly` is `stakeholder`). */
  readonly aliasOf?: string;
  readonly summary: string;
  /**
   * What the matrix alone leaves a reader to work out, and why the set is so: printed under the
   * permission sets in docs/permissions.md. Not part of the reference data.
   */
  readonly note?: string;
}

const both: readonly Plan[] = ['team', 'enterprise'];
const enterprise: readonly Plan[] = ['enterprise'];

export const permissionSets = {
  account_admin: {
    name: 'Account Admin',
    level: 'account',
    plans: both,
    environmentWrite: false,
    summary: 'Full read + write access to the account. Team plans call this the Owner role.',
  },
  account_viewer: {
    name: 'Account Viewer',
    level: 'account',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Read-only access to the account: settings, projects, environments, runs, audit log.',
  },
  security_admin: {
    name: 'Security Admin',
    level: 'account',
    plans: enterprise,
    environmentWrite: false,
    summary:
      'Manages IP restrictions, auth provider, groups, members and licenses; can view service tokens.',
    // dbt Cloud gives Security Admin `permissions` write and no project-level access; the matrix
    // keeps that cell for cell. With Tollgate's rule that no one grants more than they hold, that
    // write can take access away but never hand it out: a security team reviews and revokes
    // (offboarding, incident response, least privilege), while whoever owns a project's work
    // (Account Admin, or Admin on the project) grants it. Were it otherwise, the account's
    // identity role would be a path to production data and job control it was never given.
    note: 'Holds `permissions` write but no project-level set, so it can grant no project permission: `grantProjectPermission` refuses every set it does not itself hold (all of them, on any project). What it can do with `permissions` is review and take away: read `Project.permissionGrants` everywhere and `revokeProjectPermission`, with members, groups, invitations, IP restrictions, SSO and licenses. This is deliberate: the security team audits and removes access (offboarding, incident response), and those who hold a project’s access (Account Admin, or Admin on that project) grant it, so the identity role is never a path to production data or job control. To let one token both manage security and grant project access, give it `security_admin` together with the project-level sets it may hand out.',
  },
  billing_admin: {
    name: 'Billing Admin',
    level: 'account',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Manages billing only.',
  },
  project_creator: {
    name: 'Project Creator',
    level: 'account',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Creates projects and administers them.',
  },
  member: {
    name: 'Member',
    level: 'project',
    plans: both,
    environmentWrite: false,
    summary:
      'Views and edits resources, triggers runs, invites members. Same permissions as a Member user.',
  },
  admin: {
    name: 'Admin',
    level: 'project',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Unrestricted access to the granted projects (all projects or specific ones).',
  },
  analyst: {
    name: 'Analyst',
    level: 'project',
    plans: enterprise,
    environmentWrite: true,
    summary:
      'Develops in the granted projects; read access to environments, jobs and runs unless environment write is granted.',
  },
  database_admin: {
    name: 'Database Admin',
    level: 'project',
    plans: enterprise,
    environmentWrite: true,
    summary: 'Manages data platform configurations and credentials.',
  },
  developer: {
    name: 'Developer',
    level: 'project',
    plans: enterprise,
    environmentWrite: true,
    summary: 'Develops in the granted projects; manages webhooks.',
  },
  git_admin: {
    name: 'Git Admin',
    level: 'project',
    plans: enterprise,
    environmentWrite: true,
    summary: 'Manages repositories and project settings.',
  },
  job_admin: {
    name: 'Job Admin',
    level: 'project',
    plans: both,
    environmentWrite: false,
    summary: 'Views, edits and creates environments; triggers runs; views historical runs.',
  },
  job_runner: {
    name: 'Job Runner',
    level: 'project',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Triggers runs; read-only access to jobs.',
  },
  job_viewer: {
    name: 'Job Viewer',
    level: 'project',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Read-only access to environments, jobs and runs.',
  },
  metadata_only: {
    name: 'Metadata Only',
    level: 'project',
    plans: both,
    environmentWrite: false,
    summary: 'Authorizes requests to the metadata API only.',
  },
  semantic_layer_only: {
    name: 'Semantic Layer Only',
    level: 'project',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Manages the semantic layer configuration only.',
  },
  stakeholder: {
    name: 'Stakeholder',
    level: 'project',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Read-only: dashboard, generated documentation, source freshness reports.',
  },
  readonly: {
    name: 'Read-Only',
    level: 'project',
    plans: both,
    environmentWrite: false,
    aliasOf: 'stakeholder',
    summary:
      'Read-only: dashboard, generated documentation, source freshness reports. Identical to Stakeholder.',
  },
  team_admin: {
    name: 'Team Admin',
    level: 'project',
    plans: enterprise,
    environmentWrite: true,
    summary: 'Administers team membership and project settings.',
  },
  webhooks_only: {
    name: 'Webhooks Only',
    level: 'project',
    plans: enterprise,
    environmentWrite: false,
    summary: 'Creates, edits and manages webhooks.',
  },
} as const satisfies Record<string, PermissionSetDefinition>;

export type PermissionSetId = keyof typeof permissionSets;

export const permissionSetIds = Object.keys(permissionSets) as PermissionSetId[];

/** Sets that own a column of the matrix: every set except aliases. */
export type CanonicalPermissionSetId = Exclude<PermissionSetId, 'readonly'>;

export function isPermissionSetId(value: string): value is PermissionSetId {
  return Object.hasOwn(permissionSets, value);
}

/** The set whose column of the matrix governs `id` (itself, or its alias target). */
export function canonicalPermissionSet(id: PermissionSetId): CanonicalPermissionSetId {
  const definition: PermissionSetDefinition = permissionSets[id];
  return (definition.aliasOf ?? id) as CanonicalPermissionSetId;
}

export function isAssignableOnPlan(id: PermissionSetId, plan: Plan): boolean {
  return (permissionSets[id].plans as readonly Plan[]).includes(plan);
}
