import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { applyTokenPolicies } from '../src/auth/token-policy.js';
import {
  CreateWebhookDocument,
  LeastPrivilegePolicyDocument,
  ReviewServiceTokensDocument,
  UpdateLeastPrivilegePolicyDocument,
} from '../src/client/index.js';
import { builders, required, tokenWith } from './support/builders.js';
import { createTestGateway, errorCodes, manualClock } from './support/helpers.js';

// The account's least-privilege policy, run as the server's periodic pass does, on a clock the
// test moves.

const dayMs = 24 * 60 * 60 * 1000;

async function setUp() {
  const clock = manualClock();
  const gateway = await createTestGateway({ now: clock.now });
  const admin = gateway.client(gateway.adminToken);
  return { clock, gateway, admin };
}

async function auditOf(gateway: Awaited<ReturnType<typeof setUp>>['gateway'], action: string) {
  return gateway.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .orderBy('id')
    .execute();
}

describe('least-privilege policy', () => {
  it('is off by default except the 90-day retention, and is set through the API (audited)', async () => {
    const { clock, gateway, admin } = await setUp();
    const policy = required(await admin.request(LeastPrivilegePolicyDocument), 'policy');
    expect(policy.leastPrivilegePolicy).toEqual({
      usageRetentionDays: 90,
      revokeUnusedAfterDays: null,
      expiryWarningDays: null,
      usageRecordedSince: clock.now().toISOString(),
      updatedAt: null,
    });
    const updated = required(
      await admin.request(UpdateLeastPrivilegePolicyDocument, {
        revokeUnusedAfterDays: 30,
        expiryWarningDays: 7,
      }),
      'update',
    ).updateLeastPrivilegePolicy;
    expect(updated).toMatchObject({
      usageRetentionDays: 90,
      revokeUnusedAfterDays: 30,
      expiryWarningDays: 7,
    });
    const [entry] = await auditOf(gateway, 'updateLeastPrivilegePolicy');
    expect(JSON.parse(entry!.details)).toEqual({ revokeUnusedAfterDays: 30, expiryWarningDays: 7 });

    // A project Member may change the account's settings, but revoking tokens is not its to do.
    const project = await builders(admin).project('analytics');
    const member = await tokenWith(gateway, [{ permissionSet: 'member', projectIds: [project] }]);
    required(
      await member.client.request(UpdateLeastPrivilegePolicyDocument, { expiryWarningDays: 3 }),
      'member sets the warning',
    );
    const revoking = await member.client.request(UpdateLeastPrivilegePolicyDocument, {
      revokeUnusedAfterDays: 1,
    });
    expect(errorCodes(revoking)).toEqual(['FORBIDDEN']);
    expect(revoking.errors![0]!.extensions).toMatchObject({
      requiredPermission: 'service_tokens:write',
      field: 'revokeUnusedAfterDays',
    });

    for (const bad of [{ usageRetentionDays: 0 }, { revokeUnusedAfterDays: 4000 }]) {
      const refused = await admin.request(UpdateLeastPrivilegePolicyDocument, bad);
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('with nothing set, revokes nothing and warns of nothing', async () => {
    const { clock, gateway, admin } = await setUp();
    await tokenWith(gateway, [{ permissionSet: 'metadata_only', allProjects: true }], 'idle');
    await builders(admin).token([{ permissionSet: 'metadata_only', allProjects: true }], {
      name: 'soon',
      expiresAt: new Date(clock.now().getTime() + 2 * dayMs).toISOString(),
    });
    clock.advance(400 * dayMs - 3 * dayMs);
    const result = await applyTokenPolicies(gateway.db, clock.now());
    expect(result.revoked).toEqual([]);
    expect(result.warned).toEqual([]);
  });

  it('revokes tokens unused for N days, audited, and never the last working Account Admin token', async () => {
    const { clock, gateway, admin } = await setUp();
    required(
      await admin.request(UpdateLeastPrivilegePolicyDocument, { revokeUnusedAfterDays: 30 }),
      'update',
    );
    const idle = await tokenWith(
      gateway,
      [{ permissionSet: 'metadata_only', allProjects: true }],
      'idle',
    );
    const busy = await tokenWith(gateway, [{ permissionSet: 'account_viewer' }], 'busy');
    clock.advance(29 * dayMs);
    expect((await applyTokenPolicies(gateway.db, clock.now())).revoked).toEqual([]);

    clock.advance(2 * dayMs);
    expect((await busy.client.request(ReviewServiceTokensDocument, {})).errors).toBeUndefined();
    await gateway.app.flushUsage();
    // The admin token was last used 31 days ago too, but it is the account's only working
    // Account Admin token: revoking it would leave no one to administer the account.
    const result = await applyTokenPolicies(gateway.db, clock.now());
    expect(result.revoked).toEqual([Number(idle.id)]);
    const refused = await idle.client.request(ReviewServiceTokensDocument, {});
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    const [entry] = await auditOf(gateway, 'revokeUnusedServiceToken');
    expect(entry).toMatchObject({ actor_token_id: null, target_id: idle.id, outcome: 'success' });
    expect(JSON.parse(entry!.details)).toMatchObject({ days: 30, lastUsedAt: null });
    // A second pass (another instance, the next hour) finds nothing more to do.
    expect((await applyTokenPolicies(gateway.db, clock.now())).revoked).toEqual([]);
  });

  it('queues token.expiring through webhooks N days before expiry, once per expiry, audited', async () => {
    const { clock, gateway, admin } = await setUp();
    const subscribed = required(
      await admin.request(CreateWebhookDocument, {
        input: { name: 'tokens', url: 'https://hooks.example.com/t', events: ['token.expiring'] },
      }),
      'createWebhook',
    ).createWebhook!.webhook;
    required(
      await admin.request(CreateWebhookDocument, {
        input: { name: 'runs', url: 'https://hooks.example.com/r', events: ['job.run.completed'] },
      }),
      'createWebhook',
    );
    required(
      await admin.request(UpdateLeastPrivilegePolicyDocument, { expiryWarningDays: 7 }),
      'update',
    );
    const expiresAt = new Date(clock.now().getTime() + 10 * dayMs).toISOString();
    const expiring = await builders(admin).token(
      [{ permissionSet: 'metadata_only', allProjects: true }],
      { name: 'nightly', expiresAt },
    );
    expect((await applyTokenPolicies(gateway.db, clock.now())).warned).toEqual([]);

    clock.advance(4 * dayMs);
    const result = await applyTokenPolicies(gateway.db, clock.now());
    expect(result.warned).toEqual([Number(expiring.serviceToken.id)]);
    const deliveries = await gateway.db.selectFrom('webhook_deliveries').selectAll().execute();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      webhook_id: Number(subscribed.id),
      event_type: 'token.expiring',
      status: 'pending',
      run_id: null,
    });
    const payload = JSON.parse(deliveries[0]!.payload);
    expect(payload).toMatchObject({
      eventType: 'token.expiring',
      webhooksID: subscribed.id,
      data: { tokenId: expiring.serviceToken.id, tokenName: 'nightly', expiresAt, daysLeft: 6 },
    });
    expect(deliveries[0]!.payload).not.toContain(expiring.token);
    const [entry] = await auditOf(gateway, 'tokenExpiring');
    expect(entry).toMatchObject({ actor_token_id: null, target_id: expiring.serviceToken.id });

    // Once per expiry: later passes do not repeat it.
    clock.advance(dayMs);
    expect((await applyTokenPolicies(gateway.db, clock.now())).warned).toEqual([]);
    expect(await gateway.db.selectFrom('webhook_deliveries').selectAll().execute()).toHaveLength(1);
  });

  it('prunes recorded usage past the retention', async () => {
    const { clock, gateway, admin } = await setUp();
    required(
      await admin.request(UpdateLeastPrivilegePolicyDocument, { usageRetentionDays: 10 }),
      'update',
    );
    await gateway.app.flushUsage();
    const stored = () => gateway.db.selectFrom('permission_usage').selectAll().execute();
    expect((await stored()).length).toBeGreaterThan(0);
    clock.advance(9 * dayMs);
    expect((await applyTokenPolicies(gateway.db, clock.now())).pruned).toBe(0);
    clock.advance(2 * dayMs);
    expect((await applyTokenPolicies(gateway.db, clock.now())).pruned).toBeGreaterThan(0);
    expect(await stored()).toEqual([]);
  });

  it("runs periodically in the app, on the app's clock", async () => {
    const { clock, gateway, admin } = await setUp();
    required(
      await admin.request(UpdateLeastPrivilegePolicyDocument, { expiryWarningDays: 7 }),
      'update',
    );
    const expiring = await builders(admin).token(
      [{ permissionSet: 'metadata_only', allProjects: true }],
      { name: 'soon', expiresAt: new Date(clock.now().getTime() + 3 * dayMs).toISOString() },
    );
    // A second instance on the same database, as the server starts it, with a short interval.
    const instance = createApp({
      db: gateway.db,
      secrets: gateway.secrets,
      now: clock.now,
      tokenPolicy: { intervalMs: 10 },
    });
    try {
      await expect
        .poll(async () => (await auditOf(gateway, 'tokenExpiring')).map((entry) => entry.target_id))
        .toEqual([expiring.serviceToken.id]);
    } finally {
      await instance.close();
    }
  });
});
