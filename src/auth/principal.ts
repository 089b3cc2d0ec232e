import { compileAccess, type EffectiveAccess } from '../catalog/access.js';
import type { Account, Db, ServiceToken } from '../db/database.js';
import { findActiveTokenByHash, listGrantsOfTokens, type StoredGrant } from '../db/service-tokens.js';
import { unauthenticated } from '../errors.js';
import { hashToken, isWellFormedToken, tokenFromAuthorizationHeader } from './token.js';

/** Who is calling: the token, its account and its grants compiled into access lookups. */
export interface Principal {
  readonly token: ServiceToken;
  readonly account: Account;
  readonly grants: readonly StoredGrant[];
  readonly access: EffectiveAccess;
}

/**
 * Resolves the `Authorization` header to a principal, once per request. No header: null (the
 * caller is anonymous and guarded fields answer UNAUTHENTICATED). A header that is malformed,
 * fails its checksum (refused before any SQL), or names an unknown or revoked token: throws
 * UNAUTHENTICATED, with nothing that tells the cases apart.
 */
export async function authenticate(db: Db, authorizationHeader: string | null): Promise<Principal | null> {
  const token = tokenFromAuthorizationHeader(authorizationHeader);
  if (token === undefined) return null;
  if (token === null || !isWellFormedToken(token)) throw unauthenticated();
  const found = await findActiveTokenByHash(db, hashToken(token));
  if (!found) throw unauthenticated();
  const grants = (await listGrantsOfTokens(db, [found.token.id])).get(found.token.id) ?? [];
  return { ...found, grants, access: compileAccess(grants) };
}
