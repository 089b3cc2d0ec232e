import { byId } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { JobRow, JobTable } from './tables/deployments.js';

export async function findJobsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<JobRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('jobs as j')
    .innerJoin('projects as p', 'p.id', 'j.project_id')
    .selectAll('j')
    .where('p.account_id', '=', accountId)
    .where('j.id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  job: byId(findJobsByIds),
};

/** Jobs of a project, or of one environment when `environmentId` is given. */
export interface JobFilter {
  readonly projectId: number;
  readonly environmentId?: number | null;
}

export async function listJobs(
  db: Db,
  filter: JobFilter,
  page: PageRequest,
): Promise<Page<JobRow>> {
  let query = db.selectFrom('jobs').selectAll().where('project_id', '=', filter.projectId);
  if (filter.environmentId != null)
    query = query.where('environment_id', '=', filter.environmentId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(
    await query
      .orderBy('id')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countJobs(db: Db, filter: JobFilter): Promise<number> {
  let query = db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', filter.projectId);
  if (filter.environmentId != null)
    query = query.where('environment_id', '=', filter.environmentId);
  return Number((await query.executeTakeFirstOrThrow()).count);
}

export type JobFields = Omit<JobTable, 'id' | 'project_id' | 'created_at' | 'updated_at'>;

export async function insertJob(
  db: Db,
  job: JobFields & { project_id: number; now: string },
): Promise<JobRow> {
  const { now, ...fields } = job;
  return db
    .insertInto('jobs')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateJob(
  db: Db,
  id: number,
  changes: Partial<JobFields> & { now: string },
): Promise<JobRow> {
  const { now, ...fields } = changes;
  return db
    .updateTable('jobs')
    .set({ ...fields, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes the job with its runs (foreign keys cascade). */
export async function deleteJob(db: Db, id: number): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', id).execute();
}
