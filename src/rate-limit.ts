/**
 * A fixed-window counter per key (a client address, a token): at most `limit` hits per
 * `windowMs`. In memory, per process; the number of keys is bounded so a flood of distinct keys
 * cannot exhaust memory (the oldest windows are forgotten first).
 */
export interface RateLimiter {
  /** Counts a hit; when over the limit, says how many seconds until the window resets. */
  hit(key: string, now: Date): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

export function createRateLimiter({ limit, windowMs, maxKeys = 100_000 }: { limit: number; windowMs: number; maxKeys?: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key, now) {
      const at = now.getTime();
      let window = windows.get(key);
      if (!window || at - window.start >= windowMs) {
        windows.delete(key);
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        window = { start: at, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      if (window.count <= limit) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - at) / 1000)) };
    },
  };
}
