import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SetServiceTokenGrantsDocument } from '../../src/client/index.js';
import { ConsoleTriggerRunDocument } from '../../web/src/api/admin/graphql.js';
import { ApiError, createClient } from '../../web/src/api/client.js';
import { builders, required } from '../support/builders.js';
import {
  type Browser,
  describeInBrowser,
  expectAccessible,
  launchBrowser,
  signIn,
} from './browser.js';
import { type ConsoleGateway, startConsoleGateway } from './gateway.js';

// The read-only screens as a Read-only and a Metadata Only token see them, on the ecommerce
// fixture, at a desktop and a phone width.

const navLinks = (page: Page) =>
  page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents();

/** The page fits the phone's width: nothing but tables and the graph scrolls sideways. */
async function expectNoSidewaysScroll(page: Page, label: string) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, label).toBeLessThanOrEqual(0);
}

describeInBrowser('the dashboard, documentation and freshness screens', () => {
  let gateway: ConsoleGateway;
  let browser: Browser;
  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startConsoleGateway(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('a Read-only token sees the dashboard, docs and freshness, no Generate button, and cannot trigger a run', async () => {
    const page = await browser.page();
    await signIn(page, gateway.url, gateway.tokens.readOnly);
    expect(await navLinks(page)).toEqual([
      'Dashboard',
      'Documentation',
      'Source freshness',
      'GraphiQL',
    ]);

    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'analytics' }).waitFor();
    await page.getByRole('link', { name: 'Nightly build' }).waitFor();
    expect(
      await page
        .getByRole('img', { name: /Recent runs of Nightly build: (success|error)/ })
        .count(),
    ).toBe(1);
    expect(await page.getByRole('button', { name: /Run .* now/ }).count()).toBe(0);
    await expectAccessible(page, 'dashboard (read-only)');

    await page.getByRole('link', { name: 'Nightly build' }).click();
    await page.getByRole('heading', { name: 'Nightly build' }).waitFor();
    await page
      .getByRole('cell', { name: 'Database Error in model fct_orders', exact: false })
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: 'Run now' }).count()).toBe(0);
    await expectAccessible(page, 'run history (read-only)');
    // The API agrees: the token may not trigger a run, and says which permission it lacks.
    const refused = await createClient({ baseUrl: gateway.url, token: gateway.tokens.readOnly })
      .request('admin', ConsoleTriggerRunDocument, { jobId: gateway.analytics.nightlyJobId })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect([(refused as ApiError).code, (refused as ApiError).requiredPermission]).toEqual([
      'FORBIDDEN',
      'runs:write',
    ]);

    await page.goto(`${gateway.url}/tokens`);
    await page.getByText('Missing permission: service_tokens:read').waitFor();
    expect(await page.getByRole('button', { name: 'Generate token' }).count()).toBe(0);

    await page.goto(`${gateway.url}/docs`);
    await page
      .getByRole('link', { name: /Production/ })
      .first()
      .click();
    await page.getByRole('list', { name: 'Documented nodes' }).waitFor();
    await page.getByLabel(/^Search models/).fill('fct_orders');
    await page.getByRole('link', { name: 'fct_orders', exact: true }).click();
    await page.getByRole('heading', { name: 'fct_orders' }).waitFor();
    await page.getByRole('heading', { name: /^Columns/ }).waitFor();
    expect(await page.getByRole('table').first().textContent()).toContain('order_key');
    await page.getByRole('heading', { name: /^Parents/ }).waitFor();
    await expectAccessible(page, 'docs node page');

    await page.goto(`${gateway.url}/freshness/${gateway.analytics.productionId}`);
    await page.getByRole('table').waitFor();
    expect(browser.problems).toEqual([]);
  }, 120_000);

  it('a refusal from the API shows the permission the token lacks', async () => {
    // A Job Admin signs in; meanwhile an admin narrows its grants to Read-only: the next trigger is refused.
    const admin = gateway.gateway.client(gateway.adminToken);
    const created = await builders(admin).token(
      [{ permissionSet: 'job_admin', projectIds: [gateway.analytics.projectId] }],
      { name: 'soon read-only' },
    );
    const page = await browser.page();
    await signIn(page, gateway.url, created.token);
    await page.goto(`${gateway.url}/dashboard/jobs/${gateway.analytics.nightlyJobId}`);
    await page.getByRole('button', { name: 'Run now' }).waitFor();
    required(
      await admin.request(SetServiceTokenGrantsDocument, {
        id: created.serviceToken.id,
        permissions: [{ permissionSet: 'readonly', allProjects: true }],
      }),
      'setServiceTokenGrants',
    );
    await page.getByRole('button', { name: 'Run now' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('Missing permission: runs:write').waitFor();
    expect(await alert.textContent()).toContain('Not permitted');
  });

  it('a Metadata Only token sees the docs and the freshness report only', async () => {
    const page = await browser.page();
    await signIn(page, gateway.url, gateway.tokens.metadataOnly);
    expect(await navLinks(page)).toEqual(['Documentation', 'Source freshness', 'GraphiQL']);
    await page.getByRole('heading', { name: 'Documentation' }).waitFor();
    await expectAccessible(page, 'environment by ID');
    await page.getByLabel('Environment ID').fill(gateway.analytics.productionId);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('list', { name: 'Documented nodes' }).waitFor();
    await expectAccessible(page, 'docs (metadata only)');

    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Source freshness' })
      .click();
    await page.getByLabel('Environment ID').fill(gateway.analytics.productionId);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('table').waitFor();

    for (const route of [
      '/dashboard',
      `/dashboard/jobs/${gateway.analytics.nightlyJobId}`,
      '/tokens',
      '/admin',
      '/admin/audit',
    ]) {
      await page.goto(`${gateway.url}${route}`);
      await page
        .getByText(/^Missing permission:/)
        .or(page.getByText(/This token cannot open this page/))
        .first()
        .waitFor();
    }
    expect(browser.problems).toEqual([]);
  }, 120_000);

  it('draws the lineage of the ecommerce fixture: its 17 models, a dbt selector, a click opens a node', async () => {
    const page = await browser.page();
    await signIn(page, gateway.url, gateway.tokens.readOnly);
    await page.goto(`${gateway.url}/docs/${gateway.analytics.productionId}/lineage`);
    await page.getByRole('figure', { name: 'Lineage graph' }).waitFor();
    await page.getByRole('status').filter({ hasText: '17 models' }).waitFor();
    await page.getByText('All 24 nodes as a list').click();
    const models = page
      .getByRole('list', { name: 'Nodes in the graph' })
      .getByRole('listitem')
      .filter({ hasText: /^model/ });
    expect(await models.count()).toBe(17);
    await expect
      .poll(() =>
        page
          .getByRole('figure', { name: 'Lineage graph' })
          .getByRole('link', { name: /^model / })
          .count(),
      )
      .toBe(17);
    await expectAccessible(page, 'lineage');

    await page.getByRole('textbox', { name: 'Select', exact: true }).fill('+fct_orders');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^4 nodes/ })
      .waitFor();
    await page.getByRole('textbox', { name: 'Select', exact: true }).fill('tag:no_such_tag');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No nodes match').waitFor();
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('status').filter({ hasText: '17 models' }).waitFor();

    await page
      .getByRole('figure', { name: 'Lineage graph' })
      .getByRole('link', { name: 'model dim_customers' })
      .click();
    await page.getByRole('heading', { name: 'dim_customers' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(
      `/docs/${gateway.analytics.productionId}/nodes/model.ecommerce_analytics_platform.dim_customers`,
    );
  }, 120_000);

  it("shows ecommerce's 5 warning sources in the freshness report, sortable, and fits a phone", async () => {
    const page = await browser.page({ width: 390, height: 844 });
    await signIn(page, gateway.url, gateway.tokens.readOnly);
    await page.goto(`${gateway.url}/freshness/${gateway.analytics.productionId}`);
    const summary = page.getByRole('list', { name: 'Sources per status' });
    await expect
      .poll(() => summary.getByRole('button', { name: /warning/ }).textContent())
      .toMatch(/^5\s*warning$/);
    const rows = page.getByRole('table').getByRole('row');
    expect(await page.getByRole('table').getByText('warn', { exact: true }).count()).toBe(5);
    await summary.getByRole('button', { name: /warning/ }).click();
    expect(await rows.count()).toBe(6);
    await page.getByRole('button', { name: /^Source/ }).click();
    expect(
      await page.getByRole('columnheader', { name: /^Source/ }).getAttribute('aria-sort'),
    ).toBe('ascending');
    const names = await page.getByRole('table').getByRole('rowheader').allTextContents();
    expect(names).toEqual([...names].sort());
    await expectAccessible(page, 'freshness (phone)');
    await expectNoSidewaysScroll(page, 'freshness');

    for (const route of [
      '/dashboard',
      `/docs/${gateway.analytics.productionId}`,
      `/docs/${gateway.analytics.productionId}/lineage`,
      '/docs',
    ]) {
      await page.goto(`${gateway.url}${route}`);
      await page.getByRole('main').getByRole('heading').first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, `${route} (phone)`);
      await expectNoSidewaysScroll(page, route);
    }
    expect(browser.problems).toEqual([]);
  }, 120_000);
});
