import { type ExpressionBuilder, PostgresAdapter, sql } from 'kysely';
import type { Grant } from '../catalog/access.js';
import { byId } from './batch-loaders.js';
import type { Database, Db } from './database.js';
import { foldGrantRows, type GrantRow, insertGrants, type StoredGrant } from './grants.js';
import { type Page, type PageRequest, toPage } from './pagination.js';
import { preparedQuery } from './prepared.js';
import type { AccountRow } from './tables/accounts.js';
import type { ServiceTokenPolicyRow, ServiceTokenRow } from './tables/service-tokens.js';

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
    expiresAt: string | null;
    allowedCidrs: readonly string[];
    createdByTokenId: number | null;
    grants: readonly Grant[];
  },
): Promise<ServiceTokenRow> {
  const row = await db
    .insertInto('service_tokens')
    .values({
      account_id: token.accountId,
      name: token.name,
      token_hash: token.tokenHash,
      token_hint: token.tokenHint,
      created_at: token.now,
      expires_at: token.expiresAt,
      allowed_cidrs: token.allowedCidrs.join(','),
      created_by_token_id: token.createdByTokenId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertGrants(db, 'SERVICE_TOKEN', row.id, token.grants);
  return row;
}

/** What authentication needs of a token, in one query. */
export interface TokenForAuthentication {
  readonly token: ServiceTokenRow;
  readonly account: AccountRow;
  readonly grants: StoredGrant[];
  /** Whether the account has IP restriction rules to check (fetched only then). */
  readonly hasIpRules: boolean;
  /** The account's per-token request limit; null: the server's default. */
  readonly requestsPerMinute: number | null;
}

const usableTokenRows = preparedQuery(
  (db: Db, { tokenHash, now }: { tokenHash: string; now: string }) =>
    db
      .selectFrom('service_tokens as t')
      .innerJoin('accounts as a', 'a.id', 't.account_id')
      .leftJoin('service_token_grants as g', 'g.service_token_id', 't.id')
      .leftJoin('service_token_grant_projects as gp', 'gp.grant_id', 'g.id')
      .leftJoin('service_token_policies as p', 'p.account_id', 't.account_id')
      .selectAll('t')
      .select((eb) => [
        'p.requests_per_minute',
        'a.name as account_name',
        'a.plan as account_plan',
        'a.created_at as account_created_at',
        'g.id as grant_id',
        'g.permission_set',
        'g.all_projects',
        'g.writable_environment_categories',
        'gp.project_id',
        eb
          .selectFrom('ip_restriction_rules as r')
          .select((inner) => inner.fn.countAll<number>().as('count'))
          .whereRef('r.account_id', '=', 't.account_id')
          .as('ip_rule_count'),
      ])
      .where((eb) =>
        eb.or([
          eb('t.token_hash', '=', tokenHash),
          eb.and([
            eb('t.previous_token_hash', '=', tokenHash),
            eb('t.previous_token_valid_until', '>', now),
          ]),
        ]),
      )
      .where('t.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)])),
  // Unordered: SQLite would sort the few rows in a temporary B-tree on every request;
  // findUsableTokenByHash orders them.
);

/** The grant columns of a row of the authentication query (not a copy of its token's columns). */
const grantRowOf = (row: Omit<GrantRow, 'holder_id'>, holderId: number): GrantRow => ({
  holder_id: holderId,
  grant_id: row.grant_id,
  permission_set: row.permission_set,
  all_projects: row.all_projects,
  writable_environment_categories: row.writable_environment_categories,
  project_id: row.project_id,
});

/** Grant rows in grant, then project order (as foldGrantRows takes them). */
const byGrantThenProject = (
  a: { grant_id: number | null; project_id: number | null },
  b: { grant_id: number | null; project_id: number | null },
) => (a.grant_id ?? 0) - (b.grant_id ?? 0) || (a.project_id ?? 0) - (b.project_id ?? 0);

/**
 * The usable token with this hash, with its account and grants: the authentication lookup, one
 * indexed query (compiled once). Usable means not revoked, not expired, and either the current
 * secret or the previous one within its grace window after a rotation.
 */
export async function findUsableTokenByHash(
  db: Db,
  tokenHash: string,
  now: string,
): Promise<TokenForAuthentication | undefined> {
  const rows = (await usableTokenRows(db, { tokenHash, now })).sort(byGrantThenProject);
  const first = rows[0];
  if (!first) return undefined;
  const {
    account_name,
    account_plan,
    account_created_at,
    grant_id: _grant,
    permission_set: _set,
    all_projects: _all,
    writable_environment_categories: _categories,
    project_id: _project,
    ip_rule_count,
    requests_per_minute,
    ...token
  } = first;
  return {
    token,
    account: {
      id: token.account_id,
      name: account_name,
      plan: account_plan,
      created_at: account_created_at,
    },
    grants: foldGrantRows(rows.map((row) => grantRowOf(row, token.id))).get(token.id) ?? [],
    hasIpRules: Number(ip_rule_count) > 0,
    requestsPerMinute: requests_per_minute,
  };
}

/**
 * The token whose secret has this hash, whatever its state (leak reports): its current secret, or
 * the one a rotation replaced while that one's grace window lasts. After the window a replaced
 * secret is unknown, like any string that never was a token.
 */
export async function findTokenBySecretHash(
  db: Db,
  tokenHash: string,
  now: string,
): Promise<ServiceTokenRow | undefined> {
  return db
    .selectFrom('service_tokens')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('token_hash', '=', tokenHash),
        eb.and([
          eb('previous_token_hash', '=', tokenHash),
          eb('previous_token_valid_until', '>', now),
        ]),
      ]),
    )
    .executeTakeFirst();
}

