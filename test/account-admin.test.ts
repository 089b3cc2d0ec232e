import { describe, expect, it } from 'vitest';
import {
  AccountSettingsDocument,
  AuthProviderDocument,
  BillingDocument,
  UpdateAccountSettingsDocument,
  UpdateAuthProviderDocument,
  type UpdateAuthProviderInput,
  UpdateBillingDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { addMember, dumpDatabase, lastAuditEntry, rowCount } from './support/checks.js';
import { createTestGateway, document, errorCodes } from './support/helpers.js';

describe('account settings', () => {
  it('start from defaults, round-trip, and keep the name in the accounts table only', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    expect((await admin.request(AccountSettingsDocument)).data?.accountSettings).toEqual({
      name: 'Acme',
      plan: 'enterprise',
      defaultDbtVersion: 'latest',
      runSlots: 1,
      scheduleTimezone: 'UTC',
      updatedAt: null,
    });

    const updated = await admin.request(UpdateAccountSettingsDocument, {
      input: {
        name: '  Acme Analytics ',
        defaultDbtVersion: '1.9.0-latest',
        runSlots: 4,
        scheduleTimezone: 'Europe/Berlin',
      },
    });
    expect(updated.data?.updateAccountSettings).toMatchObject({
      name: 'Acme Analytics',
      plan: 'enterprise',
      defaultDbtVersion: '1.9.0-latest',
      runSlots: 4,
      scheduleTimezone: 'Europe/Berlin',
    });
    // One source of truth: the viewer's account reads the same row.
    expect((await admin.request(ViewerDocument)).data?.viewer.account.name).toBe('Acme Analytics');
    const stored = await gateway.db
      .selectFrom('accounts')
      .select('name')
      .where('id', '=', gateway.account.id)
      .executeTakeFirstOrThrow();
    expect(stored.name).toBe('Acme Analytics');

    // A partial update leaves the rest alone.
    const partial = await admin.request(UpdateAccountSettingsDocument, { input: { runSlots: 2 } });
    expect(partial.data?.updateAccountSettings).toMatchObject({
      name: 'Acme Analytics',
      runSlots: 2,
      scheduleTimezone: 'Europe/Berlin',
    });

    const entry = await lastAuditEntry(gateway.db);
    expect(entry).toMatchObject({
      action: 'updateAccountSettings',
      outcome: 'success',
      target_type: 'Account',
    });
    expect(JSON.parse(entry.details)).toEqual({ runSlots: { from: 4, to: 2 } });
  });

  it('refuse bad input naming the field, writing nothing', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const refusals: [Record<string, unknown>, string][] = [
      [{ name: '   ' }, 'input.name'],
      [{ defaultDbtVersion: 'one point ten' }, 'input.defaultDbtVersion'],
      [{ runSlots: 0 }, 'input.runSlots'],
      [{ runSlots: 101 }, 'input.runSlots'],
      [{ scheduleTimezone: 'Mars/Olympus_Mons' }, 'input.scheduleTimezone'],
      [{ name: 'Fine', scheduleTimezone: '' }, 'input.scheduleTimezone'],
    ];
    for (const [input, field] of refusals) {
      const response = await admin.request(UpdateAccountSettingsDocument, { input });
      expect(errorCodes(response), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.extensions?.field).toBe(field);
    }
    expect(await rowCount(gateway.db, 'account_settings')).toBe(0);
    expect((await admin.request(AccountSettingsDocument)).data?.accountSettings.name).toBe('Acme');
  });

  it('offer no way to change the plan', async () => {
    const gateway = await createTestGateway({ plan: 'team' });
    const response = await gateway.graphql(
      'mutation { updateAccountSettings(input: { plan: enterprise }) { plan } }',
      {},
      gateway.adminToken,
    );
    expect(errorCodes(response.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const plan = await gateway.db
      .selectFrom('accounts')
      .select('plan')
      .where('id', '=', gateway.account.id)
      .executeTakeFirstOrThrow();
    expect(plan.plan).toBe('team');
  });

  it("are per account: one account's change is invisible to another", async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'team');
    await gateway
      .client(gateway.adminToken)
      .request(UpdateAccountSettingsDocument, { input: { runSlots: 9, name: 'Renamed' } });
    const seen = await gateway.client(other.adminToken).request(AccountSettingsDocument);
    expect(seen.data?.accountSettings).toMatchObject({ name: 'Globex', plan: 'team', runSlots: 1 });
  });
});

