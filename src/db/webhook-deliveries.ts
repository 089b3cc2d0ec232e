import { randomBytes } from 'node:crypto';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { RunRow, RunStatus } from './tables/deployments.js';
import type { WebhookDeliveryRow } from './tables/runner.js';

// The webhook outbox. A run's status change writes one row per matching subscription and event
// in its own transaction (enqueueRunEvents); the delivery worker claims due rows one at a time
// (claimDueDelivery: compare-and-set, so two workers never hold the same row), sends, and records
// the outcome. Rows stay as the delivery log Webhook.deliveries reads.

export type WebhookEvent = 'job.run.started' | 'job.run.completed' | 'job.run.errored';

/** The events a run's move to `status` raises, as dbt Cloud raises them. */
export function eventsOfStatus(status: RunStatus): WebhookEvent[] {
  switch (status) {
    case 'running':
      return ['job.run.started'];
    case 'success':
    case 'cancelled':
      return ['job.run.completed'];
    case 'error':
      // dbt Cloud: "completed" is any finished run, failed or not; "errored" only failed ones.
      return ['job.run.completed', 'job.run.errored'];
    default:
      return [];
  }
}

/** dbt Cloud's run status names and codes (its API's `status` / `status_humanized`). */
const dbtRunStatus: Record<RunStatus, { name: string; code: number }> = {
  queued: { name: 'Queued', code: 1 },
  running: { name: 'Running', code: 3 },
  success: { name: 'Success', code: 10 },
  error: { name: 'Errored', code: 20 },
  cancelled: { name: 'Cancelled', code: 30 },
};

/** dbt Cloud's event ids are `wev_` and 27 characters; ours are random and as long. */
export function newEventId(): string {
  return `wev_${randomBytes(20).toString('base64url').slice(0, 27)}`;
}

interface RunContext {
  readonly accountId: number;
  readonly jobName: string;
  readonly environmentName: string;
  readonly dbtVersion: string;
  readonly projectName: string;
}

/**
 * The body dbt Cloud sends, field for field, so receivers written for it parse ours unchanged:
 * `eventId`, `eventType`, `webhooksID`, `webhookName`, `accountId`, `timestamp` and `data` with
 * the job, run, environment, project, status and times.
 */
export function runEventPayload(
  event: WebhookEvent,
  webhook: { id: number; name: string },
  run: RunRow,
  context: RunContext,
  eventId: string,
  timestamp: string,
): string {
  const status = dbtRunStatus[run.status];
  return JSON.stringify({
    accountId: context.accountId,
    webhooksID: String(webhook.id),
    eventId,
    timestamp,
    eventType: event,
    webhookName: webhook.name,
    data: {
      jobId: String(run.job_id),
      jobName: context.jobName,
      runId: String(run.id),
      environmentId: String(run.environment_id),
      environmentName: context.environmentName,
      dbtVersion: context.dbtVersion,
      projectName: context.projectName,
      projectId: String(run.project_id),
      runStatus: status.name,
      runStatusCode: status.code,
      runStatusMessage: run.error_message ?? 'None',
      runReason: run.cause,
      runStartedAt: run.started_at,
      ...(run.status === 'success' || run.status === 'cancelled'
        ? { runFinishedAt: run.finished_at }
        : {}),
      ...(run.status === 'error'
        ? { runFinishedAt: run.finished_at, runErroredAt: run.finished_at }
        : {}),
    },
  });
}

/**
 * Writes the deliveries a run's new status raises: one per active subscription of the account
 * that lists the event and covers the job. Call it in the transaction that changed the status,
 * so a change is never without its deliveries nor deliveries without the change. Returns how
 * many rows it wrote.
 */
