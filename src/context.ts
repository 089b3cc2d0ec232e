import DataLoader from 'dataloader';
import type { YogaInitialContext } from 'graphql-yoga';
import { authenticate, type Principal } from './auth/principal.js';
import type { AuthContext } from './auth/rules.js';
import type { Db, Project, ServiceToken } from './db/database.js';
import { findProjectsByIds } from './db/projects.js';
import { findServiceTokensByIds, listGrantsOfTokens, type StoredGrant } from './db/service-tokens.js';
import { unauthenticated } from './errors.js';

/**
 * Per-request batch loaders, scoped to the caller's account: an id of another account loads as
 * undefined, exactly like an id that does not exist.
 */
export interface Loaders {
  readonly project: DataLoader<number, Project | undefined>;
  readonly serviceToken: DataLoader<number, ServiceToken | undefined>;
  readonly grantsOfToken: DataLoader<number, readonly StoredGrant[]>;
}

function byId<T extends { id: number }>(ids: readonly number[], rows: readonly T[]): (T | undefined)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id));
}

export function createLoaders(db: Db, accountId: number): Loaders {
  return {
    project: new DataLoader(async (ids) => byId(ids, await findProjectsByIds(db, accountId, ids))),
    serviceToken: new DataLoader(async (ids) => byId(ids, await findServiceTokensByIds(db, accountId, ids))),
    grantsOfToken: new DataLoader(async (ids) => {
      const grants = await listGrantsOfTokens(db, ids);
      return ids.map((id) => grants.get(id) ?? []);
    }),
  };
}

export interface Context extends AuthContext {
  readonly db: Db;
  readonly now: () => Date;
  readonly loaders: Loaders;
}

export interface ContextDependencies {
  readonly db: Db;
  readonly now: () => Date;
}

/** Resolves the caller once per request; see `authenticate` for what is refused. */
export async function createContext(
  { db, now }: ContextDependencies,
  { request }: YogaInitialContext,
): Promise<Omit<Context, keyof YogaInitialContext>> {
  const principal = await authenticate(db, request.headers.get('authorization'));
  // Anonymous callers never get past the rules to a loader; if one did, account 0 (ids start
  // at 1) would find nothing.
  return { db, now, principal, loaders: createLoaders(db, principal?.account.id ?? 0) };
}

/** The caller, for resolvers behind a rule that already required one. */
export function principalOf(context: Context): Principal {
  if (!context.principal) throw unauthenticated();
  return context.principal;
}
