import { auditedWrite } from '../audit.js';
import { requireCallerToken } from '../auth/principal.js';
import { authorizeInProject } from '../auth/rules.js';
import { environmentScope, parentProject, runScope } from '../auth/scopes.js';
import { allowsInProject, coversProject } from '../catalog/access.js';
import { type Context, principalOf } from '../context.js';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/database.js';
import {
  claimQueuedRun,
  listEnvironmentVariableValues,
  listQueuedRunCandidates,
} from '../db/run-claims.js';
import { findRunStep, insertRunSteps, updateRunStep } from '../db/run-steps.js';
import type { RunRow } from '../db/tables/deployments.js';
import type { RunStepRow, RunStepStatus } from '../db/tables/runner.js';
import { enqueueRunEvents } from '../db/webhook-deliveries.js';
import { badUserInput } from '../errors.js';
import { parseId } from '../ids.js';
import type { SecretBox } from '../secrets.js';
import { builder } from './builder.js';
import { Run, RunStatusEnum } from './run.js';
import { RunStep, RunStepStatusEnum } from './run-steps.js';

// What a runner does through the API: claim the oldest queued run it may write (claimRun), report
// each step's progress and output (reportRunStep), then upload the artifacts
// (uploadRunArtifacts) and set the outcome (updateRunStatus). Claiming and reporting need
// `runs` write in the run's environment category, as triggering does; the custom variables come
// with a claim only for a token that may read them (`custom_env_vars` read).

/** Output of one report: at most 256 KiB (a runner sends its output every second or so). */
export const maxReportedLogBytes = 256 * 1024;
/** How secret values appear in stored logs. */
export const maskedSecret = '*****';
/** Queued runs looked at per query while searching for one the token may claim. */
const candidateBatch = 50;

interface ClaimedRunShape {
  readonly run: RunRow;
  readonly commands: readonly string[];
  readonly dbtVersion: string;
}

interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
  readonly isSecret: boolean;
}

/** The values of the environment's custom variables, secrets opened. */
async function environmentVariables(
  db: Db,
  secrets: SecretBox,
  run: RunRow,
): Promise<EnvironmentVariable[]> {
  const values = await listEnvironmentVariableValues(db, run.project_id, run.environment_id);
  return values.map((variable) =>
    variable.value_sealed !== null
      ? { name: variable.name, value: secrets.open(variable.value_sealed), isSecret: true }
      : { name: variable.name, value: variable.value!, isSecret: false },
  );
}

/** Replaces every secret value of the run's environment in the text (longest first). */
export async function secretMask(
  db: Db,
  secrets: SecretBox,
  run: RunRow,
): Promise<(text: string) => string> {
  const hidden = (await environmentVariables(db, secrets, run))
    .filter((variable) => variable.isSecret && variable.value.length > 0)
    .map((variable) => variable.value)
    .sort((a, b) => b.length - a.length);
  if (hidden.length === 0) return (text) => text;
  return (text) => hidden.reduce((masked, secret) => masked.split(secret).join(maskedSecret), text);
}

const RunEnvironmentVariable = builder
  .objectRef<EnvironmentVariable>('RunEnvironmentVariable')
  .implement({
    description:
      "A custom variable's value in the run's environment (its override there, else the project default).",
    fields: (t) => ({
      name: t.exposeString('name', { nullable: false }),
      value: t.exposeString('value', {
        nullable: false,
        description: 'Secret values too: the runner needs them. It must not log them.',
      }),
      isSecret: t.exposeBoolean('isSecret', { nullable: false }),
    }),
  });

const ClaimedRun = builder.objectRef<ClaimedRunShape>('ClaimedRun').implement({
  description: 'A run a runner has claimed (now running): what to execute and with what.',
  fields: (t) => ({
    run: t.field({
      type: Run,
      nullable: false,
      authz: {
        resource: 'runs',
        action: 'read',
        project: parentProject(
          (claimed) => claimed.run.project_id,
          (claimed) => `Run ${claimed.run.id}`,
        ),
      },
      resolve: (claimed) => claimed.run,
    }),
    commands: t.stringList({
      nullable: false,
      description: "The job's dbt commands, in order: one step each.",
      authz: 'parent',
      resolve: (claimed) => [...claimed.commands],
    }),
    dbtVersion: t.exposeString('dbtVersion', {
      nullable: false,
      description: "The environment's dbt version.",
    }),
    environmentVariables: t.field({
      type: [RunEnvironmentVariable],
      // Nullable: a token without custom_env_vars read still gets its claim, with this field
      // refused (FORBIDDEN) rather than the whole claim lost.
      nullable: true,
      description:
        "The custom variables of the run's environment, secrets included; needs custom_env_vars read in the project.",
      authz: {
        resource: 'custom_env_vars',
        action: 'read',
        project: parentProject(
          (claimed) => claimed.run.project_id,
          (claimed) => `Run ${claimed.run.id}`,
        ),
      },
      resolve: (claimed, _args, context) =>
        environmentVariables(context.db, context.secrets, claimed.run),
    }),
  }),
});

