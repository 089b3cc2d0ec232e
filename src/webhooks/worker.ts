import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { WebhookDeliveryRow } from '../db/tables/runner.js';
import {
  claimDueDelivery,
  findWebhookTarget,
  recordDeliveryAttempt,
} from '../db/webhook-deliveries.js';
import type { Logger } from '../observability/logger.js';
import { OutboundError, type OutboundPolicy, safeFetch } from '../outbound/safe-fetch.js';
import type { SecretBox } from '../secrets.js';
import { webhookSignature } from './signature.js';

// The delivery worker: takes due rows of the outbox one at a time (a compare-and-set claim with a
// lease, so several gateways on one database never hold the same row), POSTs the stored body
// signed with the webhook's secret, and records the outcome. 5xx, 429, timeouts and network
// failures are retried with exponential backoff up to `maxAttempts`; any other answer (4xx, a
// redirect) and a refused target are final. Everything is in the database: a gateway that stops
// mid-delivery leaves a lease that runs out, and the row is taken again.

export interface DeliverySettings {
  /** Attempts in all, the first included (dbt Cloud: the first and five retries). */
  readonly maxAttempts: number;
  /** Delay before the first retry; each further one doubles it, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How often the worker looks for due deliveries. */
  readonly pollIntervalMs: number;
  /** The SSRF policy targets are reached under (its timeout is the attempt's deadline). */
  readonly outbound: OutboundPolicy;
}

export const defaultDeliverySettings: DeliverySettings = {
  maxAttempts: 6,
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
  pollIntervalMs: 1_000,
  outbound: { timeoutMs: 10_000, maxResponseBytes: 16 * 1024 },
};

export interface DeliveryWorker {
  /** Sends every delivery due now; how many attempts it made. */
  runOnce(): Promise<number>;
  /** Starts polling. */
  start(): void;
  /** Stops polling and waits for the attempt in progress. */
  stop(): Promise<void>;
}

/** The wait before retry number `attempt` (1 = the first retry). */
export function backoffDelay(settings: DeliverySettings, attempt: number): number {
  return Math.min(settings.baseDelayMs * 2 ** (attempt - 1), settings.maxDelayMs);
}

type Outcome = { readonly statusCode: number | null; readonly error: string | null } & (
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry' }
  | { readonly kind: 'final' }
);

function outcomeOfStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', statusCode: status, error: null };
  const error = `The receiver answered ${status}.`;
  if (status >= 500 || status === 429 || status === 408)
    return { kind: 'retry', statusCode: status, error };
  return {
    kind: 'final',
    statusCode: status,
    error: status >= 300 && status < 400 ? `${error} Redirects are not followed.` : error,
  };
}

function outcomeOfError(error: unknown): Outcome {
  if (!(error instanceof OutboundError))
    return { kind: 'retry', statusCode: null, error: 'The request failed.' };
  const retryable =
    error.code === 'timeout' || error.code === 'network' || error.code === 'resolution_failed';
  return { kind: retryable ? 'retry' : 'final', statusCode: null, error: error.message };
}

export function createDeliveryWorker(options: {
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly settings?: Partial<DeliverySettings>;
  readonly logger?: Logger;
  readonly now?: () => Date;
}): DeliveryWorker {
  const settings: DeliverySettings = { ...defaultDeliverySettings, ...options.settings };
  const timeoutMs = settings.outbound.timeoutMs ?? 10_000;
  // Longer than any attempt can take, so a live worker's row is never taken from it.
  const leaseMs = timeoutMs * 2 + 5_000;
  const now = options.now ?? (() => new Date());
  const workerId = `worker_${randomBytes(9).toString('base64url')}`;
  const { db, secrets, logger } = options;

  async function attempt(delivery: WebhookDeliveryRow): Promise<Outcome> {
    const target = await findWebhookTarget(db, delivery.webhook_id);
    if (!target) return { kind: 'final', statusCode: null, error: 'The webhook was deleted.' };
    if (target.active !== 1)
      return { kind: 'final', statusCode: null, error: 'The webhook is inactive.' };
    try {
      const response = await safeFetch(
        target.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: webhookSignature(delivery.payload, secrets.open(target.secret)),
            'user-agent': 'Tollgate-Webhooks/1',
          },
          body: delivery.payload,
        },
        settings.outbound,
      );
      return outcomeOfStatus(response.status);
    } catch (error) {
      return outcomeOfError(error);
    }
  }

  async function deliverOne(): Promise<boolean> {
    const started = now();
    const claimed = await claimDueDelivery(
      db,
      workerId,
      started.toISOString(),
      new Date(started.getTime() + leaseMs).toISOString(),
    );
    if (!claimed) return false;
    const clock = performance.now();
    const outcome = await attempt(claimed);
    const durationMs = Math.round(performance.now() - clock);
    const attempts = claimed.attempts + 1;
    const retry = outcome.kind === 'retry' && attempts < settings.maxAttempts;
    const finished = now();
    const recorded = await recordDeliveryAttempt(db, claimed.id, workerId, {
      status: outcome.kind === 'delivered' ? 'delivered' : retry ? 'pending' : 'failed',
      statusCode: outcome.statusCode,
      error: outcome.error,
      durationMs,
      attemptedAt: started.toISOString(),
      ...(retry
        ? {
            nextAttemptAt: new Date(
              finished.getTime() + backoffDelay(settings, attempts),
            ).toISOString(),
          }
        : {}),
    });
    if (!recorded)
      logger?.warn({ deliveryId: claimed.id }, 'A webhook delivery outlived its lease');
    else if (outcome.kind !== 'delivered')
      logger?.info(
        { deliveryId: claimed.id, attempts, statusCode: outcome.statusCode, retry },
        `Webhook delivery failed: ${outcome.error}`,
      );
    return true;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  async function runOnce(): Promise<number> {
    let count = 0;
    // Bounded per round, so one round never runs for ever while new rows keep arriving.
    while (count < 100 && (await deliverOne())) count++;
    return count;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => {
          logger?.error({ err: error }, 'The webhook delivery worker failed a round');
          return 0;
        })
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, settings.pollIntervalMs);
    timer.unref();
  }

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
