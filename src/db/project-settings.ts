import { byKey } from './batch-loaders.js';
import type { Db } from './database.js';
import type { ProjectSettingsRow, ProjectSettingsTable } from './tables/data-platform.js';

export type ProjectSettingsFields = Omit<ProjectSettingsTable, 'project_id'>;

/** What a project without a settings row has. */
export const defaultProjectSettings: ProjectSettingsFields = {
  repository_id: null,
  connection_id: null,
  dbt_project_subdirectory: '',
};

/** The settings rows of the account's projects with these ids; projects without one are absent. */
export async function findProjectSettingsByProjectIds(
  db: Db,
  accountId: number,
  projectIds: readonly number[],
): Promise<ProjectSettingsRow[]> {
  if (projectIds.length === 0) return [];
  return db
    .selectFrom('project_settings as s')
    .innerJoin('projects as p', 'p.id', 's.project_id')
    .selectAll('s')
    .where('p.account_id', '=', accountId)
    .where('s.project_id', 'in', projectIds)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  /** By project id; undefined for a project that has no settings row. */
  projectSettings: byKey(findProjectSettingsByProjectIds, 'project_id'),
};

/** Sets the given fields, creating the project's row with defaults for the others when needed. */
export async function upsertProjectSettings(
  db: Db,
  projectId: number,
  changes: Partial<ProjectSettingsFields>,
): Promise<ProjectSettingsRow> {
  if (Object.keys(changes).length === 0) {
    const existing = await db
      .selectFrom('project_settings')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return existing ?? { project_id: projectId, ...defaultProjectSettings };
  }
  return db
    .insertInto('project_settings')
    .values({ project_id: projectId, ...defaultProjectSettings, ...changes })
    .onConflict((conflict) => conflict.column('project_id').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}
