import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { Grant } from '../catalog/access.js';
import { findAccountById } from '../db/accounts.js';
import { insertAuditEntry } from '../db/audit-log.js';
import { type Db, inTransaction } from '../db/database.js';
import {
  findTrustPolicyAnyAccount,
  insertIssuedToken,
  listTrustPoliciesForIssuer,
  recordIdentityTokenUse,
} from '../db/identity.js';
import { findServiceTokenPolicy } from '../db/service-tokens.js';
import type { IdentityTrustPolicyRow } from '../db/tables/identity.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';
import { rateLimited } from '../errors.js';
import type { RateLimiter } from '../rate-limit.js';
import { type ClaimCondition, claimText, conditionHolds } from './identity-conditions.js';
import { type IssuerKeys, IssuerUnavailableError } from './identity-keys.js';
import { issueServiceToken } from './service-tokens.js';

// Exchanging a CI job's OIDC identity token for a short-lived service token: the token's
// signature against its issuer's published keys, its times, its audience, then the conditions
// of a trust policy; the answer is an ordinary Tollgate secret that expires with the policy's
// lifetime. Every exchange that can be tied to an account is in that account's audit log.

/** The only algorithms accepted: asymmetric, as every CI issuer signs. Never `none`, never HMAC. */
export const allowedAlgorithms = ['RS256', 'ES256'] as const;
/** How far the issuer's clock and ours may disagree. */
export const clockSkewSeconds = 60;
/** Identity tokens meant to live longer than this are refused: CI tokens live minutes. */
export const maxIdentityTokenLifetimeSeconds = 24 * 60 * 60;
/** Larger than any real identity token; refused before it is even decoded. */
const maxJwtLength = 16 * 1024;

/** Why an exchange is refused; the client sees the reason, the audit log sees the details. */
export type RefusalReason =
  | 'malformed'
  | 'no_matching_policy'
  | 'algorithm_not_allowed'
  | 'unknown_key'
  | 'invalid_signature'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'issued_in_future'
  | 'lifetime_too_long'
  | 'missing_claims'
  | 'audience_mismatch'
  | 'claims_not_allowed'
  | 'ambiguous_policy'
  | 'replayed'
  | 'policy_grants_invalid'
  | 'issuer_unavailable';

const messages: Record<RefusalReason, string> = {
  malformed: 'The identity token is not a signed JWT.',
  no_matching_policy: 'No trust policy trusts the issuer of this identity token.',
  algorithm_not_allowed: `The identity token must be signed with ${allowedAlgorithms.join(' or ')}.`,
  unknown_key: "The identity token's signing key is not among its issuer's published keys.",
  invalid_signature: "The identity token's signature does not verify.",
  token_expired: 'The identity token has expired.',
  token_not_yet_valid: 'The identity token is not valid yet (nbf).',
  issued_in_future: 'The identity token was issued in the future (iat).',
  lifetime_too_long: `The identity token is valid for more than ${maxIdentityTokenLifetimeSeconds / 3600} hours.`,
  missing_claims: 'The identity token lacks a required claim (sub, exp, iat).',
  audience_mismatch: "The identity token's audience is not the trust policy's.",
  claims_not_allowed: "The identity token's claims do not satisfy the trust policy's conditions.",
  ambiguous_policy: 'Several trust policies accept this identity token: name one with policyId.',
  replayed: 'This identity token has already been exchanged.',
  policy_grants_invalid:
    "The trust policy's grants are no longer valid (a project was deleted); an administrator must update it.",
  issuer_unavailable: "The issuer's discovery document or keys could not be fetched.",
};

/** The refusal a client sees: UNAUTHENTICATED with the reason, nothing about the policy. */
export function exchangeRefused(reason: RefusalReason): GraphQLError {
  return new GraphQLError(`Identity token refused: ${messages[reason]}`, {
    extensions: { code: 'UNAUTHENTICATED', reason },
  });
}

/** What the app builds once for exchanges. */
export interface IdentityExchange {
  readonly keys: IssuerKeys;
  /** Exchanges per client address (the route needs no token, so the address is the key). */
  readonly limiter: RateLimiter;
  /** Accept http:// issuers (only ever for a test issuer on loopback). */
  readonly allowInsecureIssuers: boolean;
}

/** A trust policy's grants as stored (JSON of the catalog's normalized grants). */
export function policyGrants(policy: IdentityTrustPolicyRow): Grant[] {
  return JSON.parse(policy.grants) as Grant[];
}

export function policyConditions(policy: IdentityTrustPolicyRow): ClaimCondition[] {
  return JSON.parse(policy.conditions) as ClaimCondition[];
}

/** Claim values worth recording, cut short: the subject, the audience and the conditioned ones. */
function claimsForAudit(
  claims: JWTPayload,
  policies: readonly IdentityTrustPolicyRow[],
): Record<string, unknown> {
  const names = new Set(['sub', 'aud', 'jti']);
  for (const policy of policies)
    for (const condition of policyConditions(policy)) names.add(condition.claim);
  const recorded: Record<string, unknown> = {};
  for (const name of [...names].sort()) {
    const value = claims[name];
    if (value === undefined) continue;
    recorded[name] = Array.isArray(value)
      ? value.slice(0, 10).map((item) => claimText(item)?.slice(0, 256) ?? null)
      : (claimText(value)?.slice(0, 256) ?? null);
  }
  return recorded;
}

