import { sql } from 'kysely';
import type { Db } from './database.js';
import type { LeastPrivilegePolicyRow, PermissionUsageRow } from './tables/least-privilege.js';
import type { ServiceTokenRow } from './tables/service-tokens.js';
import { newEventId } from './webhook-deliveries.js';

// The permissions tokens used (written coalesced by src/auth/permission-usage.ts), the account's
// least-privilege policy, and what the policy's periodic pass reads and writes.

/** One batch of one instance for one token, permission and project (0: none, see the table). */
export interface PermissionUsageBatch {
  readonly tokenId: number;
  readonly resource: string;
  readonly action: string;
  readonly projectId: number;
  readonly firstUsedAt: string;
  readonly lastUsedAt: string;
  readonly count: number;
}

/**
 * Adds batches to the stored usage: one upsert per batch list, additive, so instances writing
 * the same rows at once never lose each other's counts; first use only moves back, last use only
 * forward. Batches of tokens deleted meanwhile are skipped (the insert reads the token).
 */
export async function addPermissionUsage(
  db: Db,
  batches: readonly PermissionUsageBatch[],
): Promise<void> {
  if (batches.length === 0) return;
  const tokenIds = [...new Set(batches.map((batch) => batch.tokenId))];
  const existing = new Set(
    (await db.selectFrom('service_tokens').select('id').where('id', 'in', tokenIds).execute()).map(
      (row) => row.id,
    ),
  );
  const rows = batches
    .filter((batch) => existing.has(batch.tokenId))
    .map((batch) => ({
      token_id: batch.tokenId,
      resource: batch.resource,
      action: batch.action,
      project_id: batch.projectId,
      first_used_at: batch.firstUsedAt,
      last_used_at: batch.lastUsedAt,
      use_count: batch.count,
    }));
  // One order for every instance: two upserts of overlapping rows then lock them in the same
  // order on PostgreSQL, and cannot deadlock.
  rows.sort(
    (a, b) =>
      a.token_id - b.token_id ||
      a.resource.localeCompare(b.resource) ||
      a.action.localeCompare(b.action) ||
      a.project_id - b.project_id,
  );
  // Chunks keep each statement under SQLite's limit of bound parameters.
  for (let start = 0; start < rows.length; start += 500) {
    await upsertUsageRows(db, rows.slice(start, start + 500));
  }
}

async function upsertUsageRows(
  db: Db,
  rows: readonly Omit<PermissionUsageRow, never>[],
): Promise<void> {
  await db
    .insertInto('permission_usage')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['token_id', 'resource', 'action', 'project_id']).doUpdateSet({
        use_count: sql`permission_usage.use_count + excluded.use_count`,
        first_used_at: sql`case when excluded.first_used_at < permission_usage.first_used_at then excluded.first_used_at else permission_usage.first_used_at end`,
        last_used_at: sql`case when excluded.last_used_at > permission_usage.last_used_at then excluded.last_used_at else permission_usage.last_used_at end`,
      }),
    )
    .execute();
}

/** The token's recorded permissions last used at or after `since`, in a stable order. */
export async function listPermissionUsage(
  db: Db,
  tokenIds: readonly number[],
  since: string,
): Promise<PermissionUsageRow[]> {
  if (tokenIds.length === 0) return [];
  return db
    .selectFrom('permission_usage')
    .selectAll()
    .where('token_id', 'in', tokenIds)
    .where('last_used_at', '>=', since)
    .orderBy('token_id')
    .orderBy('resource')
    .orderBy('action')
    .orderBy('project_id')
    .execute();
}

