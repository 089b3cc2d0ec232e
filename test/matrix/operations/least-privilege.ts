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

const dayMs = 24 * 60 * 60 * 1000;

/**
 * A token of the admin's that has read project A, its use written to the database, made to look
 * two days old with two days of recorded usage (the fixture is minutes old, and applying a
 * suggestion needs usage on record for the whole window, a day at least).
 */
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
  const twoDaysAgo = new Date(Date.now() - 2 * dayMs).toISOString();
  const { db, account } = f.gateway;
  await db
    .updateTable('service_tokens')
    .set({ created_at: twoDaysAgo })
    .where('id', '=', Number(created.serviceToken.id))
    .execute();
  await db
    .insertInto('least_privilege_policies')
    .values({
      account_id: account.id,
      usage_retention_days: 90,
      revoke_unused_after_days: null,
      expiry_warning_days: null,
      usage_recorded_since: twoDaysAgo,
      updated_at: null,
    })
    .onConflict((conflict) =>
      conflict.column('account_id').doUpdateSet({ usage_recorded_since: twoDaysAgo }),
    )
    .execute();
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
