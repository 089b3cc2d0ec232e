import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { hasShared } from '../support/shared.js';

/**
 * Debian's chromium, driven by Playwright. Without it the browser tests skip with a notice,
 * except under CI=true, where a missing browser is a failure (.ci/run installs it).
 */
export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

if (!hasChromium) {
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${chromiumPath} is missing: apt-get install chromium.`);
  console.warn(
    `NOTICE: ${chromiumPath} not found; the console's browser tests are skipped (apt-get install chromium).`,
  );
}

/**
 * `describe` when chromium is installed and the shared dbt fixtures are present (../shared: the
 * seeded gateway ingests them), `describe.skip` otherwise.
 */
export const describeInBrowser = hasChromium && hasShared ? describe : describe.skip;

export interface Browser {
  readonly context: BrowserContext;
  /** A new tab; CSP violations and page errors on it are collected in `problems`. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  readonly problems: string[];
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile, nothing from the network but the gateway. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'tollgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 860 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const problems: string[] = [];
  return {
    context,
    problems,
    async page(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      // Shorter than the test's own timeout, so a failure names the control it waited for.
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (
          message.type() === 'error' &&
          /Content.Security.Policy|Refused to/i.test(message.text())
        )
          problems.push(`CSP: ${message.text()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Service token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page and fails on any serious or critical violation. The source is
 * evaluated through the DevTools protocol: the page's CSP (rightly) refuses injected scripts.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 3).map((node) => ({ target: node.target })),
    }));
  });
  const serious = violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  expect(serious, `${label}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}
