// The admin API's objects in the shapes dbt Cloud's REST API answers with: snake_case, numeric
// ids, numeric run statuses with their humanized names and flags, and the fields clients read.

// biome-ignore lint/suspicious/noExplicitAny: the admin API's JSON, as the REST operations select it
type Json = Record<string, any>;

const num = (id: unknown): number | null => (id == null ? null : Number(id));

/** dbt's run status codes. Tollgate has no separate "starting" (2): a run goes queued → running. */
export const runStatusCodes = {
  queued: 1,
  running: 3,
  success: 10,
  error: 20,
  cancelled: 30,
} as const;

export type RunStatusName = keyof typeof runStatusCodes;

const humanized: Record<number, string> = {
  1: 'Queued',
  2: 'Starting',
  3: 'Running',
  10: 'Success',
  20: 'Error',
  30: 'Cancelled',
};

/** The admin API's statuses a dbt status code (or name) filter means; undefined: not a status. */
export function statusesOfCode(value: string): RunStatusName[] | undefined {
  const lower = value.toLowerCase();
  if (lower in runStatusCodes) return [lower as RunStatusName];
  const code = Number(value);
  if (code === 2) return [];
  const name = (Object.keys(runStatusCodes) as RunStatusName[]).find(
    (status) => runStatusCodes[status] === code,
  );
  return name ? [name] : undefined;
}

export function account(value: Json): Json {
  return {
    id: num(value.id),
    name: value.name,
    plan: value.plan,
    state: 1,
    pending_cancel: false,
    locked: false,
    created_at: value.createdAt,
    updated_at: value.createdAt,
  };
}

export function project(value: Json, accountId: number): Json {
  return {
    id: num(value.id),
    account_id: accountId,
    name: value.name,
    description: value.description,
    state: 1,
    dbt_project_subdirectory: null,
    created_at: value.createdAt,
    updated_at: value.updatedAt,
  };
}

export function environment(value: Json, accountId: number): Json {
  const deploymentType =
    value.category === 'production' || value.category === 'staging' ? value.category : null;
  return {
    id: num(value.id),
    account_id: accountId,
    project_id: num(value.projectId),
    name: value.name,
    type: value.type,
    deployment_type: value.type === 'deployment' ? deploymentType : null,
    dbt_version: value.dbtVersion,
    state: 1,
    use_custom_branch: false,
    custom_branch: null,
    created_at: value.createdAt,
    updated_at: value.updatedAt,
  };
}

export function job(value: Json, accountId: number, related: Json = {}): Json {
  const cron: string | null = value.schedule ?? null;
  return {
    id: num(value.id),
    account_id: accountId,
    project_id: num(value.projectId),
    environment_id: num(value.environmentId),
    name: value.name,
    description: value.description,
    execute_steps: value.steps,
    triggers: {
      github_webhook: value.triggers.pullRequest,
      git_provider_webhook: value.triggers.pullRequest,
      schedule: value.triggers.schedule,
      on_merge: value.triggers.merge,
    },
    schedule: {
      cron,
      date: { type: cron ? 'custom_cron' : 'every_day', cron },
      time: { type: 'every_hour', interval: 1 },
    },
    settings: { threads: 4, target_name: 'default' },
    state: 1,
    job_type: value.triggers.schedule ? 'scheduled' : 'other',
    dbt_version: null,
    generate_docs: false,
    run_generate_sources: false,
    deactivated: false,
    created_at: value.createdAt,
    updated_at: value.updatedAt,
    ...related,
  };
}

function humanDuration(seconds: number | null): string | null {
  if (seconds == null) return null;
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  return [hours ? `${hours}h` : '', minutes ? `${minutes}m` : '', `${rest}s`]
    .filter(Boolean)
    .join(' ');
}

/**
 * A run in dbt's shape. `origin` is the server's own address, for `href`; `related` adds what
 * `include_related` asked for (job, trigger, run_steps).
 */
