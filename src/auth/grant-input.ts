import { GraphQLError } from 'graphql';
import type { EffectiveAccess, Grant } from '../catalog/access.js';
import { acceptedPermissionSets } from '../catalog/access.js';
import { type Escalation, escalationOf, escalationThroughGroups } from '../catalog/escalation.js';
import { type GrantInput, normalizeGrants } from '../catalog/grants.js';
import type { Db } from '../db/database.js';
import { listGrantsOf } from '../db/grants.js';
import { findProjectsByIds } from '../db/projects.js';
import type { AccountRow } from '../db/tables/accounts.js';
import { badUserInput, forbidden } from '../errors.js';

/**
 * Refuses grants that would hand out more than the caller holds: FORBIDDEN naming the first
 * permission (and project) the caller lacks. No one grants what they do not hold.
 */
export function refuseEscalation(caller: EffectiveAccess, grants: readonly Grant[]): void {
  const escalation = escalationOf(caller, grants);
  if (escalation) throw escalationRefused(escalation);
}

function escalationRefused(escalation: Escalation): GraphQLError {
  return forbidden({
    resource: escalation.resource,
    action: escalation.action,
    ...(escalation.projectId === null ? {} : { projectId: escalation.projectId }),
    acceptedPermissionSets: acceptedPermissionSets(escalation.resource, escalation.action),
  });
}

/**
 * Refuses putting someone into groups whose grants give more than the caller holds (adding a
 * member, inviting an address): FORBIDDEN naming the group and the first permission the caller
 * lacks, as for grants. Reads the groups' grants through `db` (the write's transaction).
 */
export async function refuseGroupEscalation(
  db: Db,
  caller: EffectiveAccess,
  groupIds: readonly number[],
): Promise<void> {
  if (groupIds.length === 0) return;
  const escalation = escalationThroughGroups(caller, await listGrantsOf(db, 'GROUP', groupIds));
  if (!escalation) return;
  const refused = escalationRefused(escalation);
  throw new GraphQLError(
    `Forbidden: group ${escalation.groupId} grants more than this token holds; ${refused.message.replace(/^Forbidden: /, '')}`,
    { extensions: { ...refused.extensions, groupId: String(escalation.groupId) } },
  );
}

/**
 * Grants of a token or a group from client input: the catalog's rules (plan, level, environment
 * categories; BAD_USER_INPUT naming `field[i]...`), projects that exist in the account, and —
 * when a caller grants them — nothing beyond the caller's own access (FORBIDDEN).
 */
export async function grantsFromInput(
  db: Db,
  account: AccountRow,
  inputs: readonly GrantInput[],
  options: { grantedBy: EffectiveAccess | null; field: string; allowNone?: boolean },
): Promise<Grant[]> {
  if (inputs.length === 0 && options.allowNone) return [];
  const normalized = normalizeGrants(account.plan, inputs);
  if ('problem' in normalized) {
    throw badUserInput(
      normalized.problem.message,
      normalized.problem.field.replace(/^permissions/, options.field),
    );
  }
  const requested = [...new Set(normalized.grants.flatMap((grant) => grant.projectIds ?? []))];
  const existing = new Set(
    (await findProjectsByIds(db, account.id, requested)).map((project) => project.id),
  );
  for (const [index, grant] of normalized.grants.entries()) {
    const missing = grant.projectIds?.find((projectId) => !existing.has(projectId));
    if (missing !== undefined)
      throw badUserInput(
        `Project ${missing} does not exist in this account.`,
        `${options.field}[${index}].projectIds`,
      );
  }
  if (options.grantedBy) refuseEscalation(options.grantedBy, normalized.grants);
  return normalized.grants;
}
