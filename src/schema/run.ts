import { auditedWrite } from '../audit.js';
import { callerToken } from '../auth/principal.js';
import { jobScope, parentProject, runScope } from '../auth/scopes.js';
import { type Context, principalOf } from '../context.js';
import type { Db } from '../db/database.js';
import { closeOpenSteps } from '../db/run-steps.js';
import { countRuns, insertRun, listRuns, type RunFilter, transitionRun } from '../db/runs.js';
import type { JobRow, RunRow, RunStatus } from '../db/tables/deployments.js';
import { enqueueRunEvents } from '../db/webhook-deliveries.js';
import { badUserInput } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { Environment } from './environment.js';
import { Job } from './job.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { Project } from './project.js';
import { DateTime } from './scalars.js';
import { ServiceToken } from './service-token.js';

export const RunStatusEnum = builder.enumType('RunStatus', {
  values: {
    queued: { description: 'Triggered, not started.' },
    running: {},
    success: {},
    error: {},
    cancelled: {},
  } as const,
});

/** Where a run may go from each status; finished runs go nowhere. */
const transitions: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'cancelled'],
  running: ['success', 'error', 'cancelled'],
  success: [],
  error: [],
  cancelled: [],
};

export const Run = builder.objectRef<RunRow>('Run');

/**
 * Queues a new run of the job, triggered by the caller, as an audited write's result: what
 * triggerRun and rerunJob share. `details` adds to the audit entry's (job and cause).
 */
export async function queueRun(
  trx: Db,
  context: Context,
  job: JobRow,
  run: { cause: string; gitBranch: string | null; gitSha: string | null },
  details: Record<string, unknown> = {},
) {
  const queued = await insertRun(trx, {
    projectId: job.project_id,
    environmentId: job.environment_id,
    jobId: job.id,
    ...run,
    // Null when a member triggered it (the audit entry names them).
    triggeredByTokenId: callerToken(principalOf(context))?.id ?? null,
    now: context.now().toISOString(),
  });
  return {
    result: queued,
    target: {
      type: 'Run',
      id: queued.id,
      projectId: queued.project_id,
      details: { jobId: job.id, cause: run.cause, ...details },
    },
  };
}

Run.implement({
  description: 'One run of a job: queued → running → success, error or cancelled.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    projectId: t.exposeID('project_id', { nullable: false }),
    environmentId: t.exposeID('environment_id', { nullable: false }),
    jobId: t.exposeID('job_id', { nullable: false }),
    status: t.expose('status', { type: RunStatusEnum, nullable: false }),
    cause: t.exposeString('cause', { nullable: false }),
    triggeredByTokenId: t.exposeID('triggered_by_token_id', {
      description: 'The service token that triggered it.',
    }),
    gitBranch: t.exposeString('git_branch'),
    gitSha: t.exposeString('git_sha'),
    errorMessage: t.exposeString('error_message'),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    startedAt: t.expose('started_at', { type: DateTime }),
    finishedAt: t.expose('finished_at', { type: DateTime }),
    durationSeconds: t.float({
      description: 'From start to finish, once finished.',
      authz: 'parent',
      resolve: (run) =>
        run.started_at && run.finished_at
          ? (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000
          : null,
    }),
    job: t.field({
      type: Job,
      authz: {
        resource: 'jobs',
        action: 'read',
        project: parentProject((run) => run.project_id, 'Job'),
      },
      resolve: (run, _args, context) => context.loaders.job.load(run.job_id),
    }),
    environment: t.field({
      type: Environment,
      authz: {
        resource: 'environments',
        action: 'read',
        project: parentProject((run) => run.project_id, 'Environment'),
      },
      resolve: (run, _args, context) => context.loaders.environment.load(run.environment_id),
    }),
    project: t.field({
      type: Project,
      authz: {
        resource: 'projects',
        action: 'read',
        project: parentProject((run) => run.project_id, 'Project'),
      },
      resolve: (run, _args, context) => context.loaders.project.load(run.project_id),
    }),
    triggeredBy: t.field({
      type: ServiceToken,
      description: 'The token that triggered the run (needs service_tokens read).',
      authz: { resource: 'service_tokens', action: 'read' },
      resolve: (run, _args, context) =>
        run.triggered_by_token_id === null
          ? null
          : context.loaders.serviceToken.load(run.triggered_by_token_id),
    }),
  }),
});

const RunConnection = connectionType(Run, 'Run');

const runListArgs = {
  ...pageArgs,
  ...builder.args((t) => ({
    statuses: t.field({ type: [RunStatusEnum], description: 'Only runs in these statuses.' }),
  })),
};

function runHistory(
  filter: RunFilter,
  args: { first?: number | null; after?: string | null },
  context: Context,
) {
  return resolveConnection(
    args,
    (page) => listRuns(context.db, filter, page),
    () => countRuns(context.db, filter),
  );
}