/**
 * Holds the account's row locked until the transaction ends (PostgreSQL: `select … for update`),
 * so that two writes each checking "another Account Admin token remains" cannot both pass and
 * leave none. SQLite needs nothing: it runs one write transaction at a time. Call it inside a
 * transaction, before reading what the check reads.
 */
export async function lockAccountForAdminCheck(db: Db, accountId: number): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await db.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
}

/**
 * Ids of the account's working Account Admin tokens at `now`: not revoked, not expired, holding
 * an `account_admin` grant.
 */
export async function listWorkingAdminTokenIds(
  db: Db,
  accountId: number,
  now: string,
): Promise<number[]> {
  const rows = await db
    .selectFrom('service_tokens as t')
    .innerJoin('service_token_grants as g', 'g.service_token_id', 't.id')
    .select('t.id')
    .distinct()
    .where('t.account_id', '=', accountId)
    .where('g.permission_set', '=', 'account_admin')
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
    .orderBy('t.id')
    .execute();
  return rows.map((row) => row.id);
}

export async function findServiceTokensByIds(
  db: Db,
  accountId: number,
  ids: readonly number[],
): Promise<ServiceTokenRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('service_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
}

/** This repository's per-request loaders (src/loaders.ts composes them; see src/db/batch-loaders.ts). */
export const loaders = {
  serviceToken: byId(findServiceTokensByIds),
};

export type ServiceTokenState = 'active' | 'revoked' | 'expired';

/** Inventory filters; every one given must hold. */
export interface ServiceTokenFilter {
  readonly states?: readonly ServiceTokenState[] | null;
  readonly expiringBefore?: string | null;
  readonly lastUsedBefore?: string | null;
  readonly neverUsed?: boolean | null;
  readonly permissionSet?: string | null;
  readonly projectId?: number | null;
  /** Tokens expiring after this time (with `expiringBefore`: expiring within a period). */
  readonly expiringAfter?: string | null;
  /** Tokens not used since this time: last used before it, or never used. */
  readonly unusedSince?: string | null;
  /** Only these tokens (a filter computed elsewhere, such as over-granted ones). */
  readonly tokenIds?: readonly number[] | null;
}

export type ServiceTokenSortField = 'created_at' | 'name' | 'last_used_at' | 'expires_at';

export interface ServiceTokenSort {
  readonly field: ServiceTokenSortField;
  readonly direction: 'asc' | 'desc';
}

/** The sort value of a row as the query compares it (nulls are '' and sort first). */
export function sortValueOf(token: ServiceTokenRow, field: ServiceTokenSortField): string {
  return token[field] ?? '';
}

type TokenExpressions = ExpressionBuilder<Database, 'service_tokens'>;

function filtered(db: Db, accountId: number, filter: ServiceTokenFilter, now: string) {
  let query = db.selectFrom('service_tokens').where('account_id', '=', accountId);
  if (filter.states?.length) {
    const states = filter.states;
    query = query.where((eb: TokenExpressions) =>
      eb.or(
        states.map((state) => {
          if (state === 'revoked') return eb('revoked_at', 'is not', null);
          const unexpired = eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]);
          return eb.and([
            eb('revoked_at', 'is', null),
            state === 'active' ? unexpired : eb('expires_at', '<=', now),
          ]);
        }),
      ),
    );
  }
  if (filter.expiringBefore) query = query.where('expires_at', '<', filter.expiringBefore);
  if (filter.expiringAfter) query = query.where('expires_at', '>', filter.expiringAfter);
  if (filter.unusedSince) {
    const since = filter.unusedSince;
    query = query.where((eb: TokenExpressions) =>
      eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', since)]),
    );
  }
  if (filter.tokenIds) {
    const ids = filter.tokenIds;
    // No ids: nothing matches (an empty IN list is not valid SQL).
    query = ids.length > 0 ? query.where('id', 'in', ids) : query.where('id', '<', 0);
  }
  if (filter.neverUsed === true) query = query.where('last_used_at', 'is', null);
  if (filter.neverUsed === false) query = query.where('last_used_at', 'is not', null);
  if (filter.lastUsedBefore) query = query.where('last_used_at', '<', filter.lastUsedBefore);
  if (filter.permissionSet) {
    const permissionSet = filter.permissionSet;
    query = query.where((eb: TokenExpressions) =>
      eb.exists(
        eb
          .selectFrom('service_token_grants as g')
          .select('g.id')
          .whereRef('g.service_token_id', '=', 'service_tokens.id')
          .where('g.permission_set', '=', permissionSet),
      ),
    );
  }
  if (filter.projectId) {
    const projectId = filter.projectId;
    query = query.where((eb: TokenExpressions) =>
      eb.exists(
        eb
          .selectFrom('service_token_grants as g')
          .leftJoin('service_token_grant_projects as gp', 'gp.grant_id', 'g.id')
          .select('g.id')
          .whereRef('g.service_token_id', '=', 'service_tokens.id')
          .where((inner) =>
            inner.or([inner('g.all_projects', '=', 1), inner('gp.project_id', '=', projectId)]),
          ),
      ),
    );
  }
  return query;
}

