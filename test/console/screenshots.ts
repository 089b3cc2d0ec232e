import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
// @ts-expect-error: a plain JavaScript module (it runs before dependencies are installed).
import { ensureConsoleBuild } from '../../src/cli/build-console.mjs';
import { tokenWith } from '../support/builders.js';
import { launchBrowser, signIn } from './browser.js';
import { startConsoleGateway } from './gateway.js';

// npm run screenshots: every screen of the console against a seeded gateway, into docs/console/.
// The same gateway and browser set-up as the browser tests; run it after changing a screen.

const out = path.resolve(import.meta.dirname, '../../docs/console');
mkdirSync(out, { recursive: true });
(ensureConsoleBuild as (options: { quiet: boolean }) => boolean)({ quiet: true });

const gateway = await startConsoleGateway();
const browser = await launchBrowser();
const wide = { width: 1280, height: 860 };
const narrow = { width: 390, height: 844 };

async function shoot(page: Page, name: string, fullPage = true) {
  // Let fonts, layout and the graph settle.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage });
  console.log(`docs/console/${name}.png`);
}

try {
  const page = await browser.page(wide);
  await page.goto(`${gateway.url}/sign-in`);
  await page.getByLabel('Service token').waitFor();
  await shoot(page, 'sign-in', false);

  await signIn(page, gateway.url, gateway.adminToken);
  await page.goto(`${gateway.url}/dashboard`);
  await page.getByRole('heading', { name: 'analytics' }).waitFor();
  await shoot(page, 'dashboard');

  await page.goto(`${gateway.url}/dashboard/jobs/${gateway.analytics.nightlyJobId}`);
  await page.getByRole('heading', { name: 'Nightly build' }).waitFor();
  await shoot(page, 'run-history');

  await page.goto(`${gateway.url}/tokens`);
  await page.getByRole('button', { name: 'Generate token' }).waitFor();
  await page.getByRole('table').waitFor();
  await shoot(page, 'service-tokens');

  await page.getByRole('button', { name: 'Generate token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generate token' });
  await dialog.getByLabel('Name').fill('dbt Cloud CI');
  await dialog.getByRole('checkbox', { name: 'Job Admin' }).check();
  await dialog
    .getByRole('group', { name: 'Projects for Job Admin' })
    .getByLabel('Chosen projects')
    .check();
  await dialog
    .getByRole('group', { name: 'Projects for Job Admin' })
    .getByLabel('analytics')
    .check();
  await shoot(page, 'generate-token', false);
  await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByRole('dialog', { name: 'Your new token' }).waitFor();
  await shoot(page, 'token-secret', false);
  await page.getByRole('button', { name: 'Done' }).click();

  await page.getByRole('button', { name: 'Manage Airflow orchestrator' }).click();
  await page.getByRole('dialog', { name: 'Token: Airflow orchestrator' }).waitFor();
  await shoot(page, 'manage-token', false);
  await page.keyboard.press('Escape');

  // Least privilege: an Account Admin token that only read the runs of one project.
  const dashboards = await tokenWith(
    gateway.gateway,
    [{ permissionSet: 'account_admin' }],
    'Dashboards',
  );
  await gateway.gateway.graphql(
    'query ($id: ID!) { project(id: $id) { runs { edges { node { id status } } } } }',
    { id: gateway.analytics.projectId },
    dashboards.secret,
  );
  await gateway.gateway.app.flushUsage();
  // Eight days old: a week of its usage is on record, so the 7-day suggestion can be applied.
  await gateway.gateway.db
    .updateTable('service_tokens')
    .set({ created_at: new Date(Date.now() - 8 * 24 * 3_600_000).toISOString() })
    .where('id', '=', Number(dashboards.id))
    .execute();
  await page.reload();
  await page.getByRole('button', { name: 'Manage Dashboards' }).click();
  const leastPrivilege = page
    .getByRole('dialog', { name: 'Token: Dashboards' })
    .getByRole('region', { name: 'Least privilege' });
  await leastPrivilege.getByLabel('Usage window').selectOption('7');
  await leastPrivilege.getByText(/used in the last 7 days/).waitFor();
  await leastPrivilege.getByRole('list', { name: 'Suggested grants' }).waitFor();
  await page.waitForLoadState('networkidle');
  await leastPrivilege.screenshot({ path: path.join(out, 'token-least-privilege.png') });
  console.log('docs/console/token-least-privilege.png');
  await page.keyboard.press('Escape');

  await page.goto(`${gateway.url}/admin`);
  await page.getByRole('heading', { name: 'Token lifetime policy' }).waitFor();
  await shoot(page, 'account-settings');

  await page.goto(`${gateway.url}/admin/audit`);
  await page.getByRole('table').waitFor();
  await shoot(page, 'audit-log');

  await page.goto(`${gateway.url}/docs`);
  await page
    .getByRole('link', { name: /Production/ })
    .first()
    .waitFor();
  await shoot(page, 'docs-environments');

  await page.goto(`${gateway.url}/docs/${gateway.analytics.productionId}`);
  await page.getByRole('list', { name: 'Documented nodes' }).waitFor();
  await shoot(page, 'docs');

  await page.goto(
    `${gateway.url}/docs/${gateway.analytics.productionId}/nodes/model.ecommerce_analytics_platform.fct_orders`,
  );
  await page.getByRole('heading', { name: 'Columns' }).waitFor();
  await shoot(page, 'docs-model');

  await page.goto(`${gateway.url}/docs/${gateway.analytics.productionId}/lineage`);
  await page.getByRole('figure', { name: 'Lineage graph' }).waitFor();
  await page.locator('.react-flow__node').first().waitFor();
  await shoot(page, 'lineage', false);

  await page.goto(`${gateway.url}/freshness/${gateway.analytics.productionId}`);
  await page.getByRole('table').waitFor();
  await shoot(page, 'freshness');

  await page.goto(`${gateway.url}/freshness/${gateway.payments.productionId}`);
  await page.getByRole('table').waitFor();
  await shoot(page, 'freshness-payments');

  await page.goto(`${gateway.url}/graphiql`);
  await page
    .getByRole('region', { name: 'Headers' })
    .getByText(/Bearer/)
    .waitFor();
  await page.getByRole('button', { name: /^Execute query/ }).click();
  await page.getByRole('region', { name: 'Result Window' }).getByText('"viewer"').waitFor();
  await shoot(page, 'graphiql');

  // sessionStorage belongs to its tab: a new tab signs in again.
  const phone = await browser.page(narrow);
  await signIn(phone, gateway.url, gateway.adminToken);
  await phone.goto(`${gateway.url}/dashboard`);
  await phone.getByRole('heading', { name: 'analytics' }).waitFor();
  await shoot(phone, 'mobile-dashboard', false);
  await phone.goto(`${gateway.url}/tokens`);
  await phone.getByRole('table').waitFor();
  await shoot(phone, 'mobile-service-tokens', false);
  await phone.goto(`${gateway.url}/docs/${gateway.analytics.productionId}/lineage`);
  await phone.locator('.react-flow__node').first().waitFor();
  await shoot(phone, 'mobile-lineage', false);
  if (browser.problems.length > 0)
    throw new Error(`The pages reported problems:\n${browser.problems.join('\n')}`);
} finally {
  await browser.close();
  await gateway.close();
}
