import { useState } from 'react';
import {
  type AuditLogFilter,
  type AuditOutcome,
  ConsoleAuditLogDocument,
} from '../api/admin/graphql.js';
import { Empty, ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { formatDateTime, plural } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

const periods = [
  { value: '', label: 'Any time' },
  { value: '3600', label: 'Last hour' },
  { value: '86400', label: 'Last 24 hours' },
  { value: '604800', label: 'Last 7 days' },
  { value: '2592000', label: 'Last 30 days' },
];

/** The account's audit log, newest first, filtered by token, action, outcome and time. */
export function AuditLog() {
  const { client } = useSession();
  const [tokenId, setTokenId] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<AuditOutcome | ''>('');
  const [period, setPeriod] = useState('');
  const [pages, setPages] = useState(1);
  const filter: AuditLogFilter = {
    ...(tokenId.trim() ? { actorTokenId: tokenId.trim() } : {}),
    ...(action.trim() ? { action: action.trim() } : {}),
    ...(outcome ? { outcome } : {}),
    ...(period ? { since: new Date(Date.now() - Number(period) * 1000).toISOString() } : {}),
  };
  const log = useLoad(
    () => client.request('admin', ConsoleAuditLogDocument, { filter, first: 100 * pages }),
    [client, tokenId, action, outcome, period, pages],
  );
  const entries = log.data?.auditLog?.edges.map((edge) => edge.node) ?? [];
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/admin">Account settings</Link> <span aria-hidden="true">/</span>{' '}
        <span>Audit log</span>
      </nav>
      <PageHeader
        title="Audit log"
        description="Every write to the account, refused or not. The log is append-only."
      />
      <form
        className="filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(event) => event.preventDefault()}
      >
        <label className="field">
          <span className="field-label">Token ID</span>
          <input
            inputMode="numeric"
            value={tokenId}
            onChange={(event) => setTokenId(event.target.value)}
            placeholder="Any token"
          />
        </label>
        <label className="field">
          <span className="field-label">Action</span>
          <input
            value={action}
            onChange={(event) => setAction(event.target.value)}
            placeholder="e.g. revokeServiceToken"
            spellCheck={false}
          />
        </label>
        <label className="field">
          <span className="field-label">Outcome</span>
          <select
            value={outcome}
            onChange={(event) => setOutcome(event.target.value as AuditOutcome | '')}
          >
            <option value="">Any outcome</option>
            <option value="success">Success</option>
            <option value="denied">Denied</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Time</span>
          <select value={period} onChange={(event) => setPeriod(event.target.value)}>
            {periods.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNotice error={log.error} />
      {log.loading && !log.data ? (
        <Loading />
      ) : entries.length === 0 ? (
        <Empty title="No entries match" />
      ) : (
        <>
          <p className="muted small">
            {plural(log.data?.auditLog?.totalCount ?? entries.length, 'entry', 'entries')}
          </p>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Audit log entries</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Token</th>
                  <th scope="col">Target</th>
                  <th scope="col">Address</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap">{formatDateTime(entry.occurredAt)}</td>
                    <td>
                      <code>{entry.action}</code>
                      {typeof entry.details.requiredPermission === 'string' && (
                        <span className="cell-sub">needs {entry.details.requiredPermission}</span>
                      )}
                    </td>
                    <td>
                      <StatusBadge status={entry.outcome} />
                    </td>
                    <td>{entry.actorTokenId ?? '—'}</td>
                    <td>
                      {entry.targetType ? `${entry.targetType} ${entry.targetId ?? ''}` : '—'}
                    </td>
                    <td>{entry.clientIp ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {log.data?.auditLog?.pageInfo.hasNextPage && (
            <button
              type="button"
              className="button"
              onClick={() => setPages((count) => count + 1)}
              disabled={log.loading || pages >= 10}
            >
              Show more
            </button>
          )}
        </>
      )}
    </>
  );
}
