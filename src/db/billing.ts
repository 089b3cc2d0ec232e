import type { Db } from './database.js';
import type { AccountBillingRow } from './tables/accounts.js';

/** Seats an account has before anyone changes its billing. */
export const defaultBilling = {
  billing_email: null,
  developer_seats: 1,
  read_only_seats: 5,
  it_seats: 1,
} as const;

/** The seats the account has bought of one license type (the default until billing changes). */
export async function seatsOf(
  db: Db,
  accountId: number,
  licenseType: 'developer' | 'read_only' | 'it',
): Promise<number> {
  const stored = await findBilling(db, accountId);
  const column = `${licenseType}_seats` as const;
  return stored?.[column] ?? defaultBilling[column];
}

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
