import type { Context } from '../context.js';
import { listLineageNodes } from '../db/metadata-applied-nodes.js';
import { runStatusOf, testSeverity } from '../dbt-statuses.js';
import { badUserInput } from '../errors.js';
import { type SelectableNode, selectNodes } from '../metadata/selector.js';
import { discoveryBuilder as builder } from './builder.js';
import {
  BigIntScalar,
  nodeTypeOfResourceType,
  ResourceNodeTypeEnum,
  resourceTypeOfNodeType,
} from './common.js';

export const LineageFilter = builder.inputType('LineageFilter', {
  fields: (t) => ({
    select: t.string({
      description:
        "dbt's node selection syntax, e.g. `+fct_orders tag:nightly,resource_type:model`.",
    }),
    exclude: t.string({ description: 'Nodes to leave out, in the same syntax.' }),
    types: t.field({
      type: [ResourceNodeTypeEnum],
      description: 'Only these resource types (default: all but tests).',
    }),
    tags: t.stringList({ description: 'Only nodes with one of these tags.' }),
    uniqueIds: t.stringList(),
    columnNames: t.stringList({
      description: 'Column-level lineage; not available from dbt artifacts alone.',
    }),
  }),
});

type ResourceNodeType = (typeof ResourceNodeTypeEnum)['$inferType'];

interface LineageNodeShape extends SelectableNode {
  readonly projectId: number;
  readonly nodeType: ResourceNodeType;
  readonly alias: string | null;
  readonly database: string | null;
  readonly schema: string | null;
  readonly materializationType: string | null;
  readonly version: string | null;
  readonly parentIds: readonly string[];
  readonly publicParentIds: readonly string[];
  readonly matchesMethod: boolean | null;
  readonly lastRunStatus: string | null;
  readonly worstTestStatus: string | null;
  readonly modelingLayer: string | null;
}

const lineageTypeNames: Partial<Record<string, string>> = {
  model: 'ModelLineageNode',
  source: 'SourceLineageNode',
  seed: 'SeedLineageNode',
  snapshot: 'SnapshotLineageNode',
  exposure: 'ExposureLineageNode',
  test: 'TestLineageNode',
};

export const LineageNode = builder.interfaceRef<LineageNodeShape>('LineageNode').implement({
  resolveType: (node) => lineageTypeNames[node.resourceType]!,
  fields: (t) => ({
    uniqueId: t.exposeString('uniqueId', { nullable: false }),
    name: t.exposeString('name'),
    resourceType: t.expose('nodeType', { type: ResourceNodeTypeEnum, nullable: false }),
    projectId: t.expose('projectId', { type: BigIntScalar, nullable: false }),
    filePath: t.exposeString('filePath', { nullable: false }),
    fqn: t.exposeStringList('fqn'),
    tags: t.exposeStringList('tags', { nullable: false }),
    access: t.exposeString('access'),
    alias: t.exposeString('alias'),
    database: t.exposeString('database'),
    schema: t.exposeString('schema'),
    group: t.exposeString('group'),
    materializationType: t.exposeString('materializationType'),
    version: t.exposeString('version'),
    matchesMethod: t.exposeBoolean('matchesMethod', {
      description: 'Whether a selection method matched the node itself (not a graph operator).',
    }),
    parentIds: t.exposeStringList('parentIds', { nullable: false }),
    publicParentIds: t.exposeStringList('publicParentIds', { nullable: false }),
  }),
});

const executable = (t: PothosSchemaTypes.ObjectFieldBuilder<any, LineageNodeShape>) => ({
  lastRunStatus: t.exposeString('lastRunStatus'),
});
const testable = (t: PothosSchemaTypes.ObjectFieldBuilder<any, LineageNodeShape>) => ({
  worstTestStatus: t.exposeString('worstTestStatus'),
});

builder.objectRef<LineageNodeShape>('ModelLineageNode').implement({
  interfaces: [LineageNode],
  fields: (t) => ({
    ...executable(t),
    ...testable(t),
    modelingLayer: t.exposeString('modelingLayer'),
  }),
});
builder.objectRef<LineageNodeShape>('SourceLineageNode').implement({
  interfaces: [LineageNode],
  fields: (t) => ({ ...testable(t), sourceName: t.exposeString('sourceName') }),
});
builder.objectRef<LineageNodeShape>('SeedLineageNode').implement({
  interfaces: [LineageNode],
  fields: (t) => ({ ...executable(t), ...testable(t) }),
});
builder.objectRef<LineageNodeShape>('SnapshotLineageNode').implement({
  interfaces: [LineageNode],
  fields: (t) => ({ ...executable(t), ...testable(t) }),
});
builder.objectRef<LineageNodeShape>('ExposureLineageNode').implement({
  interfaces: [LineageNode],
  fields: () => ({}),
});
builder.objectRef<LineageNodeShape>('TestLineageNode').implement({
  interfaces: [LineageNode],
  fields: (t) => ({ ...executable(t) }),
});

