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
}

export interface InvitationGroupTable {
  invitation_id: number;
  group_id: number;
}

export type MemberRow = Selectable<MemberTable>;

export type GroupRow = Selectable<GroupTable>;

export type InvitationRow = Selectable<InvitationTable>;
