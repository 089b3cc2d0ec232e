import { auditedWrite } from '../audit.js';
import { authorizeInProject } from '../auth/rules.js';
import { environmentScope, jobScope, parentProject } from '../auth/scopes.js';
import { principalOf } from '../context.js';
import {
  countJobs,
  deleteJob,
  insertJob,
  type JobFields,
  listJobs,
  updateJob,
} from '../db/jobs.js';
import type { JobRow } from '../db/tables/deployments.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { validCron, validName } from '../validation.js';
import { builder } from './builder.js';
import { Environment } from './environment.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { Project } from './project.js';
import { DateTime } from './scalars.js';

const JobTriggers = builder.objectRef<JobRow>('JobTriggers').implement({
  description: 'What starts a run of the job besides an explicit triggerRun.',
  fields: (t) => ({
    schedule: t.boolean({
      nullable: false,
      authz: 'parent',
      resolve: (job) => job.trigger_on_schedule === 1,
    }),
    pullRequest: t.boolean({
      nullable: false,
      authz: 'parent',
      resolve: (job) => job.trigger_on_pull_request === 1,
    }),
    merge: t.boolean({
      nullable: false,
      authz: 'parent',
      resolve: (job) => job.trigger_on_merge === 1,
    }),
  }),
});

export const Job = builder.objectRef<JobRow>('Job');

Job.implement({
  description: 'A job definition: the dbt commands it runs, in which environment, and when.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    projectId: t.exposeID('project_id', { nullable: false }),
    environmentId: t.exposeID('environment_id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    description: t.exposeString('description', { nullable: false }),
    steps: t.stringList({
      nullable: false,
      authz: 'parent',
      resolve: (job) => JSON.parse(job.steps) as string[],
    }),
    schedule: t.exposeString('schedule_cron', {
      description:
        'A cron schedule in UTC: five fields (minute hour day-of-month month day-of-week; names such as MON-FRI, ranges, lists, steps) or a nickname (@hourly, @daily, @weekly, @monthly, @yearly).',
    }),
    triggers: t.field({
      type: JobTriggers,
      nullable: false,
      authz: 'parent',
      resolve: (job) => job,
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
    environment: t.field({
      type: Environment,
      authz: {
        resource: 'environments',
        action: 'read',
        project: parentProject((job) => job.project_id, 'Environment'),
      },
      resolve: (job, _args, context) => context.loaders.environment.load(job.environment_id),
    }),
    project: t.field({
      type: Project,
      authz: {
        resource: 'projects',
        action: 'read',
        project: parentProject((job) => job.project_id, 'Project'),
      },
      resolve: (job, _args, context) => context.loaders.project.load(job.project_id),
    }),
  }),
});

const JobConnection = connectionType(Job, 'Job');

builder.objectField(Project, 'jobs', (t) =>
  t.field({
    type: JobConnection,
    args: {
      ...pageArgs,
      environmentId: t.arg.id({ description: 'Only the jobs of this environment.' }),
    },
    authz: {
      resource: 'jobs',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, args, context) => {
      const filter = {
        projectId: project.id,
        environmentId:
          args.environmentId == null ? null : parseId(args.environmentId, 'environmentId'),
      };
      return resolveConnection(
        args,
        (page) => listJobs(context.db, filter, page),
        () => countJobs(context.db, filter),
      );
    },
  }),
);

builder.objectField(Environment, 'jobs', (t) =>
  t.field({
    type: JobConnection,
    args: pageArgs,
    authz: {
      resource: 'jobs',
      action: 'read',
      project: parentProject((environment) => environment.project_id, 'Environment'),
    },
    resolve: (environment, args, context) => {
      const filter = { projectId: environment.project_id, environmentId: environment.id };
      return resolveConnection(
        args,
        (page) => listJobs(context.db, filter, page),
        () => countJobs(context.db, filter),
      );
    },
  }),
);

builder.queryField('job', (t) =>
  t.field({
    type: Job,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'jobs',
      action: 'read',
      project: (_root, { id }, context) => jobScope(id, context.loaders),
    },
    resolve: (_root, { id }, context) => context.loaders.job.load(Number(id)),
  }),
);

const JobTriggersInput = builder.inputType('JobTriggersInput', {
  fields: (t) => ({
    schedule: t.boolean({ description: 'Run on the cron schedule (needs `schedule`).' }),
    pullRequest: t.boolean(),
    merge: t.boolean(),
  }),
});

const maxSteps = 20;
const maxStepLength = 1000;

function validSteps(steps: readonly string[], field: string): string {
  if (steps.length === 0 || steps.length > maxSteps)
    throw badUserInput(`A job needs 1 to ${maxSteps} steps.`, field);
  const trimmed = steps.map((step) => step.trim());
  trimmed.forEach((step, index) => {
    if (!/^dbt\s+\S/.test(step) || step.length > maxStepLength || /[\r\n]/.test(step)) {
      throw badUserInput(
        `Step ${index + 1} must be one dbt command (e.g. "dbt build"), at most ${maxStepLength} characters.`,
        field,
      );
    }
  });
  return JSON.stringify(trimmed);
}

type TriggersInput =
  | { schedule?: boolean | null; pullRequest?: boolean | null; merge?: boolean | null }
  | null
  | undefined;