export async function enqueueRunEvents(db: Db, run: RunRow, now: string): Promise<number> {
  const events = eventsOfStatus(run.status);
  if (events.length === 0) return 0;
  const context = await db
    .selectFrom('jobs as j')
    .innerJoin('environments as e', 'e.id', 'j.environment_id')
    .innerJoin('projects as p', 'p.id', 'j.project_id')
    .select([
      'p.account_id as accountId',
      'j.name as jobName',
      'e.name as environmentName',
      'e.dbt_version as dbtVersion',
      'p.name as projectName',
    ])
    .where('j.id', '=', run.job_id)
    .executeTakeFirst();
  if (!context) return 0;
  const webhooks = await db
    .selectFrom('webhooks as w')
    .select(['w.id', 'w.name', 'w.events'])
    .where('w.account_id', '=', context.accountId)
    .where('w.active', '=', 1)
    .where((eb) =>
      eb.or([
        eb('w.all_jobs', '=', 1),
        eb.exists(
          eb
            .selectFrom('webhook_jobs as wj')
            .select('wj.job_id')
            .whereRef('wj.webhook_id', '=', 'w.id')
            .where('wj.job_id', '=', run.job_id),
        ),
      ]),
    )
    .orderBy('w.id')
    .execute();
  const rows = webhooks.flatMap((webhook) =>
    events
      .filter((event) => webhook.events.split(',').includes(event))
      .map((event) => {
        const eventId = newEventId();
        return {
          webhook_id: webhook.id,
          run_id: run.id,
          event_id: eventId,
          event_type: event,
          payload: runEventPayload(event, webhook, run, context, eventId, now),
          status: 'pending' as const,
          next_attempt_at: now,
          created_at: now,
        };
      }),
  );
  if (rows.length > 0) await db.insertInto('webhook_deliveries').values(rows).execute();
  return rows.length;
}

/**
 * Claims one due delivery for `worker` until `lockedUntil`: a pending row whose time has come,
 * or a delivering row whose holder's lease ran out (it stopped mid-delivery). Compare-and-set on
 * the row's status and lease, so of two workers racing for one row exactly one gets it, on
 * SQLite and PostgreSQL alike. Undefined when nothing is due.
 */
export async function claimDueDelivery(
  db: Db,
  worker: string,
  now: string,
  lockedUntil: string,
): Promise<WebhookDeliveryRow | undefined> {
  for (let tries = 0; tries < 5; tries++) {
    const candidates = await db
      .selectFrom('webhook_deliveries')
      .select(['id', 'status', 'locked_until'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'delivering'), eb('locked_until', '<=', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(5)
      .execute();
    if (candidates.length === 0) return undefined;
    for (const candidate of candidates) {
      let update = db
        .updateTable('webhook_deliveries')
        .set({ status: 'delivering', locked_by: worker, locked_until: lockedUntil })
        .where('id', '=', candidate.id)
        .where('status', '=', candidate.status);
      update =
        candidate.locked_until === null
          ? update.where('locked_until', 'is', null)
          : update.where('locked_until', '=', candidate.locked_until);
      const claimed = await update.returningAll().executeTakeFirst();
      if (claimed) return claimed;
    }
  }
  return undefined;
}

/** The outcome of one attempt, recorded only while `worker` still holds the row. */
export async function recordDeliveryAttempt(
  db: Db,
  id: number,
  worker: string,
  outcome: {
    readonly status: 'delivered' | 'failed' | 'pending';
    readonly statusCode: number | null;
    readonly error: string | null;
    readonly durationMs: number;
    readonly attemptedAt: string;
    readonly nextAttemptAt?: string;
  },
): Promise<boolean> {
  const finished = outcome.status !== 'pending';
  const result = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', 1),
      last_status_code: outcome.statusCode,
      last_error: outcome.error,
      last_duration_ms: outcome.durationMs,
      last_attempt_at: outcome.attemptedAt,
      locked_by: null,
      locked_until: null,
      ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : {}),
      ...(finished ? { finished_at: outcome.attemptedAt } : {}),
    }))
    .where('id', '=', id)
    .where('locked_by', '=', worker)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The webhook's url and sealed secret, for the worker (deliveries of a deleted hook are gone). */
export async function findWebhookTarget(
  db: Db,
  webhookId: number,
): Promise<{ url: string; secret: string; active: number } | undefined> {
  return db
    .selectFrom('webhooks')
    .select(['url', 'secret', 'active'])
    .where('id', '=', webhookId)
    .executeTakeFirst();
}

/** The webhook's deliveries, newest first (the webhook was already found in the account). */
export async function listWebhookDeliveries(
  db: Db,
  webhookId: number,
  page: PageRequest,
): Promise<Page<WebhookDeliveryRow>> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (page.afterId !== null) query = query.where('id', '<', page.afterId);
  return toPage(
    await query
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countWebhookDeliveries(db: Db, webhookId: number): Promise<number> {
  const { count } = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('webhook_id', '=', webhookId)
    .executeTakeFirstOrThrow();
  return Number(count);
}
