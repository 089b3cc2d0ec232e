import type { Action } from '../catalog/access.js';
import { suggestGrants } from '../catalog/least-privilege.js';
import type { Resource } from '../catalog/matrix.js';
import { insertAuditEntry } from '../db/audit-log.js';
import { type Db, inTransaction } from '../db/database.js';
import { listGrantsOf } from '../db/grants.js';
import {
  claimExpiryWarning,
  enqueueTokenExpiring,
  listAccountsWithPolicies,
  listPermissionUsage,
  listTokensExpiringBy,
  listTokensUnusedSince,
  prunePermissionUsage,
} from '../db/permission-usage.js';
import {
  listWorkingAdminTokenIds,
  listWorkingServiceTokens,
  lockAccountForAdminCheck,
  revokeServiceToken,
} from '../db/service-tokens.js';
import type { AccountRow } from '../db/tables/accounts.js';

// The account's least-privilege policy, applied periodically by every instance: prune usage past
// the retention, revoke tokens unused for N days (off by default), warn N days before a token
// expires (`token.expiring` through webhooks). Each step is safe to run on several instances at
// once: revocation keeps a token's first revocation time and audits only what it revoked, and a
// warning is claimed once per token and expiry (`claimExpiryWarning`).

export const defaultUsageRetentionDays = 90;
const dayMs = 24 * 60 * 60 * 1000;

/** What one pass did, for logs and tests. */
export interface PolicyPassResult {
  readonly pruned: number;
  readonly revoked: number[];
  readonly warned: number[];
}

/**
 * One pass over every account at `now`. Revocations and warnings are audited (`actor_token_id`
 * null: the policy acted), each in the transaction that made it. A token whose revocation would
 * leave the account without a working Account Admin token is kept (the account must stay
 * administrable); it is revoked once another admin token exists.
 */
export async function applyTokenPolicies(db: Db, now: Date): Promise<PolicyPassResult> {
  const at = now.toISOString();
  let pruned = 0;
  const revoked: number[] = [];
  const warned: number[] = [];
  for (const account of await listAccountsWithPolicies(db)) {
    const retention = account.usageRetentionDays ?? defaultUsageRetentionDays;
    pruned += await prunePermissionUsage(
      db,
      account.accountId,
      new Date(now.getTime() - retention * dayMs).toISOString(),
    );

    if (account.revokeUnusedAfterDays != null) {
      const days = account.revokeUnusedAfterDays;
      const before = new Date(now.getTime() - days * dayMs).toISOString();
      for (const token of await listTokensUnusedSince(db, account.accountId, before, at)) {
        const done = await inTransaction(db, async (trx) => {
          await lockAccountForAdminCheck(trx, account.accountId);
          const admins = await listWorkingAdminTokenIds(trx, account.accountId, at);
          if (admins.length === 1 && admins[0] === token.id) return false;
          const row = await revokeServiceToken(trx, token.id, at);
          if (row.revoked_at !== at) return false; // revoked meanwhile, by someone else
          await insertAuditEntry(trx, {
            account_id: account.accountId,
            occurred_at: at,
            actor_token_id: null,
            action: 'revokeUnusedServiceToken',
            target_type: 'ServiceToken',
            target_id: String(token.id),
            project_id: null,
            outcome: 'success',
            client_ip: null,
            details: JSON.stringify({
              policy: 'revokeUnusedAfterDays',
              days,
              lastUsedAt: token.last_used_at,
            }),
          });
          return true;
        });
        if (done) revoked.push(token.id);
      }
    }

    if (account.expiryWarningDays != null) {
      const days = account.expiryWarningDays;
      const until = new Date(now.getTime() + days * dayMs).toISOString();
      for (const token of await listTokensExpiringBy(db, account.accountId, at, until)) {
        const done = await inTransaction(db, async (trx) => {
          const expiresAt = token.expires_at!;
          if (!(await claimExpiryWarning(trx, { id: token.id, expiresAt }, at))) return false;
          const daysLeft = Math.ceil((Date.parse(expiresAt) - now.getTime()) / dayMs);
          const deliveries = await enqueueTokenExpiring(trx, {
            accountId: account.accountId,
            token,
            daysLeft,
            now: at,
          });
          await insertAuditEntry(trx, {
            account_id: account.accountId,
            occurred_at: at,
            actor_token_id: null,
            action: 'tokenExpiring',
            target_type: 'ServiceToken',
            target_id: String(token.id),
            project_id: null,
            outcome: 'success',
            client_ip: null,
            details: JSON.stringify({ expiresAt, daysLeft, webhookDeliveries: deliveries }),
          });
          return true;
        });
        if (done) warned.push(token.id);
      }
    }
  }
  return { pruned, revoked, warned };
}

export interface TokenPolicyWorker {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Runs `applyTokenPolicies` every `intervalMs` (default an hour) with the app's clock; a pass
 * that fails is reported and the next one runs as planned.
 */
export function createTokenPolicyWorker(options: {
  db: Db;
  now: () => Date;
  intervalMs?: number;
  onError: (error: unknown) => void;
}): TokenPolicyWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const pass = () => {
    if (running) return;
    running = applyTokenPolicies(options.db, options.now())
      .catch(options.onError)
      .finally(() => {
        running = undefined;
      });
  };
  return {
    start() {
      timer = setInterval(pass, options.intervalMs ?? 60 * 60 * 1000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Ids of the account's working tokens that hold more than they used in the last `sinceDays`:
 * their suggested grants (src/catalog/least-privilege.ts) would take something away.
 */
export async function overGrantedTokenIds(
  db: Db,
  account: AccountRow,
  sinceDays: number,
  now: Date,
): Promise<number[]> {
  const tokens = await listWorkingServiceTokens(db, account.id, now.toISOString());
  const ids = tokens.map((token) => token.id);
  const grants = await listGrantsOf(db, 'SERVICE_TOKEN', ids);
  const since = new Date(now.getTime() - sinceDays * dayMs).toISOString();
  const rows = await listPermissionUsage(db, ids, since);
  return ids.filter((id) => {
    const used = rows
      .filter((row) => row.token_id === id)
      .map((row) => ({
        resource: row.resource as Resource,
        action: row.action as Action,
        projectId: row.project_id === 0 ? null : row.project_id,
      }));
    const current = grants.get(id) ?? [];
    return suggestGrants({ plan: account.plan, current, used }).removed.length > 0;
  });
}
