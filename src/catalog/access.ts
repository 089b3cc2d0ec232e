import {
  type AccountResource,
  type Cell,
  cellOf,
  isAccountResource,
  type ProjectResource,
  type Resource,
  resourceIds,
} from './matrix.js';
import {
  canonicalPermissionSet,
  type PermissionSetId,
  permissionSetIds,
  permissionSets,
} from './permission-sets.js';

export const environmentCategories = ['development', 'staging', 'production', 'other'] as const;
export type EnvironmentCategory = (typeof environmentCategories)[number];

/** What a grant may list in `writableEnvironmentCategories`; `all` means every category. */
export const writableEnvironmentCategories = [...environmentCategories, 'all'] as const;
export type WritableEnvironmentCategory = (typeof writableEnvironmentCategories)[number];

export const actions = ['read', 'write'] as const;
export type Action = (typeof actions)[number];

/** One permission set held by a token, on every project (`projectIds: null`) or on some. */
export interface Grant {
  readonly permissionSet: PermissionSetId;
  readonly projectIds: readonly number[] | null;
  readonly writableEnvironmentCategories: readonly WritableEnvironmentCategory[];
}

/**
 * Where a project-level check applies: the project, and for jobs and runs the environment's
 * category. `wholeProject` marks an object that lives in the project but in no one environment:
 * an `R*` cell never writes it (it writes only in environments of the categories a grant lists,
 * `all` included), so only a `W` cell does, and a refusal says so.
 */
export interface ProjectScope {
  readonly projectId: number;
  readonly environmentCategory?: EnvironmentCategory | null;
  readonly wholeProject?: boolean;
}

/** What one or more grants allow on one resource. `write` means write in every environment. */
export interface ResourceAccess {
  readonly read: boolean;
  readonly write: boolean;
  readonly writableCategories: ReadonlySet<EnvironmentCategory>;
}

const noCategories: ReadonlySet<EnvironmentCategory> = new Set();
const everyCategory: ReadonlySet<EnvironmentCategory> = new Set(environmentCategories);
// Shared, never mutated: compiling a token's access runs on every request, so the common cells
// allocate nothing.
const noAccess: ResourceAccess = { read: false, write: false, writableCategories: noCategories };
const readOnly: ResourceAccess = { read: true, write: false, writableCategories: noCategories };
const readWrite: ResourceAccess = { read: true, write: true, writableCategories: everyCategory };

/**
 * A token's grants compiled once per request into lookups, so that each guarded field costs a
 * couple of map reads however many rows a list has.
 */
export interface EffectiveAccess {
  readonly account: ReadonlyMap<AccountResource, ResourceAccess>;
  /** Project-level access from grants that cover every project (account-level sets included). */
  readonly everyProject: ReadonlyMap<ProjectResource, ResourceAccess>;
  /** Project-level access from grants on specific projects, by project id. */
  readonly byProject: ReadonlyMap<number, ReadonlyMap<ProjectResource, ResourceAccess>>;
  readonly coversEveryProject: boolean;
}

const readWriteEveryCategory: ResourceAccess = {
  read: true,
  write: false,
  writableCategories: everyCategory,
};

/**
 * What an `R*` cell gives under this grant: read, and write in the environments of the categories
 * it lists. `all` lists every category, and is still no write on what has no environment: only a
 * `W` cell gives that.
 */
function environmentWriteOf(grant: Grant): ResourceAccess {
  const listed = grant.writableEnvironmentCategories;
  if (listed.includes('all')) return readWriteEveryCategory;
  if (listed.length === 0) return readOnly;
  return { read: true, write: false, writableCategories: new Set(listed as EnvironmentCategory[]) };
}

function accessOfCell(cell: Cell, environmentWrite: ResourceAccess): ResourceAccess {
  switch (cell) {
    case 'W':
      return readWrite;
    case 'R':
      return readOnly;
    case 'R*':
      return environmentWrite;
    case '-':
      return noAccess;
  }
}

function union(a: ResourceAccess | undefined, b: ResourceAccess): ResourceAccess {
  if (!a || a === b) return b;
  // Write in every category covers everything else.
  if (a.write) return a;
  if (b.write) return b;
  // One side adds nothing to the other: keep it, allocate nothing.
  if (b.writableCategories.size === 0 && (a.read || !b.read)) return a;
  if (a.writableCategories.size === 0 && (b.read || !a.read)) return b;
  return {
    read: a.read || b.read,
    write: false,
    writableCategories: new Set([...a.writableCategories, ...b.writableCategories]),
  };
}

function addTo<K>(target: Map<K, ResourceAccess>, key: K, access: ResourceAccess): void {
  if (access.read || access.write || access.writableCategories.size > 0) {
    target.set(key, union(target.get(key), access));
  }
}

