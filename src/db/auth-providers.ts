import type { Db } from './database.js';
import type { AuthProviderRow } from './tables/accounts.js';

/** The account's SSO settings; undefined until first configured. */
export async function findAuthProvider(
  db: Db,
  accountId: number,
): Promise<AuthProviderRow | undefined> {
  return db
    .selectFrom('auth_providers')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/**
 * Stores the account's SSO settings. A login slug another account uses violates a unique
 * constraint (see `isUniqueViolation`).
 */
export async function upsertAuthProvider(
  db: Db,
  provider: AuthProviderRow,
): Promise<AuthProviderRow> {
  const { account_id, ...changes } = provider;
  return db
    .insertInto('auth_providers')
    .values(provider)
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The enabled single sign-on settings behind a login slug; undefined when none is enabled there. */
export async function findEnabledAuthProviderBySlug(
  db: Db,
  slug: string,
): Promise<AuthProviderRow | undefined> {
  return db
    .selectFrom('auth_providers')
    .selectAll()
    .where('login_slug', '=', slug)
    .where('enabled', '=', 1)
    .executeTakeFirst();
}
