import { acceptedPermissionSets, type Grant } from '../catalog/access.js';
import { escalationOf } from '../catalog/escalation.js';
import { forbidden } from '../errors.js';
import type { Principal } from './principal.js';

/**
 * Refuses grants that would hand out more than the caller holds: FORBIDDEN naming the first
 * permission (and project) the caller lacks. No one grants what they do not hold.
 */
export function refuseEscalation(principal: Principal, grants: readonly Grant[]): void {
  const escalation = escalationOf(principal.access, grants);
  if (!escalation) return;
  throw forbidden({
    resource: escalation.resource,
    action: escalation.action,
    ...(escalation.projectId === null ? {} : { projectId: escalation.projectId }),
    acceptedPermissionSets: acceptedPermissionSets(escalation.resource, escalation.action),
  });
}
