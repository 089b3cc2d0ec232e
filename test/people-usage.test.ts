import { afterEach, describe, expect, it } from 'vitest';
import { defaultSessionSettings, sessionCsrfHeader, startSession } from '../src/auth/session.js';
import { addGroupMember } from '../src/db/groups.js';
import { insertMember } from '../src/db/members.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';

// Least privilege suggests grants for service tokens from what their rules granted. A member's
// requests go through the same rules, but the member holds no token: nothing may be recorded,
// least of all under a token id that is not theirs.

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.app.close();
  gateway = undefined;
});

describe('permission usage and members', () => {
  it("records a token's granted permissions and nothing for a signed-in member's", async () => {
    gateway = await createTestGateway();
    const group = await gateway.graphql(
      'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
      { input: { name: 'admins', permissions: [{ permissionSet: 'account_admin' }] } },
      gateway.adminToken,
    );
    expect(group.body.errors).toBeUndefined();
    const member = await insertMember(gateway.db, {
      accountId: gateway.account.id,
      email: 'person@example.com',
      name: 'Person',
      licenseType: 'developer',
      now: new Date().toISOString(),
    });
    await addGroupMember(gateway.db, Number(group.body.data!.createGroup.id), member.id);
    const { secret } = await startSession(gateway.db, defaultSessionSettings, {
      accountId: gateway.account.id,
      memberId: member.id,
      clientIp: '127.0.0.1',
      now: new Date(),
    });
    await gateway.app.flushUsage();
    const before = await gateway.db.selectFrom('permission_usage').selectAll().execute();

    const asMember = await gateway.graphql(
      '{ projects { totalCount } auditLog { totalCount } }',
      {},
      undefined,
      {
        headers: { cookie: `tollgate_session=${secret}`, [sessionCsrfHeader]: '1' },
      },
    );
    expect(asMember.body.errors).toBeUndefined();
    await gateway.app.flushUsage();
    expect(await gateway.db.selectFrom('permission_usage').selectAll().execute()).toEqual(before);

    // The same request with the admin token is recorded: the check above is not vacuous.
    const asToken = await gateway.graphql(
      '{ projects { totalCount } auditLog { totalCount } }',
      {},
      gateway.adminToken,
    );
    expect(asToken.body.errors).toBeUndefined();
    await gateway.app.flushUsage();
    const after = await gateway.db.selectFrom('permission_usage').selectAll().execute();
    expect(after.length).toBeGreaterThan(before.length);
    expect(after.every((row) => row.token_id !== null)).toBe(true);
  });
});
