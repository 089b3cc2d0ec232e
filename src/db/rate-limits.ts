import {
  connectRedis,
  decide,
  memoryRateLimitStore,
  type RateLimiter,
  type RateLimitStore,
  redisRateLimitStore,
} from '../rate-limit.js';
import type { Db } from './database.js';

/**
 * Counts one hit in the window of `limiter`/`key` in a single statement (an upsert, atomic per
 * row on PostgreSQL and SQLite alike): a window that has expired starts again at 1. Returns the
 * count with this hit and when the window ends.
 */
export async function hitRateLimitWindow(
  db: Db,
  { limiter, key, now, windowMs }: { limiter: string; key: string; now: Date; windowMs: number },
): Promise<{ count: number; expiresAt: string }> {
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + windowMs).toISOString();
  const row = await db
    .insertInto('rate_limit_windows')
    .values({ limiter, key, count: 1, expires_at: expiresAt })
    .onConflict((conflict) =>
      conflict.columns(['limiter', 'key']).doUpdateSet((eb) => {
        const expired = eb('rate_limit_windows.expires_at', '<=', at);
        return {
          count: eb
            .case()
            .when(expired)
            .then(1)
            .else(eb('rate_limit_windows.count', '+', 1))
            .end(),
          expires_at: eb
            .case()
            .when(expired)
            .then(expiresAt)
            .else(eb.ref('rate_limit_windows.expires_at'))
            .end(),
        };
      }),
    )
    .returning(['count', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), expiresAt: row.expires_at };
}

/** The count of the window of `limiter`/`key` still running at `now` (0 when none) and its end. */
export async function findRateLimitWindow(
  db: Db,
  { limiter, key, now }: { limiter: string; key: string; now: Date },
): Promise<{ count: number; expiresAt: string } | undefined> {
  const row = await db
    .selectFrom('rate_limit_windows')
    .select(['count', 'expires_at'])
    .where('limiter', '=', limiter)
    .where('key', '=', key)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row && { count: Number(row.count), expiresAt: row.expires_at };
}

/** Deletes the windows that ended before `now`; returns how many. */
export async function deleteExpiredRateLimitWindows(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('rate_limit_windows')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** How often (by the limiters' clock) expired windows are swept from the table. */
const sweepIntervalMs = 60_000;

/**
 * Limiters in the database: every instance on one PostgreSQL database counts together, one
 * upsert per hit. Ended windows are swept about once a minute (by whichever hit comes first
 * after that), so the table holds roughly the keys of the last window.
 */
export function databaseRateLimitStore(
  db: Db,
  { onError }: { onError: (error: unknown) => void },
): RateLimitStore {
  let lastSweep = 0;
  const sweeps = new Set<Promise<void>>();
  const sweep = (now: Date) => {
    if (now.getTime() - lastSweep < sweepIntervalMs) return;
    lastSweep = now.getTime();
    const done: Promise<void> = deleteExpiredRateLimitWindows(db, now)
      .then(() => undefined, onError)
      .finally(() => sweeps.delete(done));
    sweeps.add(done);
  };
  return {
    kind: 'postgres',
    limiter(name, { limit, windowMs }): RateLimiter {
      return {
        async hit(key, now, max = limit) {
          const { count, expiresAt } = await hitRateLimitWindow(db, {
            limiter: name,
            key,
            now,
            windowMs,
          });
          sweep(now);
          return decide(count, max, Date.parse(expiresAt), now.getTime());
        },
        async check(key, now, max = limit) {
          const window = await findRateLimitWindow(db, { limiter: name, key, now });
          const at = now.getTime();
          return window
            ? decide(window.count + 1, max, Date.parse(window.expiresAt), at)
            : decide(1, max, at + windowMs, at);
        },
      };
    },
    async close() {
      await Promise.all(sweeps);
    },
  };
}

/** Where the rate limits of a deployment are counted; see `openRateLimitStore`. */
export interface RateLimitStorage {
  readonly databaseUrl: string | undefined;
  readonly redis: { readonly url: string; readonly keyPrefix: string } | undefined;
}

/**
 * The rate-limit store the configuration implies: Redis when `TOLLGATE_REDIS_URL` is set,
 * otherwise the PostgreSQL database when there is one (instances behind a load balancer share
 * it), otherwise this process's memory (the embedded SQLite database serves one instance).
 * Throws, naming the variable and the reason, when Redis cannot be reached at start-up.
 */
export async function openRateLimitStore(
  db: Db,
  { databaseUrl, redis }: RateLimitStorage,
  onError: (error: unknown) => void,
): Promise<RateLimitStore> {
  if (redis) {
    const client = await connectRedis(redis.url).catch((error: Error) => {
      const { hostname, port } = new URL(redis.url);
      throw new Error(
        `Cannot reach Redis at ${hostname}:${port || 6379} (TOLLGATE_REDIS_URL): ${error.message}`,
      );
    });
    return redisRateLimitStore(client, { keyPrefix: redis.keyPrefix, onError });
  }
  if (databaseUrl) return databaseRateLimitStore(db, { onError });
  return memoryRateLimitStore();
}
