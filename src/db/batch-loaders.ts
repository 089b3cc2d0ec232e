import DataLoader from 'dataloader';
import type { Db } from './database.js';

/**
 * One per-request batch loader for the caller's account. A repository that serves lookups by id
 * exports its factories as `loaders`, beside its finders; src/loaders.ts composes them.
 */
export type LoaderFactory<V> = (db: Db, accountId: number) => DataLoader<number, V>;

/** A finder that returns the rows of `ids` that belong to the account. */
export type FindInAccount<T> = (db: Db, accountId: number, ids: readonly number[]) => Promise<T[]>;

// THE ACCOUNT-SCOPING RULE (security-critical), stated here once for every loader:
// the finder given to byId or byKey returns only rows of `accountId` (its SQL filters on the
// account, directly or through the project). An id of another account therefore loads as
// undefined, exactly like an id that does not exist, and resolvers and scope locators answer
// NOT_FOUND for both: another account's objects are never read, changed, or even confirmed to
// exist. Never pass a finder here that does not filter by account.

/** Loads rows by id under the account-scoping rule above. */
export function byId<T extends { id: number }>(
  find: FindInAccount<T>,
): LoaderFactory<T | undefined> {
  return byKey(find, 'id');
}

/** Like byId, for rows looked up by another unique column (one per project, per environment). */
export function byKey<T, K extends keyof T>(
  find: FindInAccount<T>,
  key: K,
): LoaderFactory<T | undefined> {
  return (db, accountId) =>
    new DataLoader(async (keys) => {
      const found = new Map(
        (await find(db, accountId, keys)).map((row) => [row[key] as number, row]),
      );
      return keys.map((k) => found.get(k));
    });
}

/**
 * Lists keyed by the id of what they belong to; ids with nothing get an empty list. Keys are ids
 * of objects a byId or byKey loader already found in the account, so `list` may rely on them.
 */
export function listsById<T>(
  list: (db: Db, ids: readonly number[], accountId: number) => Promise<Map<number, T[]>>,
): LoaderFactory<readonly T[]> {
  return (db, accountId) =>
    new DataLoader(async (ids) => {
      const found = await list(db, ids, accountId);
      return ids.map((id) => found.get(id) ?? []);
    });
}