/** Compiles grants into the union of what each allows; never more than one grant allows. */
export function compileAccess(grants: readonly Grant[]): EffectiveAccess {
  const account = new Map<AccountResource, ResourceAccess>();
  const everyProject = new Map<ProjectResource, ResourceAccess>();
  const byProject = new Map<number, Map<ProjectResource, ResourceAccess>>();
  let coversEveryProject = false;

  for (const grant of grants) {
    const column = canonicalPermissionSet(grant.permissionSet);
    // Account-level sets apply account-wide whatever the grant says.
    const wholeAccount =
      grant.projectIds === null || permissionSets[grant.permissionSet].level === 'account';
    if (wholeAccount) coversEveryProject = true;
    for (const projectId of wholeAccount ? [] : grant.projectIds!) {
      if (!byProject.has(projectId)) byProject.set(projectId, new Map());
    }
    const environmentWrite = environmentWriteOf(grant);
    for (const resource of resourceIds) {
      const access = accessOfCell(cellOf(resource, column), environmentWrite);
      if (isAccountResource(resource)) {
        addTo(account, resource, access);
      } else if (wholeAccount) {
        addTo(everyProject, resource, access);
      } else {
        for (const projectId of grant.projectIds!)
          addTo(byProject.get(projectId)!, resource, access);
      }
    }
  }
  return { account, everyProject, byProject, coversEveryProject };
}

const accessByGrants = new Map<string, EffectiveAccess>();
const accessByGrantsCapacity = 1024;

/**
 * `compileAccess` for a caller's grants, compiled once per distinct grants in this process:
 * every request compiles its caller's, and a caller's grants rarely change between requests.
 * Callers with equal grants share one result; nothing modifies an EffectiveAccess.
 */
export function callerAccess(grants: readonly Grant[]): EffectiveAccess {
  const key = grants
    .map(
      (grant) =>
        `${grant.permissionSet}/${grant.projectIds?.join(',') ?? '*'}/${grant.writableEnvironmentCategories.join(',')}`,
    )
    .join(' ');
  let access = accessByGrants.get(key);
  if (!access) {
    access = compileAccess(grants);
    if (accessByGrants.size >= accessByGrantsCapacity)
      accessByGrants.delete(accessByGrants.keys().next().value!);
    accessByGrants.set(key, access);
  }
  return access;
}

/** Whether any grant reaches the project at all (with any set). Outside it, objects are NOT_FOUND. */
export function coversProject(access: EffectiveAccess, projectId: number): boolean {
  return access.coversEveryProject || access.byProject.has(projectId);
}

function projectAccess(
  access: EffectiveAccess,
  resource: ProjectResource,
  projectId: number,
): ResourceAccess {
  const everywhere = access.everyProject.get(resource);
  const here = access.byProject.get(projectId)?.get(resource);
  if (everywhere && here) return union(everywhere, here);
  return everywhere ?? here ?? noAccess;
}

function permits(
  resourceAccess: ResourceAccess,
  action: Action,
  category?: EnvironmentCategory | null,
): boolean {
  if (action === 'read') return resourceAccess.read;
  if (resourceAccess.write) return true;
  return category != null && resourceAccess.writableCategories.has(category);
}

/** Whether the access allows `action` on an account-level resource. */
export function allowsOnAccount(
  access: EffectiveAccess,
  resource: AccountResource,
  action: Action,
): boolean {
  return permits(access.account.get(resource) ?? noAccess, action);
}

/**
 * Whether the access allows `action` on a project-level resource in the scope. A write on an `R*`
 * cell needs the scope's environment category; without one it is refused.
 */
export function allowsInProject(
  access: EffectiveAccess,
  resource: ProjectResource,
  action: Action,
  scope: ProjectScope,
): boolean {
  return permits(
    projectAccess(access, resource, scope.projectId),
    action,
    scope.environmentCategory,
  );
}

/** Whether `action` on the project-level resource is allowed in at least one project (or category). */
export function allowsSomewhere(
  access: EffectiveAccess,
  resource: ProjectResource,
  action: Action,
): boolean {
  const somewhere = (entry: ResourceAccess | undefined) =>
    entry !== undefined &&
    (action === 'read' ? entry.read : entry.write || entry.writableCategories.size > 0);
  if (somewhere(access.everyProject.get(resource))) return true;
  for (const resources of access.byProject.values())
    if (somewhere(resources.get(resource))) return true;
  return false;
}

/** The projects where the resource may be read: `'all'`, or the ids. Lists filter by this. */
export function readableProjects(
  access: EffectiveAccess,
  resource: ProjectResource,
): 'all' | number[] {
  if (access.everyProject.get(resource)?.read) return 'all';
  const ids: number[] = [];
  for (const [projectId, resources] of access.byProject)
    if (resources.get(resource)?.read) ids.push(projectId);
  return ids;
}

/**
 * The permission sets that would allow `action` on the resource: the hint in a FORBIDDEN error.
 * For writes on an `R*` cell the set is listed too, since a grant with the environment's
 * category would allow it.
 */
export function acceptedPermissionSets(resource: Resource, action: Action): PermissionSetId[] {
  return permissionSetIds.filter((id) => {
    const cell = cellOf(resource, canonicalPermissionSet(id));
    if (action === 'read') return cell !== '-';
    return cell === 'W' || (cell === 'R*' && !isAccountResource(resource));
  });
}

/**
 * The permission sets whose cell for the resource is `R*`: they write it only in the environments
 * of the categories a grant lists, so never on a whole project.
 */
export function setsWritingPerCategory(resource: ProjectResource): PermissionSetId[] {
  return permissionSetIds.filter((id) => cellOf(resource, canonicalPermissionSet(id)) === 'R*');
}
