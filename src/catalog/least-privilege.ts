import {
  type Action,
  actions,
  allowsInProject,
  allowsOnAccount,
  allowsSomewhere,
  compileAccess,
  coversProject,
  type EffectiveAccess,
  environmentCategories,
  type Grant,
  type ResourceAccess,
  readableProjects,
} from './access.js';
import { escalationOf } from './escalation.js';
import {
  type AccountResource,
  cellOf,
  isAccountResource,
  type ProjectResource,
  type Resource,
  resourceIds,
} from './matrix.js';
import {
  canonicalPermissionSet,
  isAssignableOnPlan,
  type PermissionSetId,
  type Plan,
  permissionSetIds,
  permissionSets,
} from './permission-sets.js';

// Least privilege from observed use: which permissions a token's rules granted, and the smallest
// set of permission sets that would still grant every one of them.

/**
 * One permission a token's rules granted. `projectId` is null for an account-level resource, and
 * for a project-level one used across projects at once (a list over every project the token
 * reaches, such as the root `runs` field).
 */
export interface UsedPermission {
  readonly resource: Resource;
  readonly action: Action;
  readonly projectId: number | null;
}

/** What a suggestion takes away: on one project, or (null) account-wide / on every project. */
export interface RemovedPermission {
  readonly resource: Resource;
  readonly action: Action;
  readonly projectId: number | null;
}

export interface SuggestionAlternative {
  readonly grants: readonly Grant[];
  /** Permissions (resource × action × project scope) granted that were never used. */
  readonly unusedPermissions: number;
  /** Of those, writes: a tie is broken first by granting fewer unused writes. */
  readonly unusedWrites: number;
}

export interface GrantSuggestion extends SuggestionAlternative {
  /** Other covers as small (same number of sets, same project scopes), in preference order. */
  readonly ties: readonly SuggestionAlternative[];
  /** What the token's current grants allow that the suggestion does not. */
  readonly removed: readonly RemovedPermission[];
  /**
   * Current grants kept unchanged: the only ones that allowed some used permission without
   * granting more than the token holds (a write through a grant's environment categories).
   */
  readonly kept: readonly Grant[];
  /** Why this suggestion, in a sentence or two. */
  readonly explanation: string;
}

/** Sets a suggestion may use: the plan's, one per matrix column (an alias only if its target is not). */
function candidateSets(plan: Plan): PermissionSetId[] {
  const allowed = permissionSetIds.filter((id) => isAssignableOnPlan(id, plan));
  const seen = new Set<string>();
  const candidates: PermissionSetId[] = [];
  // Canonical sets first so that `stakeholder` wins over its alias where both are allowed.
  const ordered = [
    ...allowed.filter((id) => canonicalPermissionSet(id) === id),
    ...allowed.filter((id) => canonicalPermissionSet(id) !== id),
  ];
  for (const id of ordered) {
    const column = canonicalPermissionSet(id);
    if (seen.has(column)) continue;
    seen.add(column);
    candidates.push(id);
  }
  return candidates.sort((a, b) => permissionSetIds.indexOf(a) - permissionSetIds.indexOf(b));
}

/** Whether the set permits the action on the resource on its own (a write needs a `W` cell). */
function setPermits(set: PermissionSetId, resource: Resource, action: Action): boolean {
  const cell = cellOf(resource, canonicalPermissionSet(set));
  return action === 'read' ? cell !== '-' : cell === 'W';
}

const isAccountSet = (set: PermissionSetId) => permissionSets[set].level === 'account';

/**
 * What must be covered. `all`: on every project (a list across projects by a token that reaches
 * every project); `account`: account-level; a number: that project.
 */
interface Need {
  readonly resource: Resource;
  readonly action: Action;
  readonly scope: 'account' | 'all' | number;
}

const needKey = (need: Need) => `${need.resource}:${need.action}:${need.scope}`;

/**
 * The needs of the used permissions. A use across projects must keep its list whole: it needs
 * the permission wherever the current grants give it (every project, or each project listed).
 */
