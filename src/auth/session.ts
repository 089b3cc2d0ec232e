import { createHash, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { EffectiveAccess, ResourceAccess } from '../catalog/access.js';
import { callerAccess } from '../catalog/access.js';
import type { Db } from '../db/database.js';
import { listIpRestrictionRules } from '../db/ip-restrictions.js';
import {
  deleteEndedSessionsOfMember,
  findLiveSessionByHash,
  insertSession,
  touchSession,
} from '../db/sessions.js';
import type { LicenseType } from '../db/tables/people.js';
import { ipRestricted } from '../errors.js';
import { isAddressAllowed } from './ip-restrictions.js';
import type { MemberPrincipal } from './principal.js';

// Server-side sessions of members. The browser holds a random 256-bit value in an HttpOnly cookie;
// the database holds its SHA-256 only, so a copy of the database signs nobody in. Every request
// re-reads the session with the member, its license and its groups: removing the member,
// taking its license or revoking the session takes effect at the next request.

/** The cookie holding the session's secret. */
export const sessionCookie = 'tollgate_session';

/**
 * The header a cookie-authenticated request must carry. A page of another site cannot set a
 * custom header without a CORS preflight, and no preflight is ever answered with credentials.
 */
export const sessionCsrfHeader = 'x-tollgate-csrf';

export interface SessionSettings {
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after sign-in, however active. */
  readonly absoluteMs: number;
}

export const defaultSessionSettings: SessionSettings = {
  idleMs: 2 * 60 * 60 * 1000,
  absoluteMs: 12 * 60 * 60 * 1000,
};

/** Last activity is written at most this often per session (not a write per request). */
const touchIntervalMs = 60 * 1000;

/** A random secret for a cookie: 32 bytes from the CSPRNG, base64url. */
export function newCookieSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a cookie secret. */
export function hashCookieSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** One cookie's value from a `Cookie` header; undefined when absent. */
export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Cookies are `Secure` except on a loopback host, where plain http is the norm in development. */
export function cookieIsSecure(requestUrl: string): boolean {
  return !loopbackHosts.has(new URL(requestUrl).hostname);
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, Secure outside loopback. */
export function serializeCookie(
  name: string,
  value: string,
  { requestUrl, maxAgeSeconds }: { requestUrl: string; maxAgeSeconds: number },
): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(cookieIsSecure(requestUrl) ? ['Secure'] : []),
  ].join('; ');
}

/** A `Set-Cookie` value that deletes the cookie. */
export function clearedCookie(name: string, requestUrl: string): string {
  return serializeCookie(name, '', { requestUrl, maxAgeSeconds: 0 });
}

function crossSiteRefused(): GraphQLError {
  return new GraphQLError(
    `Forbidden: a request signed in by the session cookie must come from this site's own pages and carry the ${sessionCsrfHeader} header.`,
    { extensions: { code: 'FORBIDDEN', reason: 'cross_site', http: { status: 403 } } },
  );
}

/**
 * Refuses a cookie-authenticated request that may come from another site: it must carry the
 * custom header (which no cross-site page can set), its `Origin` (when sent) must be this host
 * (the request's, or the configured public origin's), and `Sec-Fetch-Site` (when sent) must say
 * same-origin. Returns the refusal, or null.
 */
export function crossSiteRefusal(request: Request, publicUrl?: string): GraphQLError | null {
  if (!request.headers.has(sessionCsrfHeader)) return crossSiteRefused();
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite !== null && fetchSite !== 'same-origin') return crossSiteRefused();
  const origin = request.headers.get('origin');
  if (origin !== null) {
    const host = request.headers.get('host') ?? new URL(request.url).host;
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return crossSiteRefused();
    }
    // Behind a proxy that does not pass the Host on, the public origin is this site too.
    const publicHost = publicUrl ? new URL(publicUrl).host : undefined;
    if (originHost !== host && originHost !== publicHost) return crossSiteRefused();
  }
  return null;
}

