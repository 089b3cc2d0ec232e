import type { Context } from '../context.js';
import { graphResourceTypes } from '../db/metadata-applied-graph.js';
import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import {
  type ExposureHealth,
  type ExposureTileView,
  exposureHealth,
} from '../metadata/exposure-health.js';
import { appliedAncestors } from '../metadata/loaders.js';
import { discoveryBuilder as builder } from './builder.js';
import {
  AutoExposureBIProviderEnum,
  DateTimeScalar,
  ExposureHealthIssueTypeEnum,
  FreshnessStatusEnum,
  JSONObjectScalar,
  QualityEnum,
} from './common.js';
import { EnvironmentAppliedNode } from './node-interfaces.js';

// dbt's exposure tile: an exposure's data health, from what its upstream nodes' latest
// executions, tests and freshness checks say (src/metadata/exposure-health.ts).

const dagTypes = new Set<string>(graphResourceTypes);

/** The health of an exposure: its ancestors and the tests on them, through the request's loaders. */
export async function exposureHealthOf(
  exposure: AppliedNodeView,
  context: Context,
): Promise<ExposureHealth> {
  const loaders = context.loaders.metadata;
  const ancestors = await appliedAncestors(loaders, exposure, dagTypes);
  const tests = new Map<number, AppliedNodeView>();
  for (const list of await loaders.appliedTests.loadMany(ancestors.map((node) => node.id)))
    if (!(list instanceof Error)) for (const test of list) tests.set(test.id, test);
  return exposureHealth(
    ancestors.filter((node) => node.resourceType !== 'test'),
    [...tests.values()],
  );
}

export const ExposureTileNode = builder.objectRef<ExposureTileView>('ExposureTileNode').implement({
  description: "An exposure's data health, as dbt's exposure tile shows it.",
  interfaces: [EnvironmentAppliedNode],
  fields: (t) => ({
    autoBiProvider: t.expose('autoBiProvider', {
      type: AutoExposureBIProviderEnum,
      nullable: true,
      description: 'Set for exposures a BI tool reported; exposures of a manifest have none.',
    }),
    exposureType: t.exposeString('exposureType'),
    packageName: t.exposeString('packageName'),
    quality: t.field({
      type: QualityEnum,
      description: 'The worst last status of the tests on upstream nodes.',
      authz: 'parent',
      resolve: (tile) => tile.health.quality,
    }),
    freshnessStatus: t.field({
      type: FreshnessStatusEnum,
      description: 'The worst latest freshness check of upstream sources.',
      authz: 'parent',
      resolve: (tile) => tile.health.freshnessStatus,
    }),
    healthIssues: t.field({
      type: [ExposureHealthIssueTypeEnum],
      nullable: false,
      description: 'Empty when the exposure is healthy.',
      authz: 'parent',
      resolve: (tile) => tile.health.healthIssues,
    }),
    maxSnapshottedAt: t.field({
      type: DateTimeScalar,
      authz: 'parent',
      resolve: (tile) => tile.health.maxSnapshottedAt,
    }),
    upstreamStats: t.field({
      type: JSONObjectScalar,
      description: 'How many upstream nodes of each resource type, and how many tests on them.',
      authz: 'parent',
      resolve: (tile) => tile.health.upstreamStats,
    }),
  }),
});
