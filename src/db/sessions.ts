import type { Db } from './database.js';
import { listGrantsOf, type StoredGrant } from './grants.js';
import { listGroupsOfMembers } from './groups.js';
import type { AccountRow } from './tables/accounts.js';
import type { GroupRow, MemberRow, MemberSessionRow, SignInAttemptRow } from './tables/people.js';

// Sessions of members signed in through single sign-on, and the sign-ins in flight. Both are
// found by the SHA-256 of a random cookie value: the database never holds what the cookie holds.

/** Stores a new session; returns it. */
export async function insertSession(
  db: Db,
  session: {
    accountId: number;
    memberId: number;
    secretHash: string;
    now: string;
    expiresAt: string;
    clientIp: string | null;
  },
): Promise<MemberSessionRow> {
  return db
    .insertInto('member_sessions')
    .values({
      account_id: session.accountId,
      member_id: session.memberId,
      secret_hash: session.secretHash,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: session.expiresAt,
      revoked_at: null,
      client_ip: session.clientIp,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** What a request signed in by a session needs to know about its caller. */
export interface SessionForAuthentication {
  readonly session: MemberSessionRow;
  readonly member: MemberRow;
  readonly account: AccountRow;
  readonly groups: readonly GroupRow[];
  /** Every grant of every group of the member. */
  readonly grants: readonly StoredGrant[];
  readonly hasIpRules: boolean;
  readonly requestsPerMinute: number | null;
}

/**
 * The live session with this hash, with its member, account and groups' grants: not revoked, and
 * at `now` neither past its absolute end nor idle since `idleSince`. Undefined otherwise, and when
 * the member is gone (its sessions are deleted with it).
 */
export async function findLiveSessionByHash(
  db: Db,
  secretHash: string,
  { now, idleSince }: { now: string; idleSince: string },
): Promise<SessionForAuthentication | undefined> {
  const row = await db
    .selectFrom('member_sessions as s')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('service_token_policies as p', 'p.account_id', 's.account_id')
    .selectAll('s')
    .select((eb) => [
      'm.email as member_email',
      'm.name as member_name',
      'm.license_type as member_license_type',
      'm.created_at as member_created_at',
      'a.name as account_name',
      'a.plan as account_plan',
      'a.created_at as account_created_at',
      'p.requests_per_minute',
      eb
        .selectFrom('ip_restriction_rules as r')
        .select((inner) => inner.fn.countAll<number>().as('count'))
        .whereRef('r.account_id', '=', 's.account_id')
        .as('ip_rule_count'),
    ])
    .where('s.secret_hash', '=', secretHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleSince)
    // A member of another account can never hold this account's session; checked anyway.
    .whereRef('m.account_id', '=', 's.account_id')
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    member_email,
    member_name,
    member_license_type,
    member_created_at,
    account_name,
    account_plan,
    account_created_at,
    requests_per_minute,
    ip_rule_count,
    ...session
  } = row;
  const groups = (await listGroupsOfMembers(db, [session.member_id])).get(session.member_id) ?? [];
  const grantsByGroup = await listGrantsOf(
    db,
    'GROUP',
    groups.map((group) => group.id),
  );
  return {
    session,
    member: {
      id: session.member_id,
      account_id: session.account_id,
      email: member_email,
      name: member_name,
      license_type: member_license_type,
      created_at: member_created_at,
    },
    account: {
      id: session.account_id,
      name: account_name,
      plan: account_plan,
      created_at: account_created_at,
    },
    groups,
    grants: groups.flatMap((group) => grantsByGroup.get(group.id) ?? []),
    hasIpRules: Number(ip_rule_count) > 0,
    requestsPerMinute: requests_per_minute ?? null,
  };
}

/** Moves the session's last activity forward (never back: concurrent requests may race). */
export async function touchSession(db: Db, id: number, at: string): Promise<void> {
  await db
    .updateTable('member_sessions')
    .set({ last_seen_at: at })
    .where('id', '=', id)
    .where('last_seen_at', '<', at)
    .execute();
}

/** Revokes one session (signing out); whether it was live. */
export async function revokeSession(db: Db, id: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('member_sessions')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes every live session of the member (signing out everywhere); how many there were. */
export async function revokeSessionsOfMember(
  db: Db,
  accountId: number,
  memberId: number,
  at: string,
): Promise<number> {
  const result = await db
    .updateTable('member_sessions')
    .set({ revoked_at: at })
    .where('account_id', '=', accountId)
    .where('member_id', '=', memberId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes the member's sessions that can no longer be used (revoked or past their absolute end),
 * so that each sign-in tidies up after the ones before it.
 */
export async function deleteEndedSessionsOfMember(
  db: Db,
  memberId: number,
  now: string,
): Promise<void> {
  await db
    .deleteFrom('member_sessions')
    .where('member_id', '=', memberId)
    .where((eb) => eb.or([eb('revoked_at', 'is not', null), eb('expires_at', '<=', now)]))
    .execute();
}

/** Stores a sign-in in flight. */
export async function insertSignInAttempt(
  db: Db,
  attempt: Omit<SignInAttemptRow, 'id'>,
): Promise<void> {
  await db.insertInto('sign_in_attempts').values(attempt).execute();
}

/**
 * Takes the sign-in attempt with this hash: deletes it and returns it when it had not expired at
 * `now`. An attempt is used at most once, whatever the outcome of its callback.
 */
export async function takeSignInAttempt(
  db: Db,
  secretHash: string,
  now: string,
): Promise<SignInAttemptRow | undefined> {
  const row = await db
    .deleteFrom('sign_in_attempts')
    .where('secret_hash', '=', secretHash)
    .returningAll()
    .executeTakeFirst();
  return row && row.expires_at > now ? row : undefined;
}

/** Deletes attempts that ended before `now` (abandoned sign-ins). */
export async function deleteEndedSignInAttempts(db: Db, now: string): Promise<void> {
  await db.deleteFrom('sign_in_attempts').where('expires_at', '<=', now).execute();
}
