import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { Grant } from '../src/catalog/access.js';
import { firstRefusedAfter, type UsedPermission } from '../src/catalog/least-privilege.js';
import type { Resource } from '../src/catalog/matrix.js';
import {
  ApplySuggestedGrantsDocument,
  LeastPrivilegePolicyDocument,
  ReviewServiceTokensDocument,
  ServiceTokenPermissionUsageDocument,
  SuggestedGrantsDocument,
  UpdateLeastPrivilegePolicyDocument,
} from '../src/client/index.js';
import { builders, required, tokenWith } from './support/builders.js';
import { lastAuditEntry } from './support/checks.js';
import { createTestGateway, errorCodes, manualClock, type TestGateway } from './support/helpers.js';

const dayMs = 24 * 60 * 60 * 1000;

const readRunsOfProject = `query ($id: ID!) { project(id: $id) { id runs { edges { node { id } } } } }`;

/** A gateway on a clock, an extra Account Admin token and a project, 91 days in the past. */
async function setUp() {
  const clock = manualClock();
  const gateway = await createTestGateway({ now: clock.now });
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project('analytics');
  const other = await build.project('finance');
  const token = await tokenWith(gateway, [{ permissionSet: 'account_admin' }], 'dashboards');
  return { clock, gateway, admin, project, other, token };
}

async function asToken(gateway: TestGateway, secret: string, query: string, variables = {}) {
  const response = await gateway.graphql(query, variables, secret);
  expect(response.body.errors).toBeUndefined();
  return response.body.data;
}

/** The stored grants of a token, as the catalog reads them. */
async function grantsOfToken(gateway: TestGateway, id: string): Promise<Grant[]> {
  const response = required(
    await gateway.client(gateway.adminToken).request(SuggestedGrantsDocument, { id, sinceDays: 1 }),
    'serviceToken',
  );
  return response.serviceToken!.grants.map((grant) => ({
    permissionSet: grant.permissionSet.id,
    projectIds: grant.allProjects ? null : grant.projectIds.map(Number),
    writableEnvironmentCategories: grant.writableEnvironmentCategories,
  }));
}

