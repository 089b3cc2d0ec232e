import type { Grant, WritableEnvironmentCategory } from '../catalog/access.js';
import type { PermissionSetId } from '../catalog/permission-sets.js';
import type { Db, Group, Member } from './database.js';
import { toPage, type Page, type PageRequest } from './pagination.js';

export interface StoredGroupGrant extends Grant {
  readonly id: number;
  readonly groupId: number;
}

/** Inserts grants of a group. Several statements: call it inside a transaction. */
export async function insertGroupGrants(db: Db, groupId: number, grants: readonly Grant[]): Promise<number[]> {
  const ids: number[] = [];
  for (const grant of grants) {
    const { id } = await db
      .insertInto('group_grants')
      .values({
        group_id: groupId,
        permission_set: grant.permissionSet,
        all_projects: grant.projectIds === null ? 1 : 0,
        writable_environment_categories: grant.writableEnvironmentCategories.join(','),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (grant.projectIds !== null && grant.projectIds.length > 0) {
      await db
        .insertInto('group_grant_projects')
        .values(grant.projectIds.map((projectId) => ({ grant_id: id, project_id: projectId })))
        .execute();
    }
    ids.push(id);
  }
  return ids;
}

/** Inserts a group with its grants. Several statements: call it inside a transaction. */
export async function insertGroup(db: Db, group: { accountId: number; name: string; now: string; grants: readonly Grant[] }): Promise<Group> {
  const row = await db
    .insertInto('groups')
    .values({ account_id: group.accountId, name: group.name, created_at: group.now, updated_at: group.now })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertGroupGrants(db, row.id, group.grants);
  return row;
}

/** Replaces every grant of the group. Several statements: call it inside a transaction. */
export async function replaceGroupGrants(db: Db, groupId: number, grants: readonly Grant[]): Promise<void> {
  await db.deleteFrom('group_grants').where('group_id', '=', groupId).execute();
  await insertGroupGrants(db, groupId, grants);
}

/** The account's groups with these ids (others are silently absent). */
export async function findGroupsByIds(db: Db, accountId: number, ids: readonly number[]): Promise<Group[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('groups').selectAll().where('account_id', '=', accountId).where('id', 'in', ids).execute();
}

export async function listGroups(db: Db, accountId: number, page: PageRequest): Promise<Page<Group>> {
  let query = db.selectFrom('groups').selectAll().where('account_id', '=', accountId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(await query.orderBy('id').limit(page.first + 1).execute(), page);
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
export async function updateGroup(db: Db, accountId: number, id: number, changes: { name?: string; now: string }): Promise<Group | undefined> {
  return db
    .updateTable('groups')
    .set({ ...(changes.name === undefined ? {} : { name: changes.name }), updated_at: changes.now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes the group with its grants, memberships and invitation links (foreign keys cascade). */
export async function deleteGroup(db: Db, accountId: number, id: number): Promise<Group | undefined> {
  return db.deleteFrom('groups').where('account_id', '=', accountId).where('id', '=', id).returningAll().executeTakeFirst();
}

/** The grants of each group, in creation order, keyed by group id (groups without grants absent). */
export async function listGrantsOfGroups(db: Db, groupIds: readonly number[]): Promise<Map<number, StoredGroupGrant[]>> {
  const byGroup = new Map<number, StoredGroupGrant[]>();
  if (groupIds.length === 0) return byGroup;
  const rows = await db
    .selectFrom('group_grants as g')
    .leftJoin('group_grant_projects as gp', 'gp.grant_id', 'g.id')
    .select(['g.id', 'g.group_id', 'g.permission_set', 'g.all_projects', 'g.writable_environment_categories', 'gp.project_id'])
    .where('g.group_id', 'in', groupIds)
    .orderBy('g.id')
    .orderBy('gp.project_id')
    .execute();
  let current: (StoredGroupGrant & { projectIds: number[] | null }) | undefined;
  for (const row of rows) {
    if (current?.id !== row.id) {
      current = {
        id: row.id,
        groupId: row.group_id,
        permissionSet: row.permission_set as PermissionSetId,
        projectIds: row.all_projects === 1 ? null : [],
        writableEnvironmentCategories: row.writable_environment_categories
          ? (row.writable_environment_categories.split(',') as WritableEnvironmentCategory[])
          : [],
      };
      const list = byGroup.get(row.group_id) ?? [];
      list.push(current);
      byGroup.set(row.group_id, list);
    }
    if (row.project_id !== null && current.projectIds !== null) current.projectIds.push(row.project_id);
  }
  return byGroup;
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
export async function removeGroupMember(db: Db, groupId: number, memberId: number): Promise<boolean> {
  const result = await db.deleteFrom('group_members').where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The groups of each member, by name, keyed by member id. */
export async function listGroupsOfMembers(db: Db, memberIds: readonly number[]): Promise<Map<number, Group[]>> {
  const byMember = new Map<number, Group[]>();
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
export async function listMembersOfGroups(db: Db, groupIds: readonly number[]): Promise<Map<number, Member[]>> {
  const byGroup = new Map<number, Member[]>();
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
