/**
 * A fixed-window counter per key (a client address, a token): at most `limit` hits per
 * `windowMs`. In memory, per process; the number of keys is bounded so a flood of distinct keys
 * cannot exhaust memory (the oldest windows are forgotten first).
 */
export interface RateLimiter {
  /** Counts a hit; when over the limit (`limit` overrides the default), says how long to wait. */
  hit(key: string, now: Date, limit?: number): RateDecision;
  /** Whether the key is over its limit now, without counting. */
  check(key: string, now: Date, limit?: number): RateDecision;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

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
  const current = (key: string, at: number) => {
    const window = windows.get(key);
    return window && at - window.start < windowMs ? window : undefined;
  };
  const decide = (
    window: { start: number; count: number } | undefined,
    at: number,
    max: number,
  ): RateDecision =>
    !window || window.count <= max
      ? { allowed: true }
      : {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - at) / 1000)),
        };
  return {
    hit(key, now, max = limit) {
      const at = now.getTime();
      let window = current(key, at);
      if (!window) {
        windows.delete(key);
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        window = { start: at, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      return decide(window, at, max);
    },
    check(key, now, max = limit) {
      const at = now.getTime();
      const window = current(key, at);
      return decide(window && { start: window.start, count: window.count + 1 }, at, max);
    },
  };
}
