import { environmentScope } from '../auth/scopes.js';
import type { Context } from '../context.js';
import { listModelHistory } from '../db/metadata-runs.js';
import type { MetadataEnvironmentStateRow } from '../db/tables/metadata.js';
import { freshnessFilter } from '../dbt-statuses.js';
import { badUserInput } from '../errors.js';
import { runNodeView } from '../metadata/run-node-view.js';
import {
  AppliedModelSort,
  type AppliedShape,
  appliedConnection,
  appliedSort,
  ExposureFilter,
  GenericMaterializedFilter,
  ModelAppliedFilter,
  pageArgs,
  SourceAppliedFilter,
  TestAppliedFilter,
} from './applied-lists.js';
import {
  ExposureAppliedStateNode,
  ModelAppliedStateNode,
  SeedAppliedStateNode,
  SnapshotAppliedStateNode,
  SourceAppliedStateNode,
  TestAppliedStateNode,
} from './applied-nodes.js';
import { discoveryBuilder as builder } from './builder.js';
import { BigIntScalar, connectionType, metadataRead } from './common.js';
import { ModelNode } from './job-nodes.js';
import { appliedOnlyFields, stateSummaryFields } from './resources.js';

/** What Query.environment resolves to: the environment and what its artifacts say. */
export interface EnvironmentShape {
  readonly id: number;
  readonly projectId: number;
  readonly state: MetadataEnvironmentStateRow | null;
  readonly dbtProjectName: string | null;
  readonly adapterType: string | null;
}

const read = metadataRead<EnvironmentShape>();

const appliedRead = metadataRead<AppliedShape>();

const ModelConnection = connectionType(ModelAppliedStateNode, 'ModelAppliedStateNode');
const SourceConnection = connectionType(SourceAppliedStateNode, 'SourceAppliedStateNode');
const TestConnection = connectionType(TestAppliedStateNode, 'TestAppliedStateNode');
const SeedConnection = connectionType(SeedAppliedStateNode, 'SeedAppliedStateNode');
const SnapshotConnection = connectionType(SnapshotAppliedStateNode, 'SnapshotAppliedStateNode');
const ExposureConnection = connectionType(ExposureAppliedStateNode, 'ExposureAppliedStateNode');

