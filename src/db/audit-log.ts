import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { AuditEntryRow, NewAuditEntry } from './tables/accounts.js';

// Append-only: there is deliberately no update or delete here (the database refuses them too).

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

export interface AuditLogFilter {
  readonly action?: string | null;
  readonly actorTokenId?: number | null;
  readonly projectId?: number | null;
  readonly outcome?: AuditEntryRow['outcome'] | null;
  readonly since?: string | null;
}

function filtered(db: Db, accountId: number, filter: AuditLogFilter) {
  let query = db.selectFrom('audit_log').where('account_id', '=', accountId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorTokenId) query = query.where('actor_token_id', '=', filter.actorTokenId);
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
  return toPage(
    await query
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute(),
    page,
  );
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
