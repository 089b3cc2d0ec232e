import { defaultQueryLimits, type QueryLimits } from './query-limits.js';

/**
 * The limits that keep hostile clients from exhausting the server; docs/security.md explains each.
 * src/config.ts reads their overrides from the environment.
 */
export interface Hardening {
  readonly queryLimits: QueryLimits;
  /** Queries over GET (mutations never). */
  readonly allowGet: boolean;
  /** The largest request body accepted on /graphql and /discovery/graphql. */
  readonly maxBodyBytes: number;
  /** The largest upload (dbt artifacts) accepted on /graphql/upload. */
  readonly maxUploadBytes: number;
  /** Requests per minute per token, unless the account's policy says otherwise. */
  readonly tokenRequestsPerMinute: number;
  /** Failed authentications per client address within `authFailureWindowMs` before it is refused. */
  readonly authFailuresPerAddress: number;
  readonly authFailureWindowMs: number;
  /** How long a request (headers and body included) may take before the server drops it. */
  readonly requestTimeoutMs: number;
}

export const defaultHardening: Hardening = {
  queryLimits: defaultQueryLimits,
  allowGet: false,
  maxBodyBytes: 1_000_000,
  maxUploadBytes: 256_000_000,
  tokenRequestsPerMinute: 3000,
  authFailuresPerAddress: 20,
  authFailureWindowMs: 5 * 60_000,
  requestTimeoutMs: 30_000,
};