/**
 * The lineage query: loads the environment's nodes and graph (two statements), evaluates the
 * selection in memory and applies the other filters.
 */
export async function resolveLineage(
  environmentId: number,
  filter: {
    select?: string | null;
    exclude?: string | null;
    types?: readonly ResourceNodeType[] | null;
    tags?: readonly string[] | null;
    uniqueIds?: readonly string[] | null;
    columnNames?: readonly string[] | null;
  },
  context: Context,
): Promise<LineageNodeShape[]> {
  if (filter.columnNames?.length) {
    throw badUserInput(
      'Column-level lineage is not available: dbt artifacts do not carry it.',
      'filter.columnNames',
    );
  }
  const [rows, graph] = await Promise.all([
    listLineageNodes(context.db, environmentId),
    context.loaders.metadata.appliedGraph.load(environmentId),
  ]);
  const byId = new Map<number, (typeof rows)[number]>(rows.map((row) => [row.id, row]));
  const nodes: SelectableNode[] = rows.map((row) => {
    const payload = JSON.parse(row.payload) as { fqn?: string[] };
    return {
      id: row.id,
      uniqueId: row.unique_id,
      name: row.name,
      resourceType: row.resource_type,
      packageName: row.package_name,
      filePath: row.file_path ?? '',
      tags: JSON.parse(row.tags) as string[],
      fqn: payload.fqn ?? [],
      sourceName: row.source_name,
      materialized: row.materialized,
      testType: row.test_type,
      access: row.access,
      group: row.dbt_group,
    };
  });
  const all = new Set(nodes.map((node) => node.id));
  const selection = filter.select?.trim()
    ? selectNodes(nodes, graph, filter.select, 'filter.select')
    : null;
  const chosen = new Set(selection ? selection.selected : all);
  if (filter.exclude?.trim())
    for (const id of selectNodes(nodes, graph, filter.exclude, 'filter.exclude').selected)
      chosen.delete(id);

  const types = new Set(
    (filter.types?.length
      ? filter.types
      : Object.keys(resourceTypeOfNodeType).filter((type) => type !== 'Test')
    ).map((type) => resourceTypeOfNodeType[type]),
  );
  const tags = filter.tags?.length ? new Set(filter.tags) : null;
  const uniqueIds = filter.uniqueIds?.length ? new Set(filter.uniqueIds) : null;

  const result: LineageNodeShape[] = [];
  for (const node of nodes) {
    if (
      !chosen.has(node.id) ||
      !types.has(node.resourceType) ||
      !lineageTypeNames[node.resourceType]
    )
      continue;
    if (tags && !node.tags.some((tag) => tags.has(tag))) continue;
    if (uniqueIds && !uniqueIds.has(node.uniqueId)) continue;
    const row = byId.get(node.id)!;
    const parents = (graph.parents.get(node.id) ?? []).map((id) => byId.get(id)!);
    const testStatuses = (graph.children.get(node.id) ?? [])
      .map((id) => byId.get(id)!)
      .filter((child) => child.resource_type === 'test' && child.last_run_status !== null)
      .map((child) => child.last_run_status!);
    const payload = JSON.parse(row.payload) as { version?: string | null };
    result.push({
      ...node,
      projectId: row.project_id,
      nodeType: nodeTypeOfResourceType[node.resourceType]!,
      alias: node.resourceType === 'source' ? null : row.identifier,
      database: row.database_name,
      schema: row.schema_name,
      materializationType: row.materialized,
      version: payload.version ?? null,
      parentIds: parents.map((parent) => parent.unique_id).sort(),
      // Cross-project (dbt Mesh) parents; one project's artifacts have none.
      publicParentIds: [],
      matchesMethod: selection ? selection.matched.has(node.id) : null,
      lastRunStatus:
        node.resourceType === 'test'
          ? row.last_run_status
          : (runStatusOf(row.last_run_status) ?? row.last_run_status),
      worstTestStatus: testSeverity.find((status) => testStatuses.includes(status)) ?? null,
      modelingLayer: null,
    });
  }
  return result;
}
