import { defaultQueryLimits, type QueryLimits } from './query-limits.js';

/** The limits that keep hostile clients from exhausting the server; docs/security.md explains each. */
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

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not "${raw}".`);
  return value;
}

/** The hardening settings, each overridable by an environment variable (docs/security.md). */
export function hardeningFromEnv(env: NodeJS.ProcessEnv, allowGet: boolean): Hardening {
  const limits = defaultHardening.queryLimits;
  return {
    queryLimits: {
      maxDepth: positiveInteger(env, 'TOLLGATE_MAX_DEPTH', limits.maxDepth),
      maxAliases: positiveInteger(env, 'TOLLGATE_MAX_ALIASES', limits.maxAliases),
      maxTokens: positiveInteger(env, 'TOLLGATE_MAX_TOKENS', limits.maxTokens),
      maxDirectives: positiveInteger(env, 'TOLLGATE_MAX_DIRECTIVES', limits.maxDirectives),
      maxRootFields: positiveInteger(env, 'TOLLGATE_MAX_ROOT_FIELDS', limits.maxRootFields),
      maxCost: positiveInteger(env, 'TOLLGATE_MAX_COST', limits.maxCost),
    },
    allowGet,
    maxBodyBytes: positiveInteger(env, 'TOLLGATE_MAX_BODY_BYTES', defaultHardening.maxBodyBytes),
    maxUploadBytes: positiveInteger(env, 'TOLLGATE_MAX_UPLOAD_BYTES', defaultHardening.maxUploadBytes),
    tokenRequestsPerMinute: positiveInteger(env, 'TOLLGATE_TOKEN_REQUESTS_PER_MINUTE', defaultHardening.tokenRequestsPerMinute),
    authFailuresPerAddress: positiveInteger(env, 'TOLLGATE_AUTH_FAILURES_PER_ADDRESS', defaultHardening.authFailuresPerAddress),
    authFailureWindowMs: defaultHardening.authFailureWindowMs,
    requestTimeoutMs: positiveInteger(env, 'TOLLGATE_REQUEST_TIMEOUT_MS', defaultHardening.requestTimeoutMs),
  };
}
