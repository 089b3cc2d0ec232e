import { describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/token.js';
import { insertMember } from '../src/db/members.js';
import { builders } from './support/builders.js';
import {
  createTestGateway,
  errorCodes,
  manualClock,
  type RawResponse,
  type TestGateway,
} from './support/helpers.js';

// A secret grants exactly what it says: the holes a security review found in the token
// lifecycle (issue 19, items 4-8, 11, 12), each pinned by a test that failed before the fix.

const hour = 60 * 60 * 1000;

type Grant = {
  permissionSet: string;
  allProjects?: boolean;
  projectIds?: string[];
  writableEnvironmentCategories?: string[];
};

const createToken = `mutation ($input: CreateServiceTokenInput!) {
  createServiceToken(input: $input) { token serviceToken { id expiresAt } }
}`;
const rotate = `mutation ($id: ID!, $grace: Int!, $expiresAt: DateTime) {
  rotateServiceToken(id: $id, graceSeconds: $grace, expiresAt: $expiresAt) {
    token serviceToken { id expiresAt }
  }
}`;

async function token(
  gateway: TestGateway,
  name: string,
  permissions: Grant[],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; secret: string; expiresAt: string | null }> {
  const response = await gateway.graphql(
    createToken,
    { input: { name, permissions, ...extra } },
    gateway.adminToken,
  );
  expect(response.body.errors).toBeUndefined();
  const created = response.body.data!.createServiceToken;
  return {
    id: created.serviceToken.id,
    secret: created.token,
    expiresAt: created.serviceToken.expiresAt,
  };
}

async function rotated(
  gateway: TestGateway,
  as: string,
  id: string,
  grace: number,
  expiresAt?: string | null,
): Promise<RawResponse> {
  return gateway.graphql(
    rotate,
    { id, grace, ...(expiresAt === undefined ? {} : { expiresAt }) },
    as,
  );
}

function firstError(response: RawResponse) {
  return response.body.errors?.[0];
}

describe('a previous secret during its grace window (item 4)', () => {
  it('serves ordinary calls but can never rotate its own token, which stays with the new secret', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const ci = await token(gateway, 'ci', [{ permissionSet: 'metadata_only', allProjects: true }]);
    const fresh = (await rotated(gateway, ci.secret, ci.id, 600)).body.data!.rotateServiceToken;

    const viewer = await gateway.graphql('{ viewer { id } }', {}, ci.secret);
    expect(viewer.body.data?.viewer.id).toBe(ci.id);

    // Whoever holds the replaced secret tries to take the token over by rotating it again.
    const takeover = await rotated(gateway, ci.secret, ci.id, 0);
    expect(takeover.body.data?.rotateServiceToken ?? null).toBeNull();
    expect(firstError(takeover)?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'previous_secret',
    });
    // The owner's new secret still works, and still rotates.
    expect((await gateway.graphql('{ viewer { id } }', {}, fresh.token)).status).toBe(200);
    expect(errorCodes((await rotated(gateway, fresh.token, ci.id, 0)).body)).toEqual([]);
  });

  it('cannot rename, change the grants, the allowlist or the expiry of its own admin token, but acts on other tokens', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const admin = await token(gateway, 'second admin', [{ permissionSet: 'account_admin' }]);
    const other = await token(gateway, 'other', [
      { permissionSet: 'job_viewer', allProjects: true },
    ]);
    const fresh = (await rotated(gateway, admin.secret, admin.id, 600)).body.data!
      .rotateServiceToken;
    const old = admin.secret;

    const attempts: [string, Record<string, unknown>][] = [
      ['mutation ($id: ID!) { renameServiceToken(id: $id, name: "mine") { id } }', {}],
      [
        'mutation ($id: ID!) { setServiceTokenAllowedCidrs(id: $id, allowedCidrs: ["127.0.0.0/8"]) { id } }',
        {},
      ],
      [
        'mutation ($id: ID!, $p: [PermissionGrantInput!]!) { addServiceTokenGrants(id: $id, permissions: $p) { id } }',
        { p: [{ permissionSet: 'job_admin', allProjects: true }] },
      ],
      [
        'mutation ($id: ID!, $p: [PermissionGrantInput!]!) { setServiceTokenGrants(id: $id, permissions: $p) { id } }',
        { p: [{ permissionSet: 'account_admin' }] },
      ],
      [rotate, { grace: 0 }],
      [rotate, { grace: 0, expiresAt: null }],
    ];
    for (const [query, variables] of attempts) {
      const response = await gateway.graphql(query, { id: admin.id, ...variables }, old);
      expect(firstError(response)?.extensions, query).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'previous_secret',
      });
      // The same change on another token is an ordinary call of an Account Admin token.
      const onOther = await gateway.graphql(query, { id: other.id, ...variables }, old);
      expect(onOther.body.errors, query).toBeUndefined();
    }
    const audit = await gateway.graphql(
      '{ auditLog(filter: { action: "renameServiceToken", outcome: denied }) { totalCount } }',
      {},
      fresh.token,
    );
    expect(audit.body.data?.auditLog.totalCount).toBe(1);
    // Its own token is unchanged: name, grants, no allowlist, and the new secret works.
    const own = await gateway.graphql(
      '{ viewer { name allowedCidrs grants { permissionSet { id } } } }',
      {},
      fresh.token,
    );
    expect(own.body.data?.viewer).toEqual({
      name: 'second admin',
      allowedCidrs: [],
      grants: [{ permissionSet: { id: 'account_admin' } }],
    });
  });
});

