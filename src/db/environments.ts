import { byId } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { EnvironmentRow, EnvironmentTable } from './tables/deployments.js';

/** The account's environments with these ids (those of other accounts are absent). */
export async function findEnvironmentsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<EnvironmentRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('environments as e')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .selectAll('e')
    .where('p.account_id', '=', accountId)
    .where('e.id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  environment: byId(findEnvironmentsByIds),
};

export async function listEnvironments(
  db: Db,
  projectId: number,
  page: PageRequest,
): Promise<Page<EnvironmentRow>> {
  let query = db.selectFrom('environments').selectAll().where('project_id', '=', projectId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(
    await query
      .orderBy('id')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countEnvironments(db: Db, projectId: number): Promise<number> {
  const { count } = await db
    .selectFrom('environments')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

type EnvironmentFields = Pick<EnvironmentTable, 'name' | 'type' | 'category' | 'dbt_version'>;

export async function insertEnvironment(
  db: Db,
  environment: EnvironmentFields & { project_id: number; now: string },
): Promise<EnvironmentRow> {
  const { now, ...fields } = environment;
  return db
    .insertInto('environments')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateEnvironment(
  db: Db,
  id: number,
  changes: Partial<EnvironmentFields> & { now: string },
): Promise<EnvironmentRow> {
  const { now, ...fields } = changes;
  return db
    .updateTable('environments')
    .set({ ...fields, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes the environment with its jobs and runs (foreign keys cascade). */
export async function deleteEnvironment(db: Db, id: number): Promise<void> {
  await db.deleteFrom('environments').where('id', '=', id).execute();
}
