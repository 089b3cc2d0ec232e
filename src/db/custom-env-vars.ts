import { byId, listsById } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { CustomEnvVarOverrideRow, CustomEnvVarRow } from './tables/data-platform.js';

/** A value as stored: plain, or sealed for secret variables; both null for none. */
export interface StoredValue {
  readonly value: string | null;
  readonly value_sealed: string | null;
}

/** The account's variables with these ids (those of other accounts are absent). */
export async function findCustomEnvVarsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<CustomEnvVarRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('custom_env_vars as v')
    .innerJoin('projects as p', 'p.id', 'v.project_id')
    .selectAll('v')
    .where('p.account_id', '=', accountId)
    .where('v.id', 'in', ids)
    .execute();
}

export async function listCustomEnvVars(
  db: Db,
  projectId: number,
  page: PageRequest,
): Promise<Page<CustomEnvVarRow>> {
  let query = db.selectFrom('custom_env_vars').selectAll().where('project_id', '=', projectId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(
    await query
      .orderBy('id')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countCustomEnvVars(db: Db, projectId: number): Promise<number> {
  const { count } = await db
    .selectFrom('custom_env_vars')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function insertCustomEnvVar(
  db: Db,
  variable: StoredValue & { project_id: number; name: string; now: string },
): Promise<CustomEnvVarRow> {
  const { now, ...fields } = variable;
  return db
    .insertInto('custom_env_vars')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateCustomEnvVarValue(
  db: Db,
  id: number,
  value: StoredValue & { now: string },
): Promise<CustomEnvVarRow> {
  const { now, ...fields } = value;
  return db
    .updateTable('custom_env_vars')
    .set({ ...fields, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes the variable with its overrides (foreign keys cascade). */
export async function deleteCustomEnvVar(db: Db, id: number): Promise<void> {
  await db.deleteFrom('custom_env_vars').where('id', '=', id).execute();
}

/** The overrides of each variable, by variable id, in environment order: one query for any number of variables. */
export async function listOverridesOfEnvVars(
  db: Db,
  envVarIds: readonly number[],
): Promise<Map<number, CustomEnvVarOverrideRow[]>> {
  const byVar = new Map<number, CustomEnvVarOverrideRow[]>();
  if (envVarIds.length === 0) return byVar;
  const rows = await db
    .selectFrom('custom_env_var_overrides')
    .selectAll()
    .where('env_var_id', 'in', envVarIds)
    .orderBy('environment_id')
    .execute();
  for (const row of rows) {
    const list = byVar.get(row.env_var_id) ?? [];
    list.push(row);
    byVar.set(row.env_var_id, list);
  }
  return byVar;
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  customEnvVar: byId(findCustomEnvVarsByIds),
  /** By variable id; only ever asked for variables already loaded through the account's scope. */
  overridesOfEnvVar: listsById(listOverridesOfEnvVars),
};

/** Sets the variable's value for the environment, replacing an override already there. */
export async function upsertOverride(
  db: Db,
  override: StoredValue & { env_var_id: number; environment_id: number; now: string },
): Promise<CustomEnvVarOverrideRow> {
  const { now, ...fields } = override;
  return db
    .insertInto('custom_env_var_overrides')
    .values({ ...fields, created_at: now, updated_at: now })
    .onConflict((conflict) =>
      conflict
        .columns(['env_var_id', 'environment_id'])
        .doUpdateSet({ value: fields.value, value_sealed: fields.value_sealed, updated_at: now }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removes the override; whether there was one. */
export async function deleteOverride(
  db: Db,
  envVarId: number,
  environmentId: number,
): Promise<boolean> {
  const deleted = await db
    .deleteFrom('custom_env_var_overrides')
    .where('env_var_id', '=', envVarId)
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}