function audienceOf(claims: JWTPayload): string[] {
  if (typeof claims.aud === 'string') return [claims.aud];
  return Array.isArray(claims.aud) ? claims.aud.filter((aud) => typeof aud === 'string') : [];
}

/** jose's verification errors, as the reasons a client is told. */
function reasonOf(error: unknown): RefusalReason | undefined {
  if (error instanceof IssuerUnavailableError) return 'issuer_unavailable';
  if (error instanceof joseErrors.JWTExpired) return 'token_expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'token_not_yet_valid';
    if (error.claim === 'iat') return 'issued_in_future';
    return error.reason === 'missing' ? 'missing_claims' : 'malformed';
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'unknown_key';
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return 'unknown_key';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'invalid_signature';
  if (error instanceof joseErrors.JOSENotSupported) return 'algorithm_not_allowed';
  if (error instanceof joseErrors.JOSEError) return 'malformed';
  return undefined;
}

export interface ExchangeRequest {
  readonly jwt: string;
  readonly policyId: number | null;
  readonly clientIp: string | null;
  readonly now: Date;
}

export interface ExchangeResult {
  readonly token: string;
  readonly serviceToken: ServiceTokenRow;
  readonly grants: Grant[];
  readonly policy: IdentityTrustPolicyRow;
  readonly subject: string;
}

/**
 * Exchanges an identity token for a new service token, or throws: RATE_LIMITED for an address
 * over its limit, UNAUTHENTICATED with `extensions.reason` for a refused identity (nothing is
 * issued), and the database's own errors. Accepted and refused exchanges alike are audited in
 * the account of each policy the token was judged against; a token no policy of any account
 * names (wrong issuer, not a JWT) has no account to be recorded in.
 */
