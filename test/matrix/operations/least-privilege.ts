import {
  ApplySuggestedGrantsDocument,
  CreateServiceTokenDocument,
  LeastPrivilegePolicyDocument,
  ProjectDocument,
  ServiceTokenPermissionUsageDocument,
  SuggestedGrantsDocument,
  UpdateLeastPrivilegePolicyDocument,
} from '../../../src/client/index.js';
import { required } from '../../support/builders.js';
import { type Fixture, type Operation, read, write } from '../framework.js';

/** A token of the admin's that has read project A, its use written to the database. */
async function usedToken(f: Fixture): Promise<string> {
  const created = required(
    await f.admin.request(CreateServiceTokenDocument, {
      input: {
        name: `reviewed ${f.unique()}`,
        permissions: [{ permissionSet: 'job_admin', projectIds: [f.projects.A] }],
      },
    }),
    'createServiceToken',
  ).createServiceToken!;
  required(
    await f.gateway.client(created.token).request(ProjectDocument, { id: f.projects.A }),
    'project',
  );
  await f.gateway.app.flushUsage();
  return created.serviceToken.id;
}

export const leastPrivilegeOperations: Operation[] = [
  {
    name: 'serviceToken.permissionUsage',
    where: 'account',
    requires: [read('service_tokens')],
    run: async (f) =>
      f.token.request(ServiceTokenPermissionUsageDocument, {
        id: await usedToken(f),
        sinceDays: 1,
      }),
  },
  {
    name: 'serviceToken.suggestedGrants',
    where: 'account',
    requires: [read('service_tokens')],
    run: async (f) =>
      f.token.request(SuggestedGrantsDocument, { id: await usedToken(f), sinceDays: 1 }),
  },
  {
    name: 'applySuggestedGrants',
    where: 'account',
    requires: [write('service_tokens')],
    run: async (f) =>
      f.token.request(ApplySuggestedGrantsDocument, { id: await usedToken(f), sinceDays: 1 }),
  },
  {
    name: 'leastPrivilegePolicy',
    where: 'account',
    requires: [read('account_settings')],
    run: (f) => f.token.request(LeastPrivilegePolicyDocument),
  },
  {
    name: 'updateLeastPrivilegePolicy',
    where: 'account',
    requires: [write('account_settings')],
    run: (f) => f.token.request(UpdateLeastPrivilegePolicyDocument, { expiryWarningDays: 7 }),
  },
];