export const AppliedState = builder.objectRef<AppliedShape>('AppliedState').implement({
  description:
    "The latest known state of each node of the environment's project, across all its runs.",
  fields: (t) => ({
    ...appliedOnlyFields(t),
    ...stateSummaryFields(t, true),
    latestGitSha: t.string({
      description:
        'The commit of the run whose manifest defines the nodes, when that run recorded one.',
      authz: appliedRead,
      resolve: async (applied, _args, context) =>
        applied.state
          ? ((await context.loaders.run.load(applied.state.manifest_run_id))?.git_sha ?? null)
          : null,
    }),
    models: t.field({
      type: ModelConnection,
      nullable: false,
      args: {
        ...pageArgs,
        filter: t.arg({ type: ModelAppliedFilter }),
        sort: t.arg({ type: AppliedModelSort }),
      },
      authz: appliedRead,
      resolve: (applied, { filter, sort, ...page }, context, info) =>
        appliedConnection(
          applied,
          'model',
          {
            uniqueIds: filter?.uniqueIds,
            tags: filter?.tags,
            database: filter?.database,
            schema: filter?.schema,
            identifier: filter?.identifier,
            packageName: filter?.packageName,
            access: filter?.access,
            group: filter?.group,
            modelingLayer: filter?.modelingLayer,
            lastRunStatuses: filter?.lastRunStatus ? [filter.lastRunStatus] : null,
          },
          page,
          context,
          info,
          sort ? appliedSort(sort) : undefined,
        ),
    }),
    sources: t.field({
      type: SourceConnection,
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: SourceAppliedFilter }) },
      authz: appliedRead,
      resolve: (applied, { filter, ...page }, context, info) =>
        appliedConnection(
          applied,
          'source',
          {
            uniqueIds: filter?.uniqueIds,
            tags: filter?.tags,
            database: filter?.database,
            schema: filter?.schema,
            identifier: filter?.identifier,
            sourceNames: filter?.sourceNames,
            freshnessChecked: filter?.freshnessChecked,
            freshnessStatuses: filter?.freshnessStatus
              ? freshnessFilter[filter.freshnessStatus]
              : null,
          },
          page,
          context,
          info,
        ),
    }),
    tests: t.field({
      type: TestConnection,
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: TestAppliedFilter }) },
      authz: appliedRead,
      resolve: (applied, { filter, ...page }, context, info) =>
        appliedConnection(
          applied,
          'test',
          {
            uniqueIds: filter?.uniqueIds,
            tags: filter?.tags,
            lastRunStatuses: filter?.status ? [filter.status] : null,
            testTypes: filter?.testTypes,
          },
          page,
          context,
          info,
        ),
    }),
    seeds: t.field({
      type: SeedConnection,
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: GenericMaterializedFilter }) },
      authz: appliedRead,
      resolve: (applied, { filter, ...page }, context, info) =>
        appliedConnection(applied, 'seed', { ...filter }, page, context, info),
    }),
    snapshots: t.field({
      type: SnapshotConnection,
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: GenericMaterializedFilter }) },
      authz: appliedRead,
      resolve: (applied, { filter, ...page }, context, info) =>
        appliedConnection(applied, 'snapshot', { ...filter }, page, context, info),
    }),
    exposures: t.field({
      type: ExposureConnection,
      nullable: false,
      args: { ...pageArgs, filter: t.arg({ type: ExposureFilter }) },
      authz: appliedRead,
      resolve: (applied, { filter, ...page }, context, info) =>
        appliedConnection(
          applied,
          'exposure',
          { uniqueIds: filter?.uniqueIds, tags: filter?.tags, exposureType: filter?.exposureType },
          page,
          context,
          info,
        ),
    }),
    modelHistoricalRuns: t.field({
      type: [ModelNode],
      nullable: false,
      description:
        "The model's results in the environment's latest runs that executed it, newest first.",
      args: {
        identifier: t.arg.string(),
        lastRunCount: t.arg.int({ defaultValue: 1 }),
        uniqueId: t.arg.string(),
        withCatalog: t.arg.boolean({
          defaultValue: false,
          description: "Whether to include each run's catalog columns and stats.",
        }),
      },
      authz: appliedRead,
      resolve: (applied, args, context) =>
        modelHistoricalRuns(applied.environmentId, args, context),
    }),
  }),
});

/** A model's latest executions in the environment (modelHistoricalRuns, modelByEnvironment). */
export async function modelHistoricalRuns(
  environmentId: number,
  args: {
    identifier?: string | null;
    lastRunCount?: number | null;
    uniqueId?: string | null;
    withCatalog?: boolean | null;
  },
  context: Context,
) {
  if (args.uniqueId == null && args.identifier == null)
    throw badUserInput('Give uniqueId or identifier.', 'uniqueId');
  const count = args.lastRunCount ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 100)
    throw badUserInput('lastRunCount must be between 1 and 100.', 'lastRunCount');
  const rows = await listModelHistory(
    context.db,
    environmentId,
    { uniqueId: args.uniqueId, identifier: args.identifier },
    count,
  );
  return rows.map((row) => {
    const view = runNodeView(row);
    return args.withCatalog ? view : { ...view, stats: [], comment: null, owner: null, type: null };
  });
}

export const Environment = builder.objectRef<EnvironmentShape>('Environment').implement({
  description: 'A deployment environment of a dbt project, as its ingested artifacts describe it.',
  fields: (t) => ({
    dbtProjectName: t.exposeString('dbtProjectName'),
    adapterType: t.exposeString('adapterType'),
    applied: t.field({
      type: AppliedState,
      authz: read,
      resolve: (environment) => ({
        environmentId: environment.id,
        projectId: environment.projectId,
        state: environment.state,
      }),
    }),
  }),
});

builder.queryField('environment', (t) =>
  t.field({
    type: Environment,
    nullable: false,
    args: { id: t.arg({ type: BigIntScalar, required: true }) },
    authz: {
      resource: 'metadata',
      action: 'read',
      project: (_root, { id }, context) => environmentScope(id, context.loaders),
    },
    resolve: async (_root, { id }, context) => {
      const environment = (await context.loaders.environment.load(id))!;
      const state = (await context.loaders.metadata.environmentState.load(environment.id)) ?? null;
      return {
        id: environment.id,
        projectId: environment.project_id,
        state,
        dbtProjectName: state?.dbt_project_name ?? null,
        adapterType: state?.adapter_type ?? null,
      };
    },
  }),
);