function needsOf(current: EffectiveAccess, used: readonly UsedPermission[]): Need[] {
  const needs = new Map<string, Need>();
  const add = (need: Need) => needs.set(needKey(need), need);
  for (const { resource, action, projectId } of used) {
    if (isAccountResource(resource)) {
      add({ resource, action, scope: 'account' });
    } else if (projectId !== null) {
      add({ resource, action, scope: projectId });
    } else if (action === 'read') {
      const where = readableProjects(current, resource as ProjectResource);
      if (where === 'all') add({ resource, action, scope: 'all' });
      else for (const project of where) add({ resource, action, scope: project });
    } else {
      const everywhere = current.everyProject.get(resource as ProjectResource);
      if (everywhere?.write || (everywhere?.writableCategories.size ?? 0) > 0)
        add({ resource, action, scope: 'all' });
      else
        for (const [project, resources] of current.byProject) {
          const here = resources.get(resource as ProjectResource);
          if (here?.write || (here?.writableCategories.size ?? 0) > 0)
            add({ resource, action, scope: project });
        }
    }
  }
  return [...needs.values()];
}

/** Whether the access allows the need, in every environment category the request could have had. */
function accessAllows(access: EffectiveAccess, need: Need): boolean {
  const { resource, action, scope } = need;
  if (scope === 'account') return allowsOnAccount(access, resource as AccountResource, action);
  const projectResource = resource as ProjectResource;
  if (scope === 'all') {
    const everywhere = access.everyProject.get(projectResource);
    return action === 'read' ? everywhere?.read === true : everywhere?.write === true;
  }
  return allowsInProject(access, projectResource, action, { projectId: scope });
}

/** Whether the entry allows the action at all: reading, or writing in some environment category. */
function allowsAtAll(entry: ResourceAccess | undefined, action: Action): boolean {
  if (!entry) return false;
  return action === 'read' ? entry.read : entry.write || entry.writableCategories.size > 0;
}

/** Whether the access allows the need in at least one environment category. */
function allowsInSomeCategory(access: EffectiveAccess, need: Need): boolean {
  const { resource, action, scope } = need;
  if (scope === 'account') return allowsOnAccount(access, resource as AccountResource, action);
  const projectResource = resource as ProjectResource;
  if (allowsAtAll(access.everyProject.get(projectResource), action)) return true;
  return scope !== 'all' && allowsAtAll(access.byProject.get(scope)?.get(projectResource), action);
}

/** Every (resource, action, scope) an access allows, for counting what was granted but unused. */
function grantedPermissions(access: EffectiveAccess): Need[] {
  const granted: Need[] = [];
  for (const resource of resourceIds) {
    for (const action of actions) {
      if (isAccountResource(resource)) {
        if (allowsOnAccount(access, resource, action))
          granted.push({ resource, action, scope: 'account' });
        continue;
      }
      if (allowsAtAll(access.everyProject.get(resource), action)) {
        granted.push({ resource, action, scope: 'all' });
        continue;
      }
      for (const [projectId, resources] of access.byProject)
        if (allowsAtAll(resources.get(resource), action))
          granted.push({ resource, action, scope: projectId });
    }
  }
  return granted;
}

/** The permissions an access grants (resource, action, project or null for account/all projects). */
export function permissionsGranted(
  grants: readonly Grant[],
): { resource: Resource; action: Action; projectId: number | null; allProjects: boolean }[] {
  return grantedPermissions(compileAccess(grants)).map((need) => ({
    resource: need.resource,
    action: need.action,
    projectId: typeof need.scope === 'number' ? need.scope : null,
    allProjects: need.scope === 'all',
  }));
}

/** A candidate cover: its grants, sorted by the objective below. */
interface Candidate extends SuggestionAlternative {
  readonly allProjectGrants: number;
  readonly projectIdsListed: number;
  readonly order: number;
}

