import { byId } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { LicenseType, MemberRow } from './tables/people.js';

/**
 * Adds a user to the account (members arrive through operators and, later, accepted
 * invitations). The email must already be validated and lower-cased; a duplicate violates a
 * unique constraint.
 */
export async function insertMember(
  db: Db,
  member: {
    accountId: number;
    email: string;
    name: string;
    licenseType?: LicenseType | null;
    now: string;
  },
): Promise<MemberRow> {
  return db
    .insertInto('members')
    .values({
      account_id: member.accountId,
      email: member.email,
      name: member.name,
      license_type: member.licenseType ?? null,
      created_at: member.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The account's members with these ids (others are silently absent). */
export async function findMembersByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<MemberRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('members')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  member: byId(findMembersByIds),
};

export async function findMemberByEmail(
  db: Db,
  accountId: number,
  email: string,
): Promise<MemberRow | undefined> {
  return db
    .selectFrom('members')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function listMembers(
  db: Db,
  accountId: number,
  page: PageRequest,
): Promise<Page<MemberRow>> {
  let query = db.selectFrom('members').selectAll().where('account_id', '=', accountId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(
    await query
      .orderBy('id')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countMembers(db: Db, accountId: number): Promise<number> {
  const { count } = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** How many of the account's members hold each license type. */
export async function countMembersByLicense(
  db: Db,
  accountId: number,
): Promise<Record<LicenseType, number>> {
  const rows = await db
    .selectFrom('members')
    .select(['license_type', (eb) => eb.fn.countAll<number>().as('count')])
    .where('account_id', '=', accountId)
    .where('license_type', 'is not', null)
    .groupBy('license_type')
    .execute();
  const counts: Record<LicenseType, number> = { developer: 0, read_only: 0, it: 0 };
  for (const row of rows) counts[row.license_type!] = Number(row.count);
  return counts;
}

export async function updateMember(
  db: Db,
  accountId: number,
  id: number,
  changes: { name?: string; licenseType?: LicenseType },
): Promise<MemberRow | undefined> {
  return db
    .updateTable('members')
    .set({
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.licenseType === undefined ? {} : { license_type: changes.licenseType }),
    })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Removes the member; its group memberships go with it (foreign keys cascade). */
export async function deleteMember(
  db: Db,
  accountId: number,
  id: number,
): Promise<MemberRow | undefined> {
  return db
    .deleteFrom('members')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
