import { byKey } from './batch-loaders.js';
import type { Db } from './database.js';
import type {
  EnvironmentCredentialsRow,
  EnvironmentCredentialsTable,
} from './tables/data-platform.js';

export type EnvironmentCredentialsFields = Omit<
  EnvironmentCredentialsTable,
  'id' | 'environment_id' | 'created_at' | 'updated_at'
>;

/** The credentials of the account's environments with these ids; environments without any are absent. */
export async function findEnvironmentCredentialsByEnvironmentIds(
  db: Db,
  accountId: number,
  environmentIds: readonly number[],
): Promise<EnvironmentCredentialsRow[]> {
  if (environmentIds.length === 0) return [];
  return db
    .selectFrom('environment_credentials as c')
    .innerJoin('environments as e', 'e.id', 'c.environment_id')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .selectAll('c')
    .where('p.account_id', '=', accountId)
    .where('c.environment_id', 'in', environmentIds)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  /** By environment id. */
  environmentCredentials: byKey(findEnvironmentCredentialsByEnvironmentIds, 'environment_id'),
};

export async function insertEnvironmentCredentials(
  db: Db,
  credentials: EnvironmentCredentialsFields & { environment_id: number; now: string },
): Promise<EnvironmentCredentialsRow> {
  const { now, ...fields } = credentials;
  return db
    .insertInto('environment_credentials')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateEnvironmentCredentials(
  db: Db,
  environmentId: number,
  changes: Partial<EnvironmentCredentialsFields> & { now: string },
): Promise<EnvironmentCredentialsRow> {
  const { now, ...fields } = changes;
  return db
    .updateTable('environment_credentials')
    .set({ ...fields, updated_at: now })
    .where('environment_id', '=', environmentId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteEnvironmentCredentials(db: Db, environmentId: number): Promise<void> {
  await db
    .deleteFrom('environment_credentials')
    .where('environment_id', '=', environmentId)
    .execute();
}
