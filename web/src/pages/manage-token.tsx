import { type FormEvent, type ReactNode, useState } from 'react';
import {
  ConsoleRenameTokenDocument,
  ConsoleRevokeTokenDocument,
  ConsoleRotateTokenDocument,
  ConsoleSetTokenCidrsDocument,
  ConsoleSetTokenGrantsDocument,
  type ConsoleTokenFragment,
  type PermissionSetId,
} from '../api/admin/graphql.js';
import { ConfirmDialog, Dialog } from '../components/dialog.js';
import { ErrorNotice, StatusBadge } from '../components/feedback.js';
import {
  type CatalogSet,
  type GrantChoices,
  GrantsEditor,
  grantInputs,
  grantsProblem,
} from '../components/grants-editor.js';
import { formatDateTime } from '../format.js';
import { useSession } from '../session.js';
import { parseCidrs } from './generate-token.js';
import { SecretReveal } from './token-secret.js';
import { TokenUsageSection } from './token-usage.js';

function choicesOf(token: ConsoleTokenFragment): GrantChoices {
  return new Map(
    token.grants.map((grant) => [
      grant.permissionSet.id as PermissionSetId,
      {
        allProjects: grant.allProjects,
        projectIds: grant.projectIds.map(String),
        categories: grant.writableEnvironmentCategories,
      },
    ]),
  );
}

const savedMessages: Record<string, string> = {
  name: 'Name saved.',
  grants: 'Permissions saved.',
  cidrs: 'Addresses saved.',
};

/** Runs one change at a time and reports its outcome beside the form that asked for it. */
function useAction(onDone: () => void) {
  const [running, setRunning] = useState<string>();
  const [outcome, setOutcome] = useState<{ section: string; error?: unknown; message?: string }>();
  const run = async (section: string, action: () => Promise<string | void>) => {
    setRunning(section);
    setOutcome(undefined);
    try {
      const message = await action();
      setOutcome({ section, message: message ?? savedMessages[section] ?? 'Saved.' });
      onDone();
    } catch (error) {
      setOutcome({ section, error });
    } finally {
      setRunning(undefined);
    }
  };
  const feedback = (section: string): ReactNode =>
    outcome?.section !== section ? null : outcome.error ? (
      <ErrorNotice error={outcome.error} title="Not saved" />
    ) : (
      <p role="status" className="success-text">
        {outcome.message}
      </p>
    );
  return { running, run, feedback };
}

