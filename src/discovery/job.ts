import { jobScope } from '../auth/scopes.js';
import type { Context } from '../context.js';
import {
  findArtifacts,
  findLatestArtifactsOfJob,
  findRunNode,
  listRunNodes,
  type RunNodeFilter,
} from '../db/metadata-runs.js';
import type { MetadataArtifactsRow } from '../db/tables/metadata.js';
import { badUserInput, notFound } from '../errors.js';
import { decodePaginationCursor, runNodeView } from '../metadata/run-node-view.js';
import { discoveryBuilder as builder } from './builder.js';
import { BigIntScalar, maxJobPageSize, metadataRead } from './common.js';
import {
  ExposureNode,
  ModelNode,
  SeedNode,
  SnapshotNode,
  SourceNode,
  TestNode,
} from './job-nodes.js';
import { MacroNode, MetricNode } from './job-semantic.js';

// The job level: the artifacts of one run (`job(id, runId)`), with dbt's job-level node types.

/** What Query.job resolves to: one run's artifacts. */
export interface JobShape {
  readonly id: number;
  readonly runId: number;
  readonly projectId: number;
  readonly artifacts: MetadataArtifactsRow;
}

const jobRead = metadataRead<JobShape>();

export const listArgs = builder.args((t) => ({
  first: t.int({
    description: `How many items (at most ${maxJobPageSize}); all of them when left out.`,
  }),
  after: t.string({ description: 'The `paginationCursor` of the last item of the previous page.' }),
}));

export const relationArgs = builder.args((t) => ({
  database: t.string(),
  schema: t.string(),
  identifier: t.string(),
}));

/** One run's nodes of a resource type, a page of them when `first` is given. */
export async function runList(
  job: JobShape,
  resourceType: string,
  filter: RunNodeFilter,
  args: { first?: number | null; after?: string | null },
  context: Context,
) {
  if (args.first != null && (args.first < 0 || args.first > maxJobPageSize))
    throw badUserInput(`first must be between 0 and ${maxJobPageSize}.`, 'first');
  let afterId: number | null = null;
  if (args.after) {
    const decoded = decodePaginationCursor(args.after);
    if (decoded === undefined)
      throw badUserInput('after is not a paginationCursor this API returned.', 'after');
    afterId = decoded;
  }
  const page = await listRunNodes(context.db, job.runId, resourceType, filter, {
    first: args.first ?? null,
    afterId,
  });
  return page.rows.map(runNodeView);
}

/** One run's node of a resource type by unique id (exposures: by name); null when absent. */
export async function runNode(
  job: JobShape,
  resourceType: string,
  by: { uniqueId: string } | { name: string },
  context: Context,
) {
  const row = await findRunNode(context.db, job.runId, resourceType, by);
  return row ? runNodeView(row) : null;
}

