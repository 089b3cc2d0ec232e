import { byId, listsById } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { GroupRow, InvitationRow, LicenseType } from './tables/people.js';

/** Inserts an invitation with its groups. Several statements: call it inside a transaction. */
export async function insertInvitation(
  db: Db,
  invitation: {
    accountId: number;
    email: string;
    groupIds: readonly number[];
    now: string;
    expiresAt: string;
    invitedByTokenId: number | null;
    /** The seat accepting it takes. */
    licenseType: LicenseType;
  },
): Promise<InvitationRow> {
  const row = await db
    .insertInto('invitations')
    .values({
      account_id: invitation.accountId,
      email: invitation.email,
      status: 'pending',
      created_at: invitation.now,
      expires_at: invitation.expiresAt,
      invited_by_token_id: invitation.invitedByTokenId,
      license_type: invitation.licenseType,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (invitation.groupIds.length > 0) {
    await db
      .insertInto('invitation_groups')
      .values(invitation.groupIds.map((groupId) => ({ invitation_id: row.id, group_id: groupId })))
      .execute();
  }
  return row;
}

/** The account's invitations with these ids (others are silently absent). */
export async function findInvitationsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<InvitationRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

/** A pending invitation of the email that has not expired at `now`. */
export async function findOpenInvitationByEmail(
  db: Db,
  accountId: number,
  email: string,
  now: string,
): Promise<InvitationRow | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('email', '=', email)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Whether the email has an invitation that was pending and has expired by `now`. */
export async function hasExpiredInvitation(
  db: Db,
  accountId: number,
  email: string,
  now: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('invitations')
    .select('id')
    .where('account_id', '=', accountId)
    .where('email', '=', email)
    .where('status', '=', 'pending')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Consumes a pending invitation as it is accepted: deletes it (its groups go with it) and
 * returns the ids of those groups. Undefined when it was no longer there (accepted by a
 * concurrent sign-in, revoked): an invitation is accepted once.
 */
export async function consumeInvitation(
  db: Db,
  accountId: number,
  id: number,
): Promise<number[] | undefined> {
  const groups = await db
    .selectFrom('invitation_groups')
    .select('group_id')
    .where('invitation_id', '=', id)
    .execute();
  const deleted = await db
    .deleteFrom('invitations')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) return undefined;
  return groups.map((row) => row.group_id);
}

export type InvitationState = 'pending' | 'revoked' | 'expired';

/** Invitations in one state at `now` (expired = pending and past its expiry), or all. */
export interface InvitationFilter {
  readonly state: InvitationState | null;
  readonly now: string;
}

function filtered(db: Db, accountId: number, { state, now }: InvitationFilter) {
  let query = db.selectFrom('invitations').where('account_id', '=', accountId);
  if (state === 'revoked') query = query.where('status', '=', 'revoked');
  if (state === 'pending')
    query = query.where('status', '=', 'pending').where('expires_at', '>', now);
  if (state === 'expired')
    query = query.where('status', '=', 'pending').where('expires_at', '<=', now);
  return query;
}

/** The account's invitations, newest first. */
export async function listInvitations(
  db: Db,
  accountId: number,
  filter: InvitationFilter,
  page: PageRequest,
): Promise<Page<InvitationRow>> {
  let query = filtered(db, accountId, filter).selectAll();
  if (page.afterId !== null) query = query.where('id', '<', page.afterId);
  return toPage(
    await query
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countInvitations(
  db: Db,
  accountId: number,
  filter: InvitationFilter,
): Promise<number> {
  const { count } = await filtered(db, accountId, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function revokeInvitation(
  db: Db,
  accountId: number,
  id: number,
  now: string,
): Promise<InvitationRow | undefined> {
  return db
    .updateTable('invitations')
    .set({ status: 'revoked', revoked_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** The groups each invitation adds its invitee to, by name, keyed by invitation id. */
export async function listGroupsOfInvitations(
  db: Db,
  invitationIds: readonly number[],
): Promise<Map<number, GroupRow[]>> {
  const byInvitation = new Map<number, GroupRow[]>();
  if (invitationIds.length === 0) return byInvitation;
  const rows = await db
    .selectFrom('invitation_groups as ig')
    .innerJoin('groups as g', 'g.id', 'ig.group_id')
    .selectAll('g')
    .select('ig.invitation_id')
    .where('ig.invitation_id', 'in', invitationIds)
    .orderBy('g.name')
    .orderBy('g.id')
    .execute();
  for (const { invitation_id, ...group } of rows) {
    const list = byInvitation.get(invitation_id) ?? [];
    list.push(group);
    byInvitation.set(invitation_id, list);
  }
  return byInvitation;
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  invitation: byId(findInvitationsByIds),
  groupsOfInvitation: listsById(listGroupsOfInvitations),
};
