// Tables of what runners report (the steps of a run and their logs) and of the webhook deliveries
// that follow a run's status changes.

import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from './columns.js';

export type RunStepStatus = 'queued' | 'running' | 'success' | 'error' | 'cancelled' | 'skipped';

export interface RunStepTable {
  id: Generated<number>;
  run_id: number;
  /** 1-based position in the job's steps. */
  step_index: number;
  /** The dbt command, as stored on the job when the run was claimed. */
  name: string;
  status: RunStepStatus;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** The last bytes of the step's output, secrets masked (bounded by src/db/run-steps.ts). */
  logs: Generated<string>;
  /** Every byte the runner reported for the step, kept or not. */
  log_bytes: Generated<number>;
  error_message: string | null;
}

export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

export interface WebhookDeliveryTable {
  id: Generated<number>;
  webhook_id: number;
  run_id: number | null;
  event_id: string;
  event_type: string;
  /** The JSON body, exactly as sent on every attempt. */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  locked_by: string | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  last_attempt_at: Timestamp | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export type RunStepRow = Selectable<RunStepTable>;

export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
