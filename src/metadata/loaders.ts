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
import type { AppliedColumns, AppliedNodeColumn } from '../db/metadata-applied-nodes.js';
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
  /** The same reading only these columns besides their identity (see `rowColumnsNeeded`). */
  appliedTestsReading(
    columns: readonly AppliedNodeColumn[],
  ): DataLoader<number, readonly AppliedNodeView[]>;
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

// Nested node types show no code and no catalog; only sources show freshness; tests no relation.
const nested: AppliedColumns = {
  payload: true,
  relation: true,
  code: false,
  catalog: false,
  freshness: true,
};
const tests: AppliedColumns = {
  payload: true,
  relation: false,
  code: false,
  catalog: false,
  freshness: false,
};

function appliedRelatives(
  db: Db,
  direction: 'parents' | 'children',
  types: readonly string[] | null,
  columns: AppliedColumns = types?.length === 1 && types[0] === 'test' ? tests : nested,
): DataLoader<number, readonly AppliedNodeView[]> {
  return new DataLoader<number, readonly AppliedNodeView[]>(async (ids) => {
    const rows = await listAppliedRelatives(db, ids, direction, types, columns);
    rows.sort((a, b) => (a.unique_id < b.unique_id ? -1 : a.unique_id > b.unique_id ? 1 : 0));
    return grouped(
      ids,
      rows.map((row) => ({ of: row.relative_of, view: appliedNodeView(row) })),
      (row) => row.of,
    ).map((list) => list.map((row) => row.view));
  });
}

function runRelatives(
  db: Db,
  direction: 'parents' | 'children',
  types: readonly string[] | null,
): DataLoader<RunNodeKey, readonly RunNodeView[], string> {
  return new DataLoader<RunNodeKey, readonly RunNodeView[], string>(
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
}

async function appliedGraphOf(db: Db, environmentId: number): Promise<AppliedGraph> {
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
}

/**
 * One request's metadata loaders, each made when first read: every request of either API gets
 * this object, and most (every admin request, most Discovery ones) use none or a few of them.
 */
class RequestMetadataLoaders implements MetadataLoaders {
  #environmentState?: MetadataLoaders['environmentState'];
  #artifacts?: MetadataLoaders['artifacts'];
  #appliedNode?: MetadataLoaders['appliedNode'];
  #appliedParents?: MetadataLoaders['appliedParents'];
  #appliedChildren?: MetadataLoaders['appliedChildren'];
  #appliedTests?: MetadataLoaders['appliedTests'];
  /** By their columns, joined with commas: one per selection of tests in the request. */
  readonly #appliedTestsByColumns = new Map<
    string,
    DataLoader<number, readonly AppliedNodeView[]>
  >();
  #appliedMacroParents?: MetadataLoaders['appliedMacroParents'];
  #appliedGraph?: MetadataLoaders['appliedGraph'];
  #modelsByName?: MetadataLoaders['modelsByName'];
  #groupModels?: MetadataLoaders['groupModels'];
  #runParents?: MetadataLoaders['runParents'];
  #runTests?: MetadataLoaders['runTests'];
  #runChildIds?: MetadataLoaders['runChildIds'];

  constructor(private readonly db: Db) {}

  get environmentState(): MetadataLoaders['environmentState'] {
    this.#environmentState ??= new DataLoader(async (ids) => {
      const states = new Map(
        (await findEnvironmentStates(this.db, ids)).map((state) => [state.environment_id, state]),
      );
      return ids.map((id) => states.get(id));
    });
    return this.#environmentState;
  }

  get artifacts(): MetadataLoaders['artifacts'] {
    this.#artifacts ??= new DataLoader(async (ids) => {
      const found = new Map(
        (await findArtifactsByRunIds(this.db, ids)).map((row) => [row.run_id, row]),
      );
      return ids.map((id) => found.get(id));
    });
    return this.#artifacts;
  }

  get appliedNode(): MetadataLoaders['appliedNode'] {
    this.#appliedNode ??= new DataLoader(async (ids) => {
      const found = new Map(
        (await findAppliedNodesByIds(this.db, ids, nested)).map((row) => [
          row.id,
          appliedNodeView(row),
        ]),
      );
      return ids.map((id) => found.get(id));
    });
    return this.#appliedNode;
  }

  get appliedParents(): MetadataLoaders['appliedParents'] {
    this.#appliedParents ??= appliedRelatives(this.db, 'parents', graphResourceTypes);
    return this.#appliedParents;
  }

  get appliedChildren(): MetadataLoaders['appliedChildren'] {
    this.#appliedChildren ??= appliedRelatives(this.db, 'children', graphResourceTypes);
    return this.#appliedChildren;
  }

  get appliedTests(): MetadataLoaders['appliedTests'] {
    this.#appliedTests ??= appliedRelatives(this.db, 'children', ['test']);
    return this.#appliedTests;
  }

  appliedTestsReading(
    columns: readonly AppliedNodeColumn[],
  ): DataLoader<number, readonly AppliedNodeView[]> {
    const key = columns.join();
    let loader = this.#appliedTestsByColumns.get(key);
    if (!loader) {
      loader = appliedRelatives(this.db, 'children', ['test'], { only: columns });
      this.#appliedTestsByColumns.set(key, loader);
    }
    return loader;
  }

  get appliedMacroParents(): MetadataLoaders['appliedMacroParents'] {
    this.#appliedMacroParents ??= appliedRelatives(this.db, 'parents', ['macro']);
    return this.#appliedMacroParents;
  }

  get appliedGraph(): MetadataLoaders['appliedGraph'] {
    this.#appliedGraph ??= new DataLoader(
      async (environmentIds) =>
        Promise.all(environmentIds.map((id) => appliedGraphOf(this.db, id))),
      // A request reads one environment at a time; no batching across environments needed.
      { batch: false },
    );
    return this.#appliedGraph;
  }

  get modelsByName(): MetadataLoaders['modelsByName'] {
    this.#modelsByName ??= byNameLoader(
      (environmentId, names) =>
        listAppliedNodesByNames(this.db, environmentId, 'model', names, nested),
      (row) => row.name,
    );
    return this.#modelsByName;
  }

  get groupModels(): MetadataLoaders['groupModels'] {
    this.#groupModels ??= byNameLoader(
      (environmentId, groups) => listAppliedGroupModels(this.db, environmentId, groups, nested),
      (row) => row.dbt_group,
    );
    return this.#groupModels;
  }

  get runParents(): MetadataLoaders['runParents'] {
    this.#runParents ??= runRelatives(this.db, 'parents', graphResourceTypes);
    return this.#runParents;
  }

  get runTests(): MetadataLoaders['runTests'] {
    this.#runTests ??= runRelatives(this.db, 'children', ['test']);
    return this.#runTests;
  }

  get runChildIds(): MetadataLoaders['runChildIds'] {
    this.#runChildIds ??= new DataLoader(
      async (keys) => {
        const rows = await listRunChildIds(this.db, keys);
        return grouped(keys.map(runKey), rows, (row) =>
          runKey({ runId: row.run_id, uniqueId: row.parent_unique_id }),
        ).map((list) => list.map((row) => row.child_unique_id));
      },
      { cacheKeyFn: runKey },
    );
    return this.#runChildIds;
  }
}

export function createMetadataLoaders(db: Db): MetadataLoaders {
  return new RequestMetadataLoaders(db);
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
