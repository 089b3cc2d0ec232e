import type { Operation } from './framework.js';
import { accountOperations } from './operations/account.js';
import { accountAdminOperations } from './operations/account-admin.js';
import { dataPlatformOperations } from './operations/data-platform.js';
import { deploymentOperations } from './operations/deployments.js';
import { foundationOperations } from './operations/foundation.js';
import { identityOperations } from './operations/identity.js';
import { leastPrivilegeOperations } from './operations/least-privilege.js';
import { metadataOperations } from './operations/metadata.js';
import { peopleOperations } from './operations/people.js';
import { projectPermissionOperations } from './operations/project-permissions.js';
import { runnerOperations } from './operations/runner.js';

/** Every operation of the matrix, in the order a case runs them (the `last` ones at the end). */
export const operations: readonly Operation[] = [
  ...foundationOperations,
  ...leastPrivilegeOperations,
  ...deploymentOperations,
  ...runnerOperations,
  ...accountOperations,
  ...dataPlatformOperations,
  ...accountAdminOperations,
  ...peopleOperations,
  ...projectPermissionOperations,
  ...metadataOperations,
  ...identityOperations,
].sort((a, b) => Number(a.last ?? false) - Number(b.last ?? false));
