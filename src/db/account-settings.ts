import type { Db } from './database.js';
import type { AccountSettingsRow } from './tables/accounts.js';

/** The account's stored settings; undefined until the first change (the defaults apply). */
export async function findAccountSettings(
  db: Db,
  accountId: number,
): Promise<AccountSettingsRow | undefined> {
  return db
    .selectFrom('account_settings')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** Stores the account's settings, creating the row on the first change. */
export async function upsertAccountSettings(
  db: Db,
  settings: AccountSettingsRow,
): Promise<AccountSettingsRow> {
  const { account_id, ...changes } = settings;
  return db
    .insertInto('account_settings')
    .values(settings)
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}
