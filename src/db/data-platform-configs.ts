import { byKey } from './batch-loaders.js';
import type { Db } from './database.js';
import type { DataPlatformConfigRow, DataPlatformConfigTable } from './tables/data-platform.js';

export type DataPlatformConfigFields = Omit<
  DataPlatformConfigTable,
  'id' | 'project_id' | 'created_at' | 'updated_at'
>;

/** The configurations of the account's projects with these ids; projects without one are absent. */
export async function findDataPlatformConfigsByProjectIds(
  db: Db,
  accountId: number,
  projectIds: readonly number[],
): Promise<DataPlatformConfigRow[]> {
  if (projectIds.length === 0) return [];
  return db
    .selectFrom('data_platform_configs as c')
    .innerJoin('projects as p', 'p.id', 'c.project_id')
    .selectAll('c')
    .where('p.account_id', '=', accountId)
    .where('c.project_id', 'in', projectIds)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  /** By project id. */
  dataPlatformConfig: byKey(findDataPlatformConfigsByProjectIds, 'project_id'),
};

export async function insertDataPlatformConfig(
  db: Db,
  config: DataPlatformConfigFields & { project_id: number; now: string },
): Promise<DataPlatformConfigRow> {
  const { now, ...fields } = config;
  // Two requests creating the project's configuration at once: on SQLite the second waits for
  // the first's write lock and then updates; on PostgreSQL both see no row, so the later insert
  // becomes that update here instead of failing on the unique project_id.
  const { project_id: _project, ...values } = fields;
  return db
    .insertInto('data_platform_configs')
    .values({ ...fields, created_at: now, updated_at: now })
    .onConflict((conflict) =>
      conflict.column('project_id').doUpdateSet({ ...values, updated_at: now }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateDataPlatformConfig(
  db: Db,
  projectId: number,
  changes: Partial<DataPlatformConfigFields> & { now: string },
): Promise<DataPlatformConfigRow> {
  const { now, ...fields } = changes;
  return db
    .updateTable('data_platform_configs')
    .set({ ...fields, updated_at: now })
    .where('project_id', '=', projectId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteDataPlatformConfig(db: Db, projectId: number): Promise<void> {
  await db.deleteFrom('data_platform_configs').where('project_id', '=', projectId).execute();
}
