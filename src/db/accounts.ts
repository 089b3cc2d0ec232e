import type { Db } from './database.js';
import type { AccountRow, NewAccount } from './tables/accounts.js';

export async function insertAccount(db: Db, account: NewAccount): Promise<AccountRow> {
  return db.insertInto('accounts').values(account).returningAll().executeTakeFirstOrThrow();
}

export async function findAccountById(db: Db, id: number): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether any account exists: the first start creates one. */
export async function hasAnyAccount(db: Db): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Renames the account; its name lives only here (account settings and the viewer read it). */
export async function renameAccount(
  db: Db,
  id: number,
  name: string,
): Promise<AccountRow | undefined> {
  return db
    .updateTable('accounts')
    .set({ name })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
