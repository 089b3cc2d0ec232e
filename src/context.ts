import type { YogaInitialContext } from 'graphql-yoga';
import type { Caller, CallerDependencies } from './auth/caller.js';
import type { IdentityExchange } from './auth/identity-exchange.js';
import type { PermissionUsageRecorder } from './auth/permission-usage.js';
import type { Principal } from './auth/principal.js';
import type { AuthContext } from './auth/rules.js';
import type { Db } from './db/database.js';
import { unauthenticated } from './errors.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { RateLimiter } from './rate-limit.js';
import type { SecretBox } from './secrets.js';

/** What every resolver gets: the identified caller, the database and the request's loaders. */
export interface Context extends AuthContext {
  readonly db: Db;
  readonly leakReports: RateLimiter;
  /** Requests per token (the limiter identifying the caller counts in). */
  readonly tokenRequests: RateLimiter;
  /** Seals and opens secrets stored in the database. */
  readonly secrets: SecretBox;
  readonly now: () => Date;
  /** The client's address (see `clientAddress`); null when unknown. */
  readonly clientIp: string | null;
  readonly loaders: Loaders;
  /** Exchanging CI identity tokens for service tokens (src/auth/identity-exchange.ts). */
  readonly identity: IdentityExchange;
}

/** What the app builds once: identifying callers, and the parts every context shares. */
export interface ContextDependencies extends CallerDependencies {
  readonly secrets: SecretBox;
  /** Limits reports of leaked tokens per client address. */
  readonly leakReports: RateLimiter;
  readonly identity: IdentityExchange;
  /** Records the permissions tokens' rules grant (least privilege); null: off. */
  readonly permissionUsage: PermissionUsageRecorder | null;
}

/** The parts of every context: what the app builds once, but for identifying callers. */
export type SharedContextParts = Pick<
  ContextDependencies,
  'db' | 'secrets' | 'leakReports' | 'tokenRequests' | 'identity' | 'now' | 'permissionUsage'
>;

/** The per-request context for an identified caller. */
export function createContext(
  { db, secrets, leakReports, tokenRequests, identity, now, permissionUsage }: SharedContextParts,
  { principal, clientIp }: Caller,
): Omit<Context, keyof YogaInitialContext> {
  // Anonymous callers never get past the rules to a loader; if one did, account 0 (ids start
  // at 1) would find nothing.
  return {
    db,
    secrets,
    leakReports,
    tokenRequests,
    identity,
    now,
    clientIp,
    principal,
    // Only a token's use is recorded: it is what least privilege suggests grants for.
    grantedPermissions:
      principal?.kind === 'token' && permissionUsage
        ? permissionUsage.forRequest(principal.token.id, now())
        : null,
    loaders: createLoaders(db, principal?.account.id ?? 0),
  };
}

/** The caller, for resolvers behind a rule that already required one. */
export function principalOf(context: Context): Principal {
  if (!context.principal) throw unauthenticated();
  return context.principal;
}
