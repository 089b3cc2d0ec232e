import { type ReactNode, useState } from 'react';
import type { Client } from '../api/client.js';
import {
  type DocsCatalogFragment,
  DocsExposureDocument,
  DocsModelDocument,
  type DocsNeighbourFragment,
  DocsSeedDocument,
  DocsSnapshotDocument,
  DocsSourceDocument,
  type DocsTestFragment,
} from '../api/discovery/graphql.js';
import { ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { kindOf, nodePath } from '../docs-data.js';
import { formatDateTime, formatDuration } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

interface NodePage {
  kind: string;
  name: string;
  description: string | null;
  facts: [string, ReactNode][];
  catalog: DocsCatalogFragment | null | undefined;
  tests: readonly DocsTestFragment[];
  parents: readonly DocsNeighbourFragment[] | undefined;
  children: readonly DocsNeighbourFragment[] | undefined;
  rawCode: string | null | undefined;
  compiledCode: string | null | undefined;
}

const relation = (node: {
  database?: string | null;
  schema?: string | null;
  alias?: string | null;
  name?: string | null;
}) => [node.database, node.schema, node.alias ?? node.name].filter(Boolean).join('.');

/** One query per kind of node, each shaped into the same page. */
async function loadNode(
  client: Client,
  environmentId: number,
  uniqueId: string,
): Promise<NodePage | undefined> {
  const variables = { environmentId, uniqueId };
  switch (kindOf(uniqueId)) {
    case 'model': {
      const node = (await client.request('discovery', DocsModelDocument, variables)).environment
        .applied?.models.edges[0]?.node;
      return (
        node && {
          kind: 'model',
          name: node.name ?? uniqueId,
          description: node.description ?? null,
          facts: [
            ['Relation', <code key="relation">{relation(node)}</code>],
            ['Materialized', node.materializedType ?? '—'],
            ['Last run', <StatusBadge key="last run" status={node.executionInfo?.lastRunStatus} />],
            ['Finished', formatDateTime(node.executionInfo?.executeCompletedAt)],
            ['Execution time', formatDuration(node.executionInfo?.executionTime)],
            ['Access', node.access ?? '—'],
            ['File', <code key="file">{node.filePath}</code>],
            ['Tags', node.tags.length ? node.tags.join(', ') : '—'],
          ],
          catalog: node.catalog,
          tests: node.tests,
          parents: node.parents,
          children: node.children,
          rawCode: node.rawCode,
          compiledCode: node.compiledCode,
        }
      );
    }
    case 'source': {
      const node = (await client.request('discovery', DocsSourceDocument, variables)).environment
        .applied?.sources.edges[0]?.node;
      const criteria = node?.freshness.criteria;
      const rule = (info: { count?: number | null; period?: string | null } | null | undefined) =>
        info?.count ? `${info.count} ${info.period}` : '—';
      return (
        node && {
          kind: 'source',
          name: `${node.sourceName}.${node.name}`,
          description: node.description || node.sourceDescription || null,
          facts: [
            [
              'Relation',
              <code key="relation">
                {[node.database, node.schema, node.identifier].filter(Boolean).join('.')}
              </code>,
            ],
            ['Loader', node.loader || '—'],
            ['Freshness', <StatusBadge key="freshness" status={node.freshness.freshnessStatus} />],
            ['Max loaded at', formatDateTime(node.freshness.maxLoadedAt)],
            ['Warn after', rule(criteria?.warnAfter)],
            ['Error after', rule(criteria?.errorAfter)],
            ['File', <code key="file">{node.filePath}</code>],
          ],
          catalog: node.catalog,
          tests: node.tests,
          parents: undefined,
          children: node.children,
          rawCode: undefined,
          compiledCode: undefined,
        }
      );
    }
    case 'seed': {
      const node = (await client.request('discovery', DocsSeedDocument, variables)).environment
        .applied?.seeds.edges[0]?.node;
      return (
        node && {
          kind: 'seed',
          name: node.name ?? uniqueId,
          description: node.description ?? null,
          facts: [
            ['Relation', <code key="relation">{relation(node)}</code>],
            ['File', <code key="file">{node.filePath}</code>],
          ],
          catalog: node.catalog,
          tests: node.tests,
          parents: undefined,
          children: node.children,
          rawCode: undefined,
          compiledCode: undefined,
        }
      );
    }
    case 'snapshot': {
      const node = (await client.request('discovery', DocsSnapshotDocument, variables)).environment
        .applied?.snapshots.edges[0]?.node;
      return (
        node && {
          kind: 'snapshot',
          name: node.name ?? uniqueId,
          description: node.description ?? null,
          facts: [
            ['Relation', <code key="relation">{relation(node)}</code>],
            ['File', <code key="file">{node.filePath}</code>],
          ],
          catalog: node.catalog,
          tests: node.tests,
          parents: node.parents,
          children: node.children,
          rawCode: node.rawCode,
          compiledCode: node.compiledCode,
        }
      );
    }
    case 'exposure': {
      const node = (await client.request('discovery', DocsExposureDocument, variables)).environment
        .applied?.exposures.edges[0]?.node;
      return (
        node && {
          kind: 'exposure',
          name: node.label || node.name || uniqueId,
          description: node.description ?? null,
          facts: [
            ['Type', node.exposureType ?? '—'],
            ['Maturity', node.maturity ?? '—'],
            ['Owner', [node.ownerName, node.ownerEmail].filter(Boolean).join(' · ') || '—'],
            [
              'URL',
              node.url ? (
                <span key="url" className="break">
                  {node.url}
                </span>
              ) : (
                '—'
              ),
            ],
            ['File', <code key="file">{node.filePath}</code>],
          ],
          catalog: undefined,
          tests: [],
          parents: node.parents,
          children: undefined,
          rawCode: undefined,
          compiledCode: undefined,
        }
      );
    }
    default:
      return undefined;
  }
}

function Neighbours({
  environmentId,
  title,
  nodes,
}: {
  environmentId: string;
  title: string;
  nodes: readonly DocsNeighbourFragment[];
}) {
  const shown = nodes.filter((node) => node.resourceType !== 'test');
  return (
    <section className="card" aria-labelledby={`${title}-title`}>
      <h2 id={`${title}-title`}>
        {title} <span className="muted small">{shown.length}</span>
      </h2>
      {shown.length === 0 ? (
        <p className="muted">None</p>
      ) : (
        <ul className="link-list">
          {shown.map((node) => (
            <li key={node.uniqueId}>
              <span className={`kind kind-${node.resourceType}`}>{node.resourceType}</span>{' '}
              {kindOf(node.uniqueId) && kindOf(node.uniqueId) !== 'test' ? (
                <Link to={nodePath(environmentId, node.uniqueId)}>{node.name}</Link>
              ) : (
                node.name
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A node's page: description, columns, tests with their last status, parents and children, code. */
export function DocsNode({ environmentId, uniqueId }: { environmentId: string; uniqueId: string }) {
  const { client } = useSession();
  const loaded = useLoad(
    () => loadNode(client, Number(environmentId), uniqueId),
    [client, environmentId, uniqueId],
  );
  const [compiled, setCompiled] = useState(false);
  if (loaded.loading) return <Loading />;
  const node = loaded.data;
  if (!node)
    return (
      <ErrorNotice
        error={loaded.error ?? new Error(`No node ${uniqueId} in environment ${environmentId}.`)}
        title="Not found"
      />
    );
  const columns = [...(node.catalog?.columns ?? [])].sort(
    (a, b) => (a.index ?? 0) - (b.index ?? 0),
  );
  const code = compiled ? node.compiledCode : node.rawCode;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/docs/${environmentId}`}>Documentation</Link> <span aria-hidden="true">/</span>{' '}
        <span>{node.name}</span>
      </nav>
      <PageHeader
        title={node.name}
        description={<span className={`kind kind-${node.kind}`}>{node.kind}</span>}
        actions={
          <Link
            className="button"
            to={`/docs/${environmentId}/lineage?select=${encodeURIComponent(`+${node.kind === 'source' ? 'source:' + node.name : node.name}+`)}`}
          >
            View lineage
          </Link>
        }
      />
      <section className="card stack">
        <h2>Description</h2>
        <p className="prose">
          {node.description || <span className="muted">This node has no description.</span>}
        </p>
        <dl className="facts">
          {node.facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      {node.kind !== 'exposure' && (
        <section className="card" aria-labelledby="columns-title">
          <h2 id="columns-title">
            Columns <span className="muted small">{columns.length}</span>
          </h2>
          {columns.length === 0 ? (
            <p className="muted">
              No catalog entry: run dbt docs generate to document the columns.
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Column</th>
                    <th scope="col">Type</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  {columns.map((column) => (
                    <tr key={column.name}>
                      <th scope="row">
                        <code>{column.name}</code>
                      </th>
                      <td>
                        <code>{column.type ?? '—'}</code>
                      </td>
                      <td>
                        {column.description || column.comment || <span className="muted">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {node.kind !== 'exposure' && (
        <section className="card" aria-labelledby="tests-title">
          <h2 id="tests-title">
            Tests <span className="muted small">{node.tests.length}</span>
          </h2>
          {node.tests.length === 0 ? (
            <p className="muted">No tests.</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Test</th>
                    <th scope="col">Column</th>
                    <th scope="col">Type</th>
                    <th scope="col">Last status</th>
                  </tr>
                </thead>
                <tbody>
                  {node.tests.map((test) => (
                    <tr key={test.uniqueId}>
                      <th scope="row" className="break">
                        {test.name}
                      </th>
                      <td>{test.columnName ? <code>{test.columnName}</code> : '—'}</td>
                      <td>{test.testType}</td>
                      <td>
                        <StatusBadge status={test.executionInfo.lastRunStatus} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      <div className="grid-2">
        {node.parents && (
          <Neighbours environmentId={environmentId} title="Parents" nodes={node.parents} />
        )}
        {node.children && (
          <Neighbours environmentId={environmentId} title="Children" nodes={node.children} />
        )}
      </div>
      {(node.rawCode || node.compiledCode) && (
        <section className="card" aria-labelledby="code-title">
          <div className="row spread">
            <h2 id="code-title">Code</h2>
            <div className="segmented" role="group" aria-label="Code version">
              <button type="button" aria-pressed={!compiled} onClick={() => setCompiled(false)}>
                Source
              </button>
              <button type="button" aria-pressed={compiled} onClick={() => setCompiled(true)}>
                Compiled
              </button>
            </div>
          </div>
          <pre
            className="code-block"
            role="region"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take keyboard focus (axe: scrollable-region-focusable).
            tabIndex={0}
            aria-label={compiled ? 'Compiled code' : 'Source code'}
          >
            <code>{code || 'Not available.'}</code>
          </pre>
        </section>
      )}
    </>
  );
}
