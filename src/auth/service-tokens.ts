import type { EffectiveAccess, Grant } from '../catalog/access.js';
import type { GrantInput } from '../catalog/grants.js';
import { type Db, inTransaction } from '../db/database.js';
import {
  findServiceTokenPolicy,
  insertServiceToken,
  listWorkingAdminTokenIds,
  lockAccountForAdminCheck,
  replaceTokenSecret,
} from '../db/service-tokens.js';
import type { AccountRow } from '../db/tables/accounts.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';
import { badUserInput } from '../errors.js';
import { validName } from '../validation.js';
import { grantsFromInput } from './grant-input.js';
import { parseCidr } from './ip-addresses.js';
import { generateToken, hashToken, tokenHint } from './token.js';

/** A token name as stored: trimmed, 1 to 255 characters. Throws BAD_USER_INPUT otherwise. */
export function validTokenName(name: string, field = 'name'): string {
  return validName(name, field, 'A service token name');
}

export const maxAllowedCidrs = 50;

/** A token's address allowlist, normalized; BAD_USER_INPUT for anything that is not a CIDR. */
export function validAllowedCidrs(cidrs: readonly string[], field: string): string[] {
  if (cidrs.length > maxAllowedCidrs)
    throw badUserInput(`A token may list at most ${maxAllowedCidrs} address ranges.`, field);
  return [
    ...new Set(
      cidrs.map((text) => {
        const cidr = parseCidr(text);
        if (!cidr) throw badUserInput(`"${text}" is not an IP address or CIDR range.`, field);
        return `${cidr.address}/${cidr.prefix}`;
      }),
    ),
  ];
}

/**
 * The expiry to store: in the future, and within the account's maximum lifetime when one is set
 * (then an expiry is required). Throws BAD_USER_INPUT naming `field` otherwise.
 */
export async function validExpiry(
  db: Db,
  accountId: number,
  expiresAt: Date | null | undefined,
  now: Date,
  field: string,
): Promise<string | null> {
  const policy = await findServiceTokenPolicy(db, accountId);
  const maxSeconds = policy?.max_lifetime_seconds ?? null;
  if (expiresAt == null) {
    if (maxSeconds !== null) {
      throw badUserInput(
        `This account requires tokens to expire within ${maxSeconds} seconds; give expiresAt.`,
        field,
      );
    }
    return null;
  }
  if (expiresAt.getTime() <= now.getTime())
    throw badUserInput('expiresAt must be in the future.', field);
  if (maxSeconds !== null && expiresAt.getTime() > now.getTime() + maxSeconds * 1000) {
    throw badUserInput(
      `This account allows tokens to live at most ${maxSeconds} seconds; expiresAt is later.`,
      field,
    );
  }
  return expiresAt.toISOString();
}

/**
 * Creates a service token with its grants in one transaction and returns the secret (the only
 * time it exists outside the caller's hands) with the grants as normalized by the catalog. Invalid grants (plan, level, environment
 * categories, projects not in the account), an expiry outside the account's policy, or bad
 * address ranges throw BAD_USER_INPUT and write nothing; grants beyond `grantedBy` throw
 * FORBIDDEN.
 */
export async function issueServiceToken(
  db: Db,
  request: {
    account: AccountRow;
    name: string;
    permissions: readonly GrantInput[];
    expiresAt?: Date | null;
    allowedCidrs?: readonly string[] | null;
    createdByTokenId: number | null;
    /** The creator's access (null for the first admin token, which nobody grants). */
    grantedBy: EffectiveAccess | null;
    now: Date;
    /** Create it with no grants when none are given (it can do nothing until it gets some). */
    allowNoGrants?: boolean;
  },
): Promise<{ token: string; serviceToken: ServiceTokenRow; grants: Grant[] }> {
  const name = validTokenName(request.name);
  const allowedCidrs = validAllowedCidrs(request.allowedCidrs ?? [], 'allowedCidrs');
  const secret = generateToken();
  return inTransaction(db, async (trx) => {
    const grants = await grantsFromInput(trx, request.account, request.permissions, {
      grantedBy: request.grantedBy,
      field: 'permissions',
      allowNone: request.allowNoGrants,
    });
    const serviceToken = await insertServiceToken(trx, {
      accountId: request.account.id,
      name,
      tokenHash: hashToken(secret),
      tokenHint: tokenHint(secret),
      now: request.now.toISOString(),
      expiresAt: await validExpiry(
        trx,
        request.account.id,
        request.expiresAt,
        request.now,
        'expiresAt',
      ),
      allowedCidrs,
      createdByTokenId: request.createdByTokenId,
      grants,
    });
    return { token: secret, serviceToken, grants };
  });
}

export const maxGraceSeconds = 7 * 24 * 60 * 60;

/**
 * Gives the token a new secret with the same grants and name. The old secret keeps working for
 * `graceSeconds` (0: refused at once), so deployments can switch without an outage.
 */
export async function rotateServiceToken(
  db: Db,
  request: { token: ServiceTokenRow; graceSeconds: number; expiresAt?: Date | null; now: Date },
): Promise<{ token: string; serviceToken: ServiceTokenRow }> {
  const { token, graceSeconds, now } = request;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > maxGraceSeconds) {
    throw badUserInput(
      `graceSeconds must be a whole number from 0 to ${maxGraceSeconds} (7 days).`,
      'graceSeconds',
    );
  }
  const expiresAt =
    request.expiresAt === undefined
      ? token.expires_at
      : await validExpiry(db, token.account_id, request.expiresAt, now, 'expiresAt');
  const secret = generateToken();
  const serviceToken = await replaceTokenSecret(db, token, {
    hash: hashToken(secret),
    hint: tokenHint(secret),
    previousValidUntil:
      graceSeconds === 0 ? null : new Date(now.getTime() + graceSeconds * 1000).toISOString(),
    expiresAt,
  });
  return { token: secret, serviceToken };
}

/**
 * Runs `change` (inside the caller's transaction, or a new one) and refuses it, writing nothing,
 * when it would take the account from at least one working Account Admin token to none:
 * BAD_USER_INPUT naming `field`, saying what to do instead. The account's row is locked first on
 * PostgreSQL, so two such changes (revoking two admin tokens at once) are decided one after the
 * other and cannot both pass.
 */
export async function keepingAnAdminToken<T>(
  db: Db,
  request: { accountId: number; now: Date; field: string },
  change: (trx: Db) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    await lockAccountForAdminCheck(trx, request.accountId);
    const now = request.now.toISOString();
    const before = await listWorkingAdminTokenIds(trx, request.accountId, now);
    const result = await change(trx);
    if (
      before.length > 0 &&
      (await listWorkingAdminTokenIds(trx, request.accountId, now)).length === 0
    ) {
      throw badUserInput(
        'This would leave the account with no working Account Admin token, and no one could administer it. Create another Account Admin token first.',
        request.field,
      );
    }
    return result;
  });
}
