import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { upsertAuthProvider } from '../../src/db/auth-providers.js';
import { builders } from '../support/builders.js';
import { createTestGateway, type TestGateway } from '../support/helpers.js';
import { startTestProvider, type TestProvider } from '../support/openid-provider.js';
import { type Browser, describeInBrowser, expectAccessible, launchBrowser } from './browser.js';

// A person invited into a group signs in through the account's OpenID provider (a real one on
// loopback) in a real browser, and the console shows them exactly what their group allows.

describeInBrowser('people sign in to the console', () => {
  let gateway: TestGateway;
  let server: Server;
  let url: string;
  let provider: TestProvider;
  let browser: Browser;

  beforeAll(async () => {
    gateway = await createTestGateway({
      identity: { outbound: { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'] } },
    });
    server = createServer(gateway.app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    [provider, browser] = await Promise.all([
      startTestProvider([`${url}/login/acme/callback`]),
      launchBrowser(),
    ]);
    // http at 127.0.0.1, which updateAuthProvider (https only) refuses: stored as it would store it.
    await upsertAuthProvider(gateway.db, {
      account_id: gateway.account.id,
      type: 'oidc',
      enabled: 1,
      login_slug: 'acme',
      saml_metadata_url: null,
      saml_entity_id: null,
      oidc_issuer_url: provider.issuer,
      oidc_client_id: provider.clientId,
      oidc_client_secret: gateway.secrets.seal(provider.clientSecret),
      updated_at: new Date().toISOString(),
    });
    const build = builders(gateway.client(gateway.adminToken));
    const analytics = await build.project('analytics');
    await build.project('finance');
    const group = await gateway.graphql(
      'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
      {
        input: {
          name: 'Analytics viewers',
          permissions: [{ permissionSet: 'job_viewer', projectIds: [analytics] }],
        },
      },
      gateway.adminToken,
    );
    await gateway.graphql(
      'mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { id } }',
      { input: { email: 'ada@example.com', groupIds: [group.body.data!.createGroup.id] } },
      gateway.adminToken,
    );
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('signs an invited member in through single sign-on: their name, their groups, only their projects', async () => {
    provider.signInAs({ email: 'ada@example.com', name: 'Ada Lovelace' });
    const page = await browser.page();
    await page.goto(`${url}/sign-in`);
    await page.getByLabel('Account sign-in name').fill('acme');
    await expectAccessible(page, 'sign-in with single sign-on');
    await page.getByRole('button', { name: 'Continue with single sign-on' }).click();

    // Through the provider and back: the console, signed in as the person.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const banner = page.getByRole('banner');
    await banner.getByText('Ada Lovelace').waitFor();
    await banner.getByText('Analytics viewers').waitFor();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'analytics' }).waitFor();
    expect(await page.getByRole('heading', { name: 'finance' }).count()).toBe(0);
    const nav = await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link')
      .allTextContents();
    expect(nav).not.toContain('Service tokens');
    expect(nav).not.toContain('Account settings');
    await expectAccessible(page, 'member dashboard');

    // The cookie is the browser's only: scripts of the page cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('tollgate_session');
    const cookies = await browser.context.cookies(url);
    expect(cookies.find((cookie) => cookie.name === 'tollgate_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });

    // Signing out ends the session on the server: the cookie no longer opens anything.
    const session = cookies.find((cookie) => cookie.name === 'tollgate_session')!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Account sign-in name').waitFor();
    const after = await gateway.graphql('{ projects { totalCount } }', {}, undefined, {
      headers: { cookie: `tollgate_session=${session}`, 'x-tollgate-csrf': '1' },
    });
    expect(after.status).toBe(401);
    expect(browser.problems).toEqual([]);
  });
});
