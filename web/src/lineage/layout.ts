import { Graph, layout } from '@dagrejs/dagre';

export interface GraphNode {
  readonly id: string;
  readonly parentIds: readonly string[];
}

export interface Placed {
  readonly x: number;
  readonly y: number;
}

export const nodeWidth = 200;
export const nodeHeight = 44;
const rankGap = 90;
const rowGap = 16;

/**
 * Above this many layout nodes (the graph's nodes plus one virtual node per rank an edge skips),
 * dagre's crossing minimisation takes seconds: a 500-model project with long edges gives it
 * thousands. Past it, the fast layered layout below is used.
 */
const dagreBudget = 1500;

/** Longest-path ranks (a node sits one rank right of its furthest parent), in topological order. */
function ranksOf(nodes: readonly GraphNode[], present: ReadonlySet<string>): Map<string, number> {
  const children = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const node of nodes) {
    const parents = node.parentIds.filter((parent) => present.has(parent) && parent !== node.id);
    waiting.set(node.id, parents.length);
    for (const parent of parents)
      (children.get(parent) ?? children.set(parent, []).get(parent)!).push(node.id);
  }
  const rank = new Map<string, number>();
  const queue = nodes.filter((node) => waiting.get(node.id) === 0).map((node) => node.id);
  for (const id of queue) rank.set(id, 0);
  for (let index = 0; index < queue.length; index++) {
    const id = queue[index]!;
    for (const child of children.get(id) ?? []) {
      rank.set(child, Math.max(rank.get(child) ?? 0, rank.get(id)! + 1));
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) queue.push(child);
    }
  }
  // dbt refuses cycles; should a graph still hold one, its nodes go after everything else.
  const last = Math.max(0, ...rank.values()) + 1;
  for (const node of nodes) if (!rank.has(node.id)) rank.set(node.id, last);
  return rank;
}

/**
 * Lays a DAG out left to right (sources on the left, exposures on the right). Small graphs go to
 * dagre (network-simplex ranks, crossing minimisation with virtual nodes); large ones to a
 * layered layout in linear time per sweep: longest-path ranks, then rows ordered by the
 * barycentre of each node's neighbours, four sweeps each way. Edges to nodes outside the
 * selection are left out. Returns each node's top-left corner.
 */
export function layoutDag(nodes: readonly GraphNode[]): {
  positions: Map<string, Placed>;
  edges: [string, string][];
} {
  const present = new Set(nodes.map((node) => node.id));
  const edges: [string, string][] = [];
  for (const node of nodes)
    for (const parent of node.parentIds)
      if (present.has(parent) && parent !== node.id) edges.push([parent, node.id]);
  const rank = ranksOf(nodes, present);
  let virtual = 0;
  for (const [parent, child] of edges)
    virtual += Math.max(0, rank.get(child)! - rank.get(parent)! - 1);
  const positions =
    nodes.length + virtual <= dagreBudget
      ? dagreLayout(nodes, edges)
      : layeredLayout(nodes, edges, rank);
  return { positions, edges };
}

function dagreLayout(
  nodes: readonly GraphNode[],
  edges: readonly [string, string][],
): Map<string, Placed> {
  const graph = new Graph({ multigraph: false });
  graph.setGraph({
    rankdir: 'LR',
    nodesep: rowGap,
    ranksep: rankGap,
    marginx: 16,
    marginy: 16,
    ranker: 'network-simplex',
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: nodeWidth, height: nodeHeight });
  for (const [parent, child] of edges) graph.setEdge(parent, child);
  layout(graph);
  const positions = new Map<string, Placed>();
  for (const node of nodes) {
    const placed = graph.node(node.id) as { x: number; y: number };
    positions.set(node.id, { x: placed.x - nodeWidth / 2, y: placed.y - nodeHeight / 2 });
  }
  return positions;
}

/** The list stored under `key`, created empty on first use. */
function listIn(map: Map<string, string[]>, key: string): string[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

function layeredLayout(
  nodes: readonly GraphNode[],
  edges: readonly [string, string][],
  rank: ReadonlyMap<string, number>,
): Map<string, Placed> {
  const layers: string[][] = [];
  for (const node of nodes) {
    const r = rank.get(node.id)!;
    layers[r] ??= [];
    layers[r].push(node.id);
  }
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const [parent, child] of edges) {
    listIn(parents, child).push(parent);
    listIn(children, parent).push(child);
  }
  const row = new Map<string, number>();
  const number = (layer: string[]) => {
    for (const [index, id] of layer.entries()) row.set(id, index);
  };
  for (const layer of layers) number(layer ?? []);
  const sortBy = (layer: string[], neighbours: Map<string, string[]>) => {
    const centre = new Map<string, number>();
    for (const id of layer) {
      const around = (neighbours.get(id) ?? []).map((other) => row.get(other)!);
      centre.set(
        id,
        around.length
          ? around.reduce((sum, value) => sum + value, 0) / around.length
          : row.get(id)!,
      );
    }
    layer.sort((a, b) => centre.get(a)! - centre.get(b)!);
    number(layer);
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let r = 1; r < layers.length; r++) if (layers[r]) sortBy(layers[r]!, parents);
    for (let r = layers.length - 2; r >= 0; r--) if (layers[r]) sortBy(layers[r]!, children);
  }
  const tallest = Math.max(...layers.map((layer) => layer?.length ?? 0));
  const positions = new Map<string, Placed>();
  for (const [r, layer] of layers.entries()) {
    const offset = ((tallest - (layer?.length ?? 0)) * (nodeHeight + rowGap)) / 2;
    for (const [index, id] of (layer ?? []).entries()) {
      positions.set(id, {
        x: 16 + r * (nodeWidth + rankGap),
        y: 16 + offset + index * (nodeHeight + rowGap),
      });
    }
  }
  return positions;
}
