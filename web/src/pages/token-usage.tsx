import { useState } from 'react';
import {
  ConsoleApplySuggestedGrantsDocument,
  ConsoleTokenUsageDocument,
} from '../api/admin/graphql.js';
import { ConfirmDialog } from '../components/dialog.js';
import { ErrorNotice } from '../components/feedback.js';
import { formatDateTime } from '../format.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

const windows = [7, 30, 90] as const;

/**
 * Least privilege on a token's page: each permission it holds, used or not in the window, and
 * the smallest grants that cover what it used, with a button to apply them (service_tokens write).
 */
export function TokenUsageSection({
  tokenId,
  projects,
  canApply,
  onApplied,
}: {
  tokenId: string;
  projects: readonly { id: string; name: string }[] | undefined;
  canApply: boolean;
  onApplied: () => void;
}) {
  const { client } = useSession();
  const [sinceDays, setSinceDays] = useState<number>(90);
  const [confirm, setConfirm] = useState(false);
  const [applying, setApplying] = useState(false);
  const [outcome, setOutcome] = useState<{ error?: unknown; message?: string }>();
  const usage = useLoad(
    () => client.request('admin', ConsoleTokenUsageDocument, { id: tokenId, sinceDays }),
    [client, tokenId, sinceDays],
  );
  const projectName = (id: string | null | undefined) =>
    id == null ? null : (projects?.find((project) => project.id === id)?.name ?? `project ${id}`);
  const token = usage.data?.serviceToken;
  const granted = token?.permissionUsage.granted ?? [];
  const used = granted.filter((permission) => permission.used);
  const unused = granted.filter((permission) => !permission.used);
  const suggestion = token?.suggestedGrants;
  const scopeOf = (permission: { projectId?: string | null; allProjects: boolean }) =>
    permission.allProjects ? 'all projects' : (projectName(permission.projectId) ?? 'account');

  const apply = async () => {
    setConfirm(false);
    setApplying(true);
    setOutcome(undefined);
    try {
      await client.request('admin', ConsoleApplySuggestedGrantsDocument, {
        id: tokenId,
        sinceDays,
      });
      setOutcome({ message: 'Suggested grants applied.' });
      usage.reload();
      onApplied();
    } catch (error) {
      setOutcome({ error });
    } finally {
      setApplying(false);
    }
  };

  return (
    <section className="section" aria-labelledby="least-privilege-heading">
      <h3 id="least-privilege-heading">Least privilege</h3>
      <label className="field">
        <span className="field-label">Usage window</span>
        <select value={sinceDays} onChange={(event) => setSinceDays(Number(event.target.value))}>
          {windows.map((days) => (
            <option key={days} value={days}>
              Last {days} days
            </option>
          ))}
        </select>
      </label>
      {usage.error !== undefined && <ErrorNotice error={usage.error} />}
      {token && (
        <>
          <p className="muted small">
            {granted.filter((permission) => permission.used).length} of {granted.length} granted
            permissions used in the last {sinceDays} days.
            {!token.permissionUsage.coversWindow &&
              ` Usage is on record only since ${formatDateTime(token.permissionUsage.recordedSince)}.`}
          </p>
          {used.length > 0 && (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Permissions used</caption>
                <thead>
                  <tr>
                    <th scope="col">Permission used</th>
                    <th scope="col">Where</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Requests</th>
                  </tr>
                </thead>
                <tbody>
                  {used.map((permission) => (
                    <tr
                      key={`${permission.resource}:${permission.action}:${permission.projectId ?? 'all'}`}
                    >
                      <td>
                        {permission.resource}:{permission.action}
                      </td>
                      <td>{scopeOf(permission)}</td>
                      <td>{permission.lastUsedAt ? formatDateTime(permission.lastUsedAt) : '—'}</td>
                      <td>{permission.useCount}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {unused.length > 0 && (
            <details>
              <summary>Never used in the window ({unused.length})</summary>
              <ul aria-label="Granted permissions never used" className="muted small">
                {unused.map((permission) => (
                  <li
                    key={`${permission.resource}:${permission.action}:${permission.projectId ?? 'all'}`}
                  >
                    {permission.resource}:{permission.action} ({scopeOf(permission)})
                  </li>
                ))}
              </ul>
            </details>
          )}
          {suggestion && (
            <div className="stack">
              <h4>Suggested grants</h4>
              {suggestion.grants.length === 0 ? (
                <p>No permission was used in the window: consider revoking the token.</p>
              ) : (
                <ul aria-label="Suggested grants">
                  {suggestion.grants.map((grant) => (
                    <li key={`${grant.permissionSet.id}:${grant.projectIds.join(',')}`}>
                      {grant.permissionSet.name} on{' '}
                      {grant.allProjects
                        ? 'all projects'
                        : grant.projectIds.map((id) => projectName(id)).join(', ')}
                    </li>
                  ))}
                </ul>
              )}
              <p className="muted small">{suggestion.explanation}</p>
              <p className="muted small">
                Would remove {suggestion.removed.length} permission
                {suggestion.removed.length === 1 ? '' : 's'} the token holds today.
              </p>
              {canApply && suggestion.grants.length > 0 && suggestion.removed.length > 0 && (
                <div className="row">
                  <button
                    type="button"
                    className="button"
                    disabled={applying || !suggestion.coversWindow}
                    onClick={() => setConfirm(true)}
                  >
                    Apply suggested grants
                  </button>
                </div>
              )}
            </div>
          )}
        </>
      )}
      {outcome?.error !== undefined && <ErrorNotice error={outcome.error} title="Not applied" />}
      {outcome?.message && (
        <p role="status" className="success-text">
          {outcome.message}
        </p>
      )}
      {confirm && suggestion && (
        <ConfirmDialog
          title="Apply the suggested grants?"
          message={
            <p>
              The token's grants are replaced from its next request; the {suggestion.removed.length}{' '}
              permissions it did not use in the last {sinceDays} days are taken away.
            </p>
          }
          confirmLabel="Apply"
          busy={applying}
          onCancel={() => setConfirm(false)}
          onConfirm={() => void apply()}
        />
      )}
    </section>
  );
}
