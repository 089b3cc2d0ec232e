import DataLoader from 'dataloader';
import type { Db } from '../db/database.js';
import { findEnvironmentStates } from '../db/metadata-applied.js';
import {
  type AppliedColumns,
  findAppliedNodesByIds,
  listAppliedEdges,
  listAppliedRelatives,
} from '../db/metadata-applied-nodes.js';
import {
  findArtifactsByRunIds,
  listRunChildIds,
  listRunRelatives,
  type RunNodeKey,
} from '../db/metadata-runs.js';
import type { MetadataArtifactsRow, MetadataEnvironmentStateRow } from '../db/tables/metadata.js';
import { type RunNodeView, runNodeView } from './run-node-view.js';
import { type AppliedNodeView, appliedNodeView } from './views.js';

/** The environment's node graph: parent and child ids of every node, by node id. */
export interface AppliedGraph {
  readonly parents: ReadonlyMap<number, readonly number[]>;
  readonly children: ReadonlyMap<number, readonly number[]>;
}

/**
 * Per-request batch loaders of the Discovery API: every relation of a page (parents, children,
 * tests, ancestors) is one statement for the whole page, however many rows it has. Keys are
 * ids reached through an object the rules already allowed.
 */
export interface MetadataLoaders {
  readonly environmentState: DataLoader<number, MetadataEnvironmentStateRow | undefined>;
  readonly artifacts: DataLoader<number, MetadataArtifactsRow | undefined>;
  readonly appliedNode: DataLoader<number, AppliedNodeView | undefined>;
  readonly appliedParents: DataLoader<number, readonly AppliedNodeView[]>;
  readonly appliedChildren: DataLoader<number, readonly AppliedNodeView[]>;
  readonly appliedTests: DataLoader<number, readonly AppliedNodeView[]>;
  readonly appliedGraph: DataLoader<number, AppliedGraph>;
  readonly runParents: DataLoader<RunNodeKey, readonly RunNodeView[], string>;
  readonly runTests: DataLoader<RunNodeKey, readonly RunNodeView[], string>;
  readonly runChildIds: DataLoader<RunNodeKey, readonly string[], string>;
}

function grouped<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const byKey = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => byKey.get(key) ?? []);
}

const runKey = (key: RunNodeKey) => `${key.runId}\u0000${key.uniqueId}`;

export function createMetadataLoaders(db: Db): MetadataLoaders {
  // Nested node types show no code and no catalog; only sources show freshness; tests no relation.
  const nested: AppliedColumns = { relation: true, code: false, catalog: false, freshness: true };
  const tests: AppliedColumns = { relation: false, code: false, catalog: false, freshness: false };
  const appliedRelatives = (direction: 'parents' | 'children', types: readonly string[] | null) =>
    new DataLoader<number, readonly AppliedNodeView[]>(async (ids) => {
      const rows = await listAppliedRelatives(
        db,
        ids,
        direction,
        types,
        types?.length === 1 && types[0] === 'test' ? tests : nested,
      );
      rows.sort((a, b) => (a.unique_id < b.unique_id ? -1 : a.unique_id > b.unique_id ? 1 : 0));
      return grouped(
        ids,
        rows.map((row) => ({ of: row.relative_of, view: appliedNodeView(row) })),
        (row) => row.of,
      ).map((list) => list.map((row) => row.view));
    });
  const runRelatives = (direction: 'parents' | 'children', types: readonly string[] | null) =>
    new DataLoader<RunNodeKey, readonly RunNodeView[], string>(
      async (keys) => {
        const rows = await listRunRelatives(db, keys, direction, types);
        const views = rows.map((row) => ({
          key: runKey({ runId: row.run_id, uniqueId: row.relative_of }),
          view: runNodeView(row),
        }));
        return grouped(keys.map(runKey), views, (row) => row.key).map((list) =>
          list.map((row) => row.view),
        );
      },
      { cacheKeyFn: runKey },
    );
  return {
    environmentState: new DataLoader(async (ids) => {
      const states = new Map(
        (await findEnvironmentStates(db, ids)).map((state) => [state.environment_id, state]),
      );
      return ids.map((id) => states.get(id));
    }),
    artifacts: new DataLoader(async (ids) => {
      const found = new Map((await findArtifactsByRunIds(db, ids)).map((row) => [row.run_id, row]));
      return ids.map((id) => found.get(id));
    }),
    appliedNode: new DataLoader(async (ids) => {
      const found = new Map(
        (await findAppliedNodesByIds(db, ids, nested)).map((row) => [row.id, appliedNodeView(row)]),
      );
      return ids.map((id) => found.get(id));
    }),
    appliedParents: appliedRelatives('parents', null),
    appliedChildren: appliedRelatives('children', null),
    appliedTests: appliedRelatives('children', ['test']),
    appliedGraph: new DataLoader(
      async (environmentIds) =>
        Promise.all(
          environmentIds.map(async (environmentId) => {
            const parents = new Map<number, number[]>();
            const children = new Map<number, number[]>();
            for (const { parent_id, child_id } of await listAppliedEdges(db, environmentId)) {
              (parents.get(child_id) ?? parents.set(child_id, []).get(child_id)!).push(parent_id);
              (children.get(parent_id) ?? children.set(parent_id, []).get(parent_id)!).push(
                child_id,
              );
            }
            return { parents, children };
          }),
        ),
      // A request reads one environment at a time; no batching across environments needed.
      { batch: false },
    ),
    runParents: runRelatives('parents', null),
    runTests: runRelatives('children', ['test']),
    runChildIds: new DataLoader(
      async (keys) => {
        const rows = await listRunChildIds(db, keys);
        return grouped(keys.map(runKey), rows, (row) =>
          runKey({ runId: row.run_id, uniqueId: row.parent_unique_id }),
        ).map((list) => list.map((row) => row.child_unique_id));
      },
      { cacheKeyFn: runKey },
    ),
  };
}

/** Every node upstream of `node` of the given resource types, nearest first (breadth-first). */
export async function appliedAncestors(
  loaders: MetadataLoaders,
  node: AppliedNodeView,
  resourceTypes: ReadonlySet<string>,
): Promise<AppliedNodeView[]> {
  const graph = await loaders.appliedGraph.load(node.environmentId);
  const seen = new Set<number>([node.id]);
  const order: number[] = [];
  for (let frontier = [node.id]; frontier.length > 0; ) {
    const next: number[] = [];
    for (const id of frontier) {
      for (const parent of graph.parents.get(id) ?? []) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        order.push(parent);
        next.push(parent);
      }
    }
    frontier = next;
  }
  const found = await loaders.appliedNode.loadMany(order);
  return found.filter(
    (ancestor): ancestor is AppliedNodeView =>
      !(ancestor instanceof Error) &&
      ancestor !== undefined &&
      resourceTypes.has(ancestor.resourceType),
  );
}
