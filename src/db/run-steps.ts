import { listsById } from './batch-loaders.js';
import type { Db } from './database.js';
import type { RunStepRow, RunStepStatus } from './tables/runner.js';

/** How much of a step's output is kept: the last 64 KiB (the end of a dbt log says what failed). */
export const maxStepLogBytes = 64 * 1024;

/** Makes the steps of a claimed run, all queued, from the job's commands. */
export async function insertRunSteps(
  db: Db,
  runId: number,
  commands: readonly string[],
): Promise<void> {
  if (commands.length === 0) return;
  await db
    .insertInto('run_steps')
    .values(
      commands.map((name, position) => ({
        run_id: runId,
        step_index: position + 1,
        name,
        status: 'queued' as const,
      })),
    )
    .execute();
}

/** The steps of each run, in order, keyed by run id (ids of runs already found in the account). */
export async function listStepsOfRuns(
  db: Db,
  runIds: readonly number[],
): Promise<Map<number, RunStepRow[]>> {
  const byRun = new Map<number, RunStepRow[]>();
  if (runIds.length === 0) return byRun;
  const rows = await db
    .selectFrom('run_steps')
    .selectAll()
    .where('run_id', 'in', runIds)
    .orderBy('run_id')
    .orderBy('step_index')
    .execute();
  for (const row of rows) {
    const list = byRun.get(row.run_id) ?? [];
    list.push(row);
    byRun.set(row.run_id, list);
  }
  return byRun;
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  /** By run id; only ever asked for runs already loaded through the account's scope. */
  stepsOfRun: listsById(listStepsOfRuns),
};

export async function findRunStep(
  db: Db,
  runId: number,
  stepIndex: number,
): Promise<RunStepRow | undefined> {
  return db
    .selectFrom('run_steps')
    .selectAll()
    .where('run_id', '=', runId)
    .where('step_index', '=', stepIndex)
    .executeTakeFirst();
}

/** The last `maxBytes` bytes of the text, cut at a character boundary (never half a UTF-8 sequence). */
export function tailOf(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - maxBytes;
  // Continuation bytes are 10xxxxxx: move to the start of the next whole character.
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}

/**
 * Changes a step: its status and times, and appends output to its log, keeping the last
 * `maxStepLogBytes` bytes. `mask` runs over the stored tail joined with the new output, so a
 * secret split between two reports is masked too. Read and write: call it inside a transaction.
 */
export async function updateRunStep(
  db: Db,
  step: RunStepRow,
  change: {
    status?: RunStepStatus;
    startedAt?: string;
    finishedAt?: string;
    errorMessage?: string | null;
    appendLog?: string;
    mask: (text: string) => string;
  },
): Promise<RunStepRow> {
  const appended = change.appendLog ?? '';
  return db
    .updateTable('run_steps')
    .set({
      ...(change.status ? { status: change.status } : {}),
      ...(change.startedAt ? { started_at: change.startedAt } : {}),
      ...(change.finishedAt ? { finished_at: change.finishedAt } : {}),
      ...(change.errorMessage !== undefined
        ? { error_message: change.errorMessage === null ? null : change.mask(change.errorMessage) }
        : {}),
      ...(appended.length > 0
        ? {
            logs: tailOf(change.mask(step.logs + appended), maxStepLogBytes),
            log_bytes: step.log_bytes + Buffer.byteLength(appended, 'utf8'),
          }
        : {}),
    })
    .where('id', '=', step.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Closes the steps of a run that ended early: a running step becomes `running` (cancelled, or
 * error when the runner gave up without saying), queued ones are skipped.
 */
export async function closeOpenSteps(
  db: Db,
  runId: number,
  running: 'cancelled' | 'error',
  now: string,
): Promise<void> {
  await db
    .updateTable('run_steps')
    .set({ status: running, finished_at: now })
    .where('run_id', '=', runId)
    .where('status', '=', 'running')
    .execute();
  await db
    .updateTable('run_steps')
    .set({ status: 'skipped' })
    .where('run_id', '=', runId)
    .where('status', '=', 'queued')
    .execute();
}
