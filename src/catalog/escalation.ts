import {
  compileAccess,
  type EffectiveAccess,
  environmentCategories,
  type Grant,
  type ResourceAccess,
} from './access.js';
import { isAccountResource, type ProjectResource, type Resource, resourceIds } from './matrix.js';

/** What a grant would give that its granter does not have. */
export interface Escalation {
  readonly resource: Resource;
  readonly action: 'read' | 'write';
  /** The project concerned; null for account-level resources or grants on every project. */
  readonly projectId: number | null;
}

const allCategories = new Set(environmentCategories);

/** Whether `granted` is no more than `held`: read, write, and each writable category. */
function within(
  granted: ResourceAccess | undefined,
  held: ResourceAccess | undefined,
): 'read' | 'write' | null {
  if (!granted) return null;
  if (granted.read && !held?.read) return 'read';
  const heldCategories = held?.write ? allCategories : (held?.writableCategories ?? new Set());
  if (granted.write && !held?.write) return 'write';
  for (const category of granted.writableCategories)
    if (!heldCategories.has(category)) return 'write';
  return null;
}

function heldInProject(
  caller: EffectiveAccess,
  resource: ProjectResource,
  projectId: number | null,
): ResourceAccess | undefined {
  const everywhere = caller.everyProject.get(resource);
  if (projectId === null) return everywhere;
  const here = caller.byProject.get(projectId)?.get(resource);
  if (!everywhere || !here) return everywhere ?? here;
  return {
    read: everywhere.read || here.read,
    write: everywhere.write || here.write,
    writableCategories: new Set([...everywhere.writableCategories, ...here.writableCategories]),
  };
}

/**
 * The first way `grants` would allow more than the caller's own access: no one hands out a
 * permission, a project or an environment category they do not hold. Null when the grants are
 * within the caller's reach.
 */
export function escalationOf(caller: EffectiveAccess, grants: readonly Grant[]): Escalation | null {
  const wanted = compileAccess(grants);
  for (const resource of resourceIds) {
    if (isAccountResource(resource)) {
      const action = within(wanted.account.get(resource), caller.account.get(resource));
      if (action) return { resource, action, projectId: null };
      continue;
    }
    const action = within(wanted.everyProject.get(resource), heldInProject(caller, resource, null));
    if (action) return { resource, action, projectId: null };
    for (const [projectId, resources] of wanted.byProject) {
      const onProject = within(resources.get(resource), heldInProject(caller, resource, projectId));
      if (onProject) return { resource, action: onProject, projectId };
    }
  }
  return null;
}

/** An escalation through a group: what its grants give that the caller does not hold. */
export interface GroupEscalation extends Escalation {
  readonly groupId: number;
}

/**
 * The first way that putting someone into these groups (adding a member, inviting an address)
 * would give them more than the caller's own access: joining a group hands out its grants, so
 * the rule that no one grants what they do not hold covers it exactly as it covers grants. Null
 * when every group is within the caller's reach.
 */
export function escalationThroughGroups(
  caller: EffectiveAccess,
  groups: ReadonlyMap<number, readonly Grant[]>,
): GroupEscalation | null {
  for (const [groupId, grants] of groups) {
    const escalation = escalationOf(caller, grants);
    if (escalation) return { ...escalation, groupId };
  }
  return null;
}