export async function listServiceTokens(
  db: Db,
  accountId: number,
  filter: ServiceTokenFilter,
  sort: ServiceTokenSort,
  page: PageRequest,
  now: string,
): Promise<Page<ServiceTokenRow>> {
  const key = sql<string>`coalesce(${sql.ref(sort.field)}, '')`;
  const descending = sort.direction === 'desc';
  let query = filtered(db, accountId, filter, now).selectAll();
  if (page.afterId !== null) {
    const afterId = page.afterId;
    const afterKey = page.afterKey ?? '';
    query = query.where((eb) =>
      eb.or([
        eb(key, descending ? '<' : '>', afterKey),
        eb.and([eb(key, '=', afterKey), eb('id', descending ? '<' : '>', afterId)]),
      ]),
    );
  }
  const rows = await query
    .orderBy(key, sort.direction)
    .orderBy('id', sort.direction)
    .limit(page.first + 1)
    .execute();
  return toPage(rows, page);
}

export async function countServiceTokens(
  db: Db,
  accountId: number,
  filter: ServiceTokenFilter,
  now: string,
): Promise<number> {
  const { count } = await filtered(db, accountId, filter, now)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Marks the token revoked; a token already revoked keeps its first revocation time. */
export async function revokeServiceToken(
  db: Db,
  tokenId: number,
  now: string,
): Promise<ServiceTokenRow> {
  await db
    .updateTable('service_tokens')
    .set({ revoked_at: now })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .execute();
  return db
    .selectFrom('service_tokens')
    .selectAll()
    .where('id', '=', tokenId)
    .executeTakeFirstOrThrow();
}

export async function updateServiceToken(
  db: Db,
  tokenId: number,
  changes: { name?: string; allowedCidrs?: readonly string[] },
): Promise<ServiceTokenRow> {
  return db
    .updateTable('service_tokens')
    .set({
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.allowedCidrs === undefined
        ? {}
        : { allowed_cidrs: changes.allowedCidrs.join(',') }),
    })
    .where('id', '=', tokenId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Replaces the token's secret. The replaced one stays usable until `previousValidUntil` (null:
 * refused at once); a secret replaced before that stops working now.
 */
export async function replaceTokenSecret(
  db: Db,
  token: ServiceTokenRow,
  secret: {
    hash: string;
    hint: string;
    previousValidUntil: string | null;
    expiresAt: string | null;
  },
): Promise<ServiceTokenRow> {
  return db
    .updateTable('service_tokens')
    .set({
      token_hash: secret.hash,
      token_hint: secret.hint,
      previous_token_hash: secret.previousValidUntil === null ? null : token.token_hash,
      previous_token_valid_until: secret.previousValidUntil,
      expires_at: secret.expiresAt,
    })
    .where('id', '=', token.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findRecentIps(db: Db, tokenId: number): Promise<string[]> {
  const row = await db
    .selectFrom('service_tokens')
    .select('recent_ips')
    .where('id', '=', tokenId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.recent_ips) as string[]) : [];
}

export async function findServiceTokenPolicy(
  db: Db,
  accountId: number,
): Promise<ServiceTokenPolicyRow | undefined> {
  return db
    .selectFrom('service_token_policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** Sets the fields given of the account's token policy (creating it on first use). */
export async function upsertServiceTokenPolicy(
  db: Db,
  policy: {
    accountId: number;
    maxLifetimeSeconds?: number | null;
    requestsPerMinute?: number | null;
    now: string;
  },
): Promise<ServiceTokenPolicyRow> {
  const changes = {
    ...(policy.maxLifetimeSeconds === undefined
      ? {}
      : { max_lifetime_seconds: policy.maxLifetimeSeconds }),
    ...(policy.requestsPerMinute === undefined
      ? {}
      : { requests_per_minute: policy.requestsPerMinute }),
    updated_at: policy.now,
  };
  return db
    .insertInto('service_token_policies')
    .values({
      account_id: policy.accountId,
      max_lifetime_seconds: null,
      requests_per_minute: null,
      ...changes,
    })
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The account's tokens that are neither revoked nor expired at `now`, by id. */
export async function listWorkingServiceTokens(
  db: Db,
  accountId: number,
  now: string,
): Promise<ServiceTokenRow[]> {
  return db
    .selectFrom('service_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('id')
    .execute();
}

/**
 * Tokens of every account that are neither revoked nor expired at `now` (the metrics' gauge):
 * one count, no rows read into memory.
 */
export async function countActiveServiceTokens(db: Db, now: string): Promise<number> {
  const { count } = await db
    .selectFrom('service_tokens')
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}
