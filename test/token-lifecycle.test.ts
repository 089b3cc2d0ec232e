import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { generateToken } from '../src/auth/token.js';
import {
  AddServiceTokenGrantsDocument,
  AuditLogDocument,
  CanDocument,
  CreateProjectDocument,
  CreateServiceTokenDocument,
  type CreateServiceTokenInput,
  RemoveServiceTokenGrantsDocument,
  RevokeLeakedTokenDocument,
  RotateServiceTokenDocument,
  ServiceTokenDocument,
  ServiceTokenInventoryDocument,
  SetServiceTokenAllowedCidrsDocument,
  SetServiceTokenGrantsDocument,
  UpdateJobDocument,
  UpdateServiceTokenPolicyDocument,
  ViewerDocument,
  ViewerLifecycleDocument,
} from '../src/client/index.js';
import { builders, required } from './support/builders.js';
import { createTestGateway, errorCodes, manualClock, type TestGateway } from './support/helpers.js';

const hour = 60 * 60 * 1000;

async function create(gateway: TestGateway, input: Partial<CreateServiceTokenInput> = {}) {
  const response = await gateway.client(gateway.adminToken).request(CreateServiceTokenDocument, {
    input: {
      name: 'ci',
      permissions: [{ permissionSet: 'metadata_only', allProjects: true }],
      ...input,
    },
  });
  return required(response, 'createServiceToken').createServiceToken!;
}

