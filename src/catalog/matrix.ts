import type { CanonicalPermissionSetId } from './permission-sets.js';

/**
 * The permission matrix: what each permission set may do with each resource.
 * The spec is ../shared/reference/permission-matrix.csv; test/catalog.test.ts compares cell by cell.
 *
 * Cells:
 * - `W`  read and write (create, edit, delete, trigger)
 * - `R`  read only
 * - `R*` read; write only in environments whose category the grant lists in
 *        `writableEnvironmentCategories`
 * - `-`  no access
 */
export type Cell = 'W' | 'R' | 'R*' | '-';

export type ResourceLevel = 'account' | 'project';

interface ResourceDefinition {
  readonly level: ResourceLevel;
  readonly description: string;
}

export const resources = {
  account_settings: { level: 'account', description: 'The account: name and settings.' },
  audit_logs: { level: 'account', description: 'The append-only record of every write.' },
  auth_provider: { level: 'account', description: 'Single sign-on settings.' },
  billing: { level: 'account', description: 'Plan and seats.' },
  connections: { level: 'account', description: 'Data platform connections shared by projects.' },
  groups: { level: 'account', description: 'Named groups of members with permission grants.' },
  invitations: { level: 'account', description: 'Invitations of new members by email.' },
  ip_restrictions: { level: 'account', description: 'Allow and deny CIDR rules for the account.' },
  licenses: { level: 'account', description: 'Seat allocation per member.' },
  members: { level: 'account', description: "The account's users." },
  project_creation: { level: 'account', description: 'Creating new projects.' },
  service_tokens: { level: 'account', description: 'Service account tokens and their permission grants.' },
  webhooks: { level: 'account', description: 'Webhook subscriptions to job events.' },
  environment_credentials: { level: 'project', description: 'Data platform credentials per environment.' },
  custom_env_vars: { level: 'project', description: 'Environment variables: project defaults and overrides.' },
  data_platform_configs: { level: 'project', description: "A project's data platform connection settings." },
  develop: { level: 'project', description: 'Development sessions and credentials.' },
  environments: { level: 'project', description: 'Development and deployment environments.' },
  jobs: { level: 'project', description: 'Job definitions: steps, schedule, triggers.' },
  metadata: { level: 'project', description: 'The metadata (Discovery) API over dbt artifacts.' },
  permissions: { level: 'project', description: 'Which tokens and groups hold which sets on a project.' },
  projects: { level: 'project', description: 'Project settings, repository and connection links.' },
  repositories: { level: 'project', description: 'Git repositories linked to projects.' },
  runs: { level: 'project', description: 'Job runs: trigger, cancel, history.' },
  semantic_layer_config: { level: 'project', description: 'Semantic layer configuration.' },
} as const satisfies Record<string, ResourceDefinition>;

export type Resource = keyof typeof resources;
export type AccountResource = { [R in Resource]: (typeof resources)[R]['level'] extends 'account' ? R : never }[Resource];
export type ProjectResource = Exclude<Resource, AccountResource>;

export const resourceIds = Object.keys(resources) as Resource[];

export function isAccountResource(resource: Resource): resource is AccountResource {
  return resources[resource].level === 'account';
}

/** The matrix's columns, in the order of the rows below. */
export const matrixColumns = [
  'account_admin',
  'account_viewer',
  'security_admin',
  'billing_admin',
  'project_creator',
  'member',
  'admin',
  'analyst',
  'database_admin',
  'developer',
  'git_admin',
  'job_admin',
  'job_runner',
  'job_viewer',
  'metadata_only',
  'semantic_layer_only',
  'stakeholder',
  'team_admin',
  'webhooks_only',
] as const satisfies readonly CanonicalPermissionSetId[];

type CellsOf<Columns extends readonly unknown[]> = { readonly [I in keyof Columns]: Cell };
type Row = CellsOf<typeof matrixColumns>;

