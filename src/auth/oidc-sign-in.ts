import { timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { effectivePermissionsOf } from '../catalog/explain.js';
import { insertAuditEntry } from '../db/audit-log.js';
import { findEnabledAuthProviderBySlug } from '../db/auth-providers.js';
import { seatsOf } from '../db/billing.js';
import { type Db, inTransaction, isUniqueViolation } from '../db/database.js';
import { addGroupMember } from '../db/groups.js';
import {
  consumeInvitation,
  findOpenInvitationByEmail,
  hasExpiredInvitation,
} from '../db/invitations.js';
import { countMembersByLicense, findMemberByEmail, insertMember } from '../db/members.js';
import { lockAccountForAdminCheck } from '../db/service-tokens.js';
import {
  deleteEndedSignInAttempts,
  insertSignInAttempt,
  revokeSession,
  revokeSessionsOfMember,
  takeSignInAttempt,
} from '../db/sessions.js';
import type { AuthProviderRow } from '../db/tables/accounts.js';
import type { LicenseType, MemberRow } from '../db/tables/people.js';
import { errorResponse } from '../errors.js';
import type { RateLimiter } from '../rate-limit.js';
import type { SecretBox } from '../secrets.js';
import type { NodeServerContext } from './caller.js';
import { clientAddress } from './ip-addresses.js';
import {
  authorizationUrl,
  discoverProvider,
  exchangeCode,
  IdTokenRefused,
  type OidcClient,
  ProviderError,
  randomValue,
  verifiedEmail,
  verifyIdToken,
} from './oidc.js';
import {
  authenticateSession,
  clearedCookie,
  cookieValue,
  crossSiteRefusal,
  hashCookieSecret,
  newCookieSecret,
  type SessionSettings,
  serializeCookie,
  sessionCookie,
  startSession,
} from './session.js';

// The browser side of single sign-on: `/login/<slug>` sends the person to the account's OpenID
// provider, `/login/<slug>/callback` signs them in (or refuses, with a page saying why), and
// `/session` tells the console who is signed in and signs out. A sign-in attempt is bound to the
// browser that started it by a cookie of its own, holds the state, nonce and PKCE verifier on the
// server, and is used once.

export const loginPrefix = '/login/';
export const sessionPath = '/session';

/** The cookie binding a sign-in in flight to the browser that started it. */
const attemptCookie = 'tollgate_sign_in';
/** A person has this long to sign in at the provider. */
const attemptLifetimeMs = 10 * 60 * 1000;

export interface SignInDependencies {
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly oidc: OidcClient;
  readonly sessions: SessionSettings;
  readonly now: () => Date;
  readonly isTrustedProxy: ((address: string) => boolean) | null;
  /** Sign-ins started per client address (each stores an attempt). */
  readonly starts: RateLimiter;
  /**
   * The origin people reach the gateway at; unset: each request's own. Behind a proxy that
   * terminates TLS the request arrives as http, and the callback must name the https address
   * registered at the provider.
   */
  readonly publicUrl?: string;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!,
  );
}

