import { byId } from './batch-loaders.js';
import type { Db } from './database.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import type { ConnectionTable, DataConnectionRow } from './tables/data-platform.js';

export type ConnectionFields = Omit<
  ConnectionTable,
  'id' | 'account_id' | 'created_at' | 'updated_at'
>;

/** The account's connections with these ids (those of other accounts are absent). */
export async function findConnectionsByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<DataConnectionRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('connections')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  connection: byId(findConnectionsByIds),
};

export async function listConnections(
  db: Db,
  accountId: number,
  page: PageRequest,
): Promise<Page<DataConnectionRow>> {
  let query = db.selectFrom('connections').selectAll().where('account_id', '=', accountId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(
    await query
      .orderBy('id')
      .limit(page.first + 1)
      .execute(),
    page,
  );
}

export async function countConnections(db: Db, accountId: number): Promise<number> {
  const { count } = await db
    .selectFrom('connections')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function insertConnection(
  db: Db,
  connection: ConnectionFields & { account_id: number; now: string },
): Promise<DataConnectionRow> {
  const { now, ...fields } = connection;
  return db
    .insertInto('connections')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateConnection(
  db: Db,
  id: number,
  changes: Partial<ConnectionFields> & { now: string },
): Promise<DataConnectionRow> {
  const { now, ...fields } = changes;
  return db
    .updateTable('connections')
    .set({ ...fields, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteConnection(db: Db, id: number): Promise<void> {
  await db.deleteFrom('connections').where('id', '=', id).execute();
}

/** How many projects link the connection (a linked connection cannot be deleted). */
export async function countProjectsUsingConnection(db: Db, connectionId: number): Promise<number> {
  const { count } = await db
    .selectFrom('project_settings')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  return Number(count);
}
