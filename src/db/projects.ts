import { byId } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { ProjectRow } from './tables/deployments.js';

/** Which of an account's projects a query may see: all, or the listed ids. */
export type ProjectFilter = 'all' | readonly number[];

export async function insertProject(
  db: Db,
  project: { accountId: number; name: string; description: string; now: string },
): Promise<ProjectRow> {
  return db
    .insertInto('projects')
    .values({
      account_id: project.accountId,
      name: project.name,
      description: project.description,
      created_at: project.now,
      updated_at: project.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The account's projects with these ids (others are silently absent). */
export async function findProjectsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<ProjectRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('projects')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  project: byId(findProjectsByIds),
};

export async function listProjects(
  db: Db,
  accountId: number,
  filter: ProjectFilter,
  page: PageRequest,
): Promise<Page<ProjectRow>> {
  if (filter !== 'all' && filter.length === 0) return { rows: [], hasNextPage: false };
  let query = db.selectFrom('projects').selectAll().where('account_id', '=', accountId);
  if (filter !== 'all') query = query.where('id', 'in', filter);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  const rows = await query
    .orderBy('id')
    .limit(page.first + 1)
    .execute();
  return toPage(rows, page);
}

export async function countProjects(
  db: Db,
  accountId: number,
  filter: ProjectFilter,
): Promise<number> {
  if (filter !== 'all' && filter.length === 0) return 0;
  let query = db
    .selectFrom('projects')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId);
  if (filter !== 'all') query = query.where('id', 'in', filter);
  const { count } = await query.executeTakeFirstOrThrow();
  return Number(count);
}

export async function updateProject(
  db: Db,
  accountId: number,
  id: number,
  changes: { name?: string; description?: string; now: string },
): Promise<ProjectRow | undefined> {
  return db
    .updateTable('projects')
    .set({
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      updated_at: changes.now,
    })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes the project; everything that belongs to it goes with it (foreign keys cascade). */
export async function deleteProject(
  db: Db,
  accountId: number,
  id: number,
): Promise<ProjectRow | undefined> {
  return db
    .deleteFrom('projects')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
