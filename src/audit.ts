import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLError } from 'graphql';
import type { IMiddlewareFunction } from 'graphql-middleware';
import type { Context } from './context.js';
import { insertAuditEntry } from './db/audit-log.js';
import { type Db, inTransaction } from './db/database.js';

/** What a write touched, for its audit entry. `details` must never hold a secret. */
export interface AuditTarget {
  readonly type: string;
  readonly id: number | string;
  readonly projectId?: number | null;
  readonly details?: Record<string, unknown>;
}

function entryBase(context: Context, action: string) {
  const { principal } = context;
  if (!principal) throw new Error('audited writes need a principal');
  return {
    account_id: principal.account.id,
    occurred_at: context.now().toISOString(),
    // The actor is the token, or the member whose session made the request.
    actor_token_id: principal.kind === 'token' ? principal.token.id : null,
    actor_member_id: principal.kind === 'member' ? principal.member.id : null,
    action,
    client_ip: context.clientIp,
  };
}

/**
 * Runs a write and appends its audit entry in the same transaction: either both are stored or
 * neither. `action` is the mutation's name.
 */
export async function auditedWrite<T>(
  context: Context,
  action: string,
  write: (trx: Db) => Promise<{ result: T; target: AuditTarget }>,
): Promise<T> {
  return inTransaction(context.db, async (trx) => {
    const { result, target } = await write(trx);
    await insertAuditEntry(trx, {
      ...entryBase(context, action),
      target_type: target.type,
      target_id: String(target.id),
      project_id: target.projectId ?? null,
      outcome: 'success',
      details: JSON.stringify(target.details ?? {}),
    });
    return result;
  });
}

async function recordFailure(
  context: Context,
  info: GraphQLResolveInfo,
  args: Record<string, unknown>,
  error: unknown,
) {
  if (!context.principal) return; // anonymous: no account to record it in
  const code =
    error instanceof GraphQLError ? String(error.extensions.code ?? 'INTERNAL') : 'INTERNAL';
  const extensions = error instanceof GraphQLError ? error.extensions : {};
  await insertAuditEntry(context.db, {
    ...entryBase(context, info.fieldName),
    target_id: typeof args.id === 'string' ? args.id : null,
    project_id: typeof extensions.projectId === 'string' ? Number(extensions.projectId) : null,
    outcome: code === 'FORBIDDEN' ? 'denied' : 'failed',
    details: JSON.stringify({
      code,
      ...(extensions.requiredPermission
        ? { requiredPermission: extensions.requiredPermission }
        : {}),
      ...(extensions.field ? { field: extensions.field } : {}),
    }),
  });
}

/**
 * Middleware for every mutation, outside the shield rules: a refused or failed write is audited
 * too (successful ones are audited by `auditedWrite`, inside their transaction).
 */
export const auditFailedWrites: IMiddlewareFunction<
  unknown,
  Context,
  Record<string, unknown>
> = async (resolve, root, args, context, info) => {
  let result: unknown;
  try {
    result = await resolve(root, args, context, info);
  } catch (error) {
    await recordFailure(context, info, args, error);
    throw error;
  }
  if (result instanceof Error) await recordFailure(context, info, args, result);
  return result;
};