describe('auth provider', () => {
  const secret = 'oidc-client-secret-Zq8xKv3mWp';

  it('configures SAML, then OIDC with a write-only secret; switching type clears the other settings', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    expect((await admin.request(AuthProviderDocument)).data?.authProvider).toMatchObject({
      type: 'none',
      enabled: false,
      hasClientSecret: false,
    });

    const saml = await admin.request(UpdateAuthProviderDocument, {
      input: {
        type: 'saml',
        enabled: false,
        loginSlug: 'Acme-Corp',
        samlMetadataUrl: 'https://idp.example.com/metadata.xml',
        samlEntityId: 'urn:example:idp',
      },
    });
    expect(saml.data?.updateAuthProvider).toMatchObject({
      type: 'saml',
      enabled: false,
      loginSlug: 'acme-corp',
      samlMetadataUrl: 'https://idp.example.com/metadata.xml',
      samlEntityId: 'urn:example:idp',
      oidcIssuerUrl: null,
    });

    const oidc = await admin.request(UpdateAuthProviderDocument, {
      input: {
        type: 'oidc',
        enabled: true,
        oidcIssuerUrl: 'https://login.example.com/',
        oidcClientId: 'tollgate',
        oidcClientSecret: secret,
      },
    });
    expect(oidc.data?.updateAuthProvider).toMatchObject({
      type: 'oidc',
      enabled: true,
      loginSlug: 'acme-corp',
      samlMetadataUrl: null,
      samlEntityId: null,
      oidcIssuerUrl: 'https://login.example.com/',
      oidcClientId: 'tollgate',
      hasClientSecret: true,
    });

    // The secret is sealed: readable by the gateway, never by the API, the audit log or a dump.
    const read = await gateway.graphql(
      '{ authProvider { type hasClientSecret } auditLog { edges { node { details } } } }',
      {},
      gateway.adminToken,
    );
    expect(JSON.stringify(read.body)).not.toContain(secret);
    expect(JSON.stringify(oidc)).not.toContain(secret);
    expect(await dumpDatabase(gateway.db)).not.toContain(secret);
    const stored = await gateway.db
      .selectFrom('auth_providers')
      .select('oidc_client_secret')
      .executeTakeFirstOrThrow();
    expect(gateway.secrets.open(stored.oidc_client_secret!)).toBe(secret);
    expect(JSON.parse((await lastAuditEntry(gateway.db)).details)).toMatchObject({
      hasClientSecret: true,
      changed: expect.arrayContaining(['oidcClientSecret']),
    });

    // Back to no SSO: everything type-specific goes, the secret included.
    const none = await admin.request(UpdateAuthProviderDocument, { input: { type: 'none' } });
    expect(none.data?.updateAuthProvider).toMatchObject({
      type: 'none',
      enabled: false,
      oidcIssuerUrl: null,
      oidcClientId: null,
      hasClientSecret: false,
    });
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const refusals: [UpdateAuthProviderInput, string][] = [
      [
        { type: 'saml', samlMetadataUrl: 'http://idp.example.com/metadata.xml' },
        'input.samlMetadataUrl',
      ],
      [{ type: 'saml', samlMetadataUrl: 'not a url' }, 'input.samlMetadataUrl'],
      [{ type: 'oidc', oidcIssuerUrl: 'https://user:pw@login.example.com' }, 'input.oidcIssuerUrl'],
      [{ type: 'oidc', oidcIssuerUrl: 'http://localhost/' }, 'input.oidcIssuerUrl'],
      [{ type: 'saml', oidcClientId: 'x' }, 'input.oidcClientId'],
      [{ samlEntityId: 'urn:x' }, 'input.samlEntityId'],
      [{ enabled: true }, 'input.enabled'],
      [
        {
          type: 'saml',
          enabled: true,
          samlMetadataUrl: 'https://idp.example.com/m',
          samlEntityId: 'urn:x',
        },
        'input.loginSlug',
      ],
      [
        { type: 'saml', enabled: true, loginSlug: 'acme', samlEntityId: 'urn:x' },
        'input.samlMetadataUrl',
      ],
      [
        {
          type: 'oidc',
          enabled: true,
          loginSlug: 'acme',
          oidcIssuerUrl: 'https://l.example.com',
          oidcClientId: 'c',
        },
        'input.oidcClientSecret',
      ],
      [{ type: 'saml', loginSlug: '-acme' }, 'input.loginSlug'],
      [{ type: 'saml', loginSlug: 'ab' }, 'input.loginSlug'],
      [{ type: 'saml', samlEntityId: 'has spaces' }, 'input.samlEntityId'],
    ];
    for (const [input, field] of refusals) {
      const response = await admin.request(UpdateAuthProviderDocument, { input });
      expect(errorCodes(response), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.extensions?.field, JSON.stringify(input)).toBe(field);
    }
    expect(await rowCount(gateway.db, 'auth_providers')).toBe(0);
  });

  it('gives a login slug to one account only', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    const mine = await gateway
      .client(gateway.adminToken)
      .request(UpdateAuthProviderDocument, { input: { type: 'saml', loginSlug: 'shared' } });
    expect(mine.errors).toBeUndefined();
    const theirs = await gateway
      .client(other.adminToken)
      .request(UpdateAuthProviderDocument, { input: { type: 'saml', loginSlug: 'shared' } });
    expect(errorCodes(theirs)).toEqual(['BAD_USER_INPUT']);
    expect(theirs.errors?.[0]?.extensions?.field).toBe('input.loginSlug');
    expect(await rowCount(gateway.db, 'auth_providers')).toBe(1);
    // And the other account sees its own (unconfigured) provider, not ours.
    expect(
      (await gateway.client(other.adminToken).request(AuthProviderDocument)).data?.authProvider,
    ).toMatchObject({ type: 'none', loginSlug: null });
  });
});

