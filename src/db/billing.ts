import type { Db } from './database.js';
import type { AccountBillingRow } from './tables/accounts.js';

/** The account's stored billing settings; undefined until the first change (the defaults apply). */
export async function findBilling(
  db: Db,
  accountId: number,
): Promise<AccountBillingRow | undefined> {
  return db
    .selectFrom('account_billing')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** Stores the account's billing settings, creating the row on the first change. */
export async function upsertBilling(
  db: Db,
  billing: AccountBillingRow,
): Promise<AccountBillingRow> {
  const { account_id, ...changes } = billing;
  return db
    .insertInto('account_billing')
    .values(billing)
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}
