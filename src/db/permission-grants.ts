import type { Grant, WritableEnvironmentCategory } from '../catalog/access.js';
import type { PermissionSetId } from '../catalog/permission-sets.js';
import { listsById } from './batch-loaders.js';
import type { Db } from './database.js';
import { type HolderKind, projectIdsOfGrant } from './grants.js';

// The grants of service tokens and of groups seen from a project: who holds which set there.
// Revoked tokens hold nothing and are left out.

export type { HolderKind };

export interface GrantHolder {
  readonly kind: HolderKind;
  readonly id: number;
  readonly name: string;
}

/** One grant with its holder. `projectIds` is null for grants on every project. */
export interface HeldGrant extends Grant {
  readonly id: number;
  readonly holder: GrantHolder;
}

interface GrantRow {
  id: number;
  permission_set: string;
  writable_environment_categories: string;
  holder_id: number;
  holder_name: string;
}

function toHeldGrant(kind: HolderKind, row: GrantRow, projectIds: number[] | null): HeldGrant {
  return {
    id: row.id,
    holder: { kind, id: row.holder_id, name: row.holder_name },
    permissionSet: row.permission_set as PermissionSetId,
    projectIds,
    writableEnvironmentCategories: row.writable_environment_categories
      ? (row.writable_environment_categories.split(',') as WritableEnvironmentCategory[])
      : [],
  };
}

function tokenGrants(db: Db, accountId: number) {
  return db
    .selectFrom('service_token_grants as g')
    .innerJoin('service_tokens as h', 'h.id', 'g.service_token_id')
    .select([
      'g.id',
      'g.permission_set',
      'g.writable_environment_categories',
      'g.all_projects',
      'h.id as holder_id',
      'h.name as holder_name',
    ])
    .where('h.account_id', '=', accountId)
    .where('h.revoked_at', 'is', null);
}

function groupGrants(db: Db, accountId: number) {
  return db
    .selectFrom('group_grants as g')
    .innerJoin('groups as h', 'h.id', 'g.group_id')
    .select([
      'g.id',
      'g.permission_set',
      'g.writable_environment_categories',
      'g.all_projects',
      'h.id as holder_id',
      'h.name as holder_name',
    ])
    .where('h.account_id', '=', accountId);
}

/**
 * The grants that reach each project, keyed by project id: grants on every project (account-level
 * sets included) and grants naming the project. Service tokens first, then groups, each by grant
 * id. Grants on specific projects carry only the requested project in `projectIds`.
 */
export async function listGrantsOnProjects(
  db: Db,
  accountId: number,
  projectIds: readonly number[],
): Promise<Map<number, HeldGrant[]>> {
  const byProject = new Map<number, HeldGrant[]>(projectIds.map((id) => [id, []]));
  if (projectIds.length === 0) return byProject;
  const tokenRows = async () => [
    ...(await tokenGrants(db, accountId).where('g.all_projects', '=', 1).execute()).map((row) => ({
      ...row,
      project_id: null,
    })),
    ...(await tokenGrants(db, accountId)
      .innerJoin('service_token_grant_projects as gp', 'gp.grant_id', 'g.id')
      .select('gp.project_id')
      .where('gp.project_id', 'in', projectIds)
      .execute()),
  ];
  const groupRows = async () => [
    ...(await groupGrants(db, accountId).where('g.all_projects', '=', 1).execute()).map((row) => ({
      ...row,
      project_id: null,
    })),
    ...(await groupGrants(db, accountId)
      .innerJoin('group_grant_projects as gp', 'gp.grant_id', 'g.id')
      .select('gp.project_id')
      .where('gp.project_id', 'in', projectIds)
      .execute()),
  ];
  for (const [kind, rows] of [
    ['SERVICE_TOKEN', await tokenRows()],
    ['GROUP', await groupRows()],
  ] as const) {
    for (const row of [...rows].sort((a, b) => a.id - b.id)) {
      if (row.project_id === null) {
        for (const list of byProject.values()) list.push(toHeldGrant(kind, row, null));
      } else {
        byProject.get(row.project_id)!.push(toHeldGrant(kind, row, [row.project_id]));
      }
    }
  }
  return byProject;
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  /** Who holds which set on a project: grants of active tokens and of groups. */
  grantsOnProject: listsById((db, ids, accountId) => listGrantsOnProjects(db, accountId, ids)),
};

/** One grant of the account (of an active token, or of a group) with all its projects. */
export async function findHeldGrant(
  db: Db,
  accountId: number,
  kind: HolderKind,
  grantId: number,
): Promise<HeldGrant | undefined> {
  const grants = kind === 'SERVICE_TOKEN' ? tokenGrants(db, accountId) : groupGrants(db, accountId);
  const row = await grants.where('g.id', '=', grantId).executeTakeFirst();
  if (!row) return undefined;
  if (row.all_projects === 1) return toHeldGrant(kind, row, null);
  return toHeldGrant(kind, row, await projectIdsOfGrant(db, kind, grantId));
}