describe('permission usage', () => {
  it('records each permission the rules granted, per project, with counts and first and last use', async () => {
    const { clock, gateway, admin, project, token } = await setUp();
    await asToken(gateway, token.secret, readRunsOfProject, { id: project });
    clock.advance(60_000);
    await asToken(gateway, token.secret, readRunsOfProject, { id: project });
    await gateway.app.flushUsage();

    const usage = required(
      await admin.request(ServiceTokenPermissionUsageDocument, { id: token.id, sinceDays: 1 }),
      'permissionUsage',
    ).serviceToken!.permissionUsage;
    expect(usage.used).toEqual([
      {
        resource: 'projects',
        action: 'read',
        projectId: project,
        firstUsedAt: '2026-11-27T12:00:00.000Z',
        lastUsedAt: '2026-11-27T12:01:00.000Z',
        useCount: 2,
      },
      {
        resource: 'runs',
        action: 'read',
        projectId: project,
        firstUsedAt: '2026-11-27T12:00:00.000Z',
        lastUsedAt: '2026-11-27T12:01:00.000Z',
        useCount: 2,
      },
    ]);
    // Account Admin holds every permission on every project: the runs it read are one of them.
    const runsRead = usage.granted.find(
      (granted) => granted.resource === 'runs' && granted.action === 'read',
    );
    expect(runsRead).toMatchObject({ allProjects: true, used: true, useCount: 2 });
    expect(usage.unused.some((unused) => unused.resource === 'billing')).toBe(true);
    const unusedRunReads = usage.unused.filter(
      (unused) => unused.resource === 'runs' && unused.action === 'read',
    );
    expect(unusedRunReads).toEqual([]);
    // The token was created today: a day of its usage is not on record yet.
    expect(usage.coversWindow).toBe(false);
  });

  it('adds up what several instances on one database recorded, and survives a restart', async () => {
    const { clock, gateway, admin, project, token } = await setUp();
    const second = createApp({ db: gateway.db, secrets: gateway.secrets, now: clock.now });
    const viaSecond = (query: string, variables: Record<string, unknown>) =>
      second.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.secret}` },
        body: JSON.stringify({ query, variables }),
      });
    await asToken(gateway, token.secret, readRunsOfProject, { id: project });
    clock.advance(1000);
    const response = await viaSecond(readRunsOfProject, { id: project });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    // Both instances write the same rows: the upserts add, neither overwrites the other.
    await gateway.app.flushUsage();
    await second.close();

    const used = required(
      await admin.request(ServiceTokenPermissionUsageDocument, { id: token.id, sinceDays: 1 }),
      'permissionUsage',
    ).serviceToken!.permissionUsage.used;
    expect(used.map((row) => [row.resource, row.useCount, row.lastUsedAt])).toEqual([
      ['projects', 2, '2026-11-27T12:00:01.000Z'],
      ['runs', 2, '2026-11-27T12:00:01.000Z'],
    ]);
  });

  it('records a list across projects without a project, and nothing for anonymous calls', async () => {
    const { gateway, admin, token } = await setUp();
    await asToken(gateway, token.secret, '{ runs { totalCount } }');
    const anonymous = await gateway.graphql('{ runs { totalCount } }');
    expect(errorCodes(anonymous.body)).toEqual(['UNAUTHENTICATED']);
    await gateway.app.flushUsage();
    const used = required(
      await admin.request(ServiceTokenPermissionUsageDocument, { id: token.id, sinceDays: 1 }),
      'permissionUsage',
    ).serviceToken!.permissionUsage.used;
    expect(used.map((row) => [row.resource, row.action, row.projectId])).toEqual([
      ['runs', 'read', null],
    ]);
  });
});

describe('suggested grants', () => {
  it('turn an Account Admin token that only read runs of one project into Job Viewer there, and applying it keeps every recorded request allowed', async () => {
    const { clock, gateway, admin, project, token } = await setUp();
    clock.advance(91 * dayMs);
    await asToken(gateway, token.secret, readRunsOfProject, { id: project });
    await gateway.app.flushUsage();

    const { suggestedGrants } = required(
      await admin.request(SuggestedGrantsDocument, { id: token.id, sinceDays: 90 }),
      'suggestedGrants',
    ).serviceToken!;
    expect(suggestedGrants.coversWindow).toBe(true);
    expect(suggestedGrants.grants).toEqual([
      {
        permissionSet: { id: 'job_viewer' },
        allProjects: false,
        projectIds: [project],
        writableEnvironmentCategories: [],
      },
    ]);
    expect(suggestedGrants.explanation).toContain('no smaller cover exists');
    // Stakeholder covers it as well, with more unused permissions: a tie, explained.
    expect(suggestedGrants.ties.map((tie) => tie.grants[0]!.permissionSet.id)).toContain(
      'stakeholder',
    );
    expect(suggestedGrants.explanation).toMatch(
      /stakeholder on project \d+ \(it grants \d+ unused/,
    );
    expect(suggestedGrants.removed).toContainEqual({
      resource: 'service_tokens',
      action: 'write',
      projectId: null,
    });

    const before = await grantsOfToken(gateway, token.id);
    const used = required(
      await admin.request(ServiceTokenPermissionUsageDocument, { id: token.id, sinceDays: 90 }),
      'permissionUsage',
    ).serviceToken!.permissionUsage.used.map(
      (row): UsedPermission => ({
        resource: row.resource as Resource,
        action: row.action,
        projectId: row.projectId === null ? null : Number(row.projectId),
      }),
    );
    const applied = required(
      await admin.request(ApplySuggestedGrantsDocument, { id: token.id, sinceDays: 90 }),
      'applySuggestedGrants',
    ).applySuggestedGrants;
    expect(applied.serviceToken.grants.map((grant) => grant.permissionSet.id)).toEqual([
      'job_viewer',
    ]);
    const after = await grantsOfToken(gateway, token.id);
    const audit = await lastAuditEntry(gateway.db);
    expect(audit).toMatchObject({ action: 'applySuggestedGrants', target_id: token.id });
    expect(JSON.parse(audit!.details)).toMatchObject({
      sinceDays: 90,
      before: [{ permissionSet: 'account_admin', projectIds: 'all' }],
      after: [{ permissionSet: 'job_viewer', projectIds: [Number(project)] }],
    });

    // The replay: every recorded permission goes through the catalog under the new grants...
    expect(used.length).toBe(2);
    expect(firstRefusedAfter(before, after, used)).toBeNull();
    // ...and the token's real request is still answered, while what it never used is refused.
    await asToken(gateway, token.secret, readRunsOfProject, { id: project });
    const create = await gateway.graphql(
      'mutation { createProject(input: { name: "x" }) { id } }',
      {},
      token.secret,
    );
    expect(errorCodes(create.body)).toEqual(['FORBIDDEN']);
  });

  it('are refused when usage is not on record for the whole window, and when nothing was used', async () => {
    const { clock, gateway, admin, token } = await setUp();
    await asToken(gateway, token.secret, '{ viewer { id } }');
    await gateway.app.flushUsage();
    const young = await admin.request(ApplySuggestedGrantsDocument, {
      id: token.id,
      sinceDays: 90,
    });
    expect(errorCodes(young)).toEqual(['BAD_USER_INPUT']);
    expect(young.errors![0]!.message).toContain('on record only since');

    clock.advance(91 * dayMs);
    // An account that existed before the upgrade that brought recording: it began at the upgrade.
    await gateway.db
      .insertInto('least_privilege_policies')
      .values({
        account_id: gateway.account.id,
        usage_retention_days: 90,
        revoke_unused_after_days: null,
        expiry_warning_days: null,
        usage_recorded_since: new Date(clock.now().getTime() - 10 * dayMs).toISOString(),
        updated_at: null,
      })
      .execute();
    const upgraded = await admin.request(ApplySuggestedGrantsDocument, {
      id: token.id,
      sinceDays: 90,
    });
    expect(errorCodes(upgraded)).toEqual(['BAD_USER_INPUT']);
    expect(upgraded.errors![0]!.message).toContain('on record only since');
    const covered = required(
      await admin.request(SuggestedGrantsDocument, { id: token.id, sinceDays: 10 }),
      'suggestedGrants',
    );
    expect(covered.serviceToken!.suggestedGrants.coversWindow).toBe(true);
    await gateway.db.deleteFrom('least_privilege_policies').execute();

    const idle = await admin.request(ApplySuggestedGrantsDocument, { id: token.id, sinceDays: 90 });
    expect(errorCodes(idle)).toEqual(['BAD_USER_INPUT']);
    expect(idle.errors![0]!.message).toContain('revoke it instead');

    // Past the retention the window is not covered either.
    await asToken(gateway, token.secret, '{ viewer { id } }');
    required(
      await admin.request(UpdateLeastPrivilegePolicyDocument, { usageRetentionDays: 30 }),
      'updateLeastPrivilegePolicy',
    );
    const pastRetention = await admin.request(ApplySuggestedGrantsDocument, {
      id: token.id,
      sinceDays: 60,
    });
    expect(errorCodes(pastRetention)).toEqual(['BAD_USER_INPUT']);
    const badWindow = await admin.request(SuggestedGrantsDocument, { id: token.id, sinceDays: 0 });
    expect(errorCodes(badWindow)).toEqual(['BAD_USER_INPUT']);
  });

  it('are never applied to the last working Account Admin token when it would stop being one', async () => {
    const clock = manualClock();
    const sole = await createTestGateway({ now: clock.now });
    const admin = sole.client(sole.adminToken);
    const project = await builders(admin).project('p');
    clock.advance(91 * dayMs);
    await asToken(sole, sole.adminToken, readRunsOfProject, { id: project });
    await sole.app.flushUsage();
    const adminId = required(await admin.request(ReviewServiceTokensDocument, {}), 'serviceTokens')
      .serviceTokens!.edges[0]!.node.id;
    const refused = await admin.request(ApplySuggestedGrantsDocument, {
      id: adminId,
      sinceDays: 90,
    });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.message).toContain('no working Account Admin token');
  });
});

describe('least-privilege fields are guarded by the catalog', () => {
  it('without service_tokens read: FORBIDDEN naming it; without write: applying is FORBIDDEN', async () => {
    const { gateway, project, token } = await setUp();
    const jobAdmin = await tokenWith(gateway, [
      { permissionSet: 'job_admin', projectIds: [project] },
    ]);
    const usage = await gateway.graphql(
      '{ viewer { permissionUsage(sinceDays: 1) { sinceDays } } }',
      {},
      jobAdmin.secret,
    );
    expect(errorCodes(usage.body)).toEqual(['FORBIDDEN']);
    expect(usage.body.errors![0]!.extensions!.requiredPermission).toBe('service_tokens:read');
    const suggestion = await gateway.graphql(
      '{ viewer { suggestedGrants(sinceDays: 1) { explanation } } }',
      {},
      jobAdmin.secret,
    );
    expect(suggestion.body.errors![0]!.extensions!.requiredPermission).toBe('service_tokens:read');

    const viewer = await tokenWith(gateway, [{ permissionSet: 'account_viewer' }], 'viewer');
    const readable = await viewer.client.request(SuggestedGrantsDocument, {
      id: token.id,
      sinceDays: 1,
    });
    expect(readable.errors).toBeUndefined();
    const apply = await viewer.client.request(ApplySuggestedGrantsDocument, {
      id: token.id,
      sinceDays: 1,
    });
    expect(errorCodes(apply)).toEqual(['FORBIDDEN']);
    expect(apply.errors![0]!.extensions!.requiredPermission).toBe('service_tokens:write');

    const policy = await jobAdmin.client.request(LeastPrivilegePolicyDocument);
    expect(policy.errors![0]!.extensions!.requiredPermission).toBe('account_settings:read');
    const setPolicy = await viewer.client.request(UpdateLeastPrivilegePolicyDocument, {
      revokeUnusedAfterDays: 30,
    });
    expect(setPolicy.errors![0]!.extensions!.requiredPermission).toBe('account_settings:write');
  });

  it("another account's token is NOT_FOUND; no token is UNAUTHENTICATED", async () => {
    const { gateway, token } = await setUp();
    const stranger = await gateway.addAccount('Other', 'enterprise');
    const client = gateway.client(stranger.adminToken);
    const usage = await client.request(ServiceTokenPermissionUsageDocument, {
      id: token.id,
      sinceDays: 1,
    });
    expect(usage.data?.serviceToken).toBeNull();
    expect(errorCodes(usage)).toEqual(['NOT_FOUND']);
    const apply = await client.request(ApplySuggestedGrantsDocument, {
      id: token.id,
      sinceDays: 1,
    });
    expect(errorCodes(apply)).toEqual(['NOT_FOUND']);

    const anonymous = gateway.client();
    for (const response of [
      await anonymous.request(SuggestedGrantsDocument, { id: token.id, sinceDays: 1 }),
      await anonymous.request(ApplySuggestedGrantsDocument, { id: token.id, sinceDays: 1 }),
      await anonymous.request(LeastPrivilegePolicyDocument),
      await anonymous.request(UpdateLeastPrivilegePolicyDocument, { expiryWarningDays: 3 }),
    ])
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('a token of another project sees no token to review: FORBIDDEN on the inventory', async () => {
    const { gateway, other, token } = await setUp();
    const elsewhere = await tokenWith(gateway, [{ permissionSet: 'member', projectIds: [other] }]);
    const usage = await elsewhere.client.request(ServiceTokenPermissionUsageDocument, {
      id: token.id,
      sinceDays: 1,
    });
    expect(usage.data?.serviceToken ?? null).toBeNull();
    expect(errorCodes(usage)).toEqual(['FORBIDDEN']);
  });
});

describe('serviceTokens review filters', () => {
  it('find tokens unused for N days, over-granted ones and those expiring soon', async () => {
    const { clock, gateway, admin, project, token } = await setUp();
    await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [project] }], 'reader');
    await builders(admin).token([{ permissionSet: 'metadata_only', allProjects: true }], {
      name: 'expiring',
      expiresAt: new Date(clock.now().getTime() + 10 * dayMs).toISOString(),
    });
    clock.advance(2 * dayMs);
    await asToken(gateway, token.secret, readRunsOfProject, { id: project });
    await asToken(gateway, gateway.adminToken, '{ viewer { id } }');
    // Last use is written in the background; the filters below read it.
    await gateway.app.flushUsage();

    const names = async (filter: Record<string, unknown>) =>
      required(await admin.request(ReviewServiceTokensDocument, { filter }), 'serviceTokens')
        .serviceTokens!.edges.map((edge) => edge.node.name)
        .sort();
    // The admin token read the review itself; the others were never used.
    expect(await names({ unusedForDays: 1 })).toEqual(['expiring', 'reader']);
    expect(await names({ expiringWithinDays: 9 })).toEqual(['expiring']);
    expect(await names({ expiringWithinDays: 7 })).toEqual([]);
    // Over-granted: holding what went unused. The dashboards token used 2 of Account Admin's
    // permissions; the reader used none of Job Viewer's.
    const overGranted = await names({ overGrantedForDays: 30 });
    expect(overGranted).toContain('dashboards');
    expect(overGranted).toContain('reader');
    const bad = await admin.request(ReviewServiceTokensDocument, {
      filter: { unusedForDays: -1 },
    });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});
