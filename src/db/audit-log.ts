import { type Db, inTransaction } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { AuditEntryRow, NewAuditEntry } from './tables/accounts.js';

// Append-only: there is deliberately no update or delete of audit entries here (the database
// refuses them too). What grows in place is only the count of refusals one entry stands for, in
// a table of its own.

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

/** A refusal of a valid token by address, to count into its window's audit entry. */
export interface AuthenticationRefusal {
  readonly accountId: number;
  readonly tokenId: number;
  /** The start of the window the refusal falls in; one audit entry per token and window. */
  readonly windowStart: string;
  readonly refusedBy: 'account' | 'token';
  readonly at: string;
  readonly clientIp: string | null;
}

/**
 * Counts a refusal: the first of its token, window and rule set appends one audit entry (`denied`,
 * `authenticate`, reason `ip_restricted`); later ones only add to that entry's count. One upsert
 * on a unique key, so concurrent refusals (other processes included) count into one entry.
 */
export async function recordAuthenticationRefusal(
  db: Db,
  refusal: AuthenticationRefusal,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const counted = await trx
      .insertInto('authentication_refusals')
      .values({
        account_id: refusal.accountId,
        token_id: refusal.tokenId,
        window_start: refusal.windowStart,
        refused_by: refusal.refusedBy,
        audit_entry_id: null,
        refusals: 1,
        last_refused_at: refusal.at,
        last_client_ip: refusal.clientIp,
      })
      .onConflict((conflict) =>
        conflict.columns(['token_id', 'window_start', 'refused_by']).doUpdateSet((eb) => ({
          refusals: eb('authentication_refusals.refusals', '+', 1),
          last_refused_at: refusal.at,
          last_client_ip: refusal.clientIp,
        })),
      )
      .returning(['id', 'audit_entry_id'])
      .executeTakeFirstOrThrow();
    if (counted.audit_entry_id !== null) return;
    const entry = await trx
      .insertInto('audit_log')
      .values({
        account_id: refusal.accountId,
        occurred_at: refusal.at,
        actor_token_id: refusal.tokenId,
        action: 'authenticate',
        outcome: 'denied',
        client_ip: refusal.clientIp,
        details: JSON.stringify({
          reason: 'ip_restricted',
          refusedBy: refusal.refusedBy,
          windowStart: refusal.windowStart,
        }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('authentication_refusals')
      .set({ audit_entry_id: entry.id })
      .where('id', '=', counted.id)
      .execute();
  });
}

/** Adds to each refusal entry its count so far and its latest refusal (`count`, `lastAt`, `lastClientIp`). */
async function withRefusalCounts(db: Db, rows: AuditEntryRow[]): Promise<AuditEntryRow[]> {
  const ids = rows.filter((row) => row.action === 'authenticate').map((row) => row.id);
  if (ids.length === 0) return rows;
  const counts = new Map(
    (
      await db
        .selectFrom('authentication_refusals')
        .select(['audit_entry_id', 'refusals', 'last_refused_at', 'last_client_ip'])
        .where('audit_entry_id', 'in', ids)
        .execute()
    ).map((count) => [count.audit_entry_id, count]),
  );
  return rows.map((row) => {
    const count = counts.get(row.id);
    if (!count) return row;
    const details = {
      ...(JSON.parse(row.details) as Record<string, unknown>),
      count: count.refusals,
      lastAt: count.last_refused_at,
      lastClientIp: count.last_client_ip,
    };
    return { ...row, details: JSON.stringify(details) };
  });
}

export interface AuditLogFilter {
  readonly action?: string | null;
  readonly actorTokenId?: number | null;
  readonly actorMemberId?: number | null;
  readonly projectId?: number | null;
  readonly outcome?: AuditEntryRow['outcome'] | null;
  readonly since?: string | null;
}

function filtered(db: Db, accountId: number, filter: AuditLogFilter) {
  let query = db.selectFrom('audit_log').where('account_id', '=', accountId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorTokenId) query = query.where('actor_token_id', '=', filter.actorTokenId);
  if (filter.actorMemberId) query = query.where('actor_member_id', '=', filter.actorMemberId);
  if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  if (filter.since) query = query.where('occurred_at', '>=', filter.since);
  return query;
}

/** The account's entries, newest first (keyset on id, descending). */
export async function listAuditEntries(
  db: Db,
  accountId: number,
  filter: AuditLogFilter,
  page: PageRequest,
): Promise<Page<AuditEntryRow>> {
  let query = filtered(db, accountId, filter).selectAll();
  if (page.afterId !== null) query = query.where('id', '<', page.afterId);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.first + 1)
    .execute();
  return toPage(await withRefusalCounts(db, rows), page);
}

export async function countAuditEntries(
  db: Db,
  accountId: number,
  filter: AuditLogFilter,
): Promise<number> {
  const { count } = await filtered(db, accountId, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}
