import type { MetadataAppliedNodeRow } from '../db/tables/metadata.js';
import { AppliedNodeView } from './applied-node-view.js';

// The data health of an exposure (dbt's exposure tile): what its upstream nodes' latest
// executions, tests and source freshness checks say, computed from the applied state.

export type Quality = 'Error' | 'Warn' | 'Pass' | 'Unknown';
export type HealthIssue =
  | 'CautionUpstreamSources'
  | 'DegradedUpstreamSources'
  | 'FailedTestUpstreamModels'
  | 'LastRunFailedUpstreamModels'
  | 'Unknown'
  | 'WarnedTestUpstreamModels';

export interface ExposureHealth {
  /** The worst last status of the tests on the exposure's ancestors. */
  readonly quality: Quality;
  /** The worst freshness of its ancestor sources; null when it has none. */
  readonly freshnessStatus: 'Error' | 'Warn' | 'Pass' | 'Unknown' | null;
  /** Empty when healthy. */
  readonly healthIssues: readonly HealthIssue[];
  /** The latest freshness check of its ancestor sources. */
  readonly maxSnapshottedAt: string | null;
  /** How many ancestors of each resource type, and how many tests on them. */
  readonly upstreamStats: Record<string, number>;
}

/**
 * The health of an exposure from its ancestors (any resource type) and the tests attached to them.
 * Issues: an ancestor model whose last run errored, failing or warning tests, sources whose
 * latest check is Error (degraded) or Warn (caution); `Unknown` when none of them ever ran.
 */
export function exposureHealth(
  ancestors: readonly AppliedNodeView[],
  tests: readonly AppliedNodeView[],
): ExposureHealth {
  const testStatuses = new Set(tests.map((test) => test.executionInfo.lastRunStatus));
  const quality: Quality =
    testStatuses.has('error') || testStatuses.has('fail')
      ? 'Error'
      : testStatuses.has('warn')
        ? 'Warn'
        : testStatuses.has('pass')
          ? 'Pass'
          : 'Unknown';
  const sources = ancestors.filter((node) => node.resourceType === 'source');
  const freshness = new Set(sources.map((source) => source.freshness.freshnessStatus));
  const freshnessStatus =
    sources.length === 0
      ? null
      : ((['Error', 'Warn', 'Pass'] as const).find((status) => freshness.has(status)) ?? 'Unknown');
  const issues: HealthIssue[] = [];
  const models = ancestors.filter((node) => node.resourceType === 'model');
  if (models.some((model) => model.executionInfo.lastRunStatusEnum === 'error'))
    issues.push('LastRunFailedUpstreamModels');
  if (quality === 'Error') issues.push('FailedTestUpstreamModels');
  if (quality === 'Warn') issues.push('WarnedTestUpstreamModels');
  if (freshnessStatus === 'Error') issues.push('DegradedUpstreamSources');
  if (freshnessStatus === 'Warn') issues.push('CautionUpstreamSources');
  const ran =
    ancestors.some((node) => node.executionInfo.lastRunStatus !== null) ||
    tests.some((test) => test.executionInfo.lastRunStatus !== null) ||
    sources.some((source) => source.freshness.freshnessChecked);
  if (!ran) issues.push('Unknown');
  const snapshots = sources
    .map((source) => source.freshness.snapshottedAt)
    .filter((value): value is string => value !== null)
    .sort();
  const upstreamStats: Record<string, number> = { test: tests.length };
  for (const node of ancestors)
    upstreamStats[node.resourceType] = (upstreamStats[node.resourceType] ?? 0) + 1;
  return {
    quality,
    freshnessStatus,
    healthIssues: issues,
    maxSnapshottedAt: snapshots.at(-1) ?? null,
    upstreamStats,
  };
}

/** An exposure as dbt's ExposureTileNode: its applied fields and its health. */
export class ExposureTileView extends AppliedNodeView {
  constructor(
    row: MetadataAppliedNodeRow,
    readonly health: ExposureHealth,
  ) {
    super(row);
  }
  /** Set only for exposures a BI tool reported (auto-exposures); artifacts have none. */
  get autoBiProvider(): null {
    return null;
  }
}
