import { useMemo, useState } from 'react';
import { Empty, ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { type DocsEntry, loadDocsIndex, nodePath, searchEntries } from '../docs-data.js';
import { formatDateTime, plural } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

const kinds: { kind: DocsEntry['kind']; label: string }[] = [
  { kind: 'model', label: 'Models' },
  { kind: 'source', label: 'Sources' },
  { kind: 'seed', label: 'Seeds' },
  { kind: 'snapshot', label: 'Snapshots' },
  { kind: 'exposure', label: 'Exposures' },
];

/** How many rows the list draws at once; search narrows the rest. */
const pageSize = 200;

export function DocsTabs({
  environmentId,
  current,
}: {
  environmentId: string;
  current: 'nodes' | 'lineage' | 'freshness';
}) {
  const tabs = [
    { key: 'nodes', to: `/docs/${environmentId}`, label: 'Catalog' },
    { key: 'lineage', to: `/docs/${environmentId}/lineage`, label: 'Lineage graph' },
    { key: 'freshness', to: `/freshness/${environmentId}`, label: 'Source freshness' },
  ];
  return (
    <nav className="tabs" aria-label="Environment">
      {tabs.map((tab) => (
        <Link
          key={tab.key}
          to={tab.to}
          className="tab"
          aria-current={tab.key === current ? 'page' : undefined}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}

/** The documentation's start page: search across every documented node of the environment. */
export function DocsHome({ environmentId }: { environmentId: string }) {
  const { client } = useSession();
  const loaded = useLoad(() => loadDocsIndex(client, environmentId), [client, environmentId]);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<DocsEntry['kind']>>(
    new Set(kinds.map((entry) => entry.kind)),
  );
  const index = loaded.data;
  const counts = useMemo(() => {
    const result = new Map<DocsEntry['kind'], number>();
    for (const entry of index?.entries ?? [])
      result.set(entry.kind, (result.get(entry.kind) ?? 0) + 1);
    return result;
  }, [index]);
  const results = useMemo(
    () => (index ? searchEntries(index.entries, query, chosen) : []),
    [index, query, chosen],
  );

  if (loaded.loading && !index) return <Loading label="Loading the documentation…" />;
  if (!index) return <ErrorNotice error={loaded.error} />;
  const toggle = (kind: DocsEntry['kind']) => {
    const next = new Set(chosen);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    setChosen(next);
  };
  return (
    <>
      <PageHeader
        title={index.projectName ?? `Environment ${environmentId}`}
        description={
          <>
            Environment {environmentId}
            {index.adapterType ? ` · ${index.adapterType}` : ''} · updated{' '}
            {formatDateTime(index.lastUpdatedAt)}
          </>
        }
      />
      <DocsTabs environmentId={environmentId} current="nodes" />
      {index.entries.length === 0 ? (
        <Empty title="No artifacts yet">
          No run of this environment has uploaded dbt artifacts.
        </Empty>
      ) : (
        <>
          <div className="filters" role="search" aria-label="Search the documentation">
            <label className="field grow">
              <span className="field-label">
                Search models, sources, seeds, snapshots and exposures
              </span>
              <input
                type="search"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
                placeholder="Name, id, description or tag"
              />
            </label>
            <fieldset className="kind-filter">
              <legend className="field-label">Types</legend>
              {kinds.map(({ kind, label }) => (
                <label key={kind} className="check">
                  <input type="checkbox" checked={chosen.has(kind)} onChange={() => toggle(kind)} />
                  {label} <span className="muted small">{counts.get(kind) ?? 0}</span>
                </label>
              ))}
            </fieldset>
          </div>
          <p className="muted small" role="status">
            {plural(results.length, 'result')}
            {results.length > pageSize ? `, showing the first ${pageSize}` : ''}
          </p>
          <ul className="node-list" aria-label="Documented nodes">
            {results.slice(0, pageSize).map((entry) => (
              <li key={entry.uniqueId} className="node-row">
                <span className={`kind kind-${entry.kind}`}>{entry.kind}</span>
                <div className="node-main">
                  <Link to={nodePath(environmentId, entry.uniqueId)} className="node-name">
                    {entry.name}
                  </Link>
                  <span className="node-description">
                    {entry.description || <span className="muted">No description</span>}
                  </span>
                </div>
                <div className="node-meta">
                  {entry.detail && <span className="tag">{entry.detail}</span>}
                  {entry.tags.slice(0, 3).map((tag) => (
                    <span key={tag} className="tag">
                      #{tag}
                    </span>
                  ))}
                  {entry.status && <StatusBadge status={entry.status} />}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
