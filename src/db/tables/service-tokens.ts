// Tables of service tokens, their grants and the account's token policy.

import type { Generated, Selectable } from 'kysely';
import type { Flag, Timestamp } from './columns.js';

export interface ServiceTokenTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** SHA-256 of the full token string, hex. The secret itself is never stored. */
  token_hash: string;
  /** Prefix and last four characters, enough to recognise a token in a list. */
  token_hint: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  created_by_token_id: number | null;
  /** Null: never expires. */
  expires_at: Timestamp | null;
  /** After a rotation, the replaced secret's hash, accepted until `previous_token_valid_until`. */
  previous_token_hash: string | null;
  previous_token_valid_until: Timestamp | null;
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  /** JSON array of the last few distinct client addresses, newest first. */
  recent_ips: Generated<string>;
  use_count: Generated<number>;
  /** Comma-separated CIDRs the token may be used from; empty: anywhere the account allows. */
  allowed_cidrs: Generated<string>;
}

export interface ServiceTokenPolicyTable {
  account_id: number;
  /** Null: tokens may live forever. */
  max_lifetime_seconds: number | null;
  updated_at: Timestamp;
  /** Requests per minute each token may make; null: the server's default. */
  requests_per_minute: number | null;
}

export interface ServiceTokenGrantTable {
  id: Generated<number>;
  service_token_id: number;
  permission_set: string;
  all_projects: Flag;
  /** Comma-separated categories (`development,production`, or `all`); empty for none. */
  writable_environment_categories: string;
}

export interface ServiceTokenGrantProjectTable {
  grant_id: number;
  project_id: number;
}

export type ServiceTokenRow = Selectable<ServiceTokenTable>;

export type ServiceTokenGrantRow = Selectable<ServiceTokenGrantTable>;

export type ServiceTokenPolicyRow = Selectable<ServiceTokenPolicyTable>;