builder.objectField(Project, 'runs', (t) =>
  t.field({
    type: RunConnection,
    description: 'Run history of the project, newest first.',
    args: runListArgs,
    authz: {
      resource: 'runs',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, args, context) =>
      runHistory({ projectId: project.id, statuses: args.statuses }, args, context),
  }),
);

builder.objectField(Job, 'runs', (t) =>
  t.field({
    type: RunConnection,
    description: 'Run history of the job, newest first.',
    args: runListArgs,
    authz: {
      resource: 'runs',
      action: 'read',
      project: parentProject((job) => job.project_id, 'Job'),
    },
    resolve: (job, args, context) =>
      runHistory(
        { projectId: job.project_id, jobId: job.id, statuses: args.statuses },
        args,
        context,
      ),
  }),
);

builder.queryField('run', (t) =>
  t.field({
    type: Run,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'runs',
      action: 'read',
      project: (_root, { id }, context) => runScope(id, context.loaders),
    },
    resolve: (_root, { id }, context) => context.loaders.run.load(Number(id)),
  }),
);

const TriggerRunInput = builder.inputType('TriggerRunInput', {
  fields: (t) => ({
    cause: t.string({ description: 'Why the run was triggered (default "Triggered via API").' }),
    gitBranch: t.string(),
    gitSha: t.string(),
  }),
});

const maxCauseLength = 255;

async function moveRun(
  context: Context,
  action: string,
  id: string | number,
  status: RunStatus,
  errorMessage?: string | null,
) {
  const run = (await context.loaders.run.load(Number(id)))!;
  if (!transitions[run.status].includes(status)) {
    throw badUserInput(`A ${run.status} run cannot become ${status}.`, 'status');
  }
  const now = context.now().toISOString();
  return auditedWrite(context, action, async (trx) => {
    const moved = await transitionRun(trx, run.id, run.status, {
      status,
      ...(status === 'running' ? { startedAt: now } : {}),
      ...(transitions[status].length === 0 ? { finishedAt: now } : {}),
      ...(errorMessage !== undefined ? { errorMessage } : {}),
    });
    // Someone else moved it first: report it as the client's stale view, write nothing.
    if (!moved) throw badUserInput('The run changed status meanwhile; read it again.', 'id');
    // A run that ends stops its steps; the subscriptions' deliveries are written with the change.
    if (transitions[status].length === 0)
      await closeOpenSteps(trx, run.id, status === 'cancelled' ? 'cancelled' : 'error', now);
    await enqueueRunEvents(trx, moved, now);
    return {
      result: moved,
      target: {
        type: 'Run',
        id: run.id,
        projectId: run.project_id,
        details: { from: run.status, to: status },
      },
    };
  });
}

builder.mutationFields((t) => ({
  triggerRun: t.field({
    type: Run,
    description: 'Queues a run of the job.',
    args: { jobId: t.arg.id({ required: true }), input: t.arg({ type: TriggerRunInput }) },
    authz: {
      resource: 'runs',
      action: 'write',
      project: (_root, { jobId }, context) => jobScope(jobId, context.loaders, 'jobId'),
    },
    resolve: async (_root, { jobId, input }, context) => {
      const job = (await context.loaders.job.load(parseId(jobId, 'jobId')))!;
      const cause = (input?.cause ?? 'Triggered via API').trim();
      if (cause.length === 0 || cause.length > maxCauseLength) {
        throw badUserInput(`cause needs 1 to ${maxCauseLength} characters.`, 'input.cause');
      }
      if (input?.gitSha != null && !/^[0-9a-f]{7,40}$/i.test(input.gitSha)) {
        throw badUserInput('gitSha must be a hexadecimal commit SHA.', 'input.gitSha');
      }
      return auditedWrite(context, 'triggerRun', (trx) =>
        queueRun(trx, context, job, {
          cause,
          gitBranch: input?.gitBranch ?? null,
          gitSha: input?.gitSha ?? null,
        }),
      );
    },
  }),
  cancelRun: t.field({
    type: Run,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'runs',
      action: 'write',
      project: (_root, { id }, context) => runScope(id, context.loaders),
    },
    resolve: (_root, { id }, context) => moveRun(context, 'cancelRun', id, 'cancelled'),
  }),
  updateRunStatus: t.field({
    type: Run,
    description: 'Reports progress from the runner: queued → running → success or error.',
    args: {
      id: t.arg.id({ required: true }),
      status: t.arg({ type: RunStatusEnum, required: true }),
      errorMessage: t.arg.string(),
    },
    authz: {
      resource: 'runs',
      action: 'write',
      project: (_root, { id }, context) => runScope(id, context.loaders),
    },
    resolve: (_root, { id, status, errorMessage }, context) =>
      moveRun(context, 'updateRunStatus', id, status, errorMessage),
  }),
}));
