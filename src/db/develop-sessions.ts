import { byId } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { DevelopSessionRow } from './tables/data-platform.js';

/** The account's development sessions with these ids (those of other accounts are absent). */
export async function findDevelopSessionsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<DevelopSessionRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('develop_sessions as s')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .selectAll('s')
    .where('p.account_id', '=', accountId)
    .where('s.id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  developSession: byId(findDevelopSessionsByIds),
};

/** A project's sessions, newest first; only the active ones when `activeOnly`. */
export interface DevelopSessionFilter {
  readonly projectId: number;
  readonly activeOnly?: boolean | null;
}

export async function listDevelopSessions(
  db: Db,
  filter: DevelopSessionFilter,
  page: PageRequest,
): Promise<Page<DevelopSessionRow>> {
  let query = db
    .selectFrom('develop_sessions')
    .selectAll()
    .where('project_id', '=', filter.projectId);
  if (filter.activeOnly) query = query.where('ended_at', 'is', null);
  if (page.afterId !== null) query = query.where('id', '<', page.afterId);
  return toPage(
    await query
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countDevelopSessions(db: Db, filter: DevelopSessionFilter): Promise<number> {
  let query = db
    .selectFrom('develop_sessions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', filter.projectId);
  if (filter.activeOnly) query = query.where('ended_at', 'is', null);
  return Number((await query.executeTakeFirstOrThrow()).count);
}

export async function insertDevelopSession(
  db: Db,
  session: {
    project_id: number;
    environment_id: number;
    branch: string;
    /** Null when a member started it. */
    started_by_token_id: number | null;
    now: string;
  },
): Promise<DevelopSessionRow> {
  const { now, ...fields } = session;
  return db
    .insertInto('develop_sessions')
    .values({ ...fields, started_at: now, ended_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Ends an active session; undefined when it had already ended (someone else ended it first). */
export async function endDevelopSession(
  db: Db,
  id: number,
  now: string,
): Promise<DevelopSessionRow | undefined> {
  return db
    .updateTable('develop_sessions')
    .set({ ended_at: now })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
