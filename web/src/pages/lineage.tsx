import {
  Background,
  Controls,
  type Edge,
  Handle,
  MiniMap,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
} from '@xyflow/react';
import { type FormEvent, memo, useEffect, useMemo, useState } from 'react';
import { DocsLineageDocument } from '../api/discovery/graphql.js';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/feedback.js';
import { kindOf, nodePath } from '../docs-data.js';
import { plural } from '../format.js';
import { layoutDag, nodeHeight, nodeWidth } from '../lineage/layout.js';
import { Link, useRouter } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { DocsTabs } from './docs-home.js';

interface LineageData extends Record<string, unknown> {
  readonly name: string;
  readonly kind: string;
  readonly status: string | null;
  readonly matched: boolean;
  readonly href: string;
}

type LineageFlowNode = Node<LineageData, 'dbt'>;

/** A node of the graph: its kind, its name as a link to its page, its last status. */
const DbtNode = memo(function DbtNode({ data }: NodeProps<LineageFlowNode>) {
  return (
    <div className={`lineage-node lineage-${data.kind}${data.matched ? '' : ' lineage-context'}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="lineage-kind" aria-hidden="true">
        {data.kind}
      </span>
      <Link
        to={data.href}
        className="lineage-name"
        aria-label={`${data.kind} ${data.name}`}
        title={data.name}
      >
        {data.name}
      </Link>
      {data.status && (
        <span
          className={`lineage-status status-${data.status}`}
          title={`Last run: ${data.status}`}
        />
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { dbt: DbtNode };
const kindOrder = ['source', 'seed', 'snapshot', 'model', 'exposure'];

/** The lineage graph of an environment, narrowed by dbt's selector syntax. */
export function LineagePage({ environmentId }: { environmentId: string }) {
  const { client } = useSession();
  const { navigate } = useRouter();
  const initial = new URLSearchParams(window.location.search).get('select') ?? '';
  const [draft, setDraft] = useState({ select: initial, exclude: '' });
  const [applied, setApplied] = useState({ select: initial, exclude: '' });
  const loaded = useLoad(
    () =>
      client.request('discovery', DocsLineageDocument, {
        environmentId: Number(environmentId),
        select: applied.select.trim() || null,
        exclude: applied.exclude.trim() || null,
      }),
    [client, environmentId, applied],
  );
  const lineage = loaded.data?.environment.applied?.lineage;

  const graph = useMemo(() => {
    if (!lineage) return undefined;
    const started = performance.now();
    const { positions, edges } = layoutDag(
      lineage.map((node) => ({ id: node.uniqueId, parentIds: node.parentIds })),
    );
    const nodes: LineageFlowNode[] = lineage.map((node) => {
      const kind = node.resourceType.toLowerCase();
      return {
        id: node.uniqueId,
        type: 'dbt',
        position: positions.get(node.uniqueId)!,
        width: nodeWidth,
        height: nodeHeight,
        data: {
          name: node.name ?? node.uniqueId,
          kind,
          status: 'lastRunStatus' in node ? (node.lastRunStatus ?? null) : null,
          matched: !applied.select.trim() || node.matchesMethod !== false,
          href: kindOf(node.uniqueId)
            ? nodePath(environmentId, node.uniqueId)
            : `/docs/${environmentId}`,
        },
      };
    });
    const flowEdges: Edge[] = edges.map(([source, target]) => ({
      id: `${source}>${target}`,
      source,
      target,
      focusable: false,
    }));
    // The canvas takes the graph's proportions (within limits), so a wide graph is not shrunk
    // into a tall empty box.
    let right = 1;
    let bottom = 1;
    for (const { x, y } of positions.values()) {
      right = Math.max(right, x + nodeWidth);
      bottom = Math.max(bottom, y + nodeHeight);
    }
    const counts = new Map<string, number>();
    for (const node of nodes) counts.set(node.data.kind, (counts.get(node.data.kind) ?? 0) + 1);
    return {
      nodes,
      edges: flowEdges,
      counts,
      ratio: bottom / right,
      layoutMs: performance.now() - started,
    };
  }, [lineage, environmentId, applied.select]);

  useEffect(() => {
    if (!graph) return;
    // For the budget script (bench/console.ts): when the laid-out graph has been drawn.
    requestAnimationFrame(() => {
      performance.mark('lineage-drawn', {
        detail: { nodes: graph.nodes.length, layoutMs: graph.layoutMs },
      });
    });
  }, [graph]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setApplied(draft);
  };
  const reset = () => {
    setDraft({ select: '', exclude: '' });
    setApplied({ select: '', exclude: '' });
  };

  return (
    <>
      <PageHeader
        title={loaded.data?.environment.dbtProjectName ?? 'Lineage'}
        description="Sources on the left, exposures on the right. Scroll or pinch to zoom, drag to pan, click a node to open its page."
      />
      <DocsTabs environmentId={environmentId} current="lineage" />
      <form className="filters selector" onSubmit={apply} role="search" aria-label="Select nodes">
        <label className="field grow">
          <span className="field-label">Select</span>
          <input
            value={draft.select}
            onChange={(event) => setDraft({ ...draft, select: event.target.value })}
            placeholder="+fct_orders+, tag:nightly, source:raw+"
            spellCheck={false}
          />
        </label>
        <label className="field grow">
          <span className="field-label">Exclude</span>
          <input
            value={draft.exclude}
            onChange={(event) => setDraft({ ...draft, exclude: event.target.value })}
            placeholder="tag:deprecated"
            spellCheck={false}
          />
        </label>
        <div className="row">
          <button type="submit" className="button button-primary">
            Apply
          </button>
          <button type="button" className="button" onClick={reset}>
            Reset
          </button>
        </div>
      </form>
      <ErrorNotice error={loaded.error} title="The selection failed" />
      {loaded.loading && !graph ? (
        <Loading label="Laying out the graph…" />
      ) : !graph ? null : graph.nodes.length === 0 ? (
        <Empty title="No nodes match">
          Change the selection, or upload artifacts for this environment.
        </Empty>
      ) : (
        <>
          <p className="legend" role="status">
            {plural(graph.nodes.length, 'node')}:{' '}
            {kindOrder
              .filter((kind) => graph.counts.get(kind))
              .map((kind) => (
                <span key={kind} className="legend-item">
                  <span className={`legend-swatch lineage-${kind}`} aria-hidden="true" />
                  {plural(graph.counts.get(kind)!, kind)}
                </span>
              ))}
          </p>
          <div className="lineage-frame">
            <div
              className="lineage-canvas"
              aria-label="Lineage graph"
              role="figure"
              style={{ ['--graph-ratio' as string]: graph.ratio.toFixed(3) }}
            >
              <ReactFlow
                nodes={graph.nodes}
                edges={graph.edges}
                nodeTypes={nodeTypes}
                fitView
                fitViewOptions={{ padding: 0.08, maxZoom: 1.2 }}
                minZoom={0.05}
                maxZoom={2}
                nodesDraggable={false}
                nodesConnectable={false}
                nodesFocusable={false}
                edgesFocusable={false}
                elementsSelectable={false}
                onlyRenderVisibleElements
                onNodeClick={(_event, node) => navigate(node.data.href)}
              >
                <Background gap={24} color="#dfe4ec" />
                <Controls showInteractive={false} />
                {graph.nodes.length > 40 && (
                  <MiniMap
                    pannable
                    zoomable
                    ariaLabel="Overview of the lineage graph"
                    nodeColor={(node) => minimapColour(String(node.data.kind))}
                  />
                )}
              </ReactFlow>
            </div>
          </div>
          <details className="card">
            <summary>All {plural(graph.nodes.length, 'node')} as a list</summary>
            <ul className="link-list columns" aria-label="Nodes in the graph">
              {graph.nodes.map((node) => (
                <li key={node.id}>
                  <span className={`kind kind-${node.data.kind}`}>{node.data.kind}</span>{' '}
                  <Link to={node.data.href}>{node.data.name}</Link>
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </>
  );
}

function minimapColour(kind: string): string {
  return (
    {
      source: '#2f855a',
      seed: '#6b46c1',
      snapshot: '#b7791f',
      model: '#2b6cb0',
      exposure: '#c05621',
    }[kind] ?? '#718096'
  );
}
