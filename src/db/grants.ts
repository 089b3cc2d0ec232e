import type { Grant, WritableEnvironmentCategory } from '../catalog/access.js';
import type { PermissionSetId } from '../catalog/permission-sets.js';
import { listsById } from './batch-loaders.js';
import type { Db } from './database.js';

// Grants are stored alike for service tokens and for groups: a grant row (set, all projects,
// writable categories) and one row per project of a grant on specific projects.

export type HolderKind = 'SERVICE_TOKEN' | 'GROUP';

const storage = {
  SERVICE_TOKEN: {
    grants: 'service_token_grants',
    projects: 'service_token_grant_projects',
    holder: 'service_token_id',
  },
  GROUP: { grants: 'group_grants', projects: 'group_grant_projects', holder: 'group_id' },
} as const;

/**
 * The tables of a holder kind. Both kinds' tables have the same columns but the holder's, so
 * the token tables' types stand for both in the queries below.
 */
function tablesOf(kind: HolderKind) {
  return storage[kind] as unknown as (typeof storage)['SERVICE_TOKEN'];
}

/** A stored grant: the catalog's Grant plus its id and its holder's id. */
export interface StoredGrant extends Grant {
  readonly id: number;
  readonly holderId: number;
}

/** One grant row joined with one of its projects (or none), ordered by grant. */
export interface GrantRow {
  readonly grant_id: number | null;
  readonly holder_id: number;
  readonly permission_set: string | null;
  readonly all_projects: number | null;
  readonly writable_environment_categories: string | null;
  readonly project_id: number | null;
}

/** Folds grant rows (one per grant and project, ordered by grant) into grants per holder. */
export function foldGrantRows(rows: readonly GrantRow[]): Map<number, StoredGrant[]> {
  const byHolder = new Map<number, StoredGrant[]>();
  let current: (StoredGrant & { projectIds: number[] | null }) | undefined;
  for (const row of rows) {
    if (row.grant_id === null) continue;
    if (current?.id !== row.grant_id) {
      current = {
        id: row.grant_id,
        holderId: row.holder_id,
        permissionSet: row.permission_set as PermissionSetId,
        projectIds: row.all_projects === 1 ? null : [],
        writableEnvironmentCategories: row.writable_environment_categories
          ? (row.writable_environment_categories.split(',') as WritableEnvironmentCategory[])
          : [],
      };
      const list = byHolder.get(row.holder_id) ?? [];
      list.push(current);
      byHolder.set(row.holder_id, list);
    }
    if (row.project_id !== null && current.projectIds !== null)
      current.projectIds.push(row.project_id);
  }
  return byHolder;
}

/** Inserts grants of a token or group; returns their ids. Several statements: call it in a transaction. */
export async function insertGrants(
  db: Db,
  kind: HolderKind,
  holderId: number,
  grants: readonly Grant[],
): Promise<number[]> {
  const tables = tablesOf(kind);
  const ids: number[] = [];
  for (const grant of grants) {
    const { id } = await db
      .insertInto(tables.grants)
      .values({
        [tables.holder]: holderId,
        permission_set: grant.permissionSet,
        all_projects: grant.projectIds === null ? 1 : 0,
        writable_environment_categories: grant.writableEnvironmentCategories.join(','),
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    if (grant.projectIds?.length) {
      await db
        .insertInto(tables.projects)
        .values(grant.projectIds.map((projectId) => ({ grant_id: id, project_id: projectId })))
        .execute();
    }
    ids.push(id);
  }
  return ids;
}

/** Deletes grants of a holder (their project rows cascade); ids of other holders' grants are ignored. */
export async function deleteGrants(
  db: Db,
  kind: HolderKind,
  holderId: number,
  grantIds: readonly number[] | 'all',
): Promise<void> {
  const tables = tablesOf(kind);
  let query = db.deleteFrom(tables.grants).where(tables.holder, '=', holderId);
  if (grantIds !== 'all') {
    if (grantIds.length === 0) return;
    query = query.where('id', 'in', grantIds);
  }
  await query.execute();
}

/** The grants of each holder, in creation order, keyed by holder id (holders without grants absent). */
export async function listGrantsOf(
  db: Db,
  kind: HolderKind,
  holderIds: readonly number[],
): Promise<Map<number, StoredGrant[]>> {
  if (holderIds.length === 0) return new Map();
  const tables = tablesOf(kind);
  const rows = await db
    .selectFrom(`${tables.grants} as g`)
    .leftJoin(`${tables.projects} as gp`, 'gp.grant_id', 'g.id')
    .select([
      'g.id as grant_id',
      `g.${tables.holder} as holder_id`,
      'g.permission_set',
      'g.all_projects',
      'g.writable_environment_categories',
      'gp.project_id',
    ])
    .where(`g.${tables.holder}`, 'in', holderIds)
    .orderBy('g.id')
    .orderBy('gp.project_id')
    .execute();
  return foldGrantRows(rows);
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  grantsOfToken: listsById((db, ids) => listGrantsOf(db, 'SERVICE_TOKEN', ids)),
  grantsOfGroup: listsById((db, ids) => listGrantsOf(db, 'GROUP', ids)),
};

/** The projects of a grant on specific projects, ascending. */
export async function projectIdsOfGrant(
  db: Db,
  kind: HolderKind,
  grantId: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom(tablesOf(kind).projects)
    .select('project_id')
    .where('grant_id', '=', grantId)
    .orderBy('project_id')
    .execute();
  return rows.map((row) => row.project_id);
}

/** Extends a grant on specific projects to one more project. */
export async function addProjectToGrant(
  db: Db,
  kind: HolderKind,
  grantId: number,
  projectId: number,
): Promise<void> {
  await db
    .insertInto(tablesOf(kind).projects)
    .values({ grant_id: grantId, project_id: projectId })
    .execute();
}

/**
 * Takes one project out of a grant on specific projects; a grant left with no project is
 * deleted. Returns whether the grant still exists. Several statements: call it in a transaction.
 */
export async function removeProjectFromGrant(
  db: Db,
  kind: HolderKind,
  grantId: number,
  projectId: number,
): Promise<boolean> {
  const tables = tablesOf(kind);
  await db
    .deleteFrom(tables.projects)
    .where('grant_id', '=', grantId)
    .where('project_id', '=', projectId)
    .execute();
  const left = await db
    .selectFrom(tables.projects)
    .select('project_id')
    .where('grant_id', '=', grantId)
    .limit(1)
    .executeTakeFirst();
  if (left) return true;
  await db.deleteFrom(tables.grants).where('id', '=', grantId).execute();
  return false;
}
