import type { Context } from '../context.js';
import { listLineageNodes } from '../db/metadata-applied-graph.js';
import { runStatusOf, testSeverity } from '../dbt-statuses.js';
import { badUserInput } from '../errors.js';
import { type SelectableNode, selectNodes } from '../metadata/selector.js';
import { discoveryBuilder as builder } from './builder.js';
import { nodeTypeOfResourceType, ResourceNodeTypeEnum, resourceTypeOfNodeType } from './common.js';
import {
  hasLineageType,
  LineageNode,
  type LineageNodeShape,
  type ResourceNodeType,
} from './lineage-types.js';

export { LineageNode };

export const LineageFilter = builder.inputType('LineageFilter', {
  fields: (t) => ({
    select: t.string({
      description:
        "dbt's node selection syntax, e.g. `+fct_orders tag:nightly,resource_type:model`.",
    }),
    exclude: t.string({ description: 'Nodes to leave out, in the same syntax.' }),
    types: t.field({
      type: [ResourceNodeTypeEnum],
      description: 'Only these resource types (default: all but tests and macros).',
    }),
    tags: t.stringList({ description: 'Only nodes with one of these tags.' }),
    uniqueIds: t.stringList(),
    columnNames: t.stringList({
      description: 'Column-level lineage; not available from dbt artifacts alone.',
    }),
  }),
});

/** Tests and macros are left out unless `types` asks for them (macros are not in dbt's DAG). */
const defaultTypes = Object.keys(resourceTypeOfNodeType).filter(
  (type) => type !== 'Test' && type !== 'Macro',
) as ResourceNodeType[];

/**
 * The lineage query: loads the environment's nodes and graph (two statements), evaluates the
 * selection in memory and applies the other filters. Graph operators follow dbt's DAG; a macro's
 * parents are the macros it uses.
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
  const types = new Set(
    (filter.types?.length ? filter.types : defaultTypes).map(
      (type) => resourceTypeOfNodeType[type]!,
    ),
  );
  const [rows, graph] = await Promise.all([
    listLineageNodes(context.db, environmentId, types.has('macro')),
    context.loaders.metadata.appliedGraph.load(environmentId),
  ]);
  const byId = new Map<number, (typeof rows)[number]>(rows.map((row) => [row.id, row]));
  const payloads = new Map(
    rows.map((row) => [row.id, JSON.parse(row.payload) as Record<string, any>]),
  );
  const nodes: SelectableNode[] = rows.map((row) => ({
    id: row.id,
    uniqueId: row.unique_id,
    name: row.name,
    resourceType: row.resource_type,
    packageName: row.package_name,
    filePath: row.file_path ?? '',
    tags: JSON.parse(row.tags) as string[],
    fqn: payloads.get(row.id)!.fqn ?? [],
    sourceName: row.source_name,
    materialized: row.materialized,
    testType: row.test_type,
    access: row.access,
    group: row.dbt_group,
  }));
  const all = new Set(nodes.map((node) => node.id));
  const selection = filter.select?.trim()
    ? selectNodes(nodes, graph, filter.select, 'filter.select')
    : null;
  const chosen = new Set(selection ? selection.selected : all);
  if (filter.exclude?.trim())
    for (const id of selectNodes(nodes, graph, filter.exclude, 'filter.exclude').selected)
      chosen.delete(id);

  const tags = filter.tags?.length ? new Set(filter.tags) : null;
  const uniqueIds = filter.uniqueIds?.length ? new Set(filter.uniqueIds) : null;
  const accessOf = new Map(rows.map((row) => [row.unique_id, row.access]));

  const result: LineageNodeShape[] = [];
  for (const node of nodes) {
    if (!chosen.has(node.id) || !types.has(node.resourceType) || !hasLineageType(node.resourceType))
      continue;
    if (tags && !node.tags.some((tag) => tags.has(tag))) continue;
    if (uniqueIds && !uniqueIds.has(node.uniqueId)) continue;
    const row = byId.get(node.id)!;
    const payload = payloads.get(node.id)!;
    // A macro's parents are the macros it uses.
    const parentGraph = node.resourceType === 'macro' ? graph.macroParents : graph.parents;
    const parents = (parentGraph.get(node.id) ?? []).map((id) => byId.get(id)!.unique_id);
    const testStatuses = (graph.children.get(node.id) ?? [])
      .map((id) => byId.get(id))
      .filter((child) => child?.resource_type === 'test' && child.last_run_status !== null)
      .map((child) => child!.last_run_status!);
    result.push({
      ...node,
      projectId: row.project_id,
      nodeType: nodeTypeOfResourceType[node.resourceType]!,
      description: payload.description ?? null,
      alias: ['model', 'seed', 'snapshot'].includes(node.resourceType) ? row.identifier : null,
      database: row.database_name,
      schema: row.schema_name,
      materializationType: row.materialized,
      version: payload.version ?? null,
      parentIds: [...new Set(parents)].sort(),
      publicParentIds: publicParents(payload.dependsOn ?? [], accessOf),
      matchesMethod: selection ? selection.matched.has(node.id) : null,
      lastRunStatus:
        node.resourceType === 'test'
          ? row.last_run_status
          : (runStatusOf(row.last_run_status) ?? row.last_run_status),
      worstTestStatus: testSeverity.find((status) => testStatuses.includes(status)) ?? null,
      modelingLayer: payload.modelingLayer ?? null,
    });
  }
  return result;
}

/**
 * The public models a node depends on, as its manifest states them: models it depends on that
 * are public (`access: public`), and models this manifest does not define at all, which only a
 * cross-project ref to another project's public model (dbt Mesh) produces.
 */
function publicParents(
  dependsOn: readonly string[],
  accessOf: ReadonlyMap<string, string | null>,
): string[] {
  const isPublic = (id: string) =>
    id.startsWith('model.') && (!accessOf.has(id) || accessOf.get(id) === 'public');
  return [...new Set(dependsOn.filter(isPublic))].sort();
}