describe('self-rotation without service_tokens write (item 5)', () => {
  it('may shorten the expiry, never extend or remove it', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const at = (hours: number) => new Date(clock.now().getTime() + hours * hour).toISOString();
    const ci = await token(gateway, 'ci', [{ permissionSet: 'job_viewer', allProjects: true }], {
      expiresAt: at(2),
    });

    for (const expiresAt of [null, at(3)]) {
      const refused = await rotated(gateway, ci.secret, ci.id, 0, expiresAt);
      expect(firstError(refused)?.extensions, String(expiresAt)).toMatchObject({
        code: 'FORBIDDEN',
        requiredPermission: 'service_tokens:write',
        field: 'expiresAt',
      });
    }
    expect(
      (await gateway.graphql('{ viewer { expiresAt } }', {}, ci.secret)).body.data?.viewer,
    ).toEqual({ expiresAt: at(2) });

    const unchanged = await rotated(gateway, ci.secret, ci.id, 0);
    const kept = unchanged.body.data!.rotateServiceToken;
    expect(kept.serviceToken.expiresAt).toBe(at(2));
    const shorter = await rotated(gateway, kept.token, ci.id, 0, at(1));
    expect(shorter.body.data?.rotateServiceToken.serviceToken.expiresAt).toBe(at(1));

    // A token that never expires may give itself an expiry; an Account Admin may extend any.
    const forever = await token(gateway, 'forever', [
      { permissionSet: 'job_viewer', allProjects: true },
    ]);
    expect(
      (await rotated(gateway, forever.secret, forever.id, 0, at(5))).body.data?.rotateServiceToken
        .serviceToken.expiresAt,
    ).toBe(at(5));
    expect(
      (await rotated(gateway, gateway.adminToken, ci.id, 0, null)).body.data?.rotateServiceToken
        .serviceToken.expiresAt,
    ).toBeNull();
  });
});

describe('revokeLeakedToken (item 6)', () => {
  it('matches a rotated-out secret only inside its grace window; after it the secret is unknown', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const ci = await token(gateway, 'ci', [{ permissionSet: 'job_viewer', allProjects: true }]);
    const fresh = (await rotated(gateway, gateway.adminToken, ci.id, 600)).body.data!
      .rotateServiceToken;
    const report = (secret: string) =>
      gateway.graphql(
        'mutation ($t: String!) { revokeLeakedToken(token: $t) { revoked } }',
        { t: secret },
        undefined,
      );

    clock.advance(600_000);
    expect((await report(ci.secret)).body.data?.revokeLeakedToken.revoked).toBe(false);
    expect((await gateway.graphql('{ viewer { state } }', {}, fresh.token)).body.data).toEqual({
      viewer: { state: 'ACTIVE' },
    });

    // Inside a window it still does: whoever holds it could use it anyway.
    const again = (await rotated(gateway, gateway.adminToken, ci.id, 600)).body.data!
      .rotateServiceToken;
    clock.advance(599_000);
    expect((await report(fresh.token)).body.data?.revokeLeakedToken.revoked).toBe(true);
    expect((await gateway.graphql('{ viewer { id } }', {}, again.token)).status).toBe(401);
  });
});

