import { byKey } from './batch-loaders.js';
import type { Db } from './database.js';
import type { SemanticLayerConfigRow, SemanticLayerConfigTable } from './tables/data-platform.js';

export type SemanticLayerConfigFields = Omit<
  SemanticLayerConfigTable,
  'id' | 'project_id' | 'created_at' | 'updated_at'
>;

/** The configurations of the account's projects with these ids; projects without one are absent. */
export async function findSemanticLayerConfigsByProjectIds(
  db: Db,
  accountId: number,
  projectIds: readonly number[],
): Promise<SemanticLayerConfigRow[]> {
  if (projectIds.length === 0) return [];
  return db
    .selectFrom('semantic_layer_configs as c')
    .innerJoin('projects as p', 'p.id', 'c.project_id')
    .selectAll('c')
    .where('p.account_id', '=', accountId)
    .where('c.project_id', 'in', projectIds)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  /** By project id. */
  semanticLayerConfig: byKey(findSemanticLayerConfigsByProjectIds, 'project_id'),
};

export async function insertSemanticLayerConfig(
  db: Db,
  config: SemanticLayerConfigFields & { project_id: number; now: string },
): Promise<SemanticLayerConfigRow> {
  const { now, ...fields } = config;
  return db
    .insertInto('semantic_layer_configs')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateSemanticLayerConfig(
  db: Db,
  projectId: number,
  changes: Partial<SemanticLayerConfigFields> & { now: string },
): Promise<SemanticLayerConfigRow> {
  const { now, ...fields } = changes;
  return db
    .updateTable('semantic_layer_configs')
    .set({ ...fields, updated_at: now })
    .where('project_id', '=', projectId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteSemanticLayerConfig(db: Db, projectId: number): Promise<void> {
  await db.deleteFrom('semantic_layer_configs').where('project_id', '=', projectId).execute();
}
