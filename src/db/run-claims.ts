import type { EnvironmentCategory } from '../catalog/access.js';
import type { Db } from './database.js';
import type { RunRow } from './tables/deployments.js';

/** A queued run a runner might take, with what deciding whether it may is made of. */
export interface QueuedRunCandidate {
  readonly id: number;
  readonly project_id: number;
  readonly environment_id: number;
  readonly category: EnvironmentCategory;
}

/**
 * The account's oldest queued runs after `afterId`, optionally only in some projects or
 * environments, with their environment's category (the caller decides which it may claim).
 */
export async function listQueuedRunCandidates(
  db: Db,
  accountId: number,
  filter: {
    readonly projectIds?: readonly number[] | null;
    readonly environmentIds?: readonly number[] | null;
  },
  afterId: number,
  limit: number,
): Promise<QueuedRunCandidate[]> {
  let query = db
    .selectFrom('runs as r')
    .innerJoin('environments as e', 'e.id', 'r.environment_id')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .select(['r.id', 'r.project_id', 'r.environment_id', 'e.category'])
    .where('p.account_id', '=', accountId)
    .where('r.status', '=', 'queued')
    .where('r.id', '>', afterId);
  if (filter.projectIds?.length) query = query.where('r.project_id', 'in', filter.projectIds);
  if (filter.environmentIds?.length)
    query = query.where('r.environment_id', 'in', filter.environmentIds);
  return query.orderBy('r.id').limit(limit).execute();
}

/**
 * Moves the run from queued to running for the runner's token, only if it is still queued
 * (compare-and-set: of two runners racing for it, the database lets exactly one update match).
 * Undefined when another runner, or a cancel, got there first.
 */
export async function claimQueuedRun(
  db: Db,
  runId: number,
  runnerTokenId: number,
  now: string,
): Promise<RunRow | undefined> {
  return db
    .updateTable('runs')
    .set({ status: 'running', started_at: now, runner_token_id: runnerTokenId })
    .where('id', '=', runId)
    .where('status', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
}

/** A custom variable's value for one environment: its override there, else the project default. */
export interface EnvironmentVariableValue {
  readonly name: string;
  readonly value: string | null;
  readonly value_sealed: string | null;
}

/** The project's custom variables as the environment sees them, by name; unset ones left out. */
export async function listEnvironmentVariableValues(
  db: Db,
  projectId: number,
  environmentId: number,
): Promise<EnvironmentVariableValue[]> {
  const rows = await db
    .selectFrom('custom_env_vars as v')
    .leftJoin('custom_env_var_overrides as o', (join) =>
      join.onRef('o.env_var_id', '=', 'v.id').on('o.environment_id', '=', environmentId),
    )
    .select([
      'v.name',
      'v.value as default_value',
      'v.value_sealed as default_sealed',
      'o.id as override_id',
      'o.value as override_value',
      'o.value_sealed as override_sealed',
    ])
    .where('v.project_id', '=', projectId)
    .orderBy('v.name')
    .execute();
  return rows
    .map((row) =>
      row.override_id !== null
        ? { name: row.name, value: row.override_value, value_sealed: row.override_sealed }
        : { name: row.name, value: row.default_value, value_sealed: row.default_sealed },
    )
    .filter((row) => row.value !== null || row.value_sealed !== null);
}
