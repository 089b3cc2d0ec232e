import type { Db } from './database.js';

/** How many distinct recent client addresses a token remembers. */
export const recentIpCount = 5;

/** The addresses of `first`, then those of `second` not already listed, at most `recentIpCount`. */
function mergeIps(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])].slice(0, recentIpCount);
}

/**
 * Adds the uses one instance counted since its last write. Correct whatever other instances
 * write meanwhile: the count is always added; the last use, its address and the recent addresses
 * only move forward (a batch older than what is stored keeps the stored last use, and its
 * addresses go after the stored ones). Written as compare-and-set on `use_count`, which every
 * write raises, so a concurrent write is never overwritten: the merge is retried on the new row.
 * A token that no longer exists is skipped.
 */
export async function addTokenUsage(
  db: Db,
  usage: {
    tokenId: number;
    count: number;
    lastUsedAt: string;
    lastIp: string | null;
    /** This batch's addresses, most recent first. */
    recentIps: readonly string[];
  },
): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const row = await db
      .selectFrom('service_tokens')
      .select(['use_count', 'last_used_at', 'last_used_ip', 'recent_ips'])
      .where('id', '=', usage.tokenId)
      .executeTakeFirst();
    if (!row) return;
    const stored = JSON.parse(row.recent_ips) as string[];
    const newer = row.last_used_at === null || row.last_used_at < usage.lastUsedAt;
    const result = await db
      .updateTable('service_tokens')
      .set({
        use_count: row.use_count + usage.count,
        last_used_at: newer ? usage.lastUsedAt : row.last_used_at,
        last_used_ip: newer ? (usage.lastIp ?? row.last_used_ip) : row.last_used_ip,
        recent_ips: JSON.stringify(
          newer ? mergeIps(usage.recentIps, stored) : mergeIps(stored, usage.recentIps),
        ),
      })
      .where('id', '=', usage.tokenId)
      .where('use_count', '=', row.use_count)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return;
  }
  throw new Error(`Token ${usage.tokenId}: usage kept changing under ten attempts to add to it.`);
}
