import DataLoader from 'dataloader';
import type { YogaInitialContext } from 'graphql-yoga';
import { clientAddress } from './auth/ip-addresses.js';
import { authenticate, type Principal } from './auth/principal.js';
import type { AuthContext } from './auth/rules.js';
import type { Db, Environment, Job, Project, Run, ServiceToken } from './db/database.js';
import { findEnvironmentsByIds } from './db/environments.js';
import { findJobsByIds } from './db/jobs.js';
import { findProjectsByIds } from './db/projects.js';
import { findRunsByIds } from './db/runs.js';
import { findServiceTokensByIds, listGrantsOfTokens, type StoredGrant } from './db/service-tokens.js';
import { unauthenticated } from './errors.js';
import { createMetadataLoaders, type MetadataLoaders } from './metadata/loaders.js';
import type { SecretBox } from './secrets.js';

/**
 * Per-request batch loaders, scoped to the caller's account: an id of another account loads as
 * undefined, exactly like an id that does not exist.
 */
export interface Loaders {
  readonly project: DataLoader<number, Project | undefined>;
  readonly environment: DataLoader<number, Environment | undefined>;
  readonly job: DataLoader<number, Job | undefined>;
  readonly run: DataLoader<number, Run | undefined>;
  readonly serviceToken: DataLoader<number, ServiceToken | undefined>;
  readonly grantsOfToken: DataLoader<number, readonly StoredGrant[]>;
  /** The Discovery API's relations, batched per page. */
  readonly metadata: MetadataLoaders;
}

function byId<T extends { id: number }>(
  find: (db: Db, accountId: number, ids: readonly number[]) => Promise<T[]>,
  db: Db,
  accountId: number,
): DataLoader<number, T | undefined> {
  return new DataLoader(async (ids) => {
    const found = new Map((await find(db, accountId, ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id));
  });
}

export function createLoaders(db: Db, accountId: number): Loaders {
  return {
    project: byId(findProjectsByIds, db, accountId),
    environment: byId(findEnvironmentsByIds, db, accountId),
    job: byId(findJobsByIds, db, accountId),
    run: byId(findRunsByIds, db, accountId),
    serviceToken: byId(findServiceTokensByIds, db, accountId),
    grantsOfToken: new DataLoader(async (ids) => {
      const grants = await listGrantsOfTokens(db, ids);
      return ids.map((id) => grants.get(id) ?? []);
    }),
    metadata: createMetadataLoaders(db),
  };
}

export interface Context extends AuthContext {
  readonly db: Db;
  /** Seals and opens secrets stored in the database. */
  readonly secrets: SecretBox;
  readonly now: () => Date;
  /** The client's address (see `clientAddress`); null when unknown. */
  readonly clientIp: string | null;
  readonly loaders: Loaders;
}

export interface ContextDependencies {
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly now: () => Date;
  /** Peers whose X-Forwarded-For is believed; null: none. */
  readonly isTrustedProxy: ((address: string) => boolean) | null;
}

/** The node request yoga passes along when it is served by node:http (absent under bare fetch). */
interface NodeServerContext {
  readonly req?: { readonly socket?: { readonly remoteAddress?: string } };
}

/** Resolves the caller once per request; see `authenticate` for what is refused. */
export async function createContext(
  { db, secrets, now, isTrustedProxy }: ContextDependencies,
  initial: YogaInitialContext & NodeServerContext,
): Promise<Omit<Context, keyof YogaInitialContext>> {
  const { request } = initial;
  const clientIp = clientAddress(initial.req?.socket?.remoteAddress, request.headers.get('x-forwarded-for'), isTrustedProxy);
  const principal = await authenticate(db, { authorization: request.headers.get('authorization'), clientIp, now: now() });
  // Anonymous callers never get past the rules to a loader; if one did, account 0 (ids start
  // at 1) would find nothing.
  return { db, secrets, now, clientIp, principal, loaders: createLoaders(db, principal?.account.id ?? 0) };
}

/** The caller, for resolvers behind a rule that already required one. */
export function principalOf(context: Context): Principal {
  if (!context.principal) throw unauthenticated();
  return context.principal;
}