export async function exchangeIdentityToken(
  db: Db,
  exchange: IdentityExchange,
  request: ExchangeRequest,
): Promise<ExchangeResult> {
  const { jwt, policyId, clientIp, now } = request;
  const limit = await exchange.limiter.hit(clientIp ?? 'unknown', now);
  if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);

  let judged: IdentityTrustPolicyRow[] = [];
  let claims: JWTPayload = {};
  let verified = false;
  const refuse = async (
    reason: RefusalReason,
    perPolicy?: ReadonlyMap<number, RefusalReason>,
  ): Promise<never> => {
    // One entry per account whose policies judged the token: accounts never see each other's
    // policies, nor which claims they look at.
    const byAccount = new Map<number, IdentityTrustPolicyRow[]>();
    for (const policy of judged)
      byAccount.set(policy.account_id, [...(byAccount.get(policy.account_id) ?? []), policy]);
    for (const [accountId, policies] of byAccount) {
      await insertAuditEntry(db, {
        account_id: accountId,
        occurred_at: now.toISOString(),
        actor_token_id: null,
        action: 'exchangeIdentityToken',
        target_type: 'IdentityTrustPolicy',
        target_id: policies.length === 1 ? String(policies[0]!.id) : null,
        outcome: 'denied',
        client_ip: clientIp,
        details: JSON.stringify({
          reason,
          policies: policies.map((policy) => ({
            id: policy.id,
            name: policy.name,
            reason: perPolicy?.get(policy.id) ?? reason,
          })),
          issuer: typeof claims.iss === 'string' ? claims.iss.slice(0, 256) : null,
          // Claims of a token whose signature did not verify are only what it says of itself.
          signatureVerified: verified,
          claims: claimsForAudit(claims, policies),
        }),
      });
    }
    throw exchangeRefused(reason);
  };

  // A named policy that does not trust this issuer is still recorded in its own account.
  const namedPolicy = async () =>
    policyId === null ? undefined : findTrustPolicyAnyAccount(db, policyId);

  if (jwt.length > maxJwtLength) {
    const named = await namedPolicy();
    judged = named ? [named] : [];
    return refuse('malformed');
  }
  let algorithm: unknown;
  try {
    algorithm = decodeProtectedHeader(jwt).alg;
    claims = decodeJwt(jwt);
  } catch {
    const named = await namedPolicy();
    judged = named ? [named] : [];
    return refuse('malformed');
  }
  const issuer = claims.iss;
  const candidates =
    typeof issuer === 'string' ? await listTrustPoliciesForIssuer(db, issuer, policyId) : [];
  if (candidates.length === 0) {
    const named = await namedPolicy();
    judged = named ? [named] : [];
    return refuse('no_matching_policy');
  }
  judged = candidates;
  const trustedIssuer = issuer as string;

  // Checked here and again by jose: `none` and HMAC never reach a key lookup.
  if (!allowedAlgorithms.includes(algorithm as (typeof allowedAlgorithms)[number]))
    return refuse('algorithm_not_allowed');

  let payload: JWTPayload;
  try {
    const verify = async (refresh: boolean) =>
      jwtVerify(jwt, createLocalJWKSet(await exchange.keys.keySet(trustedIssuer, { refresh })), {
        issuer: trustedIssuer,
        algorithms: [...allowedAlgorithms],
        clockTolerance: clockSkewSeconds,
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
    try {
      ({ payload } = await verify(false));
    } catch (error) {
      // The issuer may have rotated its keys since the set was cached.
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      ({ payload } = await verify(true));
    }
  } catch (error) {
    const reason = reasonOf(error);
    if (!reason) throw error;
    return refuse(reason);
  }
  claims = payload;
  verified = true;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + clockSkewSeconds)
    return refuse('issued_in_future');
  if (typeof payload.exp !== 'number' || payload.exp > nowSeconds + maxIdentityTokenLifetimeSeconds)
    return refuse('lifetime_too_long');
  if (typeof payload.sub !== 'string' || payload.sub === '') return refuse('missing_claims');

  const audiences = audienceOf(payload);
  const perPolicy = new Map<number, RefusalReason>();
  const matching = candidates.filter((policy) => {
    if (!audiences.includes(policy.audience)) {
      perPolicy.set(policy.id, 'audience_mismatch');
      return false;
    }
    if (!policyConditions(policy).every((condition) => conditionHolds(condition, payload))) {
      perPolicy.set(policy.id, 'claims_not_allowed');
      return false;
    }
    return true;
  });
  if (matching.length === 0) {
    const reasons = new Set(perPolicy.values());
    return refuse(
      reasons.size === 1 && reasons.has('audience_mismatch')
        ? 'audience_mismatch'
        : 'claims_not_allowed',
      perPolicy,
    );
  }
  if (matching.length > 1) return refuse('ambiguous_policy');
  const policy = matching[0]!;
  judged = [policy];

  const replayKey = createHash('sha256')
    .update(
      typeof payload.jti === 'string' && payload.jti !== ''
        ? `jti\0${trustedIssuer}\0${payload.jti}`
        : `jwt\0${jwt}`,
    )
    .digest('hex');
  const subject = payload.sub;
  let outcome: ExchangeResult | 'replayed' | 'policy_grants_invalid';
  try {
    outcome = await inTransaction(db, async (trx) => {
      const fresh = await recordIdentityTokenUse(trx, {
        key: replayKey,
        expiresAt: new Date(((payload.exp as number) + clockSkewSeconds) * 1000).toISOString(),
        now: now.toISOString(),
      });
      if (!fresh) return 'replayed' as const;
      const account = await findAccountById(trx, policy.account_id);
      if (!account) throw new Error(`Account ${policy.account_id} of a trust policy is missing`);
      // The policy's lifetime, within the account's maximum as it is today.
      const accountMax = (await findServiceTokenPolicy(trx, account.id))?.max_lifetime_seconds;
      const lifetime = Math.min(policy.lifetime_seconds, accountMax ?? Number.POSITIVE_INFINITY);
      const issued = await issueServiceToken(trx, {
        account,
        name: `${policy.name}: ${subject}`.slice(0, 255),
        permissions: policyGrants(policy).map((grant) => ({
          permissionSet: grant.permissionSet,
          allProjects: grant.projectIds === null ? true : undefined,
          projectIds: grant.projectIds,
          writableEnvironmentCategories: grant.writableEnvironmentCategories,
        })),
        expiresAt: new Date(now.getTime() + lifetime * 1000),
        createdByTokenId: null,
        // Checked when the policy was written, against the access of whoever wrote it.
        grantedBy: null,
        now,
      }).catch((error: unknown) => {
        if (error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT')
          throw new PolicyGrantsInvalid(error.message);
        throw error;
      });
      await insertIssuedToken(trx, {
        service_token_id: issued.serviceToken.id,
        account_id: account.id,
        policy_id: policy.id,
        policy_name: policy.name,
        issuer: trustedIssuer,
        subject: subject.slice(0, 1024),
      });
      await insertAuditEntry(trx, {
        account_id: account.id,
        occurred_at: now.toISOString(),
        actor_token_id: null,
        action: 'exchangeIdentityToken',
        target_type: 'ServiceToken',
        target_id: String(issued.serviceToken.id),
        outcome: 'success',
        client_ip: clientIp,
        details: JSON.stringify({
          policy: { id: policy.id, name: policy.name },
          issuer: trustedIssuer,
          subject: subject.slice(0, 256),
          claims: claimsForAudit(payload, [policy]),
          expiresAt: issued.serviceToken.expires_at,
          hint: issued.serviceToken.token_hint,
        }),
      });
      return { ...issued, policy, subject };
    });
  } catch (error) {
    if (!(error instanceof PolicyGrantsInvalid)) throw error;
    outcome = 'policy_grants_invalid';
  }
  if (typeof outcome === 'string') return refuse(outcome);
  return outcome;
}

/** Raised inside the issuing transaction so that it rolls back (the replay record too). */
class PolicyGrantsInvalid extends Error {}
