// Tables of people: members, groups and their grants, invitations.

import type { Generated, Selectable } from 'kysely';
import type { Flag, Timestamp } from './columns.js';

export type LicenseType = 'developer' | 'read_only' | 'it';

export interface MemberTable {
  id: Generated<number>;
  account_id: number;
  /** Lower-cased. */
  email: string;
  name: string;
  /** Null: the member holds no seat. */
  license_type: LicenseType | null;
  created_at: Timestamp;
}

export interface GroupTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupGrantTable {
  id: Generated<number>;
  group_id: number;
  permission_set: string;
  all_projects: Flag;
  /** Comma-separated categories, as in service_token_grants. */
  writable_environment_categories: string;
}

export interface GroupGrantProjectTable {
  grant_id: number;
  project_id: number;
}

export interface GroupMemberTable {
  group_id: number;
  member_id: number;
}

export interface InvitationTable {
  id: Generated<number>;
  account_id: number;
  /** Lower-cased. */
  email: string;
  /** `expired` is derived: pending and past expires_at. */
  status: 'pending' | 'revoked';
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  invited_by_token_id: number | null;
  /** The seat accepting it takes (default developer). */
  license_type: Generated<LicenseType>;
}

export interface InvitationGroupTable {
  invitation_id: number;
  group_id: number;
}

/** A member's signed-in browser: the cookie holds a random secret, the row only its hash. */
export interface MemberSessionTable {
  id: Generated<number>;
  account_id: number;
  member_id: number;
  secret_hash: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  /** The absolute end, whatever the activity. */
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  client_ip: string | null;
}

/** A single sign-on in flight: what the callback must find again (state, nonce, PKCE verifier). */
export interface SignInAttemptTable {
  id: Generated<number>;
  account_id: number;
  /** Hash of the cookie value binding the attempt to the browser that started it. */
  secret_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type MemberSessionRow = Selectable<MemberSessionTable>;

export type SignInAttemptRow = Selectable<SignInAttemptTable>;

export type MemberRow = Selectable<MemberTable>;

export type GroupRow = Selectable<GroupTable>;

export type InvitationRow = Selectable<InvitationTable>;
