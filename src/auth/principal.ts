import { compileAccess, type EffectiveAccess } from '../catalog/access.js';
import { insertAuditEntry } from '../db/audit-log.js';
import type { Account, Db, ServiceToken } from '../db/database.js';
import { listIpRestrictionRules } from '../db/ip-restrictions.js';
import { findActiveTokenByHash, listGrantsOfTokens, type StoredGrant } from '../db/service-tokens.js';
import { ipRestricted, unauthenticated } from '../errors.js';
import { isAddressAllowed } from './ip-restrictions.js';
import { hashToken, isWellFormedToken, tokenFromAuthorizationHeader } from './token.js';

/** Who is calling: the token, its account and its grants compiled into access lookups. */
export interface Principal {
  readonly token: ServiceToken;
  readonly account: Account;
  readonly grants: readonly StoredGrant[];
  readonly access: EffectiveAccess;
}

export interface Credentials {
  readonly authorization: string | null;
  readonly clientIp: string | null;
  readonly now: Date;
}

/**
 * Resolves the `Authorization` header to a principal, once per request. No header: null (the
 * caller is anonymous and guarded fields answer UNAUTHENTICATED). A header that is malformed,
 * fails its checksum (refused before any SQL), or names an unknown or revoked token: throws
 * UNAUTHENTICATED, with nothing that tells the cases apart. A valid token from an address the
 * account's IP restrictions refuse: throws FORBIDDEN (`reason: ip_restricted`), and the refusal
 * is audited.
 */
export async function authenticate(db: Db, { authorization, clientIp, now }: Credentials): Promise<Principal | null> {
  const token = tokenFromAuthorizationHeader(authorization);
  if (token === undefined) return null;
  if (token === null || !isWellFormedToken(token)) throw unauthenticated();
  const found = await findActiveTokenByHash(db, hashToken(token));
  if (!found) throw unauthenticated();

  const rules = await listIpRestrictionRules(db, found.account.id);
  if (!isAddressAllowed(rules, clientIp)) {
    await insertAuditEntry(db, {
      account_id: found.account.id,
      occurred_at: now.toISOString(),
      actor_token_id: found.token.id,
      action: 'authenticate',
      outcome: 'denied',
      client_ip: clientIp,
      details: JSON.stringify({ reason: 'ip_restricted' }),
    });
    throw ipRestricted();
  }

  const grants = (await listGrantsOfTokens(db, [found.token.id])).get(found.token.id) ?? [];
  return { ...found, grants, access: compileAccess(grants) };
}