describe('escalation through people (item 7)', () => {
  async function setUp() {
    const gateway = await createTestGateway();
    const build = builders(gateway.client(gateway.adminToken));
    const project = await build.project('analytics');
    const groups = await gateway.graphql(
      `mutation {
        admins: createGroup(input: { name: "admins", permissions: [{ permissionSet: account_admin }] }) { id }
        viewers: createGroup(input: { name: "viewers", permissions: [{ permissionSet: job_viewer, projectIds: ["${project}"] }] }) { id }
      }`,
      {},
      gateway.adminToken,
    );
    const member = await insertMember(gateway.db, {
      accountId: gateway.account.id,
      email: 'ada@example.com',
      name: 'Ada',
      now: new Date().toISOString(),
    });
    return {
      gateway,
      project,
      admins: groups.body.data!.admins.id as string,
      viewers: groups.body.data!.viewers.id as string,
      memberId: String(member.id),
    };
  }

  it('a member token scoped to one project cannot invite an address into an Account Admin group', async () => {
    const { gateway, project, admins, viewers } = await setUp();
    const member = await token(gateway, 'member', [
      { permissionSet: 'member', projectIds: [project] },
    ]);
    const invite = (email: string, groupIds: string[]) =>
      gateway.graphql(
        'mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { id } }',
        { input: { email, groupIds } },
        member.secret,
      );
    const refused = await invite('mallory@example.com', [viewers, admins]);
    expect(firstError(refused)?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      groupId: admins,
    });
    expect(firstError(refused)?.message).toContain(`group ${admins}`);
    const invitations = await gateway.graphql(
      '{ invitations { totalCount } }',
      {},
      gateway.adminToken,
    );
    expect(invitations.body.data?.invitations.totalCount).toBe(0);
    // A group within its reach is fine.
    expect((await invite('bob@example.com', [viewers])).body.errors).toBeUndefined();
  });

  it('a security admin cannot add a member to an Account Admin group', async () => {
    const { gateway, admins, viewers, memberId } = await setUp();
    const security = await token(gateway, 'security', [{ permissionSet: 'security_admin' }]);
    const add = (groupId: string) =>
      gateway.graphql(
        'mutation ($g: ID!, $m: ID!) { addGroupMember(groupId: $g, memberId: $m) { members { id } } }',
        { g: groupId, m: memberId },
        security.secret,
      );
    const refused = await add(admins);
    expect(firstError(refused)?.extensions).toMatchObject({ code: 'FORBIDDEN', groupId: admins });
    const members = await gateway.graphql(
      '{ group(id: "' + admins + '") { members { id } } }',
      {},
      gateway.adminToken,
    );
    expect(members.body.data?.group.members).toEqual([]);
    // A security admin holds no project-level set, so even a Job Viewer group is beyond it; the
    // Account Admin may add the member to either.
    expect((await add(viewers)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byAdmin = await gateway.graphql(
      'mutation ($g: ID!, $m: ID!) { addGroupMember(groupId: $g, memberId: $m) { members { id } } }',
      { g: admins, m: memberId },
      gateway.adminToken,
    );
    expect(byAdmin.body.data?.addGroupMember.members).toEqual([{ id: memberId }]);
  });
});

describe('the last working Account Admin token (item 8)', () => {
  const revoke = 'mutation ($id: ID!) { revokeServiceToken(id: $id) { state } }';

  it('cannot be revoked or lose its grant, with a clear message; another admin token lifts that', async () => {
    const gateway = await createTestGateway();
    const own = (await gateway.graphql('{ viewer { id } }', {}, gateway.adminToken)).body.data!
      .viewer.id as string;
    const self = await gateway.graphql(revoke, { id: own }, gateway.adminToken);
    expect(firstError(self)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(firstError(self)?.message).toMatch(/no working Account Admin token/);
    const demote = await gateway.graphql(
      'mutation ($id: ID!) { setServiceTokenGrants(id: $id, permissions: [{ permissionSet: job_admin, allProjects: true }]) { id } }',
      { id: own },
      gateway.adminToken,
    );
    expect(firstError(demote)?.message).toMatch(/no working Account Admin token/);
    expect((await gateway.graphql('{ viewer { state } }', {}, gateway.adminToken)).status).toBe(
      200,
    );

    // An expired admin token does not count as a working one.
    const clock = Date.now();
    const expiring = await token(gateway, 'expiring admin', [{ permissionSet: 'account_admin' }], {
      expiresAt: new Date(clock + 10 * 60_000).toISOString(),
    });
    const second = await token(gateway, 'second admin', [{ permissionSet: 'account_admin' }]);
    expect((await gateway.graphql(revoke, { id: own }, gateway.adminToken)).body.data).toEqual({
      revokeServiceToken: { state: 'REVOKED' },
    });
    expect((await gateway.graphql(revoke, { id: expiring.id }, second.secret)).body.data).toEqual({
      revokeServiceToken: { state: 'REVOKED' },
    });
    expect(
      firstError(await gateway.graphql(revoke, { id: second.id }, second.secret))?.extensions?.code,
    ).toBe('BAD_USER_INPUT');
  });

  it('a request limit that would lock out the admin setting it is refused; one that leaves room applies', async () => {
    const gateway = await createTestGateway();
    for (let i = 0; i < 3; i++) await gateway.graphql('{ viewer { id } }', {}, gateway.adminToken);
    const policy = (limit: number) =>
      gateway.graphql(
        'mutation ($n: Int) { updateServiceTokenPolicy(requestsPerMinute: $n) { requestsPerMinute } }',
        { n: limit },
        gateway.adminToken,
      );
    const refused = await policy(4);
    expect(firstError(refused)?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'requestsPerMinute',
    });
    expect(firstError(refused)?.message).toMatch(/next request would be refused/);
    // Nothing changed, and the admin's next mutations are not refused.
    for (let i = 0; i < 3; i++) {
      const next = await gateway.graphql(
        'mutation { createProject(input: { name: "p' + i + '" }) { id } }',
        {},
        gateway.adminToken,
      );
      expect(next.status).toBe(200);
    }
    expect(
      (
        await gateway.graphql(
          '{ serviceTokenPolicy { requestsPerMinute } }',
          {},
          gateway.adminToken,
        )
      ).body.data?.serviceTokenPolicy.requestsPerMinute,
    ).toBeNull();
    expect((await policy(100)).body.data?.updateServiceTokenPolicy.requestsPerMinute).toBe(100);
  });
});

describe('address refusals of a valid token (item 11)', () => {
  it('are audited once per token and hour, with a count', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const ci = await token(gateway, 'ci', [{ permissionSet: 'job_viewer', allProjects: true }], {
      allowedCidrs: ['10.0.0.0/8'],
    });
    for (let i = 0; i < 25; i++) {
      const refused = await gateway.graphql('{ viewer { id } }', {}, ci.secret, {
        clientIp: `192.0.2.${i + 1}`,
      });
      expect(refused.status).toBe(403);
      clock.advance(1000);
    }
    const entries = async () =>
      (
        await gateway.graphql(
          '{ auditLog(filter: { action: "authenticate" }) { edges { node { actorTokenId outcome clientIp details } } } }',
          {},
          gateway.adminToken,
        )
      ).body.data!.auditLog.edges.map((edge: { node: unknown }) => edge.node);
    expect(await entries()).toEqual([
      {
        actorTokenId: ci.id,
        outcome: 'denied',
        clientIp: '192.0.2.1',
        details: {
          reason: 'ip_restricted',
          refusedBy: 'token',
          windowStart: '2026-11-27T12:00:00.000Z',
          count: 25,
          lastAt: '2026-11-27T12:00:24.000Z',
          lastClientIp: '192.0.2.25',
        },
      },
    ]);
    const rows = await gateway.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'authenticate')
      .execute();
    expect(rows).toHaveLength(1);

    clock.advance(hour);
    await gateway.graphql('{ viewer { id } }', {}, ci.secret, { clientIp: '192.0.2.99' });
    expect(
      (await entries()).map((entry: { details: { count: number } }) => entry.details.count),
    ).toEqual([1, 25]);
    // The secret never reaches the audit log, only the token's id.
    expect(JSON.stringify(await entries())).not.toContain(ci.secret);
    expect(JSON.stringify(await entries())).not.toContain(hashToken(ci.secret));
  });
});

