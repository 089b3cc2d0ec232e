import type { Db } from '../db/database.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';
import { addTokenUsage, recentIpCount } from '../db/token-usage.js';

/**
 * Records token use without turning every request into a database write. Each instance counts
 * uses in memory and writes them at most once per `intervalMs` (default a minute) per token,
 * from the periodic flush or at shutdown. A use writes at once only when the last use the
 * database holds (read with the token on this very request) is older than the interval: so
 * across every instance sharing the database, a token idle for a while shows its new use at
 * once, and a busy token costs each instance one write per interval. `lastUsedAt` and `useCount`
 * can therefore lag by up to one interval (plus what a crash loses since the last write); they
 * never move backwards and no instance's count is lost (see `addTokenUsage`).
 */
export interface UsageRecorder {
  record(token: ServiceTokenRow, clientIp: string | null, now: Date): void;
  /** Writes everything pending (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  count: number;
  lastUsedAt: string;
  lastIp: string | null;
  /** This instance's addresses since its last write, most recent first. */
  recentIps: string[];
}

export function createUsageRecorder(
  db: Db,
  {
    intervalMs = 60_000,
    onError = (error) => console.error('Could not record token usage:', error),
  }: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): UsageRecorder {
  const pending = new Map<number, Pending>();
  const lastWrite = new Map<number, number>();
  const inflight = new Set<Promise<void>>();

  const write = (tokenId: number, at: number) => {
    const usage = pending.get(tokenId);
    if (!usage) return;
    pending.delete(tokenId);
    lastWrite.set(tokenId, at);
    const done = addTokenUsage(db, { tokenId, ...usage })
      .catch(onError)
      .finally(() => inflight.delete(done));
    inflight.add(done);
  };

  const timer = setInterval(() => {
    const now = Date.now();
    for (const tokenId of pending.keys())
      if (now - (lastWrite.get(tokenId) ?? 0) >= intervalMs) write(tokenId, now);
    // Tokens not used for a whole interval need no memory of their last write.
    for (const [tokenId, at] of lastWrite)
      if (!pending.has(tokenId) && now - at >= intervalMs) lastWrite.delete(tokenId);
  }, intervalMs);
  timer.unref();

  return {
    record(token, clientIp, now) {
      const at = now.getTime();
      // Updated in place: this runs on every authenticated request. A write takes the entry out
      // of `pending` (and copies it), so the next request starts a new one.
      let usage = pending.get(token.id);
      if (!usage) {
        usage = { count: 0, lastUsedAt: '', lastIp: null, recentIps: [] };
        pending.set(token.id, usage);
      }
      usage.count++;
      usage.lastUsedAt = now.toISOString();
      if (clientIp) {
        usage.lastIp = clientIp;
        if (usage.recentIps[0] !== clientIp)
          usage.recentIps = [clientIp, ...usage.recentIps.filter((ip) => ip !== clientIp)].slice(
            0,
            recentIpCount,
          );
      }
      const written = lastWrite.get(token.id);
      const storedIsStale =
        token.last_used_at === null || at - Date.parse(token.last_used_at) >= intervalMs;
      if (storedIsStale && (written === undefined || at - written >= intervalMs))
        write(token.id, at);
    },
    async flush() {
      for (const tokenId of [...pending.keys()]) write(tokenId, lastWrite.get(tokenId) ?? 0);
      await Promise.all(inflight);
    },
    async close() {
      clearInterval(timer);
      await this.flush();
    },
  };
}