describe('billing', () => {
  it('shows the plan read-only, updates seats and the billing email', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    expect((await admin.request(BillingDocument)).data?.billing).toEqual({
      plan: 'enterprise',
      billingEmail: null,
      developerSeats: 1,
      readOnlySeats: 5,
      itSeats: 1,
      updatedAt: null,
    });
    const updated = await admin.request(UpdateBillingDocument, {
      input: { billingEmail: ' Finance@Example.COM ', developerSeats: 25 },
    });
    expect(updated.data?.updateBilling).toMatchObject({
      plan: 'enterprise',
      billingEmail: 'finance@example.com',
      developerSeats: 25,
      readOnlySeats: 5,
    });
    const cleared = await admin.request(UpdateBillingDocument, { input: { billingEmail: '' } });
    expect(cleared.data?.updateBilling).toMatchObject({ billingEmail: null, developerSeats: 25 });
    expect(JSON.parse((await lastAuditEntry(gateway.db)).details)).toEqual({
      billingEmail: { from: 'finance@example.com', to: null },
    });

    const planChange = await gateway.graphql(
      'mutation { updateBilling(input: { plan: team }) { plan } }',
      {},
      gateway.adminToken,
    );
    expect(errorCodes(planChange.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses bad seat counts, team plans above 8 developers, and fewer seats than are in use', async () => {
    const gateway = await createTestGateway({ plan: 'team' });
    const admin = gateway.client(gateway.adminToken);
    await addMember(gateway, 'a@example.com', { licenseType: 'read_only' });
    await addMember(gateway, 'b@example.com', { licenseType: 'read_only' });
    const refusals: [Record<string, unknown>, string][] = [
      [{ developerSeats: 9 }, 'input.developerSeats'],
      [{ developerSeats: -1 }, 'input.developerSeats'],
      [{ itSeats: 10_001 }, 'input.itSeats'],
      [{ readOnlySeats: 1 }, 'input.readOnlySeats'],
      [{ billingEmail: 'finance at example' }, 'input.billingEmail'],
    ];
    for (const [input, field] of refusals) {
      const response = await admin.request(UpdateBillingDocument, { input });
      expect(errorCodes(response), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.extensions?.field).toBe(field);
    }
    expect(await rowCount(gateway.db, 'account_billing')).toBe(0);
    expect(
      (
        await admin.request(UpdateBillingDocument, {
          input: { developerSeats: 8, readOnlySeats: 2 },
        })
      ).data?.updateBilling,
    ).toMatchObject({
      plan: 'team',
      developerSeats: 8,
      readOnlySeats: 2,
    });
  });

  it('is per account', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    await gateway
      .client(gateway.adminToken)
      .request(UpdateBillingDocument, { input: { developerSeats: 40 } });
    expect(
      (await gateway.client(other.adminToken).request(BillingDocument)).data?.billing
        .developerSeats,
    ).toBe(1);
  });
});

describe('account administration without the permission', () => {
  it('is refused, and a refused write changes nothing', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const created = await admin.request(
      document(
        'mutation { createServiceToken(input: { name: "bill", permissions: [{ permissionSet: billing_admin }] }) { token } }',
      ),
    );
    const billingAdmin = gateway.client(created.data.createServiceToken.token);
    expect(errorCodes(await billingAdmin.request(AccountSettingsDocument))).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await billingAdmin.request(UpdateAuthProviderDocument, { input: { type: 'saml' } }),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      (await billingAdmin.request(UpdateBillingDocument, { input: { itSeats: 3 } })).data
        ?.updateBilling.itSeats,
    ).toBe(3);
    expect(await rowCount(gateway.db, 'auth_providers')).toBe(0);
  });
});
