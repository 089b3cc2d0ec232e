import { GraphQLError } from 'graphql';
import { compileAccess, type EffectiveAccess } from '../catalog/access.js';
import { recordAuthenticationRefusal } from '../db/audit-log.js';
import type { Db } from '../db/database.js';
import type { StoredGrant } from '../db/grants.js';
import { listIpRestrictionRules } from '../db/ip-restrictions.js';
import { findUsableTokenByHash } from '../db/service-tokens.js';
import type { AccountRow } from '../db/tables/accounts.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';
import { ipRestricted, unauthenticated } from '../errors.js';
import { isAddressAllowed } from './ip-restrictions.js';
import { hashToken, isWellFormedToken, tokenFromAuthorizationHeader } from './token.js';
import type { UsageRecorder } from './usage.js';

/** Who is calling: the token, its account and its grants compiled into access lookups. */
export interface Principal {
  readonly token: ServiceTokenRow;
  readonly account: AccountRow;
  readonly grants: readonly StoredGrant[];
  readonly access: EffectiveAccess;
  /** The account's per-token request limit; null: the server's default. */
  readonly requestsPerMinute: number | null;
  /**
   * Which of the token's secrets the request carried: its current one, or the one it replaced,
   * still accepted during a rotation's grace window. The previous secret serves ordinary calls
   * only; it may never change its own token (see `previousSecretRefused`).
   */
  readonly secret: 'current' | 'previous';
}

/**
 * A grace-window secret tried to change its own token (rotate, rename, grants, allowlist,
 * expiry). Whoever still holds the replaced secret must not be able to take the token over.
 */
export function previousSecretRefused(): GraphQLError {
  return new GraphQLError(
    "Forbidden: this request used the token's previous secret, accepted only during the rotation's grace window for ordinary calls. Changing the token itself needs its current secret.",
    { extensions: { code: 'FORBIDDEN', reason: 'previous_secret' } },
  );
}

export interface Credentials {
  readonly authorization: string | null;
  readonly clientIp: string | null;
  readonly now: Date;
}

/** Address refusals of one token are audited once per window of this length, with a count. */
export const refusalWindowMs = 60 * 60 * 1000;

/** The start of the (UTC-aligned) refusal window `at` falls in. */
function refusalWindowStart(at: Date): string {
  return new Date(Math.floor(at.getTime() / refusalWindowMs) * refusalWindowMs).toISOString();
}

/** Whether the token's own address allowlist (if any) lets the address in. */
function tokenAllows(token: ServiceTokenRow, clientIp: string | null): boolean {
  if (!token.allowed_cidrs) return true;
  return isAddressAllowed(
    token.allowed_cidrs.split(',').map((cidr) => ({ kind: 'allow' as const, cidr })),
    clientIp,
  );
}

/**
 * Resolves the `Authorization` header to a principal, once per request. No header: null (the
 * caller is anonymous and guarded fields answer UNAUTHENTICATED). A header that is malformed,
 * fails its checksum (refused before any SQL), or names an unknown, revoked or expired token (or
 * a rotated-out secret past its grace window): throws UNAUTHENTICATED, with nothing that tells
 * the cases apart. A valid token from an address the account's IP restrictions or the token's
 * own allowlist refuse: throws FORBIDDEN (`reason: ip_restricted`); the refusal is audited, one
 * entry per token and hour with a count.
 */
export async function authenticate(
  db: Db,
  usage: UsageRecorder,
  { authorization, clientIp, now }: Credentials,
): Promise<Principal | null> {
  const token = tokenFromAuthorizationHeader(authorization);
  if (token === undefined) return null;
  if (token === null || !isWellFormedToken(token)) throw unauthenticated();
  const tokenHash = hashToken(token);
  const found = await findUsableTokenByHash(db, tokenHash, now.toISOString());
  if (!found) throw unauthenticated();

  const rules = found.hasIpRules ? await listIpRestrictionRules(db, found.account.id) : [];
  const refusedBy = !isAddressAllowed(rules, clientIp)
    ? 'account'
    : !tokenAllows(found.token, clientIp)
      ? 'token'
      : null;
  if (refusedBy) {
    // One audit entry per token and window, with a count: a client retrying from a refused
    // address would otherwise append a row per request, unthrottled.
    await recordAuthenticationRefusal(db, {
      accountId: found.account.id,
      tokenId: found.token.id,
      windowStart: refusalWindowStart(now),
      refusedBy,
      at: now.toISOString(),
      clientIp,
    });
    throw ipRestricted();
  }

  usage.record(found.token, clientIp, now);
  return {
    token: found.token,
    account: found.account,
    grants: found.grants,
    access: compileAccess(found.grants),
    requestsPerMinute: found.requestsPerMinute,
    // The lookup matched one of the two hashes; the current one unless it is the other.
    secret: found.token.token_hash === tokenHash ? 'current' : 'previous',
  };
}
