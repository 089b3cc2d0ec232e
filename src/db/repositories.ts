import { byId } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { RepositoryRow, RepositoryTable } from './tables/data-platform.js';

export type RepositoryFields = Omit<
  RepositoryTable,
  'id' | 'project_id' | 'created_at' | 'updated_at'
>;

/** The account's repositories with these ids (those of other accounts are absent). */
export async function findRepositoriesByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<RepositoryRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('repositories as r')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .selectAll('r')
    .where('p.account_id', '=', accountId)
    .where('r.id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  repository: byId(findRepositoriesByIds),
};

export async function listRepositories(
  db: Db,
  projectId: number,
  page: PageRequest,
): Promise<Page<RepositoryRow>> {
  let query = db.selectFrom('repositories').selectAll().where('project_id', '=', projectId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(
    await query
      .orderBy('id')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countRepositories(db: Db, projectId: number): Promise<number> {
  const { count } = await db
    .selectFrom('repositories')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function insertRepository(
  db: Db,
  repository: RepositoryFields & { project_id: number; now: string },
): Promise<RepositoryRow> {
  const { now, ...fields } = repository;
  return db
    .insertInto('repositories')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateRepository(
  db: Db,
  id: number,
  changes: Partial<RepositoryFields> & { now: string },
): Promise<RepositoryRow> {
  const { now, ...fields } = changes;
  return db
    .updateTable('repositories')
    .set({ ...fields, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteRepository(db: Db, id: number): Promise<void> {
  await db.deleteFrom('repositories').where('id', '=', id).execute();
}

/** Whether a project links the repository as its own (a linked repository cannot be deleted). */
export async function isRepositoryLinked(db: Db, repositoryId: number): Promise<boolean> {
  const row = await db
    .selectFrom('project_settings')
    .select('project_id')
    .where('repository_id', '=', repositoryId)
    .executeTakeFirst();
  return row !== undefined;
}
