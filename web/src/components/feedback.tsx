import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

/** An error as the API explained it; on a refusal, the permission the token is missing. */
export function ErrorNotice({
  error,
  title = 'The request was refused',
}: {
  error: unknown;
  title?: string;
}) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const required = apiError?.requiredPermission;
  return (
    <div className="notice notice-error" role="alert">
      <strong>{apiError?.code === 'FORBIDDEN' ? 'Not permitted' : title}</strong>
      <p>{message}</p>
      {required && (
        <p>
          Missing permission: <code className="permission">{required}</code>
          {apiError?.details[0]?.acceptedPermissionSets?.length ? (
            <> (granted by {apiError.details[0].acceptedPermissionSets.join(', ')})</>
          ) : null}
        </p>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

const statusTone: Record<string, string> = {
  success: 'ok',
  pass: 'ok',
  ACTIVE: 'ok',
  warn: 'warn',
  running: 'info',
  queued: 'muted',
  error: 'bad',
  fail: 'bad',
  REVOKED: 'bad',
  EXPIRED: 'muted',
  cancelled: 'muted',
  skipped: 'muted',
  denied: 'bad',
  failed: 'warn',
};

/** A status as a word on a coloured pill: the word carries the meaning, the colour helps. */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="badge badge-muted">none</span>;
  const tone = statusTone[status] ?? statusTone[status.toLowerCase()] ?? 'muted';
  return <span className={`badge badge-${tone}`}>{status.toLowerCase()}</span>;
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}
