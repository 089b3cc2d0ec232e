import { GraphQLError } from 'graphql';
import { callerAccess, type EffectiveAccess } from '../catalog/access.js';
import { recordAuthenticationRefusal } from '../db/audit-log.js';
import type { Db } from '../db/database.js';
import type { StoredGrant } from '../db/grants.js';
import { listIpRestrictionRules } from '../db/ip-restrictions.js';
import { findUsableTokenByHash } from '../db/service-tokens.js';
import type { AccountRow } from '../db/tables/accounts.js';
import type { GroupRow, MemberRow } from '../db/tables/people.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';
import { ipRestricted, unauthenticated } from '../errors.js';
import { isAddressAllowed } from './ip-restrictions.js';
import { hashToken, isWellFormedToken, tokenFromAuthorizationHeader } from './token.js';
import type { UsageRecorder } from './usage.js';

/** What every caller carries, whichever its kind: its account and the access its grants give. */
interface CallerBase {
  readonly account: AccountRow;
  /** The grants access was compiled from: the token's own, or every grant of the member's groups. */
  readonly grants: readonly StoredGrant[];
  readonly access: EffectiveAccess;
  /** The account's per-caller request limit; null: the server's default. */
  readonly requestsPerMinute: number | null;
}

/** A service token calling with its secret in the `Authorization` header. */
export interface TokenPrincipal extends CallerBase {
  readonly kind: 'token';
  readonly token: ServiceTokenRow;
  readonly member: null;
  /**
   * Which of the token's secrets the request carried: its current one, or the one it replaced,
   * still accepted during a rotation's grace window. The previous secret serves ordinary calls
   * only; it may never change its own token (see `previousSecretRefused`).
   */
  readonly secret: 'current' | 'previous';
}

/**
 * A member of the account, signed in through single sign-on and calling with a session cookie.
 * The token-only parts (the previous secret, last-use counting, the expiry header) are absent.
 */
export interface MemberPrincipal extends CallerBase {
  readonly kind: 'member';
  readonly member: MemberRow;
  /** The member's groups, by name: what the console shows and what `grants` came from. */
  readonly groups: readonly GroupRow[];
  /** The session the request carried (sign-out ends this one). */
  readonly sessionId: number;
}

/** Who is calling: a service token or a signed-in member, with its grants compiled into access. */
export type Principal = TokenPrincipal | MemberPrincipal;

/** The service token that is calling, or null when the caller is a member (or anonymous). */
export function callerToken(principal: Principal | null | undefined): ServiceTokenRow | null {
  return principal?.kind === 'token' ? principal.token : null;
}

/** The key the caller's requests are counted under: a token's id as ever, `member:<id>` for members. */
export function rateLimitKey(principal: Principal): string {
  return principal.kind === 'token' ? String(principal.token.id) : `member:${principal.member.id}`;
}

/**
 * The calling service token, for what only a token may do (a runner claiming runs): a member gets
 * FORBIDDEN (`reason: token_only`) saying so.
 */
export function requireCallerToken(principal: Principal, what: string): ServiceTokenRow {
  if (principal.kind === 'token') return principal.token;
  throw new GraphQLError(
    `Forbidden: ${what} is for service tokens; a member signed in through single sign-on cannot do it.`,
    { extensions: { code: 'FORBIDDEN', reason: 'token_only' } },
  );
}

/** The signed-in member that is calling, or null when the caller is a token (or anonymous). */
export function callerMember(principal: Principal | null | undefined): MemberRow | null {
  return principal?.kind === 'member' ? principal.member : null;
}

declare const ownToken: unique symbol;
/**
 * A token known to be the target of the field. Branded so that `isOwnToken` narrows one way
 * only: true means a token, false does not mean a member (another token is false too).
 */
type OwnTokenPrincipal = TokenPrincipal & { readonly [ownToken]: true };

/** Whether the caller is this service token (with either of its secrets); a member never is. */
export function isOwnToken(
  principal: Principal,
  target: string | number,
): principal is OwnTokenPrincipal {
  return principal.kind === 'token' && String(target) === String(principal.token.id);
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
): Promise<TokenPrincipal | null> {
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
    kind: 'token',
    token: found.token,
    member: null,
    account: found.account,
    grants: found.grants,
    access: callerAccess(found.grants),
    requestsPerMinute: found.requestsPerMinute,
    // The lookup matched one of the two hashes; the current one unless it is the other.
    secret: found.token.token_hash === tokenHash ? 'current' : 'previous',
  };
}
