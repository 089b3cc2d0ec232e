import type { Db } from './database.js';
import { outlineColumns } from './metadata-applied.js';
import { type AppliedColumns, nodeColumns } from './metadata-applied-nodes.js';
import type { MetadataAppliedNodeRow } from './tables/metadata.js';

// Reads of the applied state's graph and of what spans a whole environment: nodes by id, their
// relatives, every edge, the lineage outline, counts, tags, packages, owners and model versions.

/**
 * The resource types of dbt's DAG (what parent_map holds): everything but macros, which nodes use
 * rather than depend on, and groups, which hold models rather than feed them.
 */
export const graphResourceTypes = [
  'model',
  'test',
  'seed',
  'snapshot',
  'source',
  'exposure',
  'metric',
  'semantic_model',
  'saved_query',
] as const;

/** Bound parameters per statement when looking rows up by id (well under every driver's limit). */
const idsPerStatement = 5000;

/** Applied nodes by id, without code (any environment: callers reach ids only through an allowed node). */
export async function findAppliedNodesByIds(
  db: Db,
  ids: readonly number[],
  columns: AppliedColumns,
): Promise<MetadataAppliedNodeRow[]> {
  const rows: MetadataAppliedNodeRow[] = [];
  for (let start = 0; start < ids.length; start += idsPerStatement) {
    const chunk = await db
      .selectFrom('metadata_applied_nodes as a')
      .select(nodeColumns(columns))
      .where('a.id', 'in', ids.slice(start, start + idsPerStatement))
      .execute();
    rows.push(...(chunk as MetadataAppliedNodeRow[]));
  }
  return rows;
}

/**
 * The parents or children of many nodes in one statement, each row tagged with the node it
 * relates to; `resourceTypes` limits what is returned (e.g. only tests). Without code: the
 * nested node types have none. Unordered (callers order each node's few relatives).
 */
export async function listAppliedRelatives(
  db: Db,
  nodeIds: readonly number[],
  direction: 'parents' | 'children',
  resourceTypes: readonly string[] | null,
  columns: AppliedColumns,
): Promise<(MetadataAppliedNodeRow & { relative_of: number })[]> {
  if (nodeIds.length === 0) return [];
  const [from, to] =
    direction === 'parents'
      ? (['e.child_id', 'e.parent_id'] as const)
      : (['e.parent_id', 'e.child_id'] as const);
  let query = db
    .selectFrom('metadata_applied_edges as e')
    .innerJoin('metadata_applied_nodes as a', 'a.id', to)
    .select(nodeColumns(columns))
    .select(`${from} as relative_of`)
    .where(from, 'in', nodeIds);
  if (resourceTypes) query = query.where('a.resource_type', 'in', resourceTypes);
  return (await query.execute()) as (MetadataAppliedNodeRow & { relative_of: number })[];
}

/** Every edge of the environment's graph (parent id, child id), and whether the parent is a macro. */
export async function listAppliedEdges(
  db: Db,
  environmentId: number,
): Promise<{ parent_id: number; child_id: number; parent_type: string }[]> {
  return db
    .selectFrom('metadata_applied_edges as e')
    .innerJoin('metadata_applied_nodes as p', 'p.id', 'e.parent_id')
    .select(['e.parent_id', 'e.child_id', 'p.resource_type as parent_type'])
    .where('e.environment_id', '=', environmentId)
    .execute();
}

/** Every node of the environment, for lineage selection (without code); macros when asked for. */
export async function listLineageNodes(db: Db, environmentId: number, withMacros = false) {
  return db
    .selectFrom('metadata_applied_nodes')
    .select(['id', 'unique_id', ...outlineColumns, 'last_run_status', 'project_id'])
    .where('environment_id', '=', environmentId)
    .where(
      'resource_type',
      'in',
      withMacros ? [...graphResourceTypes, 'macro'] : graphResourceTypes,
    )
    .orderBy('unique_id')
    .execute();
}

export type LineageNodeRow = Awaited<ReturnType<typeof listLineageNodes>>[number];

export async function countAppliedNodesByType(
  db: Db,
  environmentId: number,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('metadata_applied_nodes')
    .select(['resource_type', (eb) => eb.fn.countAll<number>().as('count')])
    .where('environment_id', '=', environmentId)
    // Groups are not resources (ResourceNodeType has none).
    .where('resource_type', '<>', 'group')
    .groupBy('resource_type')
    .orderBy('resource_type')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.resource_type, Number(row.count)]));
}

/** The distinct tag lists of the environment's nodes (callers flatten them). */
export async function listAppliedTagLists(db: Db, environmentId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('metadata_applied_nodes')
    .select('tags')
    .distinct()
    .where('environment_id', '=', environmentId)
    .where('tags', '<>', '[]')
    .execute();
  return rows.map((row) => row.tags);
}

export async function listAppliedPackages(
  db: Db,
  environmentId: number,
  resourceType: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('metadata_applied_nodes')
    .select('package_name')
    .distinct()
    .where('environment_id', '=', environmentId)
    .where('resource_type', '=', resourceType)
    .where('package_name', 'is not', null)
    .orderBy('package_name')
    .execute();
  return rows.map((row) => row.package_name!);
}

/** The environment's nodes of a resource type by name (a versioned model's versions share one). */
export async function listAppliedNodesByNames(
  db: Db,
  environmentId: number,
  resourceType: string,
  names: readonly string[],
  columns: AppliedColumns,
): Promise<MetadataAppliedNodeRow[]> {
  if (names.length === 0) return [];
  return (await db
    .selectFrom('metadata_applied_nodes as a')
    .select(nodeColumns(columns))
    .where('a.environment_id', '=', environmentId)
    .where('a.resource_type', '=', resourceType)
    .where('a.name', 'in', names)
    .orderBy('a.unique_id')
    .execute()) as MetadataAppliedNodeRow[];
}

/** The environment's models of the given groups (a group's models), in unique id order. */
export async function listAppliedGroupModels(
  db: Db,
  environmentId: number,
  groups: readonly string[],
  columns: AppliedColumns,
): Promise<MetadataAppliedNodeRow[]> {
  if (groups.length === 0) return [];
  return (await db
    .selectFrom('metadata_applied_nodes as a')
    .select(nodeColumns(columns))
    .where('a.environment_id', '=', environmentId)
    .where('a.resource_type', '=', 'model')
    .where('a.dbt_group', 'in', groups)
    .orderBy('a.unique_id')
    .execute()) as MetadataAppliedNodeRow[];
}

/** The payloads of the environment's nodes of one resource type (owners are in them). */
export async function listAppliedPayloads(
  db: Db,
  environmentId: number,
  resourceType: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('metadata_applied_nodes')
    .select('payload')
    .where('environment_id', '=', environmentId)
    .where('resource_type', '=', resourceType)
    .orderBy('unique_id')
    .execute();
  return rows.map((row) => row.payload);
}
