// Tables of the account itself: settings, billing, sign-in provider, IP rules, audit log.

import type { Generated, Insertable, Selectable } from 'kysely';
import type { Flag, Timestamp } from './columns.js';

export interface AccountTable {
  id: Generated<number>;
  name: string;
  plan: 'team' | 'enterprise';
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  account_id: number;
  occurred_at: Timestamp;
  actor_token_id: number | null;
  /** The member whose session made the request (no foreign key: kept after the member goes). */
  actor_member_id: number | null;
  /** The mutation (`createServiceToken`) or event (`authenticate`). */
  action: string;
  target_type: string | null;
  target_id: string | null;
  project_id: number | null;
  outcome: 'success' | 'denied' | 'failed';
  client_ip: string | null;
  /** JSON object; never secrets. */
  details: string;
}

/**
 * Refusals of a valid token by address, counted per token, window and refusing rule set
 * (`account` restrictions or the `token`'s allowlist); `audit_entry_id` is the one audit entry
 * they stand for.
 */
export interface AuthenticationRefusalTable {
  id: Generated<number>;
  account_id: number;
  token_id: number;
  window_start: Timestamp;
  refused_by: 'account' | 'token';
  audit_entry_id: number | null;
  refusals: number;
  last_refused_at: Timestamp;
  last_client_ip: string | null;
}

export interface IpRestrictionRuleTable {
  id: Generated<number>;
  account_id: number;
  kind: 'allow' | 'deny';
  cidr: string;
  description: string;
  created_at: Timestamp;
}

export interface AccountSettingsTable {
  account_id: number;
  default_dbt_version: string;
  run_slots: number;
  schedule_timezone: string;
  updated_at: Timestamp;
}

export interface AccountBillingTable {
  account_id: number;
  billing_email: string | null;
  developer_seats: number;
  read_only_seats: number;
  it_seats: number;
  updated_at: Timestamp;
}

export type AuthProviderType = 'none' | 'saml' | 'oidc';

export interface AuthProviderTable {
  account_id: number;
  type: AuthProviderType;
  enabled: Flag;
  login_slug: string | null;
  saml_metadata_url: string | null;
  saml_entity_id: string | null;
  oidc_issuer_url: string | null;
  oidc_client_id: string | null;
  /** Sealed with the secret box; never returned by the API. */
  oidc_client_secret: string | null;
  updated_at: Timestamp;
}

export type AccountRow = Selectable<AccountTable>;

export type NewAccount = Insertable<AccountTable>;

export type AuditEntryRow = Selectable<AuditLogTable>;

export type NewAuditEntry = Insertable<AuditLogTable>;

export type IpRestrictionRuleRow = Selectable<IpRestrictionRuleTable>;

export type AccountSettingsRow = Selectable<AccountSettingsTable>;

export type AccountBillingRow = Selectable<AccountBillingTable>;

export type AuthProviderRow = Selectable<AuthProviderTable>;