function objective(a: Candidate, b: Candidate): number {
  return (
    a.grants.length - b.grants.length ||
    a.allProjectGrants - b.allProjectGrants ||
    a.projectIdsListed - b.projectIdsListed ||
    a.unusedWrites - b.unusedWrites ||
    a.unusedPermissions - b.unusedPermissions ||
    a.order - b.order
  );
}

const sameSize = (a: Candidate, b: Candidate) =>
  a.grants.length === b.grants.length &&
  a.allProjectGrants === b.allProjectGrants &&
  a.projectIdsListed === b.projectIdsListed;

function* combinations<T>(items: readonly T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let index = start; index <= items.length - size; index++)
    for (const rest of combinations(items, size - 1, index + 1)) yield [items[index]!, ...rest];
}

/**
 * Fewest specific-project listings of the sets chosen, given which of them are on every project:
 * for each project, the smallest subset of the specific-scoped sets covering its remaining needs.
 * Null when some need cannot be covered.
 */
function scopeProjects(
  sets: readonly PermissionSetId[],
  onEveryProject: readonly boolean[],
  needs: readonly Need[],
): Map<PermissionSetId, number[]> | null {
  const projects = new Map<PermissionSetId, number[]>(sets.map((set) => [set, []]));
  const everywhere = (need: Need) =>
    sets.some((set, index) => onEveryProject[index] && setPermits(set, need.resource, need.action));
  const byProject = new Map<number, Need[]>();
  for (const need of needs) {
    if (need.scope === 'account') {
      if (!sets.some((set) => setPermits(set, need.resource, need.action))) return null;
    } else if (need.scope === 'all') {
      if (!everywhere(need)) return null;
    } else if (!everywhere(need)) {
      const list = byProject.get(need.scope) ?? [];
      list.push(need);
      byProject.set(need.scope, list);
    }
  }
  const specific = sets.filter((_set, index) => !onEveryProject[index]);
  for (const [projectId, projectNeeds] of byProject) {
    let chosen: PermissionSetId[] | null = null;
    for (let size = 1; size <= specific.length && !chosen; size++)
      for (const subset of combinations(specific, size))
        if (
          projectNeeds.every((need) =>
            subset.some((set) => setPermits(set, need.resource, need.action)),
          )
        ) {
          chosen = subset;
          break;
        }
    if (!chosen) return null;
    for (const set of chosen) projects.get(set)!.push(projectId);
  }
  return projects;
}

/** The largest number of sets a suggestion tries; the catalog never needs more for a real token. */
const maxSets = 5;

/**
 * The smallest set of permission sets, allowed by the plan, each on every project or on the
 * fewest specific projects, that still allows every used permission, without granting anything
 * the token does not hold today. Exact: covers are tried by increasing number of sets; among
 * covers of the same size, fewer grants on every project, then fewer project ids listed, then
 * fewer unused writes, then fewer unused permissions, then the catalog's order of sets decide
 * (the others are returned as ties). A used write that only an environment-category grant
 * allowed (no set writes it without granting more) keeps that grant as it is.
 */
