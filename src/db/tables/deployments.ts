// Tables of projects, environments, jobs, runs and the webhooks that follow them.

import type { Generated, Selectable } from 'kysely';
import type { Flag, Timestamp } from './columns.js';

export interface ProjectTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EnvironmentTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  type: 'development' | 'deployment';
  category: 'development' | 'staging' | 'production' | 'other';
  dbt_version: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface JobTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  name: string;
  description: string;
  /** JSON array of dbt commands. */
  steps: string;
  schedule_cron: string | null;
  trigger_on_schedule: Flag;
  trigger_on_pull_request: Flag;
  trigger_on_merge: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type RunStatus = 'queued' | 'running' | 'success' | 'error' | 'cancelled';

export interface RunTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  job_id: number;
  status: RunStatus;
  cause: string;
  triggered_by_token_id: number | null;
  git_branch: string | null;
  git_sha: string | null;
  error_message: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** The runner's token that claimed the run; null until claimed (or once that token is deleted). */
  runner_token_id: number | null;
}

export interface WebhookTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  url: string;
  /** Comma-separated event names. */
  events: string;
  all_jobs: Flag;
  active: Flag;
  /** The signing secret, sealed; never returned after creation or rotation. */
  secret: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookJobTable {
  webhook_id: number;
  job_id: number;
}

/** A run's artifact file as uploaded, gzip-compressed (served by the REST API's artifacts routes). */
export interface RunArtifactFileTable {
  run_id: number;
  /** The file's name in dbt's target/ directory, e.g. "manifest.json". */
  path: string;
  /** Bytes before compression. */
  size: number;
  content: Uint8Array;
  created_at: Timestamp;
}

export type ProjectRow = Selectable<ProjectTable>;

export type EnvironmentRow = Selectable<EnvironmentTable>;

export type JobRow = Selectable<JobTable>;

export type RunRow = Selectable<RunTable>;

export type WebhookRow = Selectable<WebhookTable>;