export function run(value: Json, accountId: number, origin: string, related: Json = {}): Json {
  const status = runStatusCodes[value.status as RunStatusName];
  const queuedSeconds =
    value.startedAt && value.createdAt
      ? (Date.parse(value.startedAt) - Date.parse(value.createdAt)) / 1000
      : null;
  return {
    id: num(value.id),
    trigger_id: num(value.id),
    account_id: accountId,
    project_id: num(value.projectId),
    environment_id: num(value.environmentId),
    job_definition_id: num(value.jobId),
    job_id: num(value.jobId),
    status,
    status_humanized: humanized[status],
    status_message: value.errorMessage ?? null,
    in_progress: status < 10,
    is_complete: status >= 10,
    is_success: status === 10,
    is_error: status === 20,
    is_cancelled: status === 30,
    is_running: status === 3,
    dbt_version: value.environment?.dbtVersion ?? null,
    git_branch: value.gitBranch ?? null,
    git_sha: value.gitSha ?? null,
    created_at: value.createdAt,
    updated_at: value.finishedAt ?? value.startedAt ?? value.createdAt,
    dequeued_at: value.startedAt ?? null,
    started_at: value.startedAt ?? null,
    finished_at: value.finishedAt ?? null,
    duration: value.durationSeconds ?? null,
    duration_humanized: humanDuration(value.durationSeconds ?? null),
    queued_duration: queuedSeconds,
    queued_duration_humanized: humanDuration(queuedSeconds),
    run_duration: value.durationSeconds ?? null,
    run_duration_humanized: humanDuration(value.durationSeconds ?? null),
    artifacts_saved: false,
    has_docs_generated: false,
    has_sources_generated: false,
    href: `${origin}/api/v2/accounts/${accountId}/runs/${value.id}/`,
    ...related,
  };
}

/**
 * A step's status as a dbt status code. A step that never ran (an earlier one failed, or the run
 * was cancelled) has no code of its own in dbt's API: it is given Cancelled's, humanized "Skipped".
 */
const stepStatusCodes: Record<string, number> = {
  queued: 1,
  running: 3,
  success: 10,
  error: 20,
  cancelled: 30,
  skipped: 30,
};

/** One of a run's `run_steps`: a dbt command of the job as the runner reported it. */
export function runStep(value: Json, runId: number, accountId: number): Json {
  const status = stepStatusCodes[value.status as string] ?? 1;
  return {
    id: runId * 1000 + Number(value.index),
    run_id: runId,
    account_id: accountId,
    index: value.index,
    name: value.name,
    logs: value.logs,
    status,
    status_humanized: value.status === 'skipped' ? 'Skipped' : humanized[status],
    status_message: value.errorMessage ?? null,
    started_at: value.startedAt ?? null,
    finished_at: value.finishedAt ?? null,
    duration: value.durationSeconds ?? null,
    duration_humanized: humanDuration(value.durationSeconds ?? null),
  };
}

/** The `trigger` of a run: why it was started (dbt's trigger object, from the run's cause). */
export function trigger(value: Json, accountId: number): Json {
  return {
    id: num(value.id),
    account_id: accountId,
    job_definition_id: num(value.jobId),
    cause: value.cause,
    git_branch: value.gitBranch ?? null,
    git_sha: value.gitSha ?? null,
    created_at: value.createdAt,
  };
}

/** A token's state in dbt's terms: 1 active, 2 deleted (revoked, or expired: refused either way). */
export function tokenState(state: string): 1 | 2 {
  return state === 'ACTIVE' ? 1 : 2;
}

export function serviceToken(value: Json, accountId: number): Json {
  return {
    id: num(value.id),
    account_id: accountId,
    name: value.name,
    uid: value.displayHint,
    state: tokenState(value.state),
    created_at: value.createdAt,
    updated_at: value.revokedAt ?? value.createdAt,
    last_used_at: value.lastUsedAt ?? null,
  };
}

/**
 * A token's grants as dbt's permission list: one entry per project of a grant on some projects,
 * one entry with `all_projects: true` for a grant on every project.
 */
export function permissions(grants: readonly Json[], tokenId: number, accountId: number): Json[] {
  return grants.flatMap((grant): Json[] => {
    const base = {
      id: num(grant.id),
      account_id: accountId,
      service_token_id: tokenId,
      permission_set: grant.permissionSet.id,
      writable_environment_categories: grant.writableEnvironmentCategories,
      state: 1,
    };
    if (grant.allProjects) return [{ ...base, project_id: null, all_projects: true }];
    return (grant.projectIds as string[]).map((projectId) => ({
      ...base,
      project_id: Number(projectId),
      all_projects: false,
    }));
  });
}
