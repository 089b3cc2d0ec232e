import type { Db } from './database.js';

/**
 * Records `fingerprint` as the database's secret-key fingerprint when none is recorded yet (the
 * first instance to start, or a database from before fingerprints), and says whether the
 * recorded one is this fingerprint. Two instances starting at once agree: the first insert wins,
 * the other compares against it.
 */
export async function matchSecretKeyFingerprint(
  db: Db,
  fingerprint: string,
  now: Date,
): Promise<boolean> {
  await db
    .insertInto('secret_key_fingerprint')
    .values({ id: 1, fingerprint, recorded_at: now.toISOString() })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
  const row = await db
    .selectFrom('secret_key_fingerprint')
    .select('fingerprint')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return row.fingerprint === fingerprint;
}
