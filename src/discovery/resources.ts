import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import {
  countAppliedNodesByType,
  listAppliedPackages,
  listAppliedPayloads,
  listAppliedTagLists,
} from '../db/metadata-applied-graph.js';
import { allAppliedColumns, listAppliedNodes } from '../db/metadata-applied-nodes.js';
import { ExposureTileView } from '../metadata/exposure-health.js';
import { appliedNodeView } from '../metadata/node-views.js';
import { parse } from '../metadata/views.js';
import { type AppliedShape, appliedConnection, pageArgs } from './applied-lists.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import {
  AutoExposureBIProviderEnum,
  connectionType,
  DateTimeScalar,
  JSONObjectScalar,
  metadataRead,
  OwnerResourceTypeEnum,
  PackageResourceTypeEnum,
  ResourceNodeTypeEnum,
  resourceTypeOfNodeType,
  Tag,
} from './common.js';
import { ExposureTileNode, exposureHealthOf } from './exposure-tile.js';
import { LineageFilter, LineageNode, resolveLineage } from './lineage.js';
import { EnvironmentAppliedNode, EnvironmentDefinitionNode } from './node-interfaces.js';
import { ExposureOwner } from './semantic-types.js';

// What the applied and definition states both serve about the whole environment (counts, tags,
// packages, lineage, and `resources`: a page over nodes of any types), and what only the applied
// state serves (owners, exposureTile).

type ResourceNodeType = (typeof ResourceNodeTypeEnum)['$inferType'];

const resourcesFilterFields = (
  t: PothosSchemaTypes.InputFieldBuilder<DiscoveryTypes, 'InputObject'>,
) => ({
  types: t.field({
    type: [ResourceNodeTypeEnum],
    required: true,
    description: 'Types of resources to enumerate',
  }),
  tags: t.stringList({ description: 'Filter results by tags' }),
  uniqueIds: t.stringList({ description: 'unique ids of nodes to return' }),
});

export const AppliedResourcesFilter = builder.inputType('AppliedResourcesFilter', {
  fields: resourcesFilterFields,
});
export const DefinitionResourcesFilter = builder.inputType('DefinitionResourcesFilter', {
  fields: resourcesFilterFields,
});

const AppliedResources = connectionType(EnvironmentAppliedNode, 'EnvironmentAppliedNode');
const DefinitionResources = connectionType(EnvironmentDefinitionNode, 'EnvironmentDefinitionNode');

/** A page of the environment's nodes of the given types, in uniqueId order. */
function resources(
  state: AppliedShape,
  filter: {
    types: readonly ResourceNodeType[];
    tags?: readonly string[] | null;
    uniqueIds?: readonly string[] | null;
  },
  page: { first?: number | null; after?: string | null },
  context: Context,
  info: GraphQLResolveInfo,
) {
  const types = [...new Set(filter.types.map((type) => resourceTypeOfNodeType[type]!))];
  return appliedConnection(
    state,
    types,
    { tags: filter.tags, uniqueIds: filter.uniqueIds },
    page,
    context,
    info,
  );
}

type StateFieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, AppliedShape>;

const read = metadataRead<AppliedShape>();