const ClaimRunInput = builder.inputType('ClaimRunInput', {
  description: 'Which queued runs this runner takes.',
  fields: (t) => ({
    environmentIds: t.idList({
      required: true,
      description:
        'Only runs of these environments; each must be one the token may write runs in (FORBIDDEN otherwise).',
    }),
  }),
});

const maxClaimEnvironments = 100;

/** Claims the oldest queued run the token may write; undefined when there is none. */
async function claimNextRun(
  context: Context,
  filter: { environmentIds: number[] | null },
): Promise<ClaimedRunShape | undefined> {
  const principal = principalOf(context);
  const runner = requireCallerToken(principal, 'Claiming runs');
  const now = context.now().toISOString();
  let afterId = 0;
  for (;;) {
    const candidates = await listQueuedRunCandidates(
      context.db,
      principal.account.id,
      filter,
      afterId,
      candidateBatch,
    );
    if (candidates.length === 0) return undefined;
    for (const candidate of candidates) {
      afterId = candidate.id;
      const scope = { projectId: candidate.project_id, environmentCategory: candidate.category };
      if (!coversProject(principal.access, scope.projectId)) continue;
      if (!allowsInProject(principal.access, 'runs', 'write', scope)) continue;
      const claimed = await auditedWrite(context, 'claimRun', async (trx) => {
        const run = await claimQueuedRun(trx, candidate.id, runner.id, now);
        // Another runner (or a cancel) was first: nothing written, try the next one.
        if (!run) throw new LostRace();
        const job = await trx
          .selectFrom('jobs')
          .innerJoin('environments', 'environments.id', 'jobs.environment_id')
          .select(['jobs.steps', 'environments.dbt_version'])
          .where('jobs.id', '=', run.job_id)
          .executeTakeFirstOrThrow();
        const commands = JSON.parse(job.steps) as string[];
        await insertRunSteps(trx, run.id, commands);
        await enqueueRunEvents(trx, run, now);
        return {
          result: { run, commands, dbtVersion: job.dbt_version },
          target: {
            type: 'Run',
            id: run.id,
            projectId: run.project_id,
            details: { from: 'queued', to: 'running', steps: commands.length },
          },
        };
      }).catch((error: unknown) => {
        if (error instanceof LostRace) return undefined;
        throw error;
      });
      if (claimed) return claimed;
    }
  }
}

/** Thrown inside the claim's transaction to roll it back when the run was taken meanwhile. */
class LostRace extends Error {}

const ReportRunStepInput = builder.inputType('ReportRunStepInput', {
  fields: (t) => ({
    index: t.int({ required: true, description: '1-based position of the step.' }),
    status: t.field({
      type: RunStepStatusEnum,
      description: 'The new status: running, then success, error or cancelled.',
    }),
    log: t.string({
      description: `Output to append (at most ${maxReportedLogBytes} bytes); secret values are masked before storing.`,
    }),
    errorMessage: t.string({ description: 'Why the step failed.' }),
  }),
});

interface StepReportShape {
  readonly step: RunStepRow;
  readonly run: RunRow;
}

const RunStepReport = builder.objectRef<StepReportShape>('RunStepReport').implement({
  description:
    "The step as stored, and the run's status: a runner stops the step when it reads cancelled.",
  fields: (t) => ({
    step: t.field({
      type: RunStep,
      nullable: false,
      authz: 'parent',
      resolve: (report) => report.step,
    }),
    runStatus: t.field({
      type: RunStatusEnum,
      nullable: false,
      authz: 'parent',
      resolve: (report) => report.run.status,
    }),
  }),
});

/** Where a step may go from each status. */
const stepTransitions: Record<RunStepStatus, readonly RunStepStatus[]> = {
  queued: ['running', 'skipped', 'cancelled'],
  running: ['success', 'error', 'cancelled'],
  success: [],
  error: [],
  cancelled: [],
  skipped: [],
};