/** A small page for a person in a browser: why sign-in stopped, and where to go. */
function page(status: number, title: string, message: string, cookies: string[] = []): Response {
  const headers = new Headers({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Tollgate</title></head><body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to the console</a></p></body></html>`;
  return new Response(body, { status, headers });
}

function redirect(location: string, cookies: string[]): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Why a sign-in was refused: the page's title and message, and its HTTP status. */
class SignInRefused extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignInRefused';
  }
}

const licenseNames: Record<LicenseType, string> = {
  developer: 'Developer',
  read_only: 'Read-Only',
  it: 'IT',
};

const noSeat = (license: LicenseType) =>
  new SignInRefused(
    403,
    'No free seat',
    `Your invitation is valid, but every ${licenseNames[license]} seat of the account is taken. Ask an account administrator to free a seat or buy more, then sign in again.`,
  );

/**
 * The member this verified email signs in: an existing member with a license, or a new one made
 * from a pending invitation (its groups applied, a seat of its license type taken, the invitation
 * consumed).
 * Throws SignInRefused for everyone else. One transaction, so a seat or an invitation cannot be
 * taken twice by concurrent sign-ins.
 */
async function memberSigningIn(
  db: Db,
  accountId: number,
  claims: { email: string; name: string },
  now: Date,
  clientIp: string | null,
): Promise<MemberRow> {
  return inTransaction(db, async (trx) => {
    const member = await findMemberByEmail(trx, accountId, claims.email);
    if (member) {
      if (member.license_type === null)
        throw new SignInRefused(
          403,
          'No license',
          'You are a member of this account but hold no license. Ask an account administrator to assign you one.',
        );
      return member;
    }
    const at = now.toISOString();
    const invitation = await findOpenInvitationByEmail(trx, accountId, claims.email, at);
    if (!invitation) {
      if (await hasExpiredInvitation(trx, accountId, claims.email, at))
        throw new SignInRefused(
          403,
          'Invitation expired',
          'Your invitation to this account has expired. Ask an account administrator to invite you again.',
        );
      throw new SignInRefused(
        403,
        'Not a member',
        'This account has no member with your email address and no pending invitation for it.',
      );
    }
    // Seats are counted against what is stored now, the account locked (on PostgreSQL) so that
    // two acceptances cannot both take the last seat.
    await lockAccountForAdminCheck(trx, accountId);
    // Waiting for the lock, this person's other sign-in may have made them a member.
    const meanwhile = await findMemberByEmail(trx, accountId, claims.email);
    if (meanwhile?.license_type) return meanwhile;
    const license = invitation.license_type;
    const used = (await countMembersByLicense(trx, accountId))[license];
    if (used >= (await seatsOf(trx, accountId, license))) throw noSeat(license);
    const groupIds = await consumeInvitation(trx, accountId, invitation.id);
    if (!groupIds) {
      // Consumed meanwhile: by this person's other sign-in (then they are a member now), or
      // revoked.
      const accepted = await findMemberByEmail(trx, accountId, claims.email);
      if (accepted?.license_type) return accepted;
      throw new SignInRefused(403, 'Invitation used', 'This invitation is no longer pending.');
    }
    const created = await insertMember(trx, {
      accountId,
      email: claims.email,
      name: claims.name,
      licenseType: license,
      now: at,
    });
    for (const groupId of groupIds) await addGroupMember(trx, groupId, created.id);
    await insertAuditEntry(trx, {
      account_id: accountId,
      occurred_at: at,
      actor_token_id: null,
      actor_member_id: created.id,
      action: 'acceptInvitation',
      target_type: 'Member',
      target_id: String(created.id),
      project_id: null,
      outcome: 'success',
      client_ip: clientIp,
      details: JSON.stringify({ invitationId: invitation.id, groupIds, licenseType: license }),
    });
    return created;
  });
}

/** Routes of sign-in and the session; `handles` says which paths are theirs. */
export function createSignIn(deps: SignInDependencies) {
  const { db, secrets, oidc, sessions, now } = deps;

  const clientIpOf = (request: Request, serverContext: NodeServerContext) =>
    clientAddress(
      serverContext.req?.socket?.remoteAddress,
      request.headers.get('x-forwarded-for'),
      deps.isTrustedProxy,
    );

  /** The provider behind the slug, usable for OpenID Connect sign-in; else the refusal page. */
  async function providerAt(slug: string): Promise<AuthProviderRow | Response> {
    const provider = /^[a-z0-9-]{3,63}$/.test(slug)
      ? await findEnabledAuthProviderBySlug(db, slug)
      : undefined;
    if (!provider) return page(404, 'No sign-in here', 'No account signs in at this address.');
    if (
      provider.type !== 'oidc' ||
      !provider.oidc_issuer_url ||
      !provider.oidc_client_id ||
      !provider.oidc_client_secret
    )
      return page(
        501,
        'Sign-in unavailable',
        'This account is set up for SAML single sign-on, which Tollgate does not support: sign-in supports OpenID Connect only.',
      );
    return provider;
  }

  /** The address the browser sees: the public origin when configured, with the request's path. */
  const publicAddress = (request: Request) =>
    deps.publicUrl
      ? new URL(new URL(request.url).pathname, deps.publicUrl).toString()
      : request.url;
  const callbackUrl = (request: Request, slug: string) =>
    new URL(`${loginPrefix}${slug}/callback`, publicAddress(request)).toString();

  async function start(request: Request, slug: string, clientIp: string | null) {
    const at = now();
    const decision = await deps.starts.hit(clientIp ?? 'unknown', at);
    if (!decision.allowed)
      return page(429, 'Too many sign-ins', 'Too many sign-ins from this address; wait a minute.');
    const provider = await providerAt(slug);
    if (provider instanceof Response) return provider;
    let metadata: Awaited<ReturnType<typeof discoverProvider>>;
    try {
      metadata = await discoverProvider(oidc, provider.oidc_issuer_url!);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return page(
        502,
        'Provider unreachable',
        `The identity provider could not be reached: ${error.message}.`,
      );
    }
    await deleteEndedSignInAttempts(db, at.toISOString());
    const secret = newCookieSecret();
    const attempt = {
      state: randomValue(),
      nonce: randomValue(),
      code_verifier: randomValue(),
    };
    await insertSignInAttempt(db, {
      account_id: provider.account_id,
      secret_hash: hashCookieSecret(secret),
      ...attempt,
      created_at: at.toISOString(),
      expires_at: new Date(at.getTime() + attemptLifetimeMs).toISOString(),
    });
    return redirect(
      authorizationUrl(metadata, {
        clientId: provider.oidc_client_id!,
        redirectUri: callbackUrl(request, slug),
        state: attempt.state,
        nonce: attempt.nonce,
        codeVerifier: attempt.code_verifier,
      }),
      [
        serializeCookie(attemptCookie, secret, {
          requestUrl: publicAddress(request),
          maxAgeSeconds: attemptLifetimeMs / 1000,
        }),
      ],
    );
  }

  async function callback(request: Request, slug: string, clientIp: string | null) {
    const at = now();
    const params = new URL(request.url).searchParams;
    const clearAttempt = clearedCookie(attemptCookie, publicAddress(request));
    const refused = (error: SignInRefused) =>
      page(error.status, error.title, error.message, [clearAttempt]);
    const secret = cookieValue(request.headers.get('cookie'), attemptCookie);
    // Taken (deleted) first, whatever follows: a state, nonce or code is tried once.
    const attempt = secret
      ? await takeSignInAttempt(db, hashCookieSecret(secret), at.toISOString())
      : undefined;
    const provider = await providerAt(slug);
    if (provider instanceof Response) return provider;
    const state = params.get('state');
    if (
      !attempt ||
      attempt.account_id !== provider.account_id ||
      !state ||
      !sameText(state, attempt.state)
    )
      return refused(
        new SignInRefused(
          400,
          'Sign-in not recognised',
          'This sign-in was not started here, was already used or took too long. Start again.',
        ),
      );
    if (params.has('error'))
      return refused(
        new SignInRefused(
          403,
          'Refused by the provider',
          `The identity provider answered: ${params.get('error')}.`,
        ),
      );
    const code = params.get('code');
    if (!code)
      return refused(
        new SignInRefused(400, 'Sign-in not recognised', 'The provider sent no code.'),
      );
    try {
      const metadata = await discoverProvider(oidc, provider.oidc_issuer_url!);
      const idToken = await exchangeCode(oidc, metadata, {
        code,
        redirectUri: callbackUrl(request, slug),
        codeVerifier: attempt.code_verifier,
        clientId: provider.oidc_client_id!,
        clientSecret: secrets.open(provider.oidc_client_secret!),
      });
      const claims = await verifyIdToken(oidc, idToken, {
        issuer: provider.oidc_issuer_url!,
        clientId: provider.oidc_client_id!,
        nonce: attempt.nonce,
        now: at,
      });
      const email = verifiedEmail(claims);
      if (!email)
        throw new SignInRefused(
          403,
          'No verified email',
          'The identity provider did not vouch for an email address; Tollgate finds members by verified email.',
        );
      const name =
        typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email;
      const signingIn = () =>
        memberSigningIn(db, provider.account_id, { email, name }, at, clientIp);
      // Two first sign-ins of one person at once: one creates the member, the other's insert
      // meets the unique email and, tried again, finds that member.
      const member = await signingIn().catch((error: unknown) => {
        if (isUniqueViolation(error)) return signingIn();
        throw error;
      });
      const session = await startSession(db, sessions, {
        accountId: provider.account_id,
        memberId: member.id,
        clientIp,
        now: at,
      });
      await insertAuditEntry(db, {
        account_id: provider.account_id,
        occurred_at: at.toISOString(),
        actor_token_id: null,
        actor_member_id: member.id,
        action: 'signIn',
        target_type: 'Member',
        target_id: String(member.id),
        project_id: null,
        outcome: 'success',
        client_ip: clientIp,
        details: JSON.stringify({ provider: 'oidc' }),
      });
      return redirect('/', [
        clearAttempt,
        serializeCookie(sessionCookie, session.secret, {
          requestUrl: publicAddress(request),
          maxAgeSeconds: sessions.absoluteMs / 1000,
        }),
      ]);
    } catch (error) {
      if (error instanceof SignInRefused) return refused(error);
      if (error instanceof IdTokenRefused)
        return refused(new SignInRefused(403, 'Sign-in refused', `${error.message}.`));
      if (error instanceof ProviderError)
        return refused(new SignInRefused(502, 'Provider error', `${error.message}.`));
      throw error;
    }
  }

  /** `/session`: who is signed in (GET), sign-out (POST `/session/sign-out`, `/sign-out-everywhere`). */
  async function session(request: Request, pathname: string, clientIp: string | null) {
    const secret = cookieValue(request.headers.get('cookie'), sessionCookie);
    const json = (status: number, body: unknown, cookies: string[] = []) => {
      const headers = new Headers({
        'content-type': 'application/json',
        'cache-control': 'no-store',
      });
      for (const cookie of cookies) headers.append('set-cookie', cookie);
      return new Response(JSON.stringify(body), { status, headers });
    };
    const action = pathname.slice(sessionPath.length);
    const methodOk = action === '' ? request.method === 'GET' : request.method === 'POST';
    if (!['', '/sign-out', '/sign-out-everywhere'].includes(action))
      return json(404, { error: 'Not found.' });
    if (!methodOk) return json(405, { error: 'Method not allowed.' });
    if (!secret) return json(401, { signedIn: false });
    const refusal = crossSiteRefusal(request, deps.publicUrl);
    if (refusal) return errorResponse(refusal);
    let principal: Awaited<ReturnType<typeof authenticateSession>>;
    try {
      principal = await authenticateSession(db, sessions, { secret, clientIp, now: now() });
    } catch (error) {
      if (error instanceof GraphQLError) {
        const answer = errorResponse(error);
        answer.headers.append('set-cookie', clearedCookie(sessionCookie, publicAddress(request)));
        return answer;
      }
      throw error;
    }
    const at = now().toISOString();
    if (action === '')
      return json(200, {
        signedIn: true,
        member: {
          id: String(principal.member.id),
          name: principal.member.name,
          email: principal.member.email,
          licenseType: principal.member.license_type,
        },
        groups: principal.groups.map((group) => ({ id: String(group.id), name: group.name })),
        account: {
          id: String(principal.account.id),
          name: principal.account.name,
          plan: principal.account.plan,
        },
        // What the member may do, in the API's shape (viewer.effectivePermissions of a token),
        // after their license's limits: the console shows only what these allow.
        effectivePermissions: effectivePermissionsOf(principal.access).map((entry) => ({
          ...entry,
          projectId: entry.projectId === null ? null : String(entry.projectId),
        })),
      });
    if (action === '/sign-out') await revokeSession(db, principal.sessionId, at);
    else await revokeSessionsOfMember(db, principal.account.id, principal.member.id, at);
    return json(200, { signedIn: false }, [clearedCookie(sessionCookie, publicAddress(request))]);
  }

  return {
    handles: (pathname: string) =>
      pathname.startsWith(loginPrefix) ||
      pathname === sessionPath ||
      pathname.startsWith(`${sessionPath}/`),
    async handle(request: Request, serverContext: NodeServerContext): Promise<Response> {
      const { pathname } = new URL(request.url);
      const clientIp = clientIpOf(request, serverContext);
      if (pathname === sessionPath || pathname.startsWith(`${sessionPath}/`))
        return session(request, pathname, clientIp);
      const [slug, step, ...rest] = pathname.slice(loginPrefix.length).split('/');
      if (
        request.method !== 'GET' ||
        !slug ||
        rest.length > 0 ||
        (step !== undefined && step !== 'callback')
      )
        return page(404, 'Not found', 'There is nothing at this address.');
      return step === 'callback'
        ? callback(request, slug, clientIp)
        : start(request, slug, clientIp);
    },
  };
}
