import { environmentScope } from '../auth/scopes.js';
import {
  countAppliedNodesByType,
  listAppliedPackages,
  listAppliedTagLists,
} from '../db/metadata-applied-nodes.js';
import { listModelHistory } from '../db/metadata-runs.js';
import type { MetadataEnvironmentStateRow } from '../db/tables/metadata.js';
import { freshnessFilter } from '../dbt-statuses.js';
import { badUserInput } from '../errors.js';
import { runNodeView } from '../metadata/run-node-view.js';
import {
  AppliedModelSort,
  type AppliedShape,
  appliedConnection,
  ExposureFilter,
  GenericMaterializedFilter,
  ModelAppliedFilter,
  pageArgs,
  SourceAppliedFilter,
  sortColumns,
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
import {
  BigIntScalar,
  connectionType,
  DateTimeScalar,
  JSONObjectScalar,
  metadataRead,
  PackageResourceTypeEnum,
  Tag,
} from './common.js';
import { ModelNode } from './job.js';
import { LineageFilter, LineageNode, resolveLineage } from './lineage.js';

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
    lastUpdatedAt: t.field({
      type: DateTimeScalar,
      authz: 'parent',
      resolve: (applied) => applied.state?.last_updated_at ?? null,
    }),
    latestGitSha: t.string({
      description:
        'The commit of the run whose manifest defines the nodes, when that run recorded one.',
      authz: appliedRead,
      resolve: async (applied, _args, context) =>
        applied.state
          ? ((await context.loaders.run.load(applied.state.manifest_run_id))?.git_sha ?? null)
          : null,
    }),
    resourceCounts: t.field({
      type: JSONObjectScalar,
      description: 'How many nodes of each resource type, e.g. {"model": 17, "test": 122}.',
      authz: appliedRead,
      resolve: (applied, _args, context) =>
        countAppliedNodesByType(context.db, applied.environmentId),
    }),
    tags: t.field({
      type: [Tag],
      nullable: false,
      authz: appliedRead,
      resolve: async (applied, _args, context) => {
        const tags = new Set<string>();
        for (const list of await listAppliedTagLists(context.db, applied.environmentId))
          for (const tag of JSON.parse(list) as string[]) tags.add(tag);
        return [...tags].sort().map((name) => ({ name }));
      },
    }),
    packages: t.stringList({
      nullable: false,
      args: { resource: t.arg({ type: PackageResourceTypeEnum, required: true }) },
      authz: appliedRead,
      resolve: async (applied, { resource }, context) =>
        resource === 'macro'
          ? (JSON.parse(applied.state?.macro_packages ?? '[]') as string[])
          : listAppliedPackages(context.db, applied.environmentId, 'model'),
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
      resolve: (applied, { filter, sort, ...page }, context, info) => {
        if (filter?.modelingLayer != null) {
          throw badUserInput(
            'modelingLayer is not available: this gateway does not derive modeling layers.',
            'filter.modelingLayer',
          );
        }
        if (sort?.field === 'queryUsageCount') {
          throw badUserInput(
            'queryUsageCount is not available: this gateway has no warehouse query history.',
            'sort.field',
          );
        }
        return appliedConnection(
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
            lastRunStatuses: filter?.lastRunStatus ? [filter.lastRunStatus] : null,
          },
          page,
          context,
          info,
          sort ? { field: sortColumns[sort.field]!, direction: sort.direction } : undefined,
        );
      },
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
    lineage: t.field({
      type: [LineageNode],
      nullable: false,
      description:
        "The environment's nodes chosen by dbt's node selection syntax (select/exclude) and the other filters.",
      args: { filter: t.arg({ type: LineageFilter, required: true }) },
      authz: appliedRead,
      resolve: (applied, { filter }, context) =>
        resolveLineage(applied.environmentId, filter, context),
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
      resolve: async (applied, { identifier, lastRunCount, uniqueId, withCatalog }, context) => {
        if (uniqueId == null && identifier == null)
          throw badUserInput('Give uniqueId or identifier.', 'uniqueId');
        const count = lastRunCount ?? 1;
        if (!Number.isInteger(count) || count < 1 || count > 100)
          throw badUserInput('lastRunCount must be between 1 and 100.', 'lastRunCount');
        const rows = await listModelHistory(
          context.db,
          applied.environmentId,
          { uniqueId, identifier },
          count,
        );
        return rows.map((row) => {
          const view = runNodeView(row);
          return withCatalog
            ? view
            : { ...view, stats: [], comment: null, owner: null, type: null };
        });
      },
    }),
  }),
});

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