export function suggestGrants(input: {
  readonly plan: Plan;
  readonly current: readonly Grant[];
  readonly used: readonly UsedPermission[];
}): GrantSuggestion {
  const currentAccess = compileAccess(input.current);
  // What the grants no longer allow (they were narrowed since) is not granted back.
  const allNeeds = needsOf(currentAccess, input.used).filter((need) =>
    allowsInSomeCategory(currentAccess, need),
  );
  const candidates = candidateSets(input.plan);
  const coverable = (need: Need) =>
    candidates.some(
      (set) =>
        setPermits(set, need.resource, need.action) &&
        escalationOf(currentAccess, [
          grantOf(set, need.scope === 'all' || need.scope === 'account' ? null : [need.scope]),
        ]) === null,
    );
  // Writes through environment categories: kept as granted today.
  const kept: Grant[] = [];
  for (const need of allNeeds.filter((need) => !coverable(need))) {
    for (const grant of input.current) {
      if (kept.includes(grant)) continue;
      const access = compileAccess([grant]);
      const project = typeof need.scope === 'number' ? need.scope : null;
      const resource = need.resource as ProjectResource;
      if (
        allowsAtAll(access.everyProject.get(resource), need.action) ||
        (project !== null && allowsAtAll(access.byProject.get(project)?.get(resource), need.action))
      )
        kept.push(grant);
    }
  }
  const keptAccess = compileAccess(kept);
  const needs = allNeeds.filter(
    (need) => coverable(need) && !(kept.length > 0 && accessAllows(keptAccess, need)),
  );
  const usedKeys = new Set(allNeeds.map(needKey));

  const evaluate = (grants: Grant[], order: number): Candidate => {
    const granted = grantedPermissions(compileAccess([...kept, ...grants]));
    const unused = granted.filter((need) => !usedKeys.has(needKey(need)));
    return {
      grants,
      unusedPermissions: unused.length,
      unusedWrites: unused.filter((need) => need.action === 'write').length,
      allProjectGrants: grants.filter((grant) => grant.projectIds === null).length,
      projectIdsListed: grants.reduce((sum, grant) => sum + (grant.projectIds?.length ?? 0), 0),
      order,
    };
  };

  const found: Candidate[] = [];
  if (needs.length > 0) {
    // Only sets that allow at least one need can be part of a smallest cover.
    const useful = candidates.filter((set) =>
      needs.some((need) => setPermits(set, need.resource, need.action)),
    );
    let order = 0;
    for (let size = 1; size <= Math.min(maxSets, useful.length) && found.length === 0; size++) {
      for (const sets of combinations(useful, size)) {
        const projectSets = sets.map((set) => !isAccountSet(set));
        // Each project-level set on every project or on specific ones: 2^k choices, k ≤ maxSets.
        for (let mask = 0; mask < 1 << size; mask++) {
          if (sets.some((set, index) => isAccountSet(set) && (mask & (1 << index)) === 0)) continue;
          const onEveryProject = sets.map((_set, index) => (mask & (1 << index)) !== 0);
          const projects = scopeProjects(sets, onEveryProject, needs);
          if (!projects) continue;
          const grants = sets.map((set, index) =>
            grantOf(
              set,
              onEveryProject[index] || !projectSets[index]
                ? null
                : projects.get(set)!.sort((a, b) => a - b),
            ),
          );
          // A specific-scoped set that covers nothing: a smaller cover exists.
          if (grants.some((grant) => grant.projectIds?.length === 0)) continue;
          if (escalationOf(currentAccess, grants) !== null) continue;
          found.push(evaluate(grants, order++));
        }
      }
    }
  }
  found.sort(objective);
  if (needs.length > 0 && found.length === 0) return unchanged(input.current, currentAccess);
  const best = found[0] ?? evaluate([], 0);
  const ties = found
    .slice(1)
    .filter((other) => sameSize(other, best))
    .slice(0, 5);
  const grants = [...kept, ...best.grants];
  const suggestedAccess = compileAccess(grants);
  const removed = grantedPermissions(currentAccess)
    .filter((need) => !accessAllows(suggestedAccess, need))
    .map((need) => ({
      resource: need.resource,
      action: need.action,
      projectId: typeof need.scope === 'number' ? need.scope : null,
    }));
  return {
    grants,
    unusedPermissions: best.unusedPermissions,
    unusedWrites: best.unusedWrites,
    ties: ties.map(({ grants, unusedPermissions, unusedWrites }) => ({
      grants,
      unusedPermissions,
      unusedWrites,
    })),
    removed,
    kept,
    explanation: explain(best, ties, kept, input.used.length),
  };
}