/** The fields both states have; `applied` tells which node types `resources` returns. */
export function stateSummaryFields(t: StateFieldBuilder, applied: boolean) {
  return {
    resourceCounts: t.field({
      type: JSONObjectScalar,
      description:
        'How many nodes of each resource type, e.g. {"model": 17, "test": 122, "macro": 653}.',
      authz: read,
      resolve: (state, _args, context) => countAppliedNodesByType(context.db, state.environmentId),
    }),
    tags: t.field({
      type: [Tag],
      nullable: false,
      authz: read,
      resolve: async (state, _args, context) => {
        const tags = new Set<string>();
        for (const list of await listAppliedTagLists(context.db, state.environmentId))
          for (const tag of JSON.parse(list) as string[]) tags.add(tag);
        return [...tags].sort().map((name) => ({ name }));
      },
    }),
    packages: t.stringList({
      nullable: false,
      args: { resource: t.arg({ type: PackageResourceTypeEnum, required: true }) },
      authz: read,
      resolve: async (state, { resource }, context) =>
        resource === 'macro'
          ? (JSON.parse(state.state?.macro_packages ?? '[]') as string[])
          : listAppliedPackages(context.db, state.environmentId, 'model'),
    }),
    lineage: t.field({
      type: [LineageNode],
      nullable: false,
      description:
        "The environment's nodes chosen by dbt's node selection syntax (select/exclude) and the other filters.",
      args: { filter: t.arg({ type: LineageFilter, required: true }) },
      authz: read,
      resolve: (state, { filter }, context) => resolveLineage(state.environmentId, filter, context),
    }),
    resources: applied
      ? t.field({
          type: AppliedResources,
          nullable: false,
          description: 'The paginated results of resources.',
          args: { ...pageArgs, filter: t.arg({ type: AppliedResourcesFilter, required: true }) },
          authz: read,
          resolve: (state, { filter, ...page }, context, info) =>
            resources(state, filter, page, context, info),
        })
      : t.field({
          type: DefinitionResources,
          nullable: false,
          description: 'The paginated results of resources.',
          args: {
            ...pageArgs,
            filter: t.arg({ type: DefinitionResourcesFilter, required: true }),
          },
          authz: read,
          resolve: (state, { filter, ...page }, context, info) =>
            resources(state, filter, page, context, info),
        }),
  };
}

const ExposureTileFilter = builder.inputType('ExposureTileFilter', {
  fields: (t) => ({
    autoBiProvider: t.field({ type: AutoExposureBIProviderEnum }),
    biResourceId: t.string(),
    uniqueId: t.string(),
  }),
});

/** The fields only the applied state has. */
export function appliedOnlyFields(t: StateFieldBuilder) {
  return {
    lastUpdatedAt: t.field({
      type: DateTimeScalar,
      authz: 'parent',
      resolve: (applied) => applied.state?.last_updated_at ?? null,
    }),
    owners: t.field({
      type: [ExposureOwner],
      nullable: false,
      description:
        'The distinct owners of exposures or groups (a part the manifest leaves out is empty).',
      args: { resource: t.arg({ type: OwnerResourceTypeEnum, required: true }) },
      authz: read,
      resolve: async (applied, { resource }, context) => {
        const owners = new Map<string, { name: string; email: string }>();
        for (const payload of await listAppliedPayloads(
          context.db,
          applied.environmentId,
          resource,
        )) {
          const { ownerName, ownerEmail } = parse<Record<string, any>>(payload, {});
          if (ownerName == null && ownerEmail == null) continue;
          const owner = { name: ownerName ?? '', email: ownerEmail ?? '' };
          owners.set(JSON.stringify(owner), owner);
        }
        return [...owners.values()].sort(
          (a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email),
        );
      },
    }),
    exposureTile: t.field({
      type: ExposureTileNode,
      description:
        "An exposure's data health by its uniqueId; null for BI resources (auto-exposures), which artifacts do not describe.",
      args: { filter: t.arg({ type: ExposureTileFilter, required: true }) },
      authz: read,
      resolve: async (applied, { filter }, context) => {
        if (!filter.uniqueId || filter.biResourceId != null || filter.autoBiProvider != null)
          return null;
        const page = await listAppliedNodes(
          context.db,
          applied.environmentId,
          'exposure',
          { uniqueIds: [filter.uniqueId] },
          {
            first: 1,
            sort: 'unique_id',
            direction: 'asc',
            after: null,
            columns: allAppliedColumns,
          },
        );
        const row = page.rows[0];
        if (!row) return null;
        return new ExposureTileView(row, await exposureHealthOf(appliedNodeView(row), context));
      },
    }),
  };
}
