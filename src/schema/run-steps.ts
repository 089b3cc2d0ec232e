import { parentProject } from '../auth/scopes.js';
import { maxStepLogBytes, tailOf } from '../db/run-steps.js';
import type { RunStepRow } from '../db/tables/runner.js';
import { badUserInput } from '../errors.js';
import { builder } from './builder.js';
import { Run } from './run.js';
import { DateTime } from './scalars.js';

export const RunStepStatusEnum = builder.enumType('RunStepStatus', {
  values: {
    queued: { description: 'Not started yet.' },
    running: {},
    success: {},
    error: {},
    cancelled: { description: 'Stopped by a cancel of the run.' },
    skipped: { description: 'Never ran: an earlier step failed, or the run was cancelled.' },
  } as const,
});

const defaultTailBytes = 4096;

export const RunStep = builder.objectRef<RunStepRow>('RunStep').implement({
  description: `One dbt command of a run, as a runner executes it, with the last ${maxStepLogBytes / 1024} KiB of its output (secret variable values masked).`,
  fields: (t) => ({
    index: t.exposeInt('step_index', { nullable: false, description: '1-based position.' }),
    name: t.exposeString('name', { nullable: false, description: 'The dbt command.' }),
    status: t.expose('status', { type: RunStepStatusEnum, nullable: false }),
    startedAt: t.expose('started_at', { type: DateTime }),
    finishedAt: t.expose('finished_at', { type: DateTime }),
    durationSeconds: t.float({
      description: 'From start to finish, once finished.',
      authz: 'parent',
      resolve: (step) =>
        step.started_at && step.finished_at
          ? (Date.parse(step.finished_at) - Date.parse(step.started_at)) / 1000
          : null,
    }),
    errorMessage: t.exposeString('error_message', {
      description: 'Why the step failed, as the runner reported it.',
    }),
    logs: t.exposeString('logs', {
      nullable: false,
      description: `The stored output: its last ${maxStepLogBytes} bytes.`,
    }),
    logTail: t.string({
      nullable: false,
      description: `The last bytes of the stored output (default ${defaultTailBytes}).`,
      args: { bytes: t.arg.int({ description: `1 to ${maxStepLogBytes}.` }) },
      authz: 'parent',
      resolve: (step, { bytes }) => {
        const wanted = bytes ?? defaultTailBytes;
        if (wanted < 1 || wanted > maxStepLogBytes)
          throw badUserInput(`bytes must be from 1 to ${maxStepLogBytes}.`, 'bytes');
        return tailOf(step.logs, wanted);
      },
    }),
    logBytes: t.exposeInt('log_bytes', {
      nullable: false,
      description: 'Bytes of output the runner reported, kept or not.',
    }),
    logTruncated: t.boolean({
      nullable: false,
      description: 'Whether more output was reported than is kept, so its beginning was dropped.',
      authz: 'parent',
      resolve: (step) => step.log_bytes > maxStepLogBytes,
    }),
  }),
});

builder.objectField(Run, 'steps', (t) =>
  t.field({
    type: [RunStep],
    nullable: false,
    description:
      'The steps of the run in order, with their logs; empty until a runner claims the run.',
    authz: {
      resource: 'runs',
      action: 'read',
      project: parentProject(
        (run) => run.project_id,
        (run) => `Run ${run.id}`,
      ),
    },
    resolve: (run, _args, context) => context.loaders.stepsOfRun.load(run.id),
  }),
);
