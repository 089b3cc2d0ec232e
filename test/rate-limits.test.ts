// The shared state of several instances, piece by piece: the rate-limit stores (memory, the
// database, Redis), last-use records written by more than one instance, and the secret-key
// fingerprint. test/multi-instance.test.ts runs the same through two real server processes.

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { createUsageRecorder } from '../src/auth/usage.js';
import {
  CreateServiceTokenDocument,
  UpdateServiceTokenPolicyDocument,
} from '../src/client/index.js';
import {
  databaseRateLimitStore,
  deleteExpiredRateLimitWindows,
  openRateLimitStore,
} from '../src/db/rate-limits.js';
import { matchSecretKeyFingerprint } from '../src/db/secret-key-fingerprint.js';
import { findServiceTokensByIds } from '../src/db/service-tokens.js';
import {
  connectRedis,
  memoryRateLimitStore,
  type RateLimitStore,
  redisRateLimitStore,
} from '../src/rate-limit.js';
import { secretKeyFingerprint } from '../src/secrets.js';
import { required } from './support/builders.js';
import { createTestDb } from './support/database.js';
import type { TestGateway } from './support/helpers.js';
import { createTestGateway, errorCodes, manualClock } from './support/helpers.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await (async () => {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
})();
if (!redisUp) console.warn(`NOTICE: no Redis at ${redisUrl}; the Redis store tests are skipped.`);

describe('failed authentications from one address', () => {
  it('throttle the failures, never a valid token: it is served, under its own limit only', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({
      now: clock.now,
      hardening: { authFailuresPerAddress: 3 },
    });
    const admin = gateway.client(gateway.adminToken);
    const { token } = required(
      await admin.request(CreateServiceTokenDocument, {
        input: {
          name: 'behind the NAT',
          permissions: [{ permissionSet: 'metadata_only', allProjects: true }],
        },
      }),
      'createServiceToken',
    ).createServiceToken!;
    const nat = '203.0.113.9';
    const junk = `tgs_${'b'.repeat(49)}`;
    const from = (secret: string) =>
      gateway.graphql('{ viewer { id } }', {}, secret, { clientIp: nat });

    for (let i = 0; i < 3; i++) expect((await from(junk)).status).toBe(401);
    const throttled = await from(junk);
    expect([throttled.status, errorCodes(throttled.body)]).toEqual([429, ['RATE_LIMITED']]);
    expect(Number(throttled.headers.get('retry-after'))).toBe(300);

    // The address is throttled for failures; a valid token from it is still served...
    expect((await from(token)).status).toBe(200);
    expect((await from(gateway.adminToken)).status).toBe(200);
    // ...and succeeding does not clear the address's failures.
    expect((await from(junk)).status).toBe(429);

    // Its own per-token limit still applies to the valid token (in a new minute; the address
    // stays throttled for five). The policy is set in a fresh minute too: a limit the admin's
    // own requests of this minute already exceed is refused, so that it cannot lock them out.
    clock.advance(60_000);
    required(
      await admin.request(UpdateServiceTokenPolicyDocument, { requestsPerMinute: 3 }),
      'updateServiceTokenPolicy',
    );
    clock.advance(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await from(token)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await from(junk)).status).toBe(429);
  });
});

/** The behaviour every store shares, run against one store. */
async function countsPerKeyAndWindow(store: RateLimitStore, now: () => Date, advance: () => void) {
  const limiter = store.limiter('tokens', { limit: 2, windowMs: 60_000 });
  const other = store.limiter('auth-failures', { limit: 2, windowMs: 60_000 });
  const decisions = [];
  for (let i = 0; i < 3; i++) decisions.push(await limiter.hit('7', now()));
  expect(decisions.slice(0, 2)).toEqual([{ allowed: true }, { allowed: true }]);
  expect(decisions[2]).toMatchObject({ allowed: false });
  const wait = (decisions[2] as { retryAfterSeconds: number }).retryAfterSeconds;
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(60);
  // A larger limit for this call (an account's policy) lets the same count through.
  expect(await limiter.hit('7', now(), 10)).toEqual({ allowed: true });
  // Other keys and other limiters count apart.
  expect(await limiter.hit('8', now())).toEqual({ allowed: true });
  expect(await other.hit('7', now())).toEqual({ allowed: true });
  advance();
  expect(await limiter.hit('7', now())).toEqual({ allowed: true });
}