describe('existence across projects (item 12)', () => {
  async function setUp() {
    const gateway = await createTestGateway();
    const build = builders(gateway.client(gateway.adminToken));
    const a = await build.project('a');
    const b = await build.project('b');
    const envA = await build.environment(a, 'production');
    const envA2 = await build.environment(a, 'staging');
    const envB = await build.environment(b, 'production');
    const jobA = await build.job(envA);
    const jobB = await build.job(envB);
    return { gateway, a, b, envA, envA2, envB, jobA, jobB };
  }

  /** The error with the id replaced, so two answers about different ids compare. */
  function answer(response: RawResponse, id: string) {
    const error = firstError(response);
    return {
      data: response.body.data,
      message: error?.message.replace(id, '<id>'),
      extensions: error?.extensions,
    };
  }

  it('updateJob moving a job to another project’s environment answers as for a missing environment', async () => {
    const { gateway, a, envA2, envB, jobA } = await setUp();
    const jobAdmin = await token(gateway, 'a', [{ permissionSet: 'job_admin', projectIds: [a] }]);
    const move = (environmentId: string) =>
      gateway.graphql(
        'mutation ($id: ID!, $e: ID!) { updateJob(id: $id, input: { environmentId: $e }) { environmentId } }',
        { id: jobA, e: environmentId },
        jobAdmin.secret,
      );
    const missing = answer(await move('999999'), '999999');
    expect(missing.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(answer(await move(envB), envB)).toEqual(missing);
    // Even the account admin, who sees both projects, cannot move a job across them.
    const byAdmin = await gateway.graphql(
      'mutation ($id: ID!, $e: ID!) { updateJob(id: $id, input: { environmentId: $e }) { environmentId } }',
      { id: jobA, e: envB },
      gateway.adminToken,
    );
    expect(errorCodes(byAdmin.body)).toEqual(['NOT_FOUND']);
    expect((await move(envA2)).body.data?.updateJob.environmentId).toBe(envA2);
  });

  it('createWebhook and updateWebhook with a job of an unreachable project answer as for a missing job', async () => {
    const { gateway, a, jobA, jobB } = await setUp();
    const hooks = await token(gateway, 'hooks', [
      { permissionSet: 'webhooks_only', projectIds: [a] },
    ]);
    const create = (jobIds: string[]) =>
      gateway.graphql(
        'mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }',
        {
          input: {
            name: 'relay',
            url: 'https://hooks.example.com/dbt',
            events: ['job.run.completed'],
            jobIds,
          },
        },
        hooks.secret,
      );
    const missing = answer(await create(['999999']), '999999');
    expect(missing.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.jobIds' });
    expect(answer(await create([jobA, jobB]), jobB)).toEqual(missing);

    const created = await create([jobA]);
    const id = created.body.data!.createWebhook.webhook.id as string;
    const update = (jobIds: string[]) =>
      gateway.graphql(
        'mutation ($id: ID!, $jobIds: [ID!]) { updateWebhook(id: $id, input: { jobIds: $jobIds }) { id } }',
        { id, jobIds },
        hooks.secret,
      );
    expect(answer(await update(['999999']), '999999')).toEqual({ ...missing, data: null });
    expect(answer(await update([jobB]), jobB)).toEqual({ ...missing, data: null });
    const rows = await gateway.db.selectFrom('webhook_jobs').select('job_id').execute();
    expect(rows.map((row) => String(row.job_id))).toEqual([jobA]);
  });
});
