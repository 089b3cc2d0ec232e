import type { Db } from '../db/database.js';
import { addTokenUsage } from '../db/service-tokens.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';

/** How many distinct recent client addresses a token remembers. */
export const recentIpCount = 5;

/**
 * Records token use without turning every request into a database write: per token, at most
 * one write per `intervalMs` (default a minute). Uses in between are counted in memory and
 * written with the next write, by the periodic flush, or at shutdown. So `lastUsedAt` and
 * `useCount` can lag by up to one interval (plus what a crash loses since the last write).
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
  }, intervalMs);
  timer.unref();

  return {
    record(token, clientIp, now) {
      const previous = pending.get(token.id);
      const known = previous?.recentIps ?? (JSON.parse(token.recent_ips) as string[]);
      const recentIps = clientIp
        ? [clientIp, ...known.filter((ip) => ip !== clientIp)].slice(0, recentIpCount)
        : known;
      pending.set(token.id, {
        count: (previous?.count ?? 0) + 1,
        lastUsedAt: now.toISOString(),
        lastIp: clientIp ?? previous?.lastIp ?? token.last_used_ip,
        recentIps,
      });
      const last = lastWrite.get(token.id);
      if (last === undefined || now.getTime() - last >= intervalMs) write(token.id, now.getTime());
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
