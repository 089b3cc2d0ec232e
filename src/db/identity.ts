import { byKey } from './batch-loaders.js';
import type { Db } from './database.js';
import type {
  IdentityIssuedTokenRow,
  IdentityTrustPolicyRow,
  IdentityTrustPolicyTable,
} from './tables/identity.js';

// Workload identity: trust policies (account-scoped), the tokens they issued, and the identity
// tokens already exchanged (replay protection).

export type TrustPolicyFields = Pick<
  IdentityTrustPolicyTable,
  'name' | 'issuer' | 'audience' | 'conditions' | 'grants' | 'lifetime_seconds'
>;

export async function insertTrustPolicy(
  db: Db,
  policy: TrustPolicyFields & {
    account_id: number;
    created_by_token_id: number | null;
    now: string;
  },
): Promise<IdentityTrustPolicyRow> {
  const { now, ...fields } = policy;
  return db
    .insertInto('identity_trust_policies')
    .values({ ...fields, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateTrustPolicy(
  db: Db,
  id: number,
  fields: Partial<TrustPolicyFields> & { now: string },
): Promise<IdentityTrustPolicyRow> {
  const { now, ...changes } = fields;
  return db
    .updateTable('identity_trust_policies')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteTrustPolicy(db: Db, id: number): Promise<void> {
  await db.deleteFrom('identity_trust_policies').where('id', '=', id).execute();
}

/** The account's policies with these ids (others, and other accounts', are absent). */
export async function findTrustPoliciesByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<IdentityTrustPolicyRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('identity_trust_policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

/** The account's policies, oldest first. */
export async function listTrustPolicies(
  db: Db,
  accountId: number,
): Promise<IdentityTrustPolicyRow[]> {
  return db
    .selectFrom('identity_trust_policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
}

export async function countTrustPolicies(db: Db, accountId: number): Promise<number> {
  const { count } = await db
    .selectFrom('identity_trust_policies')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/**
 * Policies of every account that trust this issuer, for an exchange (which has no account until
 * a policy is chosen): `policyId` narrows them to that one policy.
 */
export async function listTrustPoliciesForIssuer(
  db: Db,
  issuer: string,
  policyId: number | null,
): Promise<IdentityTrustPolicyRow[]> {
  let query = db.selectFrom('identity_trust_policies').selectAll().where('issuer', '=', issuer);
  if (policyId !== null) query = query.where('id', '=', policyId);
  return query.orderBy('id').execute();
}

/** A policy by id whatever its account: only to audit a refused exchange in its account. */
export async function findTrustPolicyAnyAccount(
  db: Db,
  id: number,
): Promise<IdentityTrustPolicyRow | undefined> {
  return db
    .selectFrom('identity_trust_policies')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Records an identity token as used. False when it was already recorded: a replay. Expired
 * records are dropped first, so the table holds only tokens that could still be presented.
 */
export async function recordIdentityTokenUse(
  db: Db,
  use: { key: string; expiresAt: string; now: string },
): Promise<boolean> {
  await db.deleteFrom('identity_token_uses').where('expires_at', '<', use.now).execute();
  const result = await db
    .insertInto('identity_token_uses')
    .values({ key: use.key, expires_at: use.expiresAt })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function insertIssuedToken(db: Db, issued: IdentityIssuedTokenRow): Promise<void> {
  await db.insertInto('identity_issued_tokens').values(issued).execute();
}

/** Which of these tokens (of the account) were issued by an exchange, and how. */
export async function findIssuedTokens(
  db: Db,
  accountId: number,
  tokenIds: readonly number[],
): Promise<IdentityIssuedTokenRow[]> {
  if (tokenIds.length === 0) return [];
  return db
    .selectFrom('identity_issued_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('service_token_id', 'in', tokenIds)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  identityTrustPolicy: byKey(findTrustPoliciesByIds, 'id'),
  identityOfToken: byKey(findIssuedTokens, 'service_token_id'),
};
