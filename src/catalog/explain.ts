import {
  type Action,
  acceptedPermissionSets,
  allowsInProject,
  allowsOnAccount,
  compileAccess,
  coversProject,
  type EffectiveAccess,
  type EnvironmentCategory,
  type Grant,
  type ResourceAccess,
} from './access.js';
import {
  cellOf,
  isAccountResource,
  type ProjectResource,
  type Resource,
  resourceIds,
  resources,
} from './matrix.js';
import { canonicalPermissionSet, type PermissionSetId } from './permission-sets.js';

export interface Explanation {
  readonly allowed: boolean;
  /** A sentence for people: which sets allow it, or what is missing. */
  readonly reason: string;
  /** The permission sets of the token that allow it. */
  readonly grantedBy: readonly PermissionSetId[];
}

export interface Question {
  readonly resource: Resource;
  readonly action: Action;
  /** Required for project-level resources. */
  readonly projectId?: number | null;
  /** For writes on jobs and runs of sets that write per environment category. */
  readonly environmentCategory?: EnvironmentCategory | null;
}

function allowsAlone(access: EffectiveAccess, question: Question): boolean {
  if (isAccountResource(question.resource))
    return allowsOnAccount(access, question.resource, question.action);
  return allowsInProject(access, question.resource as ProjectResource, question.action, {
    projectId: question.projectId!,
    environmentCategory: question.environmentCategory ?? null,
  });
}

/**
 * Answers "may a token with these grants do this?" the way the rules would, with the reason:
 * which of its sets allow it, or why none does. The caller checks that a project-level
 * question names a project.
 */
export function explain(grants: readonly Grant[], question: Question): Explanation {
  const { resource, action, projectId } = question;
  const needed = `${resource}:${action}`;
  const grantedBy = [
    ...new Set(
      grants
        .filter((grant) => allowsAlone(compileAccess([grant]), question))
        .map((grant) => grant.permissionSet),
    ),
  ];
  if (grantedBy.length > 0)
    return { allowed: true, reason: `Allowed by ${grantedBy.join(', ')}.`, grantedBy };

  const where = isAccountResource(resource) ? '' : ` on project ${projectId}`;
  const accepted = acceptedPermissionSets(resource, action).join(', ');
  if (
    resources[resource].level === 'project' &&
    !coversProject(compileAccess(grants), projectId!)
  ) {
    return {
      allowed: false,
      reason: `No grant of this token reaches project ${projectId}.`,
      grantedBy: [],
    };
  }
  const byCategory = grants.filter(
    (grant) =>
      action === 'write' &&
      cellOf(resource, canonicalPermissionSet(grant.permissionSet)) === 'R*' &&
      (isAccountResource(resource) || coversProject(compileAccess([grant]), projectId!)),
  );
  if (byCategory.length > 0) {
    const categories = [
      ...new Set(byCategory.flatMap((grant) => grant.writableEnvironmentCategories)),
    ];
    const category = question.environmentCategory;
    return {
      allowed: false,
      reason: `${byCategory.map((grant) => grant.permissionSet).join(', ')} write ${resource} only in environments of the categories the grant lists (${categories.join(', ') || 'none'})${category ? `, not ${category}` : '; give environmentCategory'}.`,
      grantedBy: [],
    };
  }
  return {
    allowed: false,
    reason: `No permission set of this token allows ${needed}${where}; it needs one of: ${accepted || 'none (no set allows it)'}.`,
    grantedBy: [],
  };
}

/** What a token may do with one resource, all its grants together, in one place. */
export interface EffectivePermission {
  readonly resource: Resource;
  /** Null: account-wide (account-level resources) or on every project. */
  readonly projectId: number | null;
  readonly read: boolean;
  /** Write in every environment. */
  readonly write: boolean;
  /** Where it may write when `write` is false (the `R*` cells); empty when `write`. */
  readonly writableEnvironmentCategories: readonly EnvironmentCategory[];
}

function permissionEntry(
  resource: Resource,
  projectId: number | null,
  held: ResourceAccess,
): EffectivePermission {
  return {
    resource,
    projectId,
    read: held.read,
    write: held.write,
    writableEnvironmentCategories: held.write ? [] : [...held.writableCategories],
  };
}

/**
 * Everything the grants allow together, per resource: account-level resources once, project-level
 * ones on every project (grants on all projects) and per project of the grants on specific ones.
 * Resources the grants give nothing on are left out.
 */
export function effectivePermissions(grants: readonly Grant[]): EffectivePermission[] {
  return effectivePermissionsOf(compileAccess(grants));
}

/** The same entries from compiled access (a member's, which their license has limited). */
export function effectivePermissionsOf(access: EffectiveAccess): EffectivePermission[] {
  const entries: EffectivePermission[] = [];
  for (const resource of resourceIds) {
    if (isAccountResource(resource)) {
      const held = access.account.get(resource);
      if (held) entries.push(permissionEntry(resource, null, held));
      continue;
    }
    const everywhere = access.everyProject.get(resource);
    if (everywhere) entries.push(permissionEntry(resource, null, everywhere));
    for (const [projectId, held] of access.byProject) {
      const here = held.get(resource);
      if (here) entries.push(permissionEntry(resource, projectId, here));
    }
  }
  return entries;
}