describe('rate-limit stores', () => {
  it('memory: count per key and window, with the caller’s clock', async () => {
    const clock = manualClock();
    await countsPerKeyAndWindow(memoryRateLimitStore(), clock.now, () => clock.advance(60_000));
  });

  it('database: count per key and window in one upsert, shared by every instance on it', async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    await countsPerKeyAndWindow(databaseRateLimitStore(db, { onError }), clock.now, () =>
      clock.advance(60_000),
    );
    // Two instances = two stores on one database: one count.
    const first = databaseRateLimitStore(db, { onError }).limiter('shared', {
      limit: 3,
      windowMs: 60_000,
    });
    const second = databaseRateLimitStore(db, { onError }).limiter('shared', {
      limit: 3,
      windowMs: 60_000,
    });
    const decisions = await Promise.all(
      [first, second, first, second, first, second].map((limiter) => limiter.hit('k', clock.now())),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
    // Ended windows are swept.
    clock.advance(120_000);
    expect(await deleteExpiredRateLimitWindows(db, clock.now())).toBeGreaterThan(0);
    expect(await db.selectFrom('rate_limit_windows').selectAll().execute()).toEqual([]);
    expect(errors).toEqual([]);
    await db.destroy();
  });

  it.skipIf(!redisUp)('redis: one count for every instance with the same key prefix', async () => {
    const keyPrefix = `tollgate-test-${randomBytes(6).toString('hex')}`;
    const errors: unknown[] = [];
    // Two instances: two connections, each ready before serving (as at a server's start).
    const clients = await Promise.all([connectRedis(redisUrl), connectRedis(redisUrl)]);
    const stores = await Promise.all(
      clients.map((client) =>
        redisRateLimitStore(client, { keyPrefix, onError: (error) => errors.push(error) }),
      ),
    );
    try {
      const [a, b] = stores.map((store) => store.limiter('tokens', { limit: 3, windowMs: 60_000 }));
      const decisions = [];
      for (const limiter of [a!, b!, a!, b!, a!, b!])
        decisions.push(await limiter.hit('42', new Date()));
      expect(decisions.map((decision) => decision.allowed)).toEqual([
        true,
        true,
        true,
        false,
        false,
        false,
      ]);
      const stranger = stores[0]!.limiter('tokens', { limit: 3, windowMs: 60_000 });
      expect(await stranger.hit('43', new Date())).toEqual({ allowed: true });
      expect(errors).toEqual([]);
    } finally {
      const cleanup = new Redis(redisUrl);
      const keys = await cleanup.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await cleanup.del(...keys);
      await cleanup.quit();
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('choose Redis when configured, refusing to start with the reason when it cannot be reached', async () => {
    const db = await createTestDb();
    try {
      const onError = () => undefined;
      expect(
        (await openRateLimitStore(db, { databaseUrl: undefined, redis: undefined }, onError)).kind,
      ).toBe('memory');
      expect(
        (await openRateLimitStore(db, { databaseUrl: 'postgres://x/y', redis: undefined }, onError))
          .kind,
      ).toBe('postgres');
      await expect(
        openRateLimitStore(
          db,
          {
            databaseUrl: undefined,
            redis: { url: 'redis://:hunter2@127.0.0.1:1', keyPrefix: 'tollgate' },
          },
          onError,
        ),
      ).rejects.toThrow(/^Cannot reach Redis at 127\.0\.0\.1:1 \(TOLLGATE_REDIS_URL\): /);
      await expect(
        openRateLimitStore(
          db,
          {
            databaseUrl: undefined,
            redis: { url: 'redis://:hunter2@127.0.0.1:1', keyPrefix: 'tollgate' },
          },
          onError,
        ),
      ).rejects.not.toThrow(/hunter2/);
    } finally {
      await db.destroy();
    }
  });
});

/** The account's bootstrap admin token, as the database holds it now. */
async function adminTokenRow(gateway: TestGateway) {
  const [row] = await findServiceTokensByIds(gateway.db, gateway.account.id, [1]);
  return row!;
}

describe('last use written by several instances', () => {
  it('adds every instance’s count, never moves the last use backwards, merges recent addresses', async () => {
    const gateway = await createTestGateway();
    const token = await adminTokenRow(gateway);
    expect(token.name).toBeDefined();
    // Two instances: recorders with their own memory on one database.
    const a = createUsageRecorder(gateway.db);
    const b = createUsageRecorder(gateway.db);
    const at = (seconds: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, seconds));
    a.record(token, '192.0.2.1', at(10));
    a.record(token, '192.0.2.2', at(20));
    b.record(token, '198.51.100.1', at(15));
    b.record(token, '198.51.100.1', at(16));
    b.record(token, '198.51.100.2', at(17));
    // A writes its later uses first; B's older batch comes after and must not win.
    await a.flush();
    await b.flush();
    const stored = await adminTokenRow(gateway);
    expect(stored.use_count).toBe(token.use_count + 5);
    expect(stored.last_used_at).toBe(at(20).toISOString());
    expect(stored.last_used_ip).toBe('192.0.2.2');
    // Every instance's addresses are kept, the latest first (an older batch's go after).
    const recent = JSON.parse(stored.recent_ips) as string[];
    expect(recent[0]).toBe('192.0.2.2');
    expect([...recent].sort()).toEqual(
      ['192.0.2.1', '192.0.2.2', '198.51.100.1', '198.51.100.2'].sort(),
    );
    await Promise.all([a.close(), b.close()]);
  });

  it('writes at once only when the stored last use is older than the interval', async () => {
    const gateway = await createTestGateway();
    const writes = () =>
      gateway.queries.filter((sql) => /^update "service_tokens"/i.test(sql)).length;
    const a = createUsageRecorder(gateway.db, { intervalMs: 60_000 });
    const b = createUsageRecorder(gateway.db, { intervalMs: 60_000 });
    const now = new Date();
    const token = await adminTokenRow(gateway);
    gateway.queries.length = 0;
    a.record(token, '192.0.2.1', now);
    // The write is not awaited by record(): wait until it has run (PostgreSQL answers later).
    await vi.waitFor(() => expect(writes()).toBe(1), { timeout: 10_000 });
    // B loads the token after A's write: its last use is fresh, so B only counts in memory.
    const fresh = await adminTokenRow(gateway);
    expect(fresh.last_used_at).toBe(now.toISOString());
    b.record(fresh, '192.0.2.3', new Date(now.getTime() + 1000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(writes()).toBe(1);
    // Its count is not lost: the periodic flush (here: close) writes it.
    await b.close();
    await a.close();
    expect(writes()).toBe(2);
    expect((await adminTokenRow(gateway)).use_count).toBe(token.use_count + 2);
  });
});

describe('the secret-key fingerprint', () => {
  it('is recorded by the first instance, matched by the same key, refused for another', async () => {
    const db = await createTestDb();
    try {
      const key = randomBytes(32);
      const fingerprint = secretKeyFingerprint(key);
      expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(fingerprint).not.toContain(key.toString('hex'));
      expect(secretKeyFingerprint(Buffer.from(key))).toBe(fingerprint);
      expect(await matchSecretKeyFingerprint(db, fingerprint, new Date())).toBe(true);
      expect(await matchSecretKeyFingerprint(db, fingerprint, new Date())).toBe(true);
      expect(
        await matchSecretKeyFingerprint(db, secretKeyFingerprint(randomBytes(32)), new Date()),
      ).toBe(false);
      const rows = await db.selectFrom('secret_key_fingerprint').selectAll().execute();
      expect(rows.map((row) => row.fingerprint)).toEqual([fingerprint]);
    } finally {
      await db.destroy();
    }
  });
});