/** The session ended, was revoked, or its member lost their place or seat: sign in again. */
export function sessionEnded(): GraphQLError {
  return new GraphQLError('Authentication required: the session has ended; sign in again.', {
    extensions: { code: 'UNAUTHENTICATED', reason: 'session_ended', http: { status: 401 } },
  });
}

const readOnlyAccess: ResourceAccess = {
  read: true,
  write: false,
  writableCategories: new Set(),
};

function readsOnly<K>(entries: ReadonlyMap<K, ResourceAccess>): Map<K, ResourceAccess> {
  const kept = new Map<K, ResourceAccess>();
  for (const [key, access] of entries) if (access.read) kept.set(key, readOnlyAccess);
  return kept;
}

/**
 * What the member's license leaves of its groups' access, as dbt Cloud licenses do: a Developer
 * seat keeps all of it; a Read-Only seat keeps reads only, whatever the groups grant; an IT seat
 * keeps the account-level part (members, groups, licenses, billing, SSO...) and no project. No
 * seat: nothing (such a member cannot hold a session at all).
 */
export function limitByLicense(
  access: EffectiveAccess,
  license: LicenseType | null,
): EffectiveAccess {
  switch (license) {
    case 'developer':
      return access;
    case 'read_only':
      return {
        account: readsOnly(access.account),
        everyProject: readsOnly(access.everyProject),
        byProject: new Map(
          [...access.byProject].map(([projectId, resources]) => [projectId, readsOnly(resources)]),
        ),
        coversEveryProject: access.coversEveryProject,
      };
    case 'it':
      return {
        account: access.account,
        everyProject: new Map(),
        byProject: new Map(),
        coversEveryProject: false,
      };
    default:
      return {
        account: new Map(),
        everyProject: new Map(),
        byProject: new Map(),
        coversEveryProject: false,
      };
  }
}

/**
 * Resolves a session cookie's secret to the member it signed in. A session that is unknown,
 * revoked, idle too long or past its absolute end, of a member removed or without a license:
 * throws UNAUTHENTICATED (`session_ended`). The account's IP restrictions apply as to tokens
 * (FORBIDDEN, `ip_restricted`).
 */
export async function authenticateSession(
  db: Db,
  settings: SessionSettings,
  { secret, clientIp, now }: { secret: string; clientIp: string | null; now: Date },
): Promise<MemberPrincipal> {
  const found = await findLiveSessionByHash(db, hashCookieSecret(secret), {
    now: now.toISOString(),
    idleSince: new Date(now.getTime() - settings.idleMs).toISOString(),
  });
  if (!found || found.member.license_type === null) throw sessionEnded();
  if (found.hasIpRules) {
    const rules = await listIpRestrictionRules(db, found.account.id);
    if (!isAddressAllowed(rules, clientIp)) throw ipRestricted();
  }
  if (now.getTime() - Date.parse(found.session.last_seen_at) >= touchIntervalMs)
    await touchSession(db, found.session.id, now.toISOString());
  return {
    kind: 'member',
    member: found.member,
    groups: found.groups,
    sessionId: found.session.id,
    account: found.account,
    grants: found.grants,
    access: limitByLicense(callerAccess(found.grants), found.member.license_type),
    requestsPerMinute: found.requestsPerMinute,
  };
}

/** Starts a session for the member; returns the cookie secret (stored only as its hash). */
export async function startSession(
  db: Db,
  settings: SessionSettings,
  {
    accountId,
    memberId,
    clientIp,
    now,
  }: { accountId: number; memberId: number; clientIp: string | null; now: Date },
): Promise<{ secret: string; expiresAt: Date }> {
  const secret = newCookieSecret();
  const expiresAt = new Date(now.getTime() + settings.absoluteMs);
  await deleteEndedSessionsOfMember(db, memberId, now.toISOString());
  await insertSession(db, {
    accountId,
    memberId,
    secretHash: hashCookieSecret(secret),
    now: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    clientIp,
  });
  return { secret, expiresAt };
}
