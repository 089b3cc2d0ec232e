import { byId } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { RunRow, RunStatus } from './tables/deployments.js';

export async function findRunsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<RunRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('runs as r')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .selectAll('r')
    .where('p.account_id', '=', accountId)
    .where('r.id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  run: byId(findRunsByIds),
};

/** Runs of a project, optionally of one job and/or in some statuses; newest first. */
export interface RunFilter {
  readonly projectId: number;
  readonly jobId?: number | null;
  readonly statuses?: readonly RunStatus[] | null;
}

export async function listRuns(
  db: Db,
  filter: RunFilter,
  page: PageRequest,
): Promise<Page<RunRow>> {
  let query = db.selectFrom('runs').selectAll().where('project_id', '=', filter.projectId);
  if (filter.jobId != null) query = query.where('job_id', '=', filter.jobId);
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (page.afterId !== null) query = query.where('id', '<', page.afterId);
  return toPage(
    await query
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countRuns(db: Db, filter: RunFilter): Promise<number> {
  let query = db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', filter.projectId);
  if (filter.jobId != null) query = query.where('job_id', '=', filter.jobId);
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  return Number((await query.executeTakeFirstOrThrow()).count);
}

export async function insertRun(
  db: Db,
  run: {
    projectId: number;
    environmentId: number;
    jobId: number;
    cause: string;
    triggeredByTokenId: number | null;
    gitBranch: string | null;
    gitSha: string | null;
    now: string;
  },
): Promise<RunRow> {
  return db
    .insertInto('runs')
    .values({
      project_id: run.projectId,
      environment_id: run.environmentId,
      job_id: run.jobId,
      status: 'queued',
      cause: run.cause,
      triggered_by_token_id: run.triggeredByTokenId,
      git_branch: run.gitBranch,
      git_sha: run.gitSha,
      created_at: run.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Moves a run to `status` only if it is still in `from` (compare-and-set), so two concurrent
 * transitions cannot both win. Returns undefined when the run had already moved on.
 */
export async function transitionRun(
  db: Db,
  id: number,
  from: RunStatus,
  change: {
    status: RunStatus;
    startedAt?: string;
    finishedAt?: string;
    errorMessage?: string | null;
  },
): Promise<RunRow | undefined> {
  return db
    .updateTable('runs')
    .set({
      status: change.status,
      ...(change.startedAt ? { started_at: change.startedAt } : {}),
      ...(change.finishedAt ? { finished_at: change.finishedAt } : {}),
      ...(change.errorMessage !== undefined ? { error_message: change.errorMessage } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}