builder.mutationFields((t) => ({
  claimRun: t.field({
    type: ClaimedRun,
    description:
      'For runners: moves the oldest queued run the token may write (runs write in its environment category) to running, and returns what to execute. Null when none is queued. Two runners never get the same run.',
    args: { input: t.arg({ type: ClaimRunInput, required: true }) },
    // The first listed environment is located like any object argument (NOT_FOUND outside the
    // token's projects, FORBIDDEN where it may not write runs); the resolver checks the others.
    authz: {
      resource: 'runs',
      action: 'write',
      project: (_root, { input }, context) =>
        environmentScope(input.environmentIds[0] ?? '', context.loaders, 'input.environmentIds'),
    },
    resolve: async (_root, { input }, context) => {
      const listed = input.environmentIds;
      if (listed.length > maxClaimEnvironments)
        throw badUserInput(
          `environmentIds lists at most ${maxClaimEnvironments} environments.`,
          'input.environmentIds',
        );
      // Each listed environment is checked as if the run were triggered there: NOT_FOUND outside
      // the token's projects, FORBIDDEN where it may not write runs.
      const principal = principalOf(context);
      for (const id of listed) {
        const allowed = authorizeInProject(
          principal,
          'runs',
          'write',
          await environmentScope(id, context.loaders, 'input.environmentIds'),
        );
        if (allowed !== true) throw allowed;
      }
      const claimed = await claimNextRun(context, {
        environmentIds:
          listed.length > 0 ? listed.map((id) => parseId(id, 'input.environmentIds')) : null,
      });
      return claimed ?? null;
    },
  }),
  reportRunStep: t.field({
    type: RunStepReport,
    nullable: false,
    description:
      "For runners: a step's progress and output, on a run this token claimed. Answers the run's status, so the runner learns of a cancel.",
    args: {
      runId: t.arg.id({ required: true }),
      input: t.arg({ type: ReportRunStepInput, required: true }),
    },
    authz: {
      resource: 'runs',
      action: 'write',
      project: (_root, { runId }, context) => runScope(runId, context.loaders, 'runId'),
    },
    resolve: async (_root, { runId, input }, context) => {
      const principal = principalOf(context);
      const run = (await context.loaders.run.load(parseId(runId, 'runId')))!;
      if (run.runner_token_id !== requireCallerToken(principal, 'Reporting run steps').id)
        throw badUserInput(`Run ${run.id} was not claimed by this token.`, 'runId');
      // A cancelled run still takes the last output of the step it stopped.
      if (run.status !== 'running' && run.status !== 'cancelled')
        throw badUserInput(`Run ${run.id} is ${run.status}: nothing more is reported.`, 'runId');
      const log = input.log ?? '';
      if (Buffer.byteLength(log, 'utf8') > maxReportedLogBytes)
        throw badUserInput(
          `log takes at most ${maxReportedLogBytes} bytes per report; send the rest in the next one.`,
          'input.log',
        );
      const step = await findRunStep(context.db, run.id, input.index);
      if (!step) throw badUserInput(`Run ${run.id} has no step ${input.index}.`, 'input.index');
      const status = input.status ?? undefined;
      if (status !== undefined && status !== step.status) {
        if (!stepTransitions[step.status].includes(status))
          throw badUserInput(`A ${step.status} step cannot become ${status}.`, 'input.status');
        if (run.status === 'cancelled' && status !== 'cancelled' && status !== 'error')
          throw badUserInput(`Run ${run.id} was cancelled.`, 'input.status');
      }
      const mask = await secretMask(context.db, context.secrets, run);
      const now = context.now().toISOString();
      const change = {
        ...(status !== undefined && status !== step.status ? { status } : {}),
        ...(status === 'running' && !step.started_at ? { startedAt: now } : {}),
        ...(status !== undefined && status !== 'running' && stepTransitions[status].length === 0
          ? { finishedAt: now }
          : {}),
        ...(input.errorMessage != null ? { errorMessage: input.errorMessage } : {}),
        appendLog: log,
        mask,
      };
      // A status change is audited; output alone is not (a runner sends it every second or
      // so, and the log itself is the record of it).
      // Nothing but a heartbeat: the runner asks for the run's status (has it been cancelled?).
      if (change.status === undefined && log.length === 0 && input.errorMessage == null)
        return { step, run };
      if (change.status === undefined) {
        const updated = await inTransaction(context.db, (trx) => updateRunStep(trx, step, change));
        return { step: updated, run };
      }
      const updated = await auditedWrite(context, 'reportRunStep', async (trx) => ({
        result: await updateRunStep(trx, step, change),
        target: {
          type: 'Run',
          id: run.id,
          projectId: run.project_id,
          details: { step: step.step_index, from: step.status, to: change.status },
        },
      }));
      return { step: updated, run };
    },
  }),
}));
