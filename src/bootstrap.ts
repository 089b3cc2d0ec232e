import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { issueServiceToken } from './auth/service-tokens.js';
import type { Plan } from './catalog/permission-sets.js';
import { hasAnyAccount, insertAccount } from './db/accounts.js';
import { type Db, inTransaction } from './db/database.js';
import type { AccountRow } from './db/tables/accounts.js';

/** An account with its first Account Admin token, whose secret exists only in this result. */
export interface CreatedAccount {
  readonly account: AccountRow;
  readonly adminToken: string;
}

/** Creates an account and one Account Admin token for it, in one transaction. */
export async function createAccountWithAdminToken(
  db: Db,
  request: { name: string; plan: Plan; now: Date; tokenName?: string },
): Promise<CreatedAccount> {
  return inTransaction(db, async (trx) => {
    const account = await insertAccount(trx, {
      name: request.name,
      plan: request.plan,
      created_at: request.now.toISOString(),
    });
    const { token } = await issueServiceToken(trx, {
      account,
      name: request.tokenName ?? 'Bootstrap admin',
      permissions: [{ permissionSet: 'account_admin' }],
      createdByTokenId: null,
      grantedBy: null,
      now: request.now,
    });
    return { account, adminToken: token };
  });
}

/** On an empty database, creates the first account and returns its admin token; otherwise undefined. */
export async function bootstrapIfEmpty(
  db: Db,
  account: { name: string; plan: Plan },
  now: Date,
): Promise<CreatedAccount | undefined> {
  if (await hasAnyAccount(db)) return undefined;
  return createAccountWithAdminToken(db, { ...account, now });
}

/** The file a production first start leaves the Account Admin token in, inside the data directory. */
export const adminTokenFileName = 'admin-token';

/**
 * Writes the first Account Admin token to an owner-only file in the data directory and returns
 * its path. In production the start-up output goes to log collectors, which must never receive
 * a token; the operator reads the file on the host instead. An older file (a database deleted
 * and started afresh) is replaced, and its mode set again in case it was loosened.
 */
export function writeAdminTokenFile(dataDir: string, token: string): string {
  const file = path.join(dataDir, adminTokenFileName);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