export const JobNode = builder.objectRef<JobShape>('JobNode').implement({
  description: 'The artifacts of one run of a job.',
  fields: (t) => ({
    id: t.expose('id', { type: BigIntScalar, nullable: false }),
    runId: t.expose('runId', { type: BigIntScalar, nullable: false }),
    models: t.field({
      type: [ModelNode],
      nullable: false,
      args: { ...listArgs, ...relationArgs },
      authz: jobRead,
      resolve: (job, { first, after, ...filter }, context) =>
        runList(job, 'model', filter, { first, after }, context),
    }),
    model: t.field({
      type: ModelNode,
      args: { uniqueId: t.arg.string({ required: true }) },
      authz: jobRead,
      resolve: (job, { uniqueId }, context) => runNode(job, 'model', { uniqueId }, context),
    }),
    sources: t.field({
      type: [SourceNode],
      nullable: false,
      args: { ...listArgs, ...relationArgs },
      authz: jobRead,
      resolve: (job, { first, after, ...filter }, context) =>
        runList(job, 'source', filter, { first, after }, context),
    }),
    source: t.field({
      type: SourceNode,
      args: { uniqueId: t.arg.string({ required: true }) },
      authz: jobRead,
      resolve: (job, { uniqueId }, context) => runNode(job, 'source', { uniqueId }, context),
    }),
    tests: t.field({
      type: [TestNode],
      nullable: false,
      args: listArgs,
      authz: jobRead,
      resolve: (job, args, context) => runList(job, 'test', {}, args, context),
    }),
    test: t.field({
      type: TestNode,
      args: { uniqueId: t.arg.string({ required: true }) },
      authz: jobRead,
      resolve: (job, { uniqueId }, context) => runNode(job, 'test', { uniqueId }, context),
    }),
    seeds: t.field({
      type: [SeedNode],
      nullable: false,
      args: listArgs,
      authz: jobRead,
      resolve: (job, args, context) => runList(job, 'seed', {}, args, context),
    }),
    seed: t.field({
      type: SeedNode,
      args: { uniqueId: t.arg.string({ required: true }) },
      authz: jobRead,
      resolve: (job, { uniqueId }, context) => runNode(job, 'seed', { uniqueId }, context),
    }),
    snapshots: t.field({
      type: [SnapshotNode],
      nullable: false,
      args: listArgs,
      authz: jobRead,
      resolve: (job, args, context) => runList(job, 'snapshot', {}, args, context),
    }),
    snapshot: t.field({
      type: SnapshotNode,
      args: { uniqueId: t.arg.string({ required: true }) },
      authz: jobRead,
      resolve: (job, { uniqueId }, context) => runNode(job, 'snapshot', { uniqueId }, context),
    }),
    exposures: t.field({
      type: [ExposureNode],
      nullable: false,
      args: listArgs,
      authz: jobRead,
      resolve: (job, args, context) => runList(job, 'exposure', {}, args, context),
    }),
    exposure: t.field({
      type: ExposureNode,
      args: { name: t.arg.string({ required: true }) },
      authz: jobRead,
      resolve: (job, { name }, context) => runNode(job, 'exposure', { name }, context),
    }),
    macros: t.field({
      type: [MacroNode],
      nullable: false,
      description: 'Retrieve macro information.',
      args: listArgs,
      authz: jobRead,
      resolve: (job, args, context) => runList(job, 'macro', {}, args, context),
    }),
    macro: t.field({
      type: MacroNode,
      args: { uniqueId: t.arg.string({ required: true }) },
      authz: jobRead,
      resolve: (job, { uniqueId }, context) => runNode(job, 'macro', { uniqueId }, context),
    }),
    metrics: t.field({
      type: [MetricNode],
      nullable: false,
      description: 'Retrieve metric information.',
      args: listArgs,
      authz: jobRead,
      resolve: (job, args, context) => runList(job, 'metric', {}, args, context),
    }),
    metric: t.field({
      type: MetricNode,
      args: { uniqueId: t.arg.string({ required: true }) },
      authz: jobRead,
      resolve: (job, { uniqueId }, context) => runNode(job, 'metric', { uniqueId }, context),
    }),
  }),
});

/**
 * The artifacts of a run of the job: `runId`, or the latest run with artifacts. NOT_FOUND for a
 * run of another job; null when there are none.
 */
export async function jobArtifacts(
  jobId: number,
  runId: number | null | undefined,
  context: Context,
): Promise<JobShape | null> {
  const job = (await context.loaders.job.load(jobId))!;
  let artifacts: MetadataArtifactsRow | undefined;
  if (runId != null) {
    const run = await context.loaders.run.load(runId);
    if (!run || run.job_id !== job.id) throw notFound(`Run ${runId} of job ${jobId}`);
    artifacts = await findArtifacts(context.db, run.id);
  } else {
    artifacts = await findLatestArtifactsOfJob(context.db, job.id);
  }
  return artifacts
    ? { id: job.id, runId: artifacts.run_id, projectId: job.project_id, artifacts }
    : null;
}

builder.queryField('job', (t) =>
  t.field({
    type: JobNode,
    description:
      'The artifacts of a run of the job: `runId`, or the latest run that has artifacts. Null when it has none.',
    args: {
      id: t.arg({ type: BigIntScalar, required: true }),
      runId: t.arg({ type: BigIntScalar }),
    },
    authz: {
      resource: 'metadata',
      action: 'read',
      project: (_root, { id }, context) => jobScope(id, context.loaders),
    },
    resolve: (_root, { id, runId }, context) => jobArtifacts(id, runId, context),
  }),
);
