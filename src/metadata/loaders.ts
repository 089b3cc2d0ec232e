import DataLoader from 'dataloader';
import type { Db } from '../db/database.js';
import { findEnvironmentStates } from '../db/metadata-applied.js';
import {
  findAppliedNodesByIds,
  graphResourceTypes,
  listAppliedEdges,
  listAppliedGroupModels,
  listAppliedNodesByNames,
  listAppliedRelatives,
} from '../db/metadata-applied-graph.js';
import type { AppliedColumns } from '../db/metadata-applied-nodes.js';
import {
  findArtifactsByRunIds,
  listRunChildIds,
  listRunRelatives,
  type RunNodeKey,
} from '../db/metadata-runs.js';
import type {
  MetadataAppliedNodeRow,
  MetadataArtifactsRow,
  MetadataEnvironmentStateRow,
} from '../db/tables/metadata.js';
import type { AppliedNodeView } from './applied-node-view.js';
import { appliedNodeView } from './node-views.js';
import { type RunNodeView, runNodeView } from './run-node-view.js';

/**
 * The environment's node graph: parent and child ids of every node, by node id (dbt's DAG, as
 * parent_map has it), and apart from it the macros each node or macro uses.
 */
export interface AppliedGraph {
  readonly parents: ReadonlyMap<number, readonly number[]>;
  readonly children: ReadonlyMap<number, readonly number[]>;
  readonly macroParents: ReadonlyMap<number, readonly number[]>;
}

/** A key of the per-environment loaders: environment id and a name. */
export interface EnvironmentNameKey {
  readonly environmentId: number;
  readonly name: string;
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
  readonly appliedMacroParents: DataLoader<number, readonly AppliedNodeView[]>;
  readonly appliedGraph: DataLoader<number, AppliedGraph>;
  /** The models of that name (every version of a versioned model). */
  readonly modelsByName: DataLoader<EnvironmentNameKey, readonly AppliedNodeView[], string>;
  /** The models of the group of that name. */
  readonly groupModels: DataLoader<EnvironmentNameKey, readonly AppliedNodeView[], string>;
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
const nameKey = (key: EnvironmentNameKey) => `${key.environmentId}\u0000${key.name}`;

/** A loader of the environment's nodes by name, one statement per environment of the batch. */
function byNameLoader(
  load: (environmentId: number, names: string[]) => Promise<MetadataAppliedNodeRow[]>,
  nameOf: (row: MetadataAppliedNodeRow) => string | null,
) {
  return new DataLoader<EnvironmentNameKey, readonly AppliedNodeView[], string>(
    async (keys) => {
      const rows: MetadataAppliedNodeRow[] = [];
      for (const environmentId of new Set(keys.map((key) => key.environmentId))) {
        const names = keys.filter((key) => key.environmentId === environmentId);
        rows.push(...(await load(environmentId, [...new Set(names.map((key) => key.name))])));
      }
      return grouped(keys.map(nameKey), rows, (row) =>
        nameKey({ environmentId: row.environment_id, name: nameOf(row) ?? '' }),
      ).map((list) => list.map(appliedNodeView));
    },
    { cacheKeyFn: nameKey },
  );
}

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
    appliedParents: appliedRelatives('parents', graphResourceTypes),
    appliedChildren: appliedRelatives('children', graphResourceTypes),
    appliedTests: appliedRelatives('children', ['test']),
    appliedMacroParents: appliedRelatives('parents', ['macro']),
    modelsByName: byNameLoader(
      (environmentId, names) => listAppliedNodesByNames(db, environmentId, 'model', names, nested),
      (row) => row.name,
    ),
    groupModels: byNameLoader(
      (environmentId, groups) => listAppliedGroupModels(db, environmentId, groups, nested),
      (row) => row.dbt_group,
    ),
    appliedGraph: new DataLoader(
      async (environmentIds) =>
        Promise.all(
          environmentIds.map(async (environmentId) => {
            const parents = new Map<number, number[]>();
            const children = new Map<number, number[]>();
            const macroParents = new Map<number, number[]>();
            const add = (map: Map<number, number[]>, key: number, value: number) =>
              (map.get(key) ?? map.set(key, []).get(key)!).push(value);
            for (const edge of await listAppliedEdges(db, environmentId)) {
              if (edge.parent_type === 'macro') {
                add(macroParents, edge.child_id, edge.parent_id);
                continue;
              }
              add(parents, edge.child_id, edge.parent_id);
              add(children, edge.parent_id, edge.child_id);
            }
            return { parents, children, macroParents };
          }),
        ),
      // A request reads one environment at a time; no batching across environments needed.
      { batch: false },
    ),
    runParents: runRelatives('parents', graphResourceTypes),
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

/**
 * Every node upstream of `node` of the given resource types, nearest first (breadth-first). Macros
 * are upstream too when asked for: those the node, its ancestors and those macros use.
 */
export async function appliedAncestors(
  loaders: MetadataLoaders,
  node: AppliedNodeView,
  resourceTypes: ReadonlySet<string>,
): Promise<AppliedNodeView[]> {
  const graph = await loaders.appliedGraph.load(node.environmentId);
  const withMacros = resourceTypes.has('macro');
  const seen = new Set<number>([node.id]);
  const order: number[] = [];
  for (let frontier = [node.id]; frontier.length > 0; ) {
    const next: number[] = [];
    for (const id of frontier) {
      const upstream = [
        ...(graph.parents.get(id) ?? []),
        ...(withMacros ? (graph.macroParents.get(id) ?? []) : []),
      ];
      for (const parent of upstream) {
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