describe('expiry', () => {
  it('refuses an expired token, and tells every response when the token expires', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const expiresAt = new Date(clock.now().getTime() + hour).toISOString();
    const { token } = await create(gateway, { expiresAt });

    const response = await gateway.graphql('{ viewer { expiresAt state } }', {}, token);
    expect(response.body.data?.viewer).toEqual({ expiresAt, state: 'ACTIVE' });
    expect(response.headers.get('tollgate-token-expiration')).toBe(expiresAt);
    expect(response.body.extensions?.tokenExpiresAt).toBe(expiresAt);
    const forever = await gateway.graphql('{ viewer { expiresAt } }', {}, gateway.adminToken);
    expect(forever.headers.get('tollgate-token-expiration')).toBeNull();
    expect(forever.body.extensions?.tokenExpiresAt).toBeUndefined();

    clock.advance(hour);
    const expired = await gateway.graphql('{ viewer { name } }', {}, token);
    expect(expired.status).toBe(401);
    expect(errorCodes(expired.body)).toEqual(['UNAUTHENTICATED']);
    const listed = await gateway
      .client(gateway.adminToken)
      .request(ServiceTokenInventoryDocument, { filter: { states: ['EXPIRED'] } });
    expect(listed.data?.serviceTokens?.edges.map((edge) => edge.node.name)).toEqual(['ci']);
  });

  it('follows the account policy on maximum lifetime', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const admin = gateway.client(gateway.adminToken);
    const inHours = (hours: number) => new Date(clock.now().getTime() + hours * hour).toISOString();

    expect(
      errorCodes(
        await admin.request(CreateServiceTokenDocument, {
          input: {
            name: 'x',
            permissions: [{ permissionSet: 'member', allProjects: true }],
            expiresAt: inHours(-1),
          },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    const policy = await admin.request(UpdateServiceTokenPolicyDocument, {
      maxLifetimeSeconds: 24 * 3600,
    });
    expect(policy.data?.updateServiceTokenPolicy?.maxLifetimeSeconds).toBe(86_400);
    expect(
      errorCodes(await admin.request(UpdateServiceTokenPolicyDocument, { maxLifetimeSeconds: 5 })),
    ).toEqual(['BAD_USER_INPUT']);

    const permissions = [{ permissionSet: 'member' as const, allProjects: true }];
    const without = await admin.request(CreateServiceTokenDocument, {
      input: { name: 'x', permissions },
    });
    expect(without.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'expiresAt' },
    });
    expect(
      errorCodes(
        await admin.request(CreateServiceTokenDocument, {
          input: { name: 'x', permissions, expiresAt: inHours(25) },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      (
        await admin.request(CreateServiceTokenDocument, {
          input: { name: 'x', permissions, expiresAt: inHours(23) },
        })
      ).errors,
    ).toBeUndefined();

    await admin.request(UpdateServiceTokenPolicyDocument, { maxLifetimeSeconds: null });
    expect(
      (await admin.request(CreateServiceTokenDocument, { input: { name: 'y', permissions } }))
        .errors,
    ).toBeUndefined();
    const log = await admin.request(AuditLogDocument, {
      filter: { action: 'updateServiceTokenPolicy' },
    });
    expect(log.data?.auditLog?.edges.map((edge) => [edge.node.outcome, edge.node.details])).toEqual(
      [
        ['success', { maxLifetimeSeconds: null }],
        ['failed', { code: 'BAD_USER_INPUT', field: 'maxLifetimeSeconds' }],
        ['success', { maxLifetimeSeconds: 86_400 }],
      ],
    );
  });
});

describe('rotation', () => {
  it('gives a new secret and keeps the old one working until the grace window ends', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const old = await create(gateway, { name: 'deployer' });
    const rotated = required(
      await gateway
        .client(gateway.adminToken)
        .request(RotateServiceTokenDocument, { id: old.serviceToken.id, graceSeconds: 300 }),
      'rotate',
    ).rotateServiceToken!;
    expect(rotated.token).not.toBe(old.token);
    expect(rotated.serviceToken).toMatchObject({
      id: old.serviceToken.id,
      name: 'deployer',
      grants: old.serviceToken.grants,
    });
    expect(rotated.serviceToken.previousSecretValidUntil).toBe('2026-11-27T12:05:00.000Z');

    expect((await gateway.client(old.token).request(ViewerDocument)).data?.viewer.name).toBe(
      'deployer',
    );
    expect((await gateway.client(rotated.token).request(ViewerDocument)).data?.viewer.name).toBe(
      'deployer',
    );
    clock.advance(300_000);
    expect((await gateway.client(old.token).request(ViewerDocument)).status).toBe(401);
    expect((await gateway.client(rotated.token).request(ViewerDocument)).data?.viewer.name).toBe(
      'deployer',
    );

    const immediate = required(
      await gateway
        .client(gateway.adminToken)
        .request(RotateServiceTokenDocument, { id: old.serviceToken.id, graceSeconds: 0 }),
      'rotate',
    ).rotateServiceToken!;
    expect((await gateway.client(rotated.token).request(ViewerDocument)).status).toBe(401);
    expect((await gateway.client(immediate.token).request(ViewerDocument)).status).toBe(200);
    const log = await gateway
      .client(gateway.adminToken)
      .request(AuditLogDocument, { filter: { action: 'rotateServiceToken' } });
    expect(log.data?.auditLog?.edges).toHaveLength(2);
    expect(JSON.stringify(log)).not.toContain(immediate.token);
  });

  it('lets a token rotate itself without service_tokens write, but not others', async () => {
    const gateway = await createTestGateway();
    const self = await create(gateway, { name: 'self' });
    const other = await create(gateway, { name: 'other' });
    const client = gateway.client(self.token);
    const own = await client.request(RotateServiceTokenDocument, {
      id: self.serviceToken.id,
      graceSeconds: 60,
    });
    expect(own.data?.rotateServiceToken?.token).toMatch(/^tgs_/);
    // The replaced secret still works for 60 seconds, but only the new one changes the token.
    const current = gateway.client(own.data!.rotateServiceToken!.token);
    const theirs = await current.request(RotateServiceTokenDocument, {
      id: other.serviceToken.id,
      graceSeconds: 60,
    });
    expect(theirs.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'service_tokens:write',
    });
    for (const graceSeconds of [-1, 7 * 24 * 3600 + 1]) {
      expect(
        errorCodes(
          await current.request(RotateServiceTokenDocument, {
            id: self.serviceToken.id,
            graceSeconds,
          }),
        ),
      ).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('permission edits', () => {
  async function setUp(gateway: TestGateway) {
    const admin = gateway.client(gateway.adminToken);
    const build = builders(admin);
    const project = await build.project('p');
    return { admin, project, job: await build.job(await build.environment(project, 'production')) };
  }

  it('add, remove and replace grants in one transaction, effective on the next request, audited with before and after', async () => {
    const gateway = await createTestGateway();
    const { admin, project, job } = await setUp(gateway);
    const token = await create(gateway, {
      permissions: [{ permissionSet: 'job_viewer', projectIds: [project] }],
    });
    const client = gateway.client(token.token);
    expect(
      errorCodes(await client.request(UpdateJobDocument, { id: job, input: { description: 'x' } })),
    ).toEqual(['FORBIDDEN']);

    const added = await admin.request(AddServiceTokenGrantsDocument, {
      id: token.serviceToken.id,
      permissions: [
        {
          permissionSet: 'analyst',
          projectIds: [project],
          writableEnvironmentCategories: ['production'],
        },
      ],
    });
    expect(
      added.data?.addServiceTokenGrants?.grants.map((grant) => grant.permissionSet.id),
    ).toEqual(['job_viewer', 'analyst']);
    expect(
      (await client.request(UpdateJobDocument, { id: job, input: { description: 'x' } })).data
        ?.updateJob?.description,
    ).toBe('x');

    const analystGrant = added.data!.addServiceTokenGrants!.grants[1]!.id;
    const removed = await admin.request(RemoveServiceTokenGrantsDocument, {
      id: token.serviceToken.id,
      grantIds: [analystGrant],
    });
    expect(
      removed.data?.removeServiceTokenGrants?.grants.map((grant) => grant.permissionSet.id),
    ).toEqual(['job_viewer']);
    expect(
      errorCodes(await client.request(UpdateJobDocument, { id: job, input: { description: 'y' } })),
    ).toEqual(['FORBIDDEN']);

    const viewerGrant = removed.data!.removeServiceTokenGrants!.grants[0]!.id;
    expect(
      errorCodes(
        await admin.request(RemoveServiceTokenGrantsDocument, {
          id: token.serviceToken.id,
          grantIds: [viewerGrant],
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await admin.request(RemoveServiceTokenGrantsDocument, {
          id: token.serviceToken.id,
          grantIds: ['999'],
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    // A bad replacement changes nothing.
    const bad = await admin.request(SetServiceTokenGrantsDocument, {
      id: token.serviceToken.id,
      permissions: [
        { permissionSet: 'job_admin', allProjects: true },
        { permissionSet: 'member', projectIds: ['424242'] },
      ],
    });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    const unchanged = await admin.request(ServiceTokenDocument, { id: token.serviceToken.id });
    expect(unchanged.data?.serviceToken?.grants.map((grant) => grant.permissionSet.id)).toEqual([
      'job_viewer',
    ]);

    const replaced = await admin.request(SetServiceTokenGrantsDocument, {
      id: token.serviceToken.id,
      permissions: [{ permissionSet: 'job_admin', projectIds: [project] }],
    });
    expect(
      replaced.data?.setServiceTokenGrants?.grants.map((grant) => grant.permissionSet.id),
    ).toEqual(['job_admin']);
    const log = await admin.request(AuditLogDocument, {
      filter: { action: 'setServiceTokenGrants', outcome: 'success' },
    });
    expect(log.data?.auditLog?.edges[0]?.node.details).toEqual({
      before: [
        {
          permissionSet: 'job_viewer',
          projectIds: [Number(project)],
          writableEnvironmentCategories: [],
        },
      ],
      after: [
        {
          permissionSet: 'job_admin',
          projectIds: [Number(project)],
          writableEnvironmentCategories: [],
        },
      ],
    });
  });
});

describe('last use', () => {
  it('is coalesced: at most one write per token per minute, with the count, the address and recent addresses', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const { token, serviceToken } = await create(gateway);
    const usageWrites = () =>
      gateway.queries.filter((sql) => sql.startsWith('update "service_tokens" set "use_count"'))
        .length;

    const before = usageWrites();
    // A request does not wait for its usage write (queries are recorded once they have run): on
    // PostgreSQL the write lands after the response, so wait for the count to settle.
    const writesSettleAt = (expected: number, label: string) =>
      vi.waitFor(() => expect(usageWrites() - before, label).toBe(expected), { timeout: 10_000 });
    for (const [index, clientIp] of ['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.3'].entries()) {
      clock.advance(10_000);
      await gateway.graphql('{ viewer { id } }', {}, token, { clientIp });
      await writesSettleAt(1, `after request ${index + 1}`);
    }
    clock.advance(60_000);
    await gateway.graphql('{ viewer { id } }', {}, token, { clientIp: '10.0.0.4' });
    await writesSettleAt(2, 'after the minute');
    await gateway.app.flushUsage();

    const stored = await gateway
      .client(gateway.adminToken)
      .request(ServiceTokenInventoryDocument, { filter: { neverUsed: false } });
    const used = stored
      .data!.serviceTokens!.edges.map((edge) => edge.node)
      .find((node) => node.id === serviceToken.id)!;
    expect(used).toMatchObject({
      useCount: 5,
      lastUsedAt: '2026-11-27T12:01:40.000Z',
      lastUsedIp: '10.0.0.4',
      recentIps: ['10.0.0.4', '10.0.0.3', '10.0.0.1', '10.0.0.2'],
    });
  });
});

describe('per-token address allowlist', () => {
  it('refuses the token outside its ranges, and refuses a change that would lock out its own caller', async () => {
    const gateway = await createTestGateway();
    const { token, serviceToken } = await create(gateway, {
      allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
    });
    expect(
      (await gateway.graphql('{ viewer { allowedCidrs } }', {}, token, { clientIp: '10.9.8.7' }))
        .body.data?.viewer.allowedCidrs,
    ).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    const outside = await gateway.graphql('{ viewer { name } }', {}, token, {
      clientIp: '192.0.2.1',
    });
    expect(outside.status).toBe(403);
    expect(outside.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ip_restricted',
    });

    const admin = gateway.client(gateway.adminToken);
    expect(
      errorCodes(
        await admin.request(SetServiceTokenAllowedCidrsDocument, {
          id: serviceToken.id,
          allowedCidrs: ['nope'],
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    const cleared = await admin.request(SetServiceTokenAllowedCidrsDocument, {
      id: serviceToken.id,
      allowedCidrs: [],
    });
    expect(cleared.data?.setServiceTokenAllowedCidrs?.allowedCidrs).toEqual([]);
    expect(
      (await gateway.graphql('{ viewer { name } }', {}, token, { clientIp: '192.0.2.1' })).status,
    ).toBe(200);

    const adminId = (await admin.request(ViewerDocument)).data!.viewer.id;
    const lockout = await admin.request(SetServiceTokenAllowedCidrsDocument, {
      id: adminId,
      allowedCidrs: ['10.0.0.0/8'],
    });
    expect(errorCodes(lockout)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('self-inspection', () => {
  it('shows effective permissions and answers can() with the reason', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const a = required(await admin.request(CreateProjectDocument, { input: { name: 'a' } }), 'a')
      .createProject!.id;
    const b = required(await admin.request(CreateProjectDocument, { input: { name: 'b' } }), 'b')
      .createProject!.id;
    const { token } = await create(gateway, {
      permissions: [
        { permissionSet: 'job_viewer', projectIds: [a] },
        { permissionSet: 'analyst', projectIds: [a], writableEnvironmentCategories: ['staging'] },
      ],
    });
    const client = gateway.client(token);
    const viewer = (await client.request(ViewerLifecycleDocument)).data!.viewer;
    expect(viewer.effectivePermissions).toContainEqual({
      resource: 'jobs',
      projectId: a,
      read: true,
      write: false,
      writableEnvironmentCategories: ['staging'],
    });
    expect(viewer.effectivePermissions.some((entry) => entry.projectId === b)).toBe(false);

    const can = async (variables: Parameters<typeof client.request<unknown, any>>[1]) =>
      (await client.request(CanDocument, variables as never)).data?.viewer.can;
    expect(await can({ resource: 'jobs', action: 'read', projectId: a })).toEqual({
      allowed: true,
      reason: 'Allowed by job_viewer, analyst.',
      grantedBy: ['job_viewer', 'analyst'],
    });
    expect(
      await can({
        resource: 'jobs',
        action: 'write',
        projectId: a,
        environmentCategory: 'staging',
      }),
    ).toMatchObject({
      allowed: true,
      grantedBy: ['analyst'],
    });
    expect(
      (
        await can({
          resource: 'jobs',
          action: 'write',
          projectId: a,
          environmentCategory: 'production',
        })
      )?.reason,
    ).toBe(
      'analyst write jobs only in environments of the categories the grant lists (staging), not production.',
    );
    expect((await can({ resource: 'jobs', action: 'read', projectId: b }))?.reason).toBe(
      `No grant of this token reaches project ${b}.`,
    );
    expect((await can({ resource: 'service_tokens', action: 'write' }))?.reason).toBe(
      'No permission set of this token allows service_tokens:write; it needs one of: account_admin.',
    );
    expect(
      errorCodes(await client.request(CanDocument, { resource: 'jobs', action: 'read' })),
    ).toEqual(['BAD_USER_INPUT']);

    const denied = await client.request(AddServiceTokenGrantsDocument, {
      id: '1',
      permissions: [{ permissionSet: 'member', allProjects: true }],
    });
    expect(denied.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      acceptedPermissionSets: ['account_admin'],
    });
  });
});

describe('leak response', () => {
  it('lets anyone holding a token revoke it, audited in the owning account', async () => {
    const gateway = await createTestGateway();
    const { token, serviceToken } = await create(gateway, { name: 'leaked' });
    const anonymous = gateway.client();
    expect(
      (await anonymous.request(RevokeLeakedTokenDocument, { token })).data?.revokeLeakedToken
        .revoked,
    ).toBe(true);
    expect((await gateway.client(token).request(ViewerDocument)).status).toBe(401);
    expect(
      (await anonymous.request(RevokeLeakedTokenDocument, { token })).data?.revokeLeakedToken
        .revoked,
    ).toBe(false);
    expect(
      (await anonymous.request(RevokeLeakedTokenDocument, { token: generateToken() })).data
        ?.revokeLeakedToken.revoked,
    ).toBe(false);
    expect(
      errorCodes(await anonymous.request(RevokeLeakedTokenDocument, { token: 'tgs_notatoken' })),
    ).toEqual(['BAD_USER_INPUT']);

    const log = await gateway
      .client(gateway.adminToken)
      .request(AuditLogDocument, { filter: { action: 'revokeLeakedToken' } });
    expect(log.data?.auditLog?.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({
        outcome: 'success',
        actorTokenId: null,
        targetId: serviceToken.id,
        clientIp: '127.0.0.1',
      }),
    ]);
    expect(JSON.stringify(log)).not.toContain(token);
  });

  it('revokes a token reported by its rotated-out secret, and is rate limited per address', async () => {
    const gateway = await createTestGateway();
    const old = await create(gateway);
    const rotated = required(
      await gateway
        .client(gateway.adminToken)
        .request(RotateServiceTokenDocument, { id: old.serviceToken.id, graceSeconds: 600 }),
      'rotate',
    ).rotateServiceToken!;
    const report = (clientIp: string) =>
      gateway.graphql(
        'mutation ($token: String!) { revokeLeakedToken(token: $token) { revoked } }',
        { token: old.token },
        undefined,
        { clientIp },
      );
    expect((await report('192.0.2.9')).body.data?.revokeLeakedToken.revoked).toBe(true);
    expect((await gateway.client(rotated.token).request(ViewerDocument)).status).toBe(401);

    for (let i = 0; i < 9; i++) expect((await report('192.0.2.9')).status).toBe(200);
    const limited = await report('192.0.2.9');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect((await report('192.0.2.10')).status).toBe(200);
  });

  it('publishes a gitleaks rule that matches our tokens and nothing shaped differently', () => {
    const config = readFileSync(new URL('../docs/gitleaks.toml', import.meta.url), 'utf8');
    const pattern = /regex = '''(.+)'''/.exec(config)![1]!;
    const regex = new RegExp(pattern.replace(/\\b/g, '\\b'));
    for (let i = 0; i < 50; i++)
      expect(regex.exec(`key: ${generateToken()}\n`)?.[1]).toMatch(/^tgs_/);
    expect(regex.test(`tgs_${randomBytes(20).toString('hex')}`)).toBe(false);
    expect(regex.test(`xtgs_${generateToken().slice(4)}`)).toBe(false);
  });
});

describe('inventory', () => {
  it('filters by state, expiry, use, set and project; sorts; pages through each token once', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const admin = gateway.client(gateway.adminToken);
    const project = required(
      await admin.request(CreateProjectDocument, { input: { name: 'p' } }),
      'p',
    ).createProject!.id;
    const soon = new Date(clock.now().getTime() + hour).toISOString();
    const later = new Date(clock.now().getTime() + 48 * hour).toISOString();
    const tokens = {
      zed: await create(gateway, {
        name: 'zed',
        expiresAt: soon,
        permissions: [{ permissionSet: 'job_admin', projectIds: [project] }],
      }),
      amy: await create(gateway, { name: 'amy', expiresAt: later }),
      bob: await create(gateway, { name: 'bob' }),
      cat: await create(gateway, { name: 'cat' }),
    };
    await gateway.graphql('{ viewer { id } }', {}, tokens.bob.token);
    await admin.request(RotateServiceTokenDocument, {
      id: tokens.cat.serviceToken.id,
      graceSeconds: 0,
    });
    await gateway.client().request(RevokeLeakedTokenDocument, {
      token: (await create(gateway, { name: 'dan' })).token,
    });
    await gateway.app.flushUsage();

    const names = async (variables: Parameters<typeof admin.request<unknown, any>>[1]) =>
      (
        await admin.request(ServiceTokenInventoryDocument, variables as never)
      ).data!.serviceTokens!.edges.map((edge) => edge.node.name);
    expect(await names({ filter: { states: ['REVOKED'] } })).toEqual(['dan']);
    expect(
      await names({
        filter: { expiringBefore: new Date(clock.now().getTime() + 2 * hour).toISOString() },
      }),
    ).toEqual(['zed']);
    expect(await names({ filter: { neverUsed: true, states: ['ACTIVE'] } })).toEqual([
      'zed',
      'amy',
      'cat',
    ]);
    expect(await names({ filter: { permissionSet: 'job_admin' } })).toEqual(['zed']);
    expect(await names({ filter: { projectId: project } })).toEqual([
      'Bootstrap admin',
      'zed',
      'amy',
      'bob',
      'cat',
      'dan',
    ]);
    expect(
      await names({
        filter: { lastUsedBefore: new Date(clock.now().getTime() + 1000).toISOString() },
      }),
    ).toEqual(expect.arrayContaining(['bob']));
    expect(
      await names({
        sort: { field: 'NAME', direction: 'DESC' },
        filter: { states: ['ACTIVE', 'REVOKED'] },
      }),
    ).toEqual(
      ['zed', 'dan', 'cat', 'Bootstrap admin', 'bob', 'amy'].sort((x, y) => (x < y ? 1 : -1)),
    );
    expect(await names({ sort: { field: 'EXPIRES_AT', direction: 'DESC' }, first: 2 })).toEqual([
      'amy',
      'zed',
    ]);

    clock.advance(2 * hour);
    expect(await names({ filter: { states: ['EXPIRED'] } })).toEqual(['zed']);

    for (const sort of [
      { field: 'NAME' as const },
      { field: 'LAST_USED_AT' as const, direction: 'DESC' as const },
      { field: 'EXPIRES_AT' as const },
    ]) {
      const seen: string[] = [];
      let after: string | null | undefined;
      do {
        const page = (await admin.request(ServiceTokenInventoryDocument, { sort, first: 2, after }))
          .data!.serviceTokens!;
        seen.push(...page.edges.map((edge) => edge.node.name));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect([...seen].sort(), JSON.stringify(sort)).toEqual([
        'Bootstrap admin',
        'amy',
        'bob',
        'cat',
        'dan',
        'zed',
      ]);
    }
  });
});
