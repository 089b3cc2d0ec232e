import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConsoleViewerDocument } from '../../web/src/api/admin/graphql.js';
import { createClient } from '../../web/src/api/client.js';
import { tokenWith } from '../support/builders.js';
import {
  type Browser,
  describeInBrowser,
  expectAccessible,
  launchBrowser,
  signIn,
} from './browser.js';
import { type ConsoleGateway, startConsoleGateway } from './gateway.js';

// A token's page shows what it used against what it holds, and the smallest grants that cover
// it; an Account Admin applies them in the browser.

describeInBrowser('least privilege in the console', () => {
  let gateway: ConsoleGateway;
  let browser: Browser;
  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startConsoleGateway(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('shows used vs granted and the suggestion on the token page, and applies it', async () => {
    const dashboards = await tokenWith(
      gateway.gateway,
      [{ permissionSet: 'account_admin' }],
      'Dashboards',
    );
    const read = await gateway.gateway.graphql(
      'query ($id: ID!) { project(id: $id) { runs { edges { node { id status } } } } }',
      { id: gateway.analytics.projectId },
      dashboards.secret,
    );
    expect(read.body.errors).toBeUndefined();
    await gateway.gateway.app.flushUsage();
    // A token made eight days ago (the account's history goes back fourteen): a week of its
    // usage is on record, so a suggestion for the last 7 days can be applied.
    await gateway.gateway.db
      .updateTable('service_tokens')
      .set({ created_at: new Date(Date.now() - 8 * 24 * 3_600_000).toISOString() })
      .where('id', '=', Number(dashboards.id))
      .execute();

    const page = await browser.page();
    await signIn(page, gateway.url, gateway.adminToken);
    await page.goto(`${gateway.url}/tokens`);
    await page.getByRole('button', { name: 'Manage Dashboards' }).click();
    const manage = page.getByRole('dialog', { name: 'Token: Dashboards' });
    const section = manage.getByRole('region', { name: 'Least privilege' });
    await section.getByText(/Usage is on record only since/).waitFor();
    await section.getByLabel('Usage window').selectOption('7');
    await section.getByRole('row', { name: /runs:read\s*all projects/ }).waitFor();
    await expect
      .poll(async () => (await section.textContent()) ?? '')
      .toMatch(/2 of \d+ granted permissions used in the last 7 days/);
    await section.getByText(/Never used in the window \(\d+\)/).click();
    await section
      .getByRole('list', { name: 'Granted permissions never used' })
      .getByText('billing:write (account)')
      .waitFor();
    const suggested = section.getByRole('list', { name: 'Suggested grants' });
    await expect.poll(() => suggested.textContent()).toBe('Job Viewer on analytics');
    await expectAccessible(page, 'token least privilege');

    await section.getByRole('button', { name: 'Apply suggested grants' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Apply the suggested grants?' });
    await confirm.getByRole('button', { name: 'Apply' }).click();
    await section.getByRole('status').filter({ hasText: 'Suggested grants applied.' }).waitFor();

    const viewer = (
      await createClient({ baseUrl: gateway.url, token: dashboards.secret }).request(
        'admin',
        ConsoleViewerDocument,
      )
    ).viewer;
    expect(
      viewer.grants.map((grant) => [grant.permissionSet.id, grant.projectIds.map(String)]),
    ).toEqual([['job_viewer', [gateway.analytics.projectId]]]);
    expect(browser.problems).toEqual([]);
  }, 120_000);
});