/** No cover of at most `maxSets` sets within what the token holds: suggest keeping its grants. */
function unchanged(current: readonly Grant[], access: EffectiveAccess): GrantSuggestion {
  const granted = grantedPermissions(access);
  return {
    grants: current,
    unusedPermissions: granted.length,
    unusedWrites: granted.filter((need) => need.action === 'write').length,
    ties: [],
    removed: [],
    kept: current,
    explanation: `No cover of at most ${maxSets} permission sets allows every used permission without granting more than the token holds: its grants are kept.`,
  };
}

function grantOf(set: PermissionSetId, projectIds: number[] | null): Grant {
  return {
    permissionSet: set,
    projectIds: isAccountSet(set) ? null : projectIds,
    writableEnvironmentCategories: [],
  };
}

const describeGrant = (grant: Grant) =>
  `${grant.permissionSet} on ${grant.projectIds === null ? 'every project' : `project${grant.projectIds.length > 1 ? 's' : ''} ${grant.projectIds.join(', ')}`}`;

function explain(
  best: Candidate,
  ties: readonly Candidate[],
  kept: readonly Grant[],
  usedCount: number,
): string {
  if (usedCount === 0) return 'No permission was used in the window: nothing needs to be granted.';
  const parts: string[] = [];
  if (best.grants.length > 0)
    parts.push(
      `${best.grants.length} permission set${best.grants.length > 1 ? 's' : ''} (${best.grants.map(describeGrant).join('; ')}) ${best.grants.length > 1 ? 'cover' : 'covers'} every permission used; no smaller cover exists.`,
    );
  if (kept.length > 0)
    parts.push(
      `Kept as granted: ${kept.map(describeGrant).join('; ')} (a write allowed through its environment categories; no set allows it without granting more).`,
    );
  if (ties.length > 0) {
    const reasons = ties.map((tie) => {
      const why =
        tie.unusedWrites > best.unusedWrites
          ? `it grants ${tie.unusedWrites} unused write${tie.unusedWrites > 1 ? 's' : ''} against ${best.unusedWrites}`
          : tie.unusedPermissions > best.unusedPermissions
            ? `it grants ${tie.unusedPermissions} unused permissions against ${best.unusedPermissions}`
            : 'equal on every measure; the catalog order decides';
      return `${tie.grants.map(describeGrant).join(' + ')} (${why})`;
    });
    parts.push(`Ties of the same size, not chosen: ${reasons.join('; ')}.`);
  }
  return parts.join(' ');
}

/**
 * Whether every recorded permission that `before` allowed is still allowed by `after`, in every
 * environment category and project it could have been used in: the proof that applying a
 * suggestion refuses none of the token's recorded requests. Returns the first that would be refused.
 */
export function firstRefusedAfter(
  before: readonly Grant[],
  after: readonly Grant[],
  used: readonly UsedPermission[],
): UsedPermission | null {
  const old = compileAccess(before);
  const next = compileAccess(after);
  const scopes = [
    undefined,
    ...environmentCategories.map((environmentCategory) => environmentCategory),
  ] as const;
  for (const permission of used) {
    const { resource, action, projectId } = permission;
    if (isAccountResource(resource)) {
      if (allowsOnAccount(old, resource, action) && !allowsOnAccount(next, resource, action))
        return permission;
      continue;
    }
    const projectResource = resource as ProjectResource;
    if (projectId === null) {
      if (action === 'read') {
        const was = readableProjects(old, projectResource);
        const now = readableProjects(next, projectResource);
        if (was === 'all' ? now !== 'all' : now !== 'all' && was.some((id) => !now.includes(id)))
          return permission;
      } else if (
        allowsSomewhere(old, projectResource, action) &&
        !allowsSomewhere(next, projectResource, action)
      )
        return permission;
      continue;
    }
    if (coversProject(old, projectId) && !coversProject(next, projectId)) return permission;
    for (const environmentCategory of scopes) {
      const scope = { projectId, environmentCategory };
      if (
        allowsInProject(old, projectResource, action, scope) &&
        !allowsInProject(next, projectResource, action, scope)
      )
        return permission;
    }
  }
  return null;
}
