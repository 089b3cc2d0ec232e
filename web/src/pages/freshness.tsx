import { useMemo, useState } from 'react';
import { FreshnessReportDocument, type FreshnessReportQuery } from '../api/discovery/graphql.js';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/feedback.js';
import { nodePath } from '../docs-data.js';
import { formatDateTime, formatDuration } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { DocsTabs } from './docs-home.js';

type Source = NonNullable<
  FreshnessReportQuery['environment']['applied']
>['sources']['edges'][number]['node'];
type Criteria = Source['freshness']['criteria']['warnAfter'];

const statuses = ['Error', 'Warn', 'Pass', 'Unknown', 'Skipped'] as const;
const statusRank = new Map<string, number>(statuses.map((status, index) => [status, index]));

type SortKey = 'source' | 'status' | 'maxLoadedAt' | 'age';

function rule(criteria: Criteria): string {
  return criteria?.count
    ? `${criteria.count} ${criteria.period}${criteria.count === 1 ? '' : 's'}`
    : '—';
}

function statusOf(source: Source): string {
  if (source.freshness.freshnessChecked === false) return 'Unknown';
  return source.freshness.freshnessStatus ?? 'Unknown';
}

/** Every source of the environment with its freshness: status, max loaded at, age and criteria. */
export function Freshness({ environmentId }: { environmentId: string }) {
  const { client } = useSession();
  const [sort, setSort] = useState<{ key: SortKey; ascending: boolean }>({
    key: 'status',
    ascending: true,
  });
  const [only, setOnly] = useState<string>('');
  const loaded = useLoad(async () => {
    const sources: Source[] = [];
    let after: string | undefined;
    let projectName: string | null | undefined;
    for (let page = 0; page < 100; page++) {
      const data = await client.request('discovery', FreshnessReportDocument, {
        environmentId: Number(environmentId),
        after,
      });
      projectName = data.environment.dbtProjectName;
      const connection = data.environment.applied?.sources;
      if (!connection) break;
      sources.push(...connection.edges.map((edge) => edge.node));
      if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
      after = connection.pageInfo.endCursor;
    }
    return { projectName, sources };
  }, [client, environmentId]);

  const counts = useMemo(() => {
    const result = new Map<string, number>();
    for (const source of loaded.data?.sources ?? [])
      result.set(statusOf(source), (result.get(statusOf(source)) ?? 0) + 1);
    return result;
  }, [loaded.data]);

  const rows = useMemo(() => {
    const list = (loaded.data?.sources ?? []).filter(
      (source) => !only || statusOf(source) === only,
    );
    const name = (source: Source) => `${source.sourceName}.${source.name}`;
    const compare: Record<SortKey, (a: Source, b: Source) => number> = {
      source: (a, b) => name(a).localeCompare(name(b)),
      status: (a, b) =>
        (statusRank.get(statusOf(a)) ?? 9) - (statusRank.get(statusOf(b)) ?? 9) ||
        name(a).localeCompare(name(b)),
      maxLoadedAt: (a, b) =>
        (a.freshness.maxLoadedAt ?? '').localeCompare(b.freshness.maxLoadedAt ?? ''),
      age: (a, b) =>
        (a.freshness.maxLoadedAtTimeAgoInS ?? Infinity) -
        (b.freshness.maxLoadedAtTimeAgoInS ?? Infinity),
    };
    const sorted = [...list].sort(compare[sort.key]);
    return sort.ascending ? sorted : sorted.reverse();
  }, [loaded.data, sort, only]);

  const header = (key: SortKey, label: string) => (
    <th
      scope="col"
      aria-sort={sort.key === key ? (sort.ascending ? 'ascending' : 'descending') : 'none'}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() => setSort({ key, ascending: sort.key === key ? !sort.ascending : true })}
      >
        {label}
        <span aria-hidden="true" className="sort-arrow">
          {sort.key === key ? (sort.ascending ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );

  if (loaded.loading && !loaded.data) return <Loading label="Loading source freshness…" />;
  if (!loaded.data) return <ErrorNotice error={loaded.error} />;
  return (
    <>
      <PageHeader
        title="Source freshness"
        description={`${loaded.data.projectName ?? `Environment ${environmentId}`} · from the latest dbt source freshness results`}
      />
      <DocsTabs environmentId={environmentId} current="freshness" />
      <ul className="summary" aria-label="Sources per status">
        {statuses
          .filter(
            (status) =>
              counts.get(status) || status === 'Pass' || status === 'Warn' || status === 'Error',
          )
          .map((status) => (
            <li key={status}>
              <button
                type="button"
                className={`summary-card tone-${status.toLowerCase()}`}
                aria-pressed={only === status}
                onClick={() => setOnly(only === status ? '' : status)}
              >
                <span className="summary-count">{counts.get(status) ?? 0}</span>
                <span className="summary-label">
                  {status === 'Warn' ? 'warning' : status.toLowerCase()}
                </span>
              </button>
            </li>
          ))}
      </ul>
      {rows.length === 0 ? (
        <Empty title="No sources">
          {only ? 'No source has this status.' : 'This environment has no sources yet.'}
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table freshness">
            <caption className="visually-hidden">
              Source freshness{only ? `, status ${only}` : ''}
            </caption>
            <thead>
              <tr>
                {header('source', 'Source')}
                {header('status', 'Status')}
                {header('maxLoadedAt', 'Max loaded at')}
                {header('age', 'Age')}
                <th scope="col">Warn after</th>
                <th scope="col">Error after</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((source) => {
                const status = statusOf(source);
                return (
                  <tr key={source.uniqueId} className={`row-${status.toLowerCase()}`}>
                    <th scope="row">
                      <Link to={nodePath(environmentId, source.uniqueId)}>
                        {source.sourceName}.{source.name}
                      </Link>
                      {source.loader && <span className="cell-sub">{source.loader}</span>}
                    </th>
                    <td>
                      <span
                        className={`badge badge-${status === 'Pass' ? 'ok' : status === 'Warn' ? 'warn' : status === 'Error' ? 'bad' : 'muted'}`}
                      >
                        {status === 'Warn' ? 'warn' : status.toLowerCase()}
                      </span>
                    </td>
                    <td className="nowrap">{formatDateTime(source.freshness.maxLoadedAt)}</td>
                    <td>{formatDuration(source.freshness.maxLoadedAtTimeAgoInS)}</td>
                    <td>{rule(source.freshness.criteria.warnAfter)}</td>
                    <td>{rule(source.freshness.criteria.errorAfter)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
