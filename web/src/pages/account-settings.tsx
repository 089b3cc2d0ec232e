import { type FormEvent, useEffect, useState } from 'react';
import {
  ConsoleAccountAccessDocument,
  ConsoleTokenPolicyDocument,
  ConsoleUpdateTokenPolicyDocument,
} from '../api/admin/graphql.js';
import { ErrorNotice, Loading, PageHeader } from '../components/feedback.js';
import { formatDateTime, formatLifetime } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

/** Account Settings: the way to the tokens and the audit log, and the maximum-lifetime policy. */
export function AccountSettings() {
  const { client, viewer, access } = useSession();
  const loaded = useLoad(async () => {
    const rights = await client.request('admin', ConsoleAccountAccessDocument);
    const policy = rights.viewer.tokensRead.allowed
      ? (await client.request('admin', ConsoleTokenPolicyDocument)).serviceTokenPolicy
      : undefined;
    return { rights: rights.viewer, policy };
  }, [client]);
  const [days, setDays] = useState('');
  const [limited, setLimited] = useState(false);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<{ error?: unknown; message?: string }>();
  const policy = loaded.data?.policy;
  useEffect(() => {
    if (!policy) return;
    setLimited(policy.maxLifetimeSeconds != null);
    setDays(
      policy.maxLifetimeSeconds != null
        ? String(Math.round(policy.maxLifetimeSeconds / 86_400))
        : '90',
    );
  }, [policy]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setOutcome(undefined);
    try {
      await client.request('admin', ConsoleUpdateTokenPolicyDocument, {
        maxLifetimeSeconds: limited ? Number(days) * 86_400 : null,
      });
      setOutcome({ message: 'Policy saved. Existing tokens keep their expiry.' });
      loaded.reload();
    } catch (error) {
      setOutcome({ error });
    } finally {
      setSaving(false);
    }
  };

  const canWrite = loaded.data?.rights.tokensWrite.allowed ?? false;
  return (
    <>
      <PageHeader
        title="Account settings"
        description={`${viewer.account.name} · ${viewer.account.plan} plan`}
      />
      <ErrorNotice error={loaded.error} />
      <div className="cards">
        {access.readsAnywhere('service_tokens') && (
          <Link to="/tokens" className="card card-link">
            <h2>Service tokens</h2>
            <p>Generate, rotate, edit and revoke the account's tokens.</p>
          </Link>
        )}
        {access.readsAnywhere('audit_logs') && (
          <Link to="/admin/audit" className="card card-link">
            <h2>Audit log</h2>
            <p>Every write, refused or not: who, what, when, from where.</p>
          </Link>
        )}
      </div>
      {loaded.loading && !loaded.data && <Loading />}
      {policy && (
        <section className="card stack" aria-labelledby="policy-title">
          <h2 id="policy-title">Token lifetime policy</h2>
          <p className="muted">
            {policy.maxLifetimeSeconds != null
              ? `New tokens must expire within ${formatLifetime(policy.maxLifetimeSeconds)}.`
              : 'New tokens may be created without an expiry.'}
            {policy.updatedAt ? ` Last changed ${formatDateTime(policy.updatedAt)}.` : ''}
          </p>
          {canWrite ? (
            <form className="stack" onSubmit={save}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={limited}
                  onChange={(event) => setLimited(event.target.checked)}
                />
                Limit the lifetime of new tokens
              </label>
              {limited && (
                <label className="field narrow">
                  <span className="field-label">Maximum lifetime (days)</span>
                  <input
                    type="number"
                    min={1}
                    max={3650}
                    value={days}
                    onChange={(event) => setDays(event.target.value)}
                    required
                  />
                </label>
              )}
              <div className="row">
                <button type="submit" className="button button-primary" disabled={saving}>
                  Save policy
                </button>
                {outcome?.message && (
                  <span role="status" className="success-text">
                    {outcome.message}
                  </span>
                )}
              </div>
              <ErrorNotice error={outcome?.error} title="The policy was not saved" />
            </form>
          ) : (
            <p className="muted small">
              Changing it needs <code className="permission">service_tokens:write</code>.
            </p>
          )}
        </section>
      )}
    </>
  );
}
