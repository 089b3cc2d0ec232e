import type { ObjectRef } from '@pothos/core';
import { environmentScope, jobScope } from '../auth/scopes.js';
import type { Context } from '../context.js';
import type { RunNodeView } from '../metadata/run-node-view.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import { modelHistoricalRuns } from './environment.js';
import { jobArtifacts, relationArgs, runList, runNode } from './job.js';
import {
  ExposureNode,
  ModelNode,
  SeedNode,
  SnapshotNode,
  SourceNode,
  TestNode,
} from './job-nodes.js';
import { MacroNode, MetricNode } from './job-semantic.js';

// dbt's deprecated job-scoped root queries (`models(jobId, runId)`, `model(jobId, uniqueId)`, ...)
// and `modelByEnvironment`, which older integrations still send: the same views as `job(id,
// runId)` and `applied.modelHistoricalRuns`, deprecated with dbt's reasons.

const latestState = 'We recommend using the environment query to get the latest state instead.';

const jobArgs = builder.args((t) => ({
  jobId: t.int({ required: true, description: 'The unique ID of this job' }),
  runId: t.int({ description: 'The unique ID of the run in dbt-cloud' }),
}));

const onJob = {
  resource: 'metadata',
  action: 'read',
  project: (_root: unknown, { jobId }: { jobId: number }, context: Context) =>
    jobScope(jobId, context.loaders, 'jobId'),
} as const;

type NodeType = ObjectRef<DiscoveryTypes, RunNodeView>;

/** The list and single forms of one resource type (`models` and `model`, ...). */
function legacyPair(
  list: string,
  single: string,
  type: NodeType,
  resourceType: string,
  options: { relationFilters?: boolean; byName?: boolean } = {},
) {
  builder.queryField(list, (t) =>
    t.field({
      type: [type],
      nullable: false,
      deprecationReason: latestState,
      args: { ...jobArgs, ...(options.relationFilters ? relationArgs : {}) },
      authz: onJob,
      resolve: async (_root, { jobId, runId, ...filter }, context) => {
        const job = await jobArtifacts(jobId, runId, context);
        return job ? runList(job, resourceType, filter, {}, context) : [];
      },
    }),
  );
  builder.queryField(single, (t) =>
    t.field({
      type,
      deprecationReason: latestState,
      args: {
        ...jobArgs,
        ...(options.byName
          ? { name: t.arg.string({ required: true }) }
          : { uniqueId: t.arg.string({ required: true }) }),
      },
      authz: onJob,
      resolve: async (_root, { jobId, runId, ...by }, context) => {
        const job = await jobArtifacts(jobId, runId, context);
        return job ? runNode(job, resourceType, by as never, context) : null;
      },
    }),
  );
}

legacyPair('models', 'model', ModelNode, 'model', { relationFilters: true });
legacyPair('sources', 'source', SourceNode, 'source', { relationFilters: true });
legacyPair('tests', 'test', TestNode, 'test');
legacyPair('seeds', 'seed', SeedNode, 'seed');
legacyPair('snapshots', 'snapshot', SnapshotNode, 'snapshot');
legacyPair('exposures', 'exposure', ExposureNode, 'exposure', { byName: true });
legacyPair('macros', 'macro', MacroNode, 'macro');
legacyPair('metrics', 'metric', MetricNode, 'metric');

builder.queryField('modelByEnvironment', (t) =>
  t.field({
    type: [ModelNode],
    nullable: false,
    deprecationReason: 'Use the environment.applied.modelHistoricalRuns query instead.',
    description:
      'Retrieve model information based on environmentId. This will include any run from any job in the specified environment.',
    args: {
      environmentId: t.arg.int({ required: true }),
      identifier: t.arg.string(),
      lastRunCount: t.arg.int({ defaultValue: 1 }),
      uniqueId: t.arg.string(),
      withCatalog: t.arg.boolean({ defaultValue: false }),
    },
    authz: {
      resource: 'metadata',
      action: 'read',
      project: (_root, { environmentId }, context) =>
        environmentScope(environmentId, context.loaders, 'environmentId'),
    },
    resolve: (_root, { environmentId, ...args }, context) =>
      modelHistoricalRuns(environmentId, args, context),
  }),
);
