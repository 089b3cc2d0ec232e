// Tables of least privilege: the permissions tokens used, the account's policy, expiry warnings.

import type { Selectable } from 'kysely';
import type { Timestamp } from './columns.js';

export interface PermissionUsageTable {
  token_id: number;
  resource: string;
  action: string;
  /** 0: account-level, or used across every project the token reaches. */
  project_id: number;
  first_used_at: Timestamp;
  last_used_at: Timestamp;
  use_count: number;
}

export interface LeastPrivilegePolicyTable {
  account_id: number;
  usage_retention_days: number;
  /** Null: off. */
  revoke_unused_after_days: number | null;
  /** Null: off. */
  expiry_warning_days: number | null;
  usage_recorded_since: Timestamp;
  updated_at: Timestamp | null;
}

export interface TokenExpiryWarningTable {
  token_id: number;
  expires_at: Timestamp;
  warned_at: Timestamp;
}

export type PermissionUsageRow = Selectable<PermissionUsageTable>;
export type LeastPrivilegePolicyRow = Selectable<LeastPrivilegePolicyTable>;
