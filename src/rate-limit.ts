// Redis and its limiter are loaded only by deployments that use them (type imports cost nothing).
import type { Redis } from 'ioredis';
import type { RateLimiterRes } from 'rate-limiter-flexible';

/**
 * A fixed-window counter per key (a client address, a token): at most `limit` hits per
 * `windowMs`. Where the counts live is the store's business (`RateLimitStore`): this process's
 * memory for a single node, Redis or the PostgreSQL database when several instances must count
 * together.
 */
export interface RateLimiter {
  /**
   * Counts a hit; when over the limit (`limit` overrides the default), says how long to wait.
   * `now` is the caller's clock: the memory and database stores follow it (tests move it by
   * hand), Redis counts on its own clock.
   */
  hit(key: string, now: Date, limit?: number): Promise<RateDecision>;
  /** What the next hit would be decided, without counting it. */
  check(key: string, now: Date, limit?: number): Promise<RateDecision>;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Makes the limiters of one app; every instance of a deployment must use the same kind. */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis' | 'postgres';
  /** A limiter; `name` keeps the counts of different limiters apart in a shared store. */
  limiter(name: string, options: { limit: number; windowMs: number }): RateLimiter;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The decision for a window holding `count` hits (this one included) that ends at `resetAt`. */
export function decide(count: number, max: number, resetAtMs: number, atMs: number): RateDecision {
  return count <= max
    ? { allowed: true }
    : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - atMs) / 1000)) };
}

/**
 * In memory, per process: right for one instance. The number of keys is bounded so a flood of
 * distinct keys cannot exhaust memory (the oldest windows are forgotten first).
 */
export function createRateLimiter({
  limit,
  windowMs,
  maxKeys = 100_000,
}: {
  limit: number;
  windowMs: number;
  maxKeys?: number;
}): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  /** The key's window if it is still running at `at`. */
  const current = (key: string, at: number) => {
    const window = windows.get(key);
    return window && at - window.start < windowMs ? window : undefined;
  };
  return {
    async hit(key, now, max = limit) {
      const at = now.getTime();
      let window = current(key, at);
      if (!window) {
        windows.delete(key);
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        window = { start: at, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      return decide(window.count, max, window.start + windowMs, at);
    },
    async check(key, now, max = limit) {
      const at = now.getTime();
      const window = current(key, at);
      return window
        ? decide(window.count + 1, max, window.start + windowMs, at)
        : decide(1, max, at + windowMs, at);
    },
  };
}

/** Limiters in this process's memory: a single instance (the embedded SQLite set-up). */
export function memoryRateLimitStore(): RateLimitStore {
  return {
    kind: 'memory',
    limiter: (_name, options) => createRateLimiter(options),
    close: async () => undefined,
  };
}

// rate-limiter-flexible refuses by itself once `points` are consumed; the limit here varies per
// call (an account's policy sets its tokens' limit), so the store only counts and `decide`
// compares. No window ever holds this many hits.
const uncapped = 2 ** 50;

/**
 * Limiters in Redis (rate-limiter-flexible's atomic INCR + expiry script), shared by every
 * instance pointed at the same server and key prefix. When Redis cannot be reached a request is
 * neither refused nor left uncounted: the count falls back to this process's memory (the
 * library's insurance limiter) until Redis answers again, and `onError` hears of it.
 */
export async function redisRateLimitStore(
  client: Redis,
  { keyPrefix, onError }: { keyPrefix: string; onError: (error: unknown) => void },
): Promise<RateLimitStore> {
  const { RateLimiterMemory, RateLimiterRedis } = await import('rate-limiter-flexible');
  // ioredis reports every failed reconnection attempt: one report per outage is enough.
  let reported = false;
  const onClientError = (error: unknown) => {
    if (reported) return;
    reported = true;
    onError(error);
  };
  const onReady = () => {
    reported = false;
  };
  client.on('error', onClientError);
  client.on('ready', onReady);
  return {
    kind: 'redis',
    limiter(name, { limit, windowMs }) {
      const duration = Math.max(1, Math.ceil(windowMs / 1000));
      const redis = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${keyPrefix}:rate:${name}`,
        points: uncapped,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ points: uncapped, duration }),
      });
      return {
        async hit(key, now, max = limit) {
          const result: RateLimiterRes = await redis.consume(key, 1);
          const at = now.getTime();
          return decide(result.consumedPoints, max, at + result.msBeforeNext, at);
        },
        async check(key, now, max = limit) {
          const result: RateLimiterRes | null = await redis.get(key);
          const at = now.getTime();
          return decide(
            (result?.consumedPoints ?? 0) + 1,
            max,
            at + (result?.msBeforeNext ?? windowMs),
            at,
          );
        },
      };
    },
    async close() {
      client.off('error', onClientError);
      client.off('ready', onReady);
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * A Redis client for the rate limits, connected before the server starts serving: a wrong
 * `TOLLGATE_REDIS_URL` stops start-up with the reason instead of silently counting per process.
 * Commands are not queued while disconnected (the limiter falls back at once instead).
 */
export async function connectRedis(url: string, timeoutMs = 5_000): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    lazyConnect: true,
  });
  // Until the caller attaches its own listener, a failed attempt must not be an unhandled event.
  const swallow = () => undefined;
  client.on('error', swallow);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw error;
  } finally {
    client.off('error', swallow);
  }
}
