import type { Grant, WritableEnvironmentCategory } from '../catalog/access.js';
import type { PermissionSetId } from '../catalog/permission-sets.js';
import type { Account, Db, ServiceToken } from './database.js';
import { toPage, type Page, type PageRequest } from './pagination.js';

export interface StoredGrant extends Grant {
  readonly id: number;
  readonly serviceTokenId: number;
}

/**
 * Inserts a token and its grants. Several statements: call it inside a transaction so that a
 * failure leaves nothing behind.
 */
export async function insertServiceToken(
  db: Db,
  token: {
    accountId: number;
    name: string;
    tokenHash: string;
    tokenHint: string;
    now: string;
    createdByTokenId: number | null;
    grants: readonly Grant[];
  },
): Promise<ServiceToken> {
  const row = await db
    .insertInto('service_tokens')
    .values({
      account_id: token.accountId,
      name: token.name,
      token_hash: token.tokenHash,
      token_hint: token.tokenHint,
      created_at: token.now,
      created_by_token_id: token.createdByTokenId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const grant of token.grants) {
    const { id: grantId } = await db
      .insertInto('service_token_grants')
      .values({
        service_token_id: row.id,
        permission_set: grant.permissionSet,
        all_projects: grant.projectIds === null ? 1 : 0,
        writable_environment_categories: grant.writableEnvironmentCategories.join(','),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (grant.projectIds !== null && grant.projectIds.length > 0) {
      await db
        .insertInto('service_token_grant_projects')
        .values(grant.projectIds.map((projectId) => ({ grant_id: grantId, project_id: projectId })))
        .execute();
    }
  }
  return row;
}

/** The active (not revoked) token with this hash, with its account; the authentication lookup. */
export async function findActiveTokenByHash(
  db: Db,
  tokenHash: string,
): Promise<{ token: ServiceToken; account: Account } | undefined> {
  const row = await db
    .selectFrom('service_tokens as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .selectAll('t')
    .select(['a.name as account_name', 'a.plan as account_plan', 'a.created_at as account_created_at'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { account_name, account_plan, account_created_at, ...token } = row;
  return { token, account: { id: token.account_id, name: account_name, plan: account_plan, created_at: account_created_at } };
}

/** The grants of each token, in creation order, keyed by token id (tokens without grants absent). */
export async function listGrantsOfTokens(db: Db, tokenIds: readonly number[]): Promise<Map<number, StoredGrant[]>> {
  const byToken = new Map<number, StoredGrant[]>();
  if (tokenIds.length === 0) return byToken;
  const rows = await db
    .selectFrom('service_token_grants as g')
    .leftJoin('service_token_grant_projects as gp', 'gp.grant_id', 'g.id')
    .select([
      'g.id',
      'g.service_token_id',
      'g.permission_set',
      'g.all_projects',
      'g.writable_environment_categories',
      'gp.project_id',
    ])
    .where('g.service_token_id', 'in', tokenIds)
    .orderBy('g.id')
    .orderBy('gp.project_id')
    .execute();
  let current: (StoredGrant & { projectIds: number[] | null }) | undefined;
  for (const row of rows) {
    if (current?.id !== row.id) {
      current = {
        id: row.id,
        serviceTokenId: row.service_token_id,
        permissionSet: row.permission_set as PermissionSetId,
        projectIds: row.all_projects === 1 ? null : [],
        writableEnvironmentCategories: row.writable_environment_categories
          ? (row.writable_environment_categories.split(',') as WritableEnvironmentCategory[])
          : [],
      };
      const list = byToken.get(row.service_token_id) ?? [];
      list.push(current);
      byToken.set(row.service_token_id, list);
    }
    if (row.project_id !== null && current.projectIds !== null) current.projectIds.push(row.project_id);
  }
  return byToken;
}

export async function findServiceTokensByIds(db: Db, accountId: number, ids: readonly number[]): Promise<ServiceToken[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('service_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

export async function listServiceTokens(db: Db, accountId: number, page: PageRequest): Promise<Page<ServiceToken>> {
  let query = db.selectFrom('service_tokens').selectAll().where('account_id', '=', accountId);
  if (page.afterId !== null) query = query.where('id', '>', page.afterId);
  return toPage(await query.orderBy('id').limit(page.first + 1).execute(), page);
}

export async function countServiceTokens(db: Db, accountId: number): Promise<number> {
  const { count } = await db
    .selectFrom('service_tokens')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Marks the token revoked; a token already revoked keeps its first revocation time. */
export async function revokeServiceToken(db: Db, accountId: number, id: number, now: string): Promise<ServiceToken | undefined> {
  await db
    .updateTable('service_tokens')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return (await findServiceTokensByIds(db, accountId, [id]))[0];
}

export async function renameServiceToken(db: Db, accountId: number, id: number, name: string): Promise<ServiceToken | undefined> {
  return db
    .updateTable('service_tokens')
    .set({ name })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