/** The job's columns from input; a scheduled trigger needs a schedule. */
function jobFields(
  input: {
    name?: string | null;
    description?: string | null;
    steps?: readonly string[] | null;
    schedule?: string | null;
    triggers?: TriggersInput;
  },
  current?: JobRow,
): Partial<JobFields> {
  const fields: Partial<JobFields> = {
    ...(input.name == null ? {} : { name: validName(input.name, 'input.name', 'A job name') }),
    ...(input.description == null ? {} : { description: input.description }),
    ...(input.steps == null ? {} : { steps: validSteps(input.steps, 'input.steps') }),
    ...(input.schedule === undefined
      ? {}
      : {
          schedule_cron:
            input.schedule === null || input.schedule === ''
              ? null
              : validCron(input.schedule, 'input.schedule'),
        }),
    ...(input.triggers?.schedule == null
      ? {}
      : { trigger_on_schedule: input.triggers.schedule ? 1 : 0 }),
    ...(input.triggers?.pullRequest == null
      ? {}
      : { trigger_on_pull_request: input.triggers.pullRequest ? 1 : 0 }),
    ...(input.triggers?.merge == null ? {} : { trigger_on_merge: input.triggers.merge ? 1 : 0 }),
  };
  const scheduled = fields.trigger_on_schedule ?? current?.trigger_on_schedule ?? 0;
  const cron =
    fields.schedule_cron !== undefined ? fields.schedule_cron : (current?.schedule_cron ?? null);
  if (scheduled === 1 && cron === null)
    throw badUserInput('A job triggered on schedule needs a schedule.', 'input.schedule');
  return fields;
}

const CreateJobInput = builder.inputType('CreateJobInput', {
  fields: (t) => ({
    environmentId: t.id({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
    steps: t.stringList({ required: true, description: 'dbt commands, e.g. ["dbt build"].' }),
    schedule: t.string({
      description:
        'A cron schedule in UTC: five fields (minute hour day-of-month month day-of-week; names such as MON-FRI, ranges, lists, steps) or a nickname (@hourly, @daily, @weekly, @monthly, @yearly).',
    }),
    triggers: t.field({ type: JobTriggersInput }),
  }),
});

const UpdateJobInput = builder.inputType('UpdateJobInput', {
  description: 'Fields left out are unchanged; `schedule: null` removes the schedule.',
  fields: (t) => ({
    environmentId: t.id({
      description: 'Moves the job: needs jobs write in the new environment too.',
    }),
    name: t.string(),
    description: t.string(),
    steps: t.stringList(),
    schedule: t.string(),
    triggers: t.field({ type: JobTriggersInput }),
  }),
});

builder.mutationFields((t) => ({
  createJob: t.field({
    type: Job,
    args: { input: t.arg({ type: CreateJobInput, required: true }) },
    authz: {
      resource: 'jobs',
      action: 'write',
      project: (_root, { input }, context) =>
        environmentScope(input.environmentId, context.loaders, 'input.environmentId'),
    },
    resolve: async (_root, { input }, context) => {
      const environment = (await context.loaders.environment.load(
        parseId(input.environmentId, 'input.environmentId'),
      ))!;
      const fields = jobFields(input);
      return auditedWrite(context, 'createJob', async (trx) => {
        const job = await insertJob(trx, {
          name: fields.name!,
          description: fields.description ?? '',
          steps: fields.steps!,
          schedule_cron: fields.schedule_cron ?? null,
          trigger_on_schedule: fields.trigger_on_schedule ?? 0,
          trigger_on_pull_request: fields.trigger_on_pull_request ?? 0,
          trigger_on_merge: fields.trigger_on_merge ?? 0,
          environment_id: environment.id,
          project_id: environment.project_id,
          now: context.now().toISOString(),
        });
        return {
          result: job,
          target: { type: 'Job', id: job.id, projectId: job.project_id, details: { ...input } },
        };
      });
    },
  }),
  updateJob: t.field({
    type: Job,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateJobInput, required: true }),
    },
    authz: {
      resource: 'jobs',
      action: 'write',
      project: (_root, { id }, context) => jobScope(id, context.loaders),
    },
    resolve: async (_root, { id, input }, context) => {
      const current = (await context.loaders.job.load(Number(id)))!;
      const fields = jobFields(input, current);
      if (input.environmentId != null) {
        // Moving a job writes in the target environment too; it must stay in its project.
        const target = await environmentScope(
          input.environmentId,
          context.loaders,
          'input.environmentId',
        );
        // An environment of another project answers exactly as a missing id would: its
        // existence is not confirmed to a token that may not see that project.
        if (target.projectId !== current.project_id) throw notFound(target.label);
        const allowed = authorizeInProject(principalOf(context), 'jobs', 'write', target);
        if (allowed !== true) throw allowed;
        fields.environment_id = parseId(input.environmentId, 'input.environmentId');
      }
      return auditedWrite(context, 'updateJob', async (trx) => {
        const job = await updateJob(trx, current.id, {
          ...fields,
          now: context.now().toISOString(),
        });
        return {
          result: job,
          target: { type: 'Job', id: job.id, projectId: job.project_id, details: { ...input } },
        };
      });
    },
  }),
  deleteJob: t.field({
    type: Job,
    description: 'Deletes the job and its run history; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'jobs',
      action: 'write',
      project: (_root, { id }, context) => jobScope(id, context.loaders),
    },
    resolve: async (_root, { id }, context) => {
      const job = (await context.loaders.job.load(Number(id)))!;
      return auditedWrite(context, 'deleteJob', async (trx) => {
        await deleteJob(trx, job.id);
        return {
          result: job,
          target: {
            type: 'Job',
            id: job.id,
            projectId: job.project_id,
            details: { name: job.name },
          },
        };
      });
    },
  }),
}));
