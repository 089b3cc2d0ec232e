import { type FormEvent, useState } from 'react';
import { ConsoleCreateTokenDocument } from '../api/admin/graphql.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNotice } from '../components/feedback.js';
import {
  type CatalogSet,
  type GrantChoices,
  GrantsEditor,
  grantInputs,
  grantsProblem,
} from '../components/grants-editor.js';
import { formatLifetime } from '../format.js';
import { useSession } from '../session.js';
import { SecretReveal } from './token-secret.js';

const day = 86_400;
const lifetimes = [7 * day, 30 * day, 90 * day, 180 * day, 365 * day];

/** The expiry choices the account's policy allows: none longer than its maximum lifetime. */
export function expiryChoices(
  maxLifetimeSeconds: number | null | undefined,
): { value: string; label: string }[] {
  const within = lifetimes.filter(
    (seconds) => maxLifetimeSeconds == null || seconds <= maxLifetimeSeconds,
  );
  if (maxLifetimeSeconds != null && !within.includes(maxLifetimeSeconds))
    within.push(maxLifetimeSeconds);
  return [
    ...(maxLifetimeSeconds == null ? [{ value: 'never', label: 'Never' }] : []),
    ...within
      .sort((a, b) => a - b)
      .map((seconds) => ({ value: String(seconds), label: formatLifetime(seconds) })),
  ];
}

export function parseCidrs(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

export function GenerateTokenDialog({
  catalog,
  projects,
  maxLifetimeSeconds,
  onCreated,
  onClose,
}: {
  catalog: readonly CatalogSet[];
  projects: readonly { id: string; name: string }[] | undefined;
  maxLifetimeSeconds: number | null | undefined;
  onCreated: () => void;
  onClose: () => void;
}) {
  const { client } = useSession();
  const choices = expiryChoices(maxLifetimeSeconds);
  const [name, setName] = useState('');
  const [grants, setGrants] = useState<GrantChoices>(new Map());
  const [expiry, setExpiry] = useState(
    choices.find((choice) => choice.value === String(90 * day))?.value ??
      choices[choices.length - 1]!.value,
  );
  const [cidrs, setCidrs] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string>();
  const problem = grantsProblem(grants, catalog);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem) return setError(new Error(problem));
    setBusy(true);
    setError(undefined);
    try {
      const data = await client.request('admin', ConsoleCreateTokenDocument, {
        input: {
          name: name.trim(),
          permissions: grantInputs(grants, catalog),
          expiresAt:
            expiry === 'never' ? null : new Date(Date.now() + Number(expiry) * 1000).toISOString(),
          allowedCidrs: parseCidrs(cidrs),
        },
      });
      setSecret(data.createServiceToken!.token);
      onCreated();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (secret) {
    return (
      <Dialog title="Your new token" onClose={onClose}>
        <SecretReveal secret={secret} onDone={onClose} />
      </Dialog>
    );
  }
  return (
    <Dialog title="Generate token" onClose={onClose} wide>
      <form className="stack" onSubmit={submit}>
        <label className="field">
          <span className="field-label">Name</span>
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            maxLength={200}
            autoComplete="off"
          />
        </label>
        <GrantsEditor catalog={catalog} projects={projects} value={grants} onChange={setGrants} />
        <div className="grid-2">
          <label className="field">
            <span className="field-label">Expires after</span>
            <select value={expiry} onChange={(event) => setExpiry(event.target.value)}>
              {choices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
            {maxLifetimeSeconds != null && (
              <span className="field-hint">
                The account allows at most {formatLifetime(maxLifetimeSeconds)}.
              </span>
            )}
          </label>
          <label className="field">
            <span className="field-label">Allowed addresses (CIDR, optional)</span>
            <textarea
              rows={2}
              value={cidrs}
              onChange={(event) => setCidrs(event.target.value)}
              placeholder="10.0.0.0/8, 203.0.113.7"
              spellCheck={false}
            />
            <span className="field-hint">Empty: usable from any address the account allows.</span>
          </label>
        </div>
        <ErrorNotice error={error} title="The token was not created" />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || name.trim() === '' || problem !== undefined}
          >
            {busy ? 'Generating…' : 'Generate'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
