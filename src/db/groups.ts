import type { Grant } from '../catalog/access.js';
import { byId, listsById } from './batch-loaders.js';
import type { Db } from './database.js';
import { insertGrants } from './grants.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { GroupRow, MemberRow } from './tables/people.js';

/** Inserts a group with its grants. Several statements: call it inside a transaction. */
export async function insertGroup(
  db: Db,
  group: { accountId: number; name: string; now: string; grants: readonly Grant[] },
): Promise<GroupRow> {
  const row = await db
    .insertInto('groups')
    .values({
      account_id: group.accountId,
      name: group.name,
      created_at: group.now,
      updated_at: group.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertGrants(db, 'GROUP', row.id, group.grants);
  return row;
}

/** The account's groups with these ids (others are silently absent). */
export async function findGroupsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<GroupRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('groups')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

export async function listGroups(
  db: Db,
  accountId: number,
  page: PageRequest,
): Promise<Page<GroupRow>> {
  let query = db.selectFrom('groups').selectAll().where('account_id', '=', accountId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(
    await query
      .orderBy('id')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countGroups(db: Db, accountId: number): Promise<number> {
  const { count } = await db
    .selectFrom('groups')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Renames (when `name` is given) and stamps the group as changed. */
export async function updateGroup(
  db: Db,
  accountId: number,
  id: number,
  changes: { name?: string; now: string },
): Promise<GroupRow | undefined> {
  return db
    .updateTable('groups')
    .set({ ...(changes.name === undefined ? {} : { name: changes.name }), updated_at: changes.now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes the group with its grants, memberships and invitation links (foreign keys cascade). */
export async function deleteGroup(
  db: Db,
  accountId: number,
  id: number,
): Promise<GroupRow | undefined> {
  return db
    .deleteFrom('groups')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Adds the member to the group; already a member: nothing changes. */
export async function addGroupMember(db: Db, groupId: number, memberId: number): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: groupId, member_id: memberId })
    .onConflict((conflict) => conflict.columns(['group_id', 'member_id']).doNothing())
    .execute();
}

/** Removes the member from the group; whether it was a member. */
export async function removeGroupMember(
  db: Db,
  groupId: number,
  memberId: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('group_members')
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The groups of each member, by name, keyed by member id. */
export async function listGroupsOfMembers(
  db: Db,
  memberIds: readonly number[],
): Promise<Map<number, GroupRow[]>> {
  const byMember = new Map<number, GroupRow[]>();
  if (memberIds.length === 0) return byMember;
  const rows = await db
    .selectFrom('group_members as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .selectAll('g')
    .select('gm.member_id')
    .where('gm.member_id', 'in', memberIds)
    .orderBy('g.name')
    .orderBy('g.id')
    .execute();
  for (const { member_id, ...group } of rows) {
    const list = byMember.get(member_id) ?? [];
    list.push(group);
    byMember.set(member_id, list);
  }
  return byMember;
}

/** The members of each group, by id, keyed by group id. */
export async function listMembersOfGroups(
  db: Db,
  groupIds: readonly number[],
): Promise<Map<number, MemberRow[]>> {
  const byGroup = new Map<number, MemberRow[]>();
  if (groupIds.length === 0) return byGroup;
  const rows = await db
    .selectFrom('group_members as gm')
    .innerJoin('members as m', 'm.id', 'gm.member_id')
    .selectAll('m')
    .select('gm.group_id')
    .where('gm.group_id', 'in', groupIds)
    .orderBy('m.id')
    .execute();
  for (const { group_id, ...member } of rows) {
    const list = byGroup.get(group_id) ?? [];
    list.push(member);
    byGroup.set(group_id, list);
  }
  return byGroup;
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  group: byId(findGroupsByIds),
  groupsOfMember: listsById(listGroupsOfMembers),
  membersOfGroup: listsById(listMembersOfGroups),
};
