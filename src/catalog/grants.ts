import type { Grant, WritableEnvironmentCategory } from './access.js';
import { writableEnvironmentCategories } from './access.js';
import {
  isAssignableOnPlan,
  isPermissionSetId,
  type Plan,
  permissionSets,
} from './permission-sets.js';

/** A grant as a client asks for it, before the catalog's rules are applied. */
export interface GrantInput {
  readonly permissionSet: string;
  readonly allProjects?: boolean | null;
  readonly projectIds?: readonly number[] | null;
  readonly writableEnvironmentCategories?: readonly string[] | null;
}

/** Why a grant input is refused: the input path (`permissions[1].projectIds`) and the reason. */
export interface GrantProblem {
  readonly field: string;
  readonly message: string;
}

export const maxGrants = 100;
export const maxProjectsPerGrant = 1000;

/**
 * Applies the catalog's rules to grant inputs: the plan's assignable sets, account-level sets
 * being account-wide, exactly one of `allProjects`/`projectIds`, and environment write only on
 * sets that support it. Returns the normalized grants or the first problem; it does not check
 * that the projects exist (that needs the database).
 */
export function normalizeGrants(
  plan: Plan,
  inputs: readonly GrantInput[],
): { grants: Grant[] } | { problem: GrantProblem } {
  if (inputs.length === 0) {
    return {
      problem: { field: 'permissions', message: 'At least one permission grant is needed.' },
    };
  }
  if (inputs.length > maxGrants) {
    return {
      problem: { field: 'permissions', message: `At most ${maxGrants} grants may be given.` },
    };
  }
  const grants: Grant[] = [];
  for (const [index, input] of inputs.entries()) {
    const at = (field: string) => `permissions[${index}].${field}`;
    const { permissionSet } = input;
    if (!isPermissionSetId(permissionSet)) {
      return {
        problem: {
          field: at('permissionSet'),
          message: `Unknown permission set "${permissionSet}".`,
        },
      };
    }
    const definition = permissionSets[permissionSet];
    if (!isAssignableOnPlan(permissionSet, plan)) {
      return {
        problem: {
          field: at('permissionSet'),
          message: `Permission set "${permissionSet}" cannot be assigned on the ${plan} plan.`,
        },
      };
    }

    const projectIds = input.projectIds ?? [];
    let scope: readonly number[] | null;
    if (definition.level === 'account') {
      if (projectIds.length > 0 || input.allProjects === false) {
        return {
          problem: {
            field: at('projectIds'),
            message: `Permission set "${permissionSet}" is account-level and always applies to the whole account; omit projectIds.`,
          },
        };
      }
      scope = null;
    } else if (input.allProjects === true) {
      if (projectIds.length > 0) {
        return {
          problem: {
            field: at('projectIds'),
            message: `Give either allProjects: true or projectIds for "${permissionSet}", not both.`,
          },
        };
      }
      scope = null;
    } else {
      if (projectIds.length === 0) {
        return {
          problem: {
            field: at('projectIds'),
            message: `Permission set "${permissionSet}" is project-level: give allProjects: true or at least one project id.`,
          },
        };
      }
      if (projectIds.length > maxProjectsPerGrant) {
        return {
          problem: {
            field: at('projectIds'),
            message: `A grant may name at most ${maxProjectsPerGrant} projects.`,
          },
        };
      }
      scope = [...new Set(projectIds)].sort((a, b) => a - b);
    }

    const categories = input.writableEnvironmentCategories ?? [];
    if (categories.length > 0 && !definition.environmentWrite) {
      return {
        problem: {
          field: at('writableEnvironmentCategories'),
          message: `Permission set "${permissionSet}" does not accept writableEnvironmentCategories.`,
        },
      };
    }
    const unknown = categories.find(
      (category) => !(writableEnvironmentCategories as readonly string[]).includes(category),
    );
    if (unknown !== undefined) {
      return {
        problem: {
          field: at('writableEnvironmentCategories'),
          message: `Unknown environment category "${unknown}".`,
        },
      };
    }
    const writable = categories.includes('all')
      ? (['all'] as WritableEnvironmentCategory[])
      : [...new Set(categories as WritableEnvironmentCategory[])].sort();

    grants.push({ permissionSet, projectIds: scope, writableEnvironmentCategories: writable });
  }
  return { grants };
}