/** Deletes the account's usage rows last used before `before`; returns how many. */
export async function prunePermissionUsage(
  db: Db,
  accountId: number,
  before: string,
): Promise<number> {
  const result = await db
    .deleteFrom('permission_usage')
    .where('last_used_at', '<', before)
    .where('token_id', 'in', (eb) =>
      eb.selectFrom('service_tokens').select('id').where('account_id', '=', accountId),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The account's policy as stored: undefined for an account created after recording began. */
export async function findLeastPrivilegePolicy(
  db: Db,
  accountId: number,
): Promise<LeastPrivilegePolicyRow | undefined> {
  return db
    .selectFrom('least_privilege_policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/**
 * Sets the fields given of the account's policy, creating it on the first change; an account
 * created after usage recording began has recorded since its creation (`recordedSince`).
 */
export async function upsertLeastPrivilegePolicy(
  db: Db,
  policy: {
    accountId: number;
    recordedSince: string;
    usageRetentionDays?: number;
    revokeUnusedAfterDays?: number | null;
    expiryWarningDays?: number | null;
    now: string;
  },
): Promise<LeastPrivilegePolicyRow> {
  const changes = {
    ...(policy.usageRetentionDays === undefined
      ? {}
      : { usage_retention_days: policy.usageRetentionDays }),
    ...(policy.revokeUnusedAfterDays === undefined
      ? {}
      : { revoke_unused_after_days: policy.revokeUnusedAfterDays }),
    ...(policy.expiryWarningDays === undefined
      ? {}
      : { expiry_warning_days: policy.expiryWarningDays }),
    updated_at: policy.now,
  };
  return db
    .insertInto('least_privilege_policies')
    .values({
      account_id: policy.accountId,
      usage_recorded_since: policy.recordedSince,
      usage_retention_days: policy.usageRetentionDays ?? 90,
      revoke_unused_after_days: policy.revokeUnusedAfterDays ?? null,
      expiry_warning_days: policy.expiryWarningDays ?? null,
      updated_at: policy.now,
    })
    .onConflict((conflict) => conflict.column('account_id').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every account with its policy row, if any (the periodic pass visits each). */
export async function listAccountsWithPolicies(db: Db) {
  return db
    .selectFrom('accounts as a')
    .leftJoin('least_privilege_policies as p', 'p.account_id', 'a.id')
    .select([
      'a.id as accountId',
      'a.created_at as accountCreatedAt',
      'p.usage_retention_days as usageRetentionDays',
      'p.revoke_unused_after_days as revokeUnusedAfterDays',
      'p.expiry_warning_days as expiryWarningDays',
    ])
    .orderBy('a.id')
    .execute();
}

/**
 * The account's working tokens (not revoked, not expired at `now`) not used since `before`:
 * last used before it, or never used and created before it.
 */
export async function listTokensUnusedSince(
  db: Db,
  accountId: number,
  before: string,
  now: string,
): Promise<ServiceTokenRow[]> {
  return db
    .selectFrom('service_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .where((eb) =>
      eb.or([
        eb('last_used_at', '<', before),
        eb.and([eb('last_used_at', 'is', null), eb('created_at', '<', before)]),
      ]),
    )
    .orderBy('id')
    .execute();
}

/** The account's working tokens expiring after `now` and at or before `until`. */
export async function listTokensExpiringBy(
  db: Db,
  accountId: number,
  now: string,
  until: string,
): Promise<ServiceTokenRow[]> {
  return db
    .selectFrom('service_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('expires_at', '<=', until)
    .orderBy('id')
    .execute();
}

/**
 * Claims the warning about the token's expiry: true for exactly one caller, across instances
 * (the insert of the key wins once); a token whose expiry moved is warned again.
 */
export async function claimExpiryWarning(
  db: Db,
  token: { id: number; expiresAt: string },
  now: string,
): Promise<boolean> {
  const result = await db
    .insertInto('token_expiry_warnings')
    .values({ token_id: token.id, expires_at: token.expiresAt, warned_at: now })
    .onConflict((conflict) => conflict.columns(['token_id', 'expires_at']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Queues a `token.expiring` delivery to every active webhook of the account subscribed to it, in
 * the transaction that claimed the warning. Returns how many deliveries were queued.
 */
export async function enqueueTokenExpiring(
  db: Db,
  event: {
    accountId: number;
    token: ServiceTokenRow;
    daysLeft: number;
    now: string;
  },
): Promise<number> {
  const webhooks = await db
    .selectFrom('webhooks')
    .select(['id', 'name', 'events'])
    .where('account_id', '=', event.accountId)
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
  const rows = webhooks
    .filter((webhook) => webhook.events.split(',').includes('token.expiring'))
    .map((webhook) => {
      const eventId = newEventId();
      return {
        webhook_id: webhook.id,
        run_id: null,
        event_id: eventId,
        event_type: 'token.expiring',
        payload: JSON.stringify({
          accountId: event.accountId,
          webhooksID: String(webhook.id),
          eventId,
          timestamp: event.now,
          eventType: 'token.expiring',
          webhookName: webhook.name,
          data: {
            tokenId: String(event.token.id),
            tokenName: event.token.name,
            displayHint: event.token.token_hint,
            expiresAt: event.token.expires_at,
            daysLeft: event.daysLeft,
          },
        }),
        status: 'pending' as const,
        next_attempt_at: event.now,
        created_at: event.now,
      };
    });
  if (rows.length > 0) await db.insertInto('webhook_deliveries').values(rows).execute();
  return rows.length;
}
