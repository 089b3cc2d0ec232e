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

/**
 * Lays a DAG out left to right (sources on the left, exposures on the right) with dagre: ranks by
 * dependency depth, orders each rank to cross few edges. Edges to nodes outside the selection are
 * left out. Returns each node's top-left corner.
 */
export function layoutDag(nodes: readonly GraphNode[]): { positions: Map<string, Placed>; edges: [string, string][] } {
  const graph = new Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 90, marginx: 16, marginy: 16, ranker: 'network-simplex' });
  graph.setDefaultEdgeLabel(() => ({}));
  const present = new Set(nodes.map((node) => node.id));
  for (const node of nodes) graph.setNode(node.id, { width: nodeWidth, height: nodeHeight });
  const edges: [string, string][] = [];
  for (const node of nodes) {
    for (const parent of node.parentIds) {
      if (!present.has(parent) || parent === node.id) continue;
      graph.setEdge(parent, node.id);
      edges.push([parent, node.id]);
    }
  }
  layout(graph);
  const positions = new Map<string, Placed>();
  for (const node of nodes) {
    const placed = graph.node(node.id) as { x: number; y: number };
    positions.set(node.id, { x: placed.x - nodeWidth / 2, y: placed.y - nodeHeight / 2 });
  }
  return { positions, edges };
}
