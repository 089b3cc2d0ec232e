import { describe, expect, it } from 'vitest';
import {
  freshnessFilter,
  freshnessStatusOf,
  runStatusOf,
  runStatusOfResults,
  testSeverity,
} from '../src/dbt-statuses.js';

describe("dbt's status vocabulary", () => {
  it('ends a run in error when any result errored or failed, not when it warned or skipped', () => {
    expect(runStatusOfResults(['success', 'pass', 'warn', 'skipped'])).toBe('success');
    for (const failing of ['error', 'fail', 'runtime error'])
      expect(runStatusOfResults(['success', failing]), failing).toBe('error');
  });

  it("shows a node's result as the Discovery RunStatus, and tests as no RunStatus", () => {
    expect(
      ['success', 'error', 'skipped', 'partial success', 'pass', null].map(runStatusOf),
    ).toEqual(['success', 'error', 'skipped', 'error', null, null]);
  });

  it('filters freshness by the same statuses it shows', () => {
    for (const stored of ['pass', 'warn', 'error', 'runtime error']) {
      expect(freshnessFilter[freshnessStatusOf(stored)], stored).toContain(stored);
    }
    expect(freshnessStatusOf(null)).toBe('Unknown');
  });

  it('orders test results worst first', () => {
    expect(testSeverity.indexOf('error')).toBeLessThan(testSeverity.indexOf('warn'));
    expect(testSeverity.at(-1)).toBe('pass');
  });
});
