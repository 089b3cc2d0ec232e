import type { Db } from './database.js';
import type { RunRow, RunStatus } from './tables/deployments.js';

/** An account-wide search of runs, as dbt Cloud's REST API filters them. */
export interface RunSearch {
  readonly accountId: number;
  /** The projects the caller may read runs in. */
  readonly visibleProjects: 'all' | readonly number[];
  readonly projectId?: number | null;
  readonly environmentId?: number | null;
  readonly jobId?: number | null;
  readonly statuses?: readonly RunStatus[] | null;
  /** Finished at or after (ISO-8601). */
  readonly finishedAfter?: string | null;
  /** Finished at or before (ISO-8601). */
  readonly finishedBefore?: string | null;
}

export type RunOrderField = 'id' | 'created_at' | 'started_at' | 'finished_at';

function runQuery(db: Db, search: RunSearch) {
  let query = db
    .selectFrom('runs as r')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .where('p.account_id', '=', search.accountId);
  if (search.visibleProjects !== 'all') {
    if (search.visibleProjects.length === 0) return undefined;
    query = query.where('r.project_id', 'in', search.visibleProjects);
  }
  if (search.projectId != null) query = query.where('r.project_id', '=', search.projectId);
  if (search.environmentId != null)
    query = query.where('r.environment_id', '=', search.environmentId);
  if (search.jobId != null) query = query.where('r.job_id', '=', search.jobId);
  if (search.statuses?.length) query = query.where('r.status', 'in', search.statuses);
  if (search.finishedAfter) query = query.where('r.finished_at', '>=', search.finishedAfter);
  if (search.finishedBefore) query = query.where('r.finished_at', '<=', search.finishedBefore);
  return query;
}

/** One offset page of the search, ordered by `order` then id (stable across pages). */
export async function searchRuns(
  db: Db,
  search: RunSearch,
  order: { field: RunOrderField; direction: 'asc' | 'desc' },
  limit: number,
  offset: number,
): Promise<RunRow[]> {
  const query = runQuery(db, search);
  if (!query || limit === 0) return [];
  let ordered = query.selectAll('r').orderBy(`r.${order.field}`, order.direction);
  if (order.field !== 'id') ordered = ordered.orderBy('r.id', order.direction);
  return ordered.limit(limit).offset(offset).execute();
}

export async function countRunsMatching(db: Db, search: RunSearch): Promise<number> {
  const query = runQuery(db, search);
  if (!query) return 0;
  const row = await query
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The job's latest run, or undefined when it never ran. */
export async function findLatestRunOfJob(db: Db, jobId: number): Promise<RunRow | undefined> {
  return db
    .selectFrom('runs')
    .selectAll()
    .where('job_id', '=', jobId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
