import { sql } from 'kysely';
import type { Db } from './database.js';
import type { JobRow } from './tables/deployments.js';

/** An account-wide search of jobs, as dbt Cloud's REST API filters them. */
export interface JobSearch {
  readonly accountId: number;
  /** The projects the caller may read jobs in. */
  readonly visibleProjects: 'all' | readonly number[];
  readonly projectId?: number | null;
  readonly environmentId?: number | null;
  /** A case-insensitive substring of the name. */
  readonly nameContains?: string | null;
}

export type JobOrderField = 'id' | 'name' | 'created_at' | 'updated_at';

/** `%`, `_` and the escape character itself are literal in a LIKE pattern after this. */
export function likeContaining(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function jobQuery(db: Db, search: JobSearch) {
  let query = db
    .selectFrom('jobs as j')
    .innerJoin('projects as p', 'p.id', 'j.project_id')
    .where('p.account_id', '=', search.accountId);
  if (search.visibleProjects !== 'all') {
    if (search.visibleProjects.length === 0) return undefined;
    query = query.where('j.project_id', 'in', search.visibleProjects);
  }
  if (search.projectId != null) query = query.where('j.project_id', '=', search.projectId);
  if (search.environmentId != null)
    query = query.where('j.environment_id', '=', search.environmentId);
  if (search.nameContains)
    query = query.where(
      sql<boolean>`lower(j.name) like ${likeContaining(search.nameContains)} escape '\\'`,
    );
  return query;
}

/** One offset page of the search, ordered by `order` then id (stable across pages). */
export async function searchJobs(
  db: Db,
  search: JobSearch,
  order: { field: JobOrderField; direction: 'asc' | 'desc' },
  limit: number,
  offset: number,
): Promise<JobRow[]> {
  const query = jobQuery(db, search);
  if (!query || limit === 0) return [];
  let ordered = query.selectAll('j').orderBy(`j.${order.field}`, order.direction);
  if (order.field !== 'id') ordered = ordered.orderBy('j.id', order.direction);
  return ordered.limit(limit).offset(offset).execute();
}

export async function countJobsMatching(db: Db, search: JobSearch): Promise<number> {
  const query = jobQuery(db, search);
  if (!query) return 0;
  const row = await query
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