// prettier-ignore
const rows: Record<Resource, Row> = {
  //                       acct_adm acct_vwr sec_adm bill_adm proj_cr member admin analyst db_adm dev   git_adm job_adm job_run job_vwr meta  sl_only stakeh team_adm webhooks
  account_settings:        ['W',    'R',     'R',    '-',     'R',    'W',   'R',  '-',    'R',   '-',  'R',    '-',    '-',    '-',    '-',  '-',    '-',   'R',     '-'],
  audit_logs:              ['R',    'R',     'R',    '-',     '-',    '-',   '-',  '-',    '-',   '-',  '-',    '-',    '-',    '-',    '-',  '-',    '-',   '-',     '-'],
  auth_provider:           ['W',    'R',     'W',    '-',     '-',    '-',   '-',  '-',    '-',   '-',  '-',    '-',    '-',    '-',    '-',  '-',    '-',   '-',     '-'],
  billing:                 ['W',    'R',     '-',    'W',     '-',    '-',   '-',  '-',    '-',   '-',  '-',    '-',    '-',    '-',    '-',  '-',    '-',   '-',     '-'],
  connections:             ['W',    '-',     '-',    '-',     'W',    'W',   'R',  'R',    'R',   'R',  'R',    'R',    '-',    '-',    '-',  '-',    'R',   'R',     '-'],
  groups:                  ['W',    'R',     'W',    '-',     'R',    'R',   'R',  '-',    'R',   'R',  'R',    '-',    '-',    '-',    '-',  '-',    'R',   'R',     '-'],
  invitations:             ['W',    'R',     'W',    '-',     'W',    'W',   'W',  'R',    'R',   'R',  'R',    'R',    '-',    'R',    '-',  '-',    'R',   'R',     '-'],
  ip_restrictions:         ['W',    'R',     'W',    '-',     '-',    '-',   '-',  '-',    '-',   '-',  '-',    '-',    '-',    '-',    '-',  '-',    '-',   '-',     '-'],
  licenses:                ['W',    'R',     'W',    '-',     'W',    'R',   'W',  'R',    'R',   'R',  'R',    'R',    '-',    'R',    '-',  '-',    '-',   'R',     '-'],
  members:                 ['W',    'R',     'W',    '-',     'W',    'R',   'W',  '-',    'R',   'R',  'R',    '-',    '-',    '-',    '-',  '-',    'R',   'R',     '-'],
  project_creation:        ['W',    '-',     '-',    '-',     'W',    'W',   '-',  '-',    '-',   '-',  '-',    '-',    '-',    '-',    '-',  '-',    '-',   '-',     '-'],
  service_tokens:          ['W',    'R',     'R',    '-',     '-',    '-',   '-',  '-',    '-',   '-',  '-',    '-',    '-',    '-',    '-',  '-',    '-',   '-',     '-'],
  webhooks:                ['W',    '-',     '-',    '-',     '-',    'W',   'W',  '-',    '-',   'W',  '-',    '-',    '-',    '-',    '-',  '-',    '-',   '-',     'W'],
  environment_credentials: ['W',    'R',     '-',    '-',     'W',    'W',   'W',  'W',    'W',   'W',  'R',    'W',    '-',    '-',    '-',  '-',    'R',   'R',     '-'],
  custom_env_vars:         ['W',    'R',     '-',    '-',     'W',    'W',   'W',  'W',    'W',   'W',  'W',    'W',    '-',    'R',    '-',  '-',    'R',   'W',     '-'],
  data_platform_configs:   ['W',    'R',     '-',    '-',     'W',    'W',   'W',  'W',    'W',   'W',  'R',    'W',    '-',    '-',    '-',  '-',    'R',   'R',     '-'],
  develop:                 ['W',    '-',     '-',    '-',     'W',    'W',   'W',  'W',    '-',   'W',  '-',    '-',    '-',    '-',    '-',  '-',    '-',   '-',     '-'],
  environments:            ['W',    'R',     '-',    '-',     'W',    'W',   'W',  'R',    'R',   'R',  'R',    'W',    '-',    'R',    '-',  '-',    'R',   'R',     '-'],
  jobs:                    ['W',    'R',     '-',    '-',     'W',    'W',   'W',  'R*',   'R*',  'R*', 'R*',   'W',    'R',    'R',    '-',  '-',    'R',   'R*',    '-'],
  metadata:                ['R',    'R',     '-',    '-',     'R',    'R',   'R',  'R',    'R',   'R',  'R',    'R',    '-',    'R',    'R',  '-',    'R',   'R',     '-'],
  permissions:             ['W',    'R',     'W',    '-',     'W',    'R',   'W',  '-',    'R',   'R',  'R',    '-',    '-',    '-',    '-',  '-',    '-',   'R',     '-'],
  projects:                ['W',    'R',     'R',    '-',     'W',    'W',   'W',  'W',    'W',   'W',  'W',    'R',    '-',    'R',    '-',  '-',    'R',   'W',     '-'],
  repositories:            ['W',    'R',     '-',    '-',     'W',    'W',   'W',  '-',    'R',   'R',  'W',    '-',    '-',    '-',    '-',  '-',    'R',   'R',     '-'],
  runs:                    ['W',    'R',     '-',    '-',     'W',    'W',   'W',  'R*',   'R*',  'R*', 'R*',   'W',    'W',    'R',    '-',  '-',    'R',   'R*',    '-'],
  semantic_layer_config:   ['W',    'R',     '-',    '-',     'W',    'W',   'W',  'R',    'W',   'R',  'R',    'R',    '-',    '-',    '-',  'W',    'R',   'R',     '-'],
};

const columnIndex = new Map<CanonicalPermissionSetId, number>(matrixColumns.map((id, index) => [id, index]));

/** The matrix cell for one resource and one (canonical) permission set. */
export function cellOf(resource: Resource, permissionSet: CanonicalPermissionSetId): Cell {
  return rows[resource][columnIndex.get(permissionSet)!]!;
}