/** Rename, edit grants and allowlist, rotate with a grace window, revoke: one token's settings. */
export function ManageTokenDialog({
  token,
  catalog,
  projects,
  canWrite,
  onChanged,
  onClose,
}: {
  token: ConsoleTokenFragment;
  catalog: readonly CatalogSet[];
  projects: readonly { id: string; name: string }[] | undefined;
  canWrite: boolean;
  onChanged: () => void;
  onClose: () => void;
}) {
  const { client } = useSession();
  const [name, setName] = useState(token.name);
  const [grants, setGrants] = useState<GrantChoices>(() => choicesOf(token));
  const [cidrs, setCidrs] = useState(token.allowedCidrs.join('\n'));
  const [grace, setGrace] = useState('3600');
  const [secret, setSecret] = useState<string>();
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const { running, run, feedback } = useAction(onChanged);
  const active = token.state === 'ACTIVE';
  const editable = canWrite && active;
  const problem = grantsProblem(grants, catalog);

  if (secret) {
    return (
      <Dialog title="The rotated token" onClose={onClose}>
        <SecretReveal secret={secret} onDone={onClose} />
      </Dialog>
    );
  }

  const submit = (section: string, action: () => Promise<string | void>) => (event: FormEvent) => {
    event.preventDefault();
    void run(section, action);
  };

  return (
    <Dialog title={`Token: ${token.name}`} onClose={onClose} wide>
      <dl className="facts">
        <div>
          <dt>State</dt>
          <dd>
            <StatusBadge status={token.state} />
          </dd>
        </div>
        <div>
          <dt>Display hint</dt>
          <dd>
            <code>{token.displayHint}</code>
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(token.createdAt)}</dd>
        </div>
        <div>
          <dt>Last used</dt>
          <dd>
            {formatDateTime(token.lastUsedAt)}
            {token.lastUsedIp ? ` from ${token.lastUsedIp}` : ''}
          </dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>{token.expiresAt ? formatDateTime(token.expiresAt) : 'Never'}</dd>
        </div>
        {token.previousSecretValidUntil && (
          <div>
            <dt>Previous secret valid until</dt>
            <dd>{formatDateTime(token.previousSecretValidUntil)}</dd>
          </div>
        )}
      </dl>
      {feedback('revoke')}
      {!editable && (
        <p className="muted">
          {active
            ? 'This token may view tokens but not change them.'
            : 'A token that is no longer active cannot be changed.'}
        </p>
      )}
      {editable && (
        <div className="stack sections">
          <form
            className="section"
            onSubmit={submit(
              'name',
              async () =>
                void (await client.request('admin', ConsoleRenameTokenDocument, {
                  id: token.id,
                  name: name.trim(),
                })),
            )}
          >
            <h3>Name</h3>
            <div className="row">
              <label className="field grow">
                <span className="field-label">Token name</span>
                <input
                  value={name}
                  onChange={(event) => setName(event.target.value)}
                  required
                  maxLength={200}
                />
              </label>
              <button
                type="submit"
                className="button"
                disabled={running !== undefined || name.trim() === '' || name.trim() === token.name}
              >
                Save name
              </button>
            </div>
            {feedback('name')}
          </form>
          <form
            className="section"
            onSubmit={submit(
              'grants',
              async () =>
                void (await client.request('admin', ConsoleSetTokenGrantsDocument, {
                  id: token.id,
                  permissions: grantInputs(grants, catalog),
                })),
            )}
          >
            <h3>Permissions</h3>
            <p className="muted small">
              Changes apply from the token's next request. Nobody grants more than they hold
              themselves.
            </p>
            <GrantsEditor
              catalog={catalog}
              projects={projects}
              value={grants}
              onChange={setGrants}
            />
            <div className="row">
              <button
                type="submit"
                className="button"
                disabled={running !== undefined || problem !== undefined}
              >
                Save permissions
              </button>
            </div>
            {feedback('grants')}
          </form>
          <form
            className="section"
            onSubmit={submit(
              'cidrs',
              async () =>
                void (await client.request('admin', ConsoleSetTokenCidrsDocument, {
                  id: token.id,
                  allowedCidrs: parseCidrs(cidrs),
                })),
            )}
          >
            <h3>Allowed addresses</h3>
            <label className="field">
              <span className="field-label">
                Allowed addresses (CIDR, one per line; empty: no limit)
              </span>
              <textarea
                rows={3}
                value={cidrs}
                onChange={(event) => setCidrs(event.target.value)}
                spellCheck={false}
              />
            </label>
            <div className="row">
              <button type="submit" className="button" disabled={running !== undefined}>
                Save addresses
              </button>
            </div>
            {feedback('cidrs')}
          </form>
          <form
            className="section"
            onSubmit={submit('rotate', async () => {
              const data = await client.request('admin', ConsoleRotateTokenDocument, {
                id: token.id,
                graceSeconds: Number(grace),
              });
              setSecret(data.rotateServiceToken!.token);
            })}
          >
            <h3>Rotate secret</h3>
            <p className="muted small">
              A new secret with the same name and permissions. The old one keeps working during the
              grace window.
            </p>
            <div className="row">
              <label className="field">
                <span className="field-label">Grace window</span>
                <select value={grace} onChange={(event) => setGrace(event.target.value)}>
                  <option value="0">None: the old secret stops now</option>
                  <option value="3600">1 hour</option>
                  <option value="86400">1 day</option>
                  <option value="604800">7 days</option>
                </select>
              </label>
              <button type="submit" className="button" disabled={running !== undefined}>
                Rotate secret
              </button>
            </div>
            {feedback('rotate')}
          </form>
          <section className="section section-danger">
            <h3>Revoke</h3>
            <p className="muted small">
              The token is refused from its very next request. This cannot be undone.
            </p>
            <div className="row">
              <button
                type="button"
                className="button button-danger"
                onClick={() => setConfirmRevoke(true)}
                disabled={running !== undefined}
              >
                Revoke token
              </button>
            </div>
          </section>
        </div>
      )}
      {/* After the settings: what the token used, and the smallest grants that cover it. */}
      {active && (
        <TokenUsageSection
          tokenId={token.id}
          projects={projects}
          canApply={editable}
          onApplied={onChanged}
        />
      )}
      {confirmRevoke && (
        <ConfirmDialog
          title="Revoke this token?"
          message={
            <p>
              <strong>{token.name}</strong> (<code>{token.displayHint}</code>) will be refused from
              its next request. Anything using it stops working.
            </p>
          }
          confirmLabel="Revoke"
          busy={running !== undefined}
          onCancel={() => setConfirmRevoke(false)}
          onConfirm={() => {
            setConfirmRevoke(false);
            void run('revoke', async () => {
              await client.request('admin', ConsoleRevokeTokenDocument, { id: token.id });
              return 'Revoked.';
            });
          }}
        />
      )}
    </Dialog>
  );
}
