// Tables of the deployment rather than of an account: what the instances sharing one database
// agree on (rate-limit counters, the fingerprint of their secret key).

import type { Selectable } from 'kysely';
import type { Timestamp } from './columns.js';

export interface RateLimitWindowTable {
  /** Which limiter counts here (`tokens`, `auth-failures`, `leak-reports`). */
  limiter: string;
  /** What it counts per: a client address, a token id. */
  key: string;
  count: number;
  expires_at: Timestamp;
}

export interface SecretKeyFingerprintTable {
  /** Always 1: one row. */
  id: number;
  /** HMAC-SHA256 of a constant under the key, hex; never the key. */
  fingerprint: string;
  recorded_at: Timestamp;
}

export type SecretKeyFingerprintRow = Selectable<SecretKeyFingerprintTable>;

export interface DataVersionTable {
  /** Always 1: one row. */
  id: number;
  /** Advanced by every write to account data; response cache keys carry it. */
  version: number;
}
