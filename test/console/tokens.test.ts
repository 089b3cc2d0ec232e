import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ConsoleProjectNamesDocument,
  ConsoleViewerDocument,
} from '../../web/src/api/admin/graphql.js';
import { ApiError, createClient } from '../../web/src/api/client.js';
import {
  type Browser,
  describeInBrowser,
  expectAccessible,
  launchBrowser,
  signIn,
} from './browser.js';
import { type ConsoleGateway, startConsoleGateway } from './gateway.js';

// Account Settings → Service tokens in a real browser, as an Account Admin uses it.

describeInBrowser('service tokens in the console', () => {
  let gateway: ConsoleGateway;
  let browser: Browser;
  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startConsoleGateway(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('generates a Job Admin token on one project: the secret is shown once, gone after a reload, and works; revoked, it is refused', async () => {
    const page = await browser.page();
    await page.goto(`${gateway.url}/`);
    await page.getByLabel('Service token').waitFor();
    await expectAccessible(page, 'sign-in');
    await signIn(page, gateway.url, gateway.adminToken);
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Service tokens' })
      .click();
    await page.getByRole('heading', { name: 'Service tokens' }).waitFor();
    await page.getByRole('cell', { name: /Airflow orchestrator/ }).waitFor();
    await expectAccessible(page, 'service tokens');

    await page.getByRole('button', { name: 'Generate token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate token' });
    await dialog.getByLabel('Name').fill('deployer');
    await dialog.getByRole('checkbox', { name: 'Job Admin' }).check();
    const scope = dialog.getByRole('group', { name: 'Projects for Job Admin' });
    await scope.getByLabel('Chosen projects').check();
    await scope.getByLabel('analytics').check();
    await expectAccessible(page, 'generate token dialog');
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();

    const reveal = page.getByRole('dialog', { name: 'Your new token' });
    await expect
      .poll(() => reveal.getByText('You will not be able to view this token again').isVisible())
      .toBe(true);
    const secret = await reveal.getByLabel('Token secret').inputValue();
    expect(secret).toMatch(/^tgs_[0-9A-Za-z]{49}$/);
    await reveal.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expectAccessible(page, 'new token secret');
    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /deployer/ }).waitFor();
    expect(await page.content()).not.toContain(secret);

    await page.reload();
    const row = page.getByRole('row', { name: /deployer/ });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toMatch(/Job Admin\s*analytics/);
    expect(await page.content()).not.toContain(secret);
    // Only the signed-in token is kept, in this tab's session, and never in a URL.
    const storage = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      url: location.href,
    }));
    expect(storage.local).toBe('{}');
    expect(storage.session).not.toContain(secret);
    expect(storage.url).not.toContain('tgs_');

    // The new token works against the API, on its one project only.
    const deployer = createClient({ baseUrl: gateway.url, token: secret });
    const viewer = (await deployer.request('admin', ConsoleViewerDocument)).viewer;
    expect(
      viewer.grants.map((grant) => [
        grant.permissionSet.id,
        grant.allProjects,
        grant.projectIds.map(String),
      ]),
    ).toEqual([['job_admin', false, [gateway.analytics.projectId]]]);
    const projects = (
      await deployer.request('admin', ConsoleProjectNamesDocument)
    ).projects?.edges.map((edge) => edge.node.name);
    expect(projects).toEqual(['analytics']);

    await row.getByRole('button', { name: 'Manage deployer' }).click();
    const manage = page.getByRole('dialog', { name: 'Token: deployer' });
    await manage.getByRole('button', { name: 'Save name' }).waitFor();
    await expectAccessible(page, 'manage token dialog');
    await manage.getByRole('button', { name: 'Revoke token' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke this token?' });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await manage.getByRole('status').filter({ hasText: 'Revoked.' }).waitFor();
    await manage.getByRole('button', { name: 'Close' }).click();
    await expect
      .poll(() => page.getByRole('row', { name: /deployer/ }).textContent())
      .toContain('revoked');

    const refused = await deployer
      .request('admin', ConsoleViewerDocument)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(401);
    expect((refused as ApiError).code).toBe('UNAUTHENTICATED');
    expect(browser.problems).toEqual([]);
  }, 120_000);

  it('rotates, renames, limits addresses and sets the lifetime policy; the audit log records it', async () => {
    const page = await browser.page();
    await signIn(page, gateway.url, gateway.adminToken);
    await page.goto(`${gateway.url}/tokens`);
    await page.getByRole('button', { name: 'Manage Airflow orchestrator' }).click();
    // The title follows the name once it is saved.
    const manage = page.getByRole('dialog', { name: /^Token: Airflow/ });
    await manage.getByLabel('Token name').fill('Airflow');
    await manage.getByRole('button', { name: 'Save name' }).click();
    await manage.getByRole('status').filter({ hasText: 'Name saved.' }).waitFor();
    await manage.getByLabel(/Allowed addresses/).fill('10.0.0.0/8\n192.0.2.7');
    await manage.getByRole('button', { name: 'Save addresses' }).click();
    await manage.getByRole('status').filter({ hasText: 'Addresses saved.' }).waitFor();
    await manage.getByLabel('Grace window').selectOption('86400');
    await manage.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = page.getByRole('dialog', { name: 'The rotated token' });
    expect(await rotated.getByLabel('Token secret').inputValue()).toMatch(/^tgs_/);
    await rotated.getByRole('button', { name: 'Done' }).click();
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /Airflow/ })
          .first()
          .textContent(),
      )
      .toContain('Airflow');

    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Account settings' })
      .click();
    await page.getByRole('checkbox', { name: 'Limit the lifetime of new tokens' }).check();
    await page.getByLabel('Maximum lifetime (days)').fill('30');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('New tokens must expire within 30 days.').waitFor();
    await expectAccessible(page, 'account settings');

    // The Generate dialog offers no expiry beyond the policy, and no "Never".
    await page.goto(`${gateway.url}/tokens`);
    await page.getByRole('button', { name: 'Generate token' }).click();
    const options = await page
      .getByRole('dialog', { name: 'Generate token' })
      .getByLabel('Expires after')
      .locator('option')
      .allTextContents();
    expect(options).toEqual(['7 days', '30 days']);
    await page.keyboard.press('Escape');

    await page.goto(`${gateway.url}/admin/audit`);
    await page.getByRole('table').waitFor();
    await page.getByLabel('Action').fill('rotateServiceToken');
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByLabel('Action').fill('');
    await page.getByLabel('Outcome').selectOption('success');
    await expect
      .poll(async () => (await page.getByRole('table').textContent()) ?? '')
      .toContain('updateServiceTokenPolicy');
    await expectAccessible(page, 'audit log');
    expect(browser.problems).toEqual([]);
  }, 120_000);
});
