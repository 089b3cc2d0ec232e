import { GraphQLError } from 'graphql';
import type { Db } from '../db/database.js';
import { rateLimited } from '../errors.js';
import type { RateDecision, RateLimiter } from '../rate-limit.js';
import { clientAddress } from './ip-addresses.js';
import { authenticate, type Principal, rateLimitKey } from './principal.js';
import {
  authenticateSession,
  cookieValue,
  crossSiteRefusal,
  type SessionSettings,
  sessionCookie,
} from './session.js';
import type { UsageRecorder } from './usage.js';

/** What identifying a caller needs; built once per app. */
export interface CallerDependencies {
  readonly db: Db;
  readonly usage: UsageRecorder;
  /** Counts failed authentications per client address (brute force, credential stuffing). */
  readonly authFailures: RateLimiter;
  /** Counts requests per token; the account's policy may set the limit. */
  readonly tokenRequests: RateLimiter;
  readonly now: () => Date;
  /** Peers whose X-Forwarded-For is believed; null: none. */
  readonly isTrustedProxy: ((address: string) => boolean) | null;
  /** Idle and absolute lifetimes of members' sessions. */
  readonly sessions: SessionSettings;
  /** The origin people reach the gateway at, when configured (TOLLGATE_PUBLIC_URL). */
  readonly publicUrl?: string;
}

/** The node request yoga passes along when it is served by node:http (absent under bare fetch). */
export interface NodeServerContext {
  readonly req?: { readonly socket?: { readonly remoteAddress?: string } };
}

/** Who is calling, settled before the request is parsed. */
export interface Caller {
  readonly principal: Principal | null;
  readonly clientIp: string | null;
}

function refuseIfLimited(decision: RateDecision): void {
  if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
}

/**
 * Identifies the caller, first thing for every request: a service token in the `Authorization`
 * header (see `authenticate` for what is refused) or, without one, a member's session cookie,
 * only on a request that shows it comes from this site (see `crossSiteRefusal`).
 * Failed authentications are counted per client address: past the limit, a failure answers
 * RATE_LIMITED instead of UNAUTHENTICATED until the window ends. A valid token is never refused
 * for its address's failures (one junk client behind a shared NAT, or behind a proxy not
 * configured as trusted, would lock everyone out); only its own request rate applies to it
 * (both RATE_LIMITED: HTTP 429 with Retry-After). Throws the GraphQLError to answer with.
 */
export async function identifyCaller(
  {
    db,
    usage,
    authFailures,
    tokenRequests,
    now,
    isTrustedProxy,
    sessions,
    publicUrl,
  }: CallerDependencies,
  request: Request,
  serverContext: NodeServerContext,
): Promise<Caller> {
  const clientIp = clientAddress(
    serverContext.req?.socket?.remoteAddress,
    request.headers.get('x-forwarded-for'),
    isTrustedProxy,
  );
  const authorization = request.headers.get('authorization');
  const at = now();
  let principal: Principal | null;
  // A token in the header wins over a session cookie: automation is explicit about who it is.
  const sessionSecret =
    authorization === null ? cookieValue(request.headers.get('cookie'), sessionCookie) : undefined;
  try {
    if (sessionSecret) {
      const refusal = crossSiteRefusal(request, publicUrl);
      if (refusal) throw refusal;
      principal = await authenticateSession(db, sessions, {
        secret: sessionSecret,
        clientIp,
        now: at,
      });
    } else {
      principal = await authenticate(db, usage, { authorization, clientIp, now: at });
    }
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED')
      refuseIfLimited(await authFailures.hit(clientIp ?? 'unknown', at));
    throw error;
  }
  if (principal)
    refuseIfLimited(
      await tokenRequests.hit(
        rateLimitKey(principal),
        at,
        principal.requestsPerMinute ?? undefined,
      ),
    );
  return { principal, clientIp };
}
