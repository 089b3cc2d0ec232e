import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { compileAccess } from '../src/catalog/access.js';
import {
  ServiceTokenPermissionUsageDocument,
  SetServiceTokenGrantsDocument,
} from '../src/client/index.js';
import { advanceDataVersion } from '../src/db/data-version.js';
import {
  accessFingerprint,
  memoryResponseCache,
  type ResponseCache,
  redisResponseCache,
} from '../src/response-cache.js';
import { createSecretBox } from '../src/secrets.js';
import { builders, required, tokenWith } from './support/builders.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';
import { deployment, uploadArtifacts } from './support/metadata.js';
import { syntheticManifest, syntheticRunResults, text } from './support/synthetic-artifacts.js';

// The response cache answers repeated identical Discovery reads without executing them. These
// pin what it must never do: answer a caller it would refuse (revoked, another address), answer
// with another caller's access, or answer with data a write has changed.

const modelsQuery = `query ($id: BigInt!) { environment(id: $id) { applied {
  models(first: 100) { totalCount edges { node { uniqueId name } } } } } }`;

/** A gateway with the cache on, and a project whose environment has `models` ingested models. */
async function cachedGateway(cache: ResponseCache = memoryResponseCache()) {
  const gateway = await createTestGateway({ responseCache: cache });
  const first = await deployment(gateway, 'first');
  await ingest(gateway, await first.run(), 3);
  const second = await deployment(gateway, 'second');
  await ingest(gateway, await second.run(), 2);
  return { gateway, first, second };
}

async function ingest(gateway: TestGateway, runId: string, models: number) {
  const options = { models, testsPerModel: 1, sources: 1, codeSize: 10 };
  const response = await uploadArtifacts(gateway, gateway.adminToken, runId, {
    manifest: text(syntheticManifest(options)),
    runResults: text(syntheticRunResults(options)),
  });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
}

/** A Discovery request, and how many statements it ran on the metadata tables. */
async function read(gateway: TestGateway, token: string, environmentId: string) {
  gateway.queries.length = 0;
  const response = await gateway.app.fetch(
    'http://localhost/discovery/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: modelsQuery, variables: { id: Number(environmentId) } }),
    },
    { req: { socket: { remoteAddress: '127.0.0.1' } } },
  );
  const body = (await response.json()) as {
    data?: { environment: { applied: { models: { totalCount: number } } } | null } | null;
    errors?: { extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
  const executed = gateway.queries.filter((sql) => sql.includes('metadata_')).length;
  return {
    status: response.status,
    body,
    models: body.data?.environment?.applied.models.totalCount,
    code: body.errors?.[0]?.extensions?.code,
    executed,
  };
}

const metadataOn = (projectId: string) => [
  { permissionSet: 'metadata_only' as const, projectIds: [projectId] },
];

/** A cached gateway and two tokens with the same grants: one expires tomorrow, one never. */
async function withExpiringAndLasting(cache?: ResponseCache) {
  const { gateway, first } = await cachedGateway(cache);
  const expiring = await builders(gateway.client(gateway.adminToken)).token(
    metadataOn(first.projectId),
    { name: 'expiring', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
  );
  const lasting = await tokenWith(gateway, metadataOn(first.projectId), 'lasting');
  return { gateway, first, expiring, lasting };
}

/**
 * Two hits answer the bytes the execution answered, without executing; a token with an expiry gets
 * the same bytes with its own extension appended.
 */
async function expectHitsAsExecuted(cache?: ResponseCache) {
  const { gateway, first, expiring, lasting } = await withExpiringAndLasting(cache);
  try {
    const text = async (token: string) => {
      const response = await gateway.app.fetch('http://localhost/discovery/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: modelsQuery,
          variables: { id: Number(first.environmentId) },
        }),
      });
      return response.text();
    };
    const executed = await text(lasting.secret);
    gateway.queries.length = 0;
    for (let hit = 0; hit < 2; hit++) expect(await text(lasting.secret)).toBe(executed);
    expect(gateway.queries.filter((sql) => sql.includes('metadata_'))).toEqual([]);
    const withExpiry = await text(expiring.token);
    expect(JSON.parse(withExpiry)).toEqual({
      ...JSON.parse(executed),
      extensions: { tokenExpiresAt: expect.any(String) },
    });
    expect(withExpiry.startsWith(executed.slice(0, -1))).toBe(true);
  } finally {
    await gateway.app.close();
  }
}

describe('repeated identical reads', () => {
  it('are answered from the cache, shared by tokens with the same grants', async () => {
    const { gateway, first } = await cachedGateway();
    const one = await tokenWith(gateway, metadataOn(first.projectId), 'one');
    const other = await tokenWith(gateway, metadataOn(first.projectId), 'other');
    const miss = await read(gateway, one.secret, first.environmentId);
    expect(miss.models).toBe(3);
    expect(miss.executed).toBeGreaterThan(0);
    const hit = await read(gateway, one.secret, first.environmentId);
    expect(hit.body.data).toEqual(miss.body.data);
    expect(hit.executed).toBe(0);
    // Another token, the same grants: the same access, so the same answer from the cache.
    const shared = await read(gateway, other.secret, first.environmentId);
    expect(shared.body.data).toEqual(miss.body.data);
    expect(shared.executed).toBe(0);
  });

  it('record the permissions of a token whose only request was answered from the cache', async () => {
    const { gateway, first } = await cachedGateway();
    const filler = await tokenWith(gateway, metadataOn(first.projectId), 'filler');
    const poller = await tokenWith(gateway, metadataOn(first.projectId), 'poller');
    expect((await read(gateway, filler.secret, first.environmentId)).executed).toBeGreaterThan(0);
    const hit = await read(gateway, poller.secret, first.environmentId);
    expect(hit.executed).toBe(0);
    expect(hit.models).toBe(3);
    await gateway.app.flushUsage();
    const usage = async (id: string) =>
      required(
        await gateway
          .client(gateway.adminToken)
          .request(ServiceTokenPermissionUsageDocument, { id, sinceDays: 1 }),
        'permissionUsage',
      ).serviceToken!.permissionUsage.used.map((row) => [
        row.resource,
        row.action,
        row.projectId,
        row.useCount,
      ]);
    // The hit ran no rule, yet records what executing it granted: the same as the filler's.
    expect(await usage(poller.id)).toEqual([['metadata', 'read', first.projectId, 1]]);
    expect(await usage(poller.id)).toEqual(await usage(filler.id));
  });

  it('are refused to a revoked token while its response is cached (401), and to no one else', async () => {
    const { gateway, first } = await cachedGateway();
    const revoked = await tokenWith(gateway, metadataOn(first.projectId), 'revoked');
    const kept = await tokenWith(gateway, metadataOn(first.projectId), 'kept');
    expect((await read(gateway, revoked.secret, first.environmentId)).models).toBe(3);
    // Revoked behind the API's back: no mutation, so the data version and the entry stay.
    await gateway.db
      .updateTable('service_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', Number(revoked.id))
      .execute();
    const refused = await read(gateway, revoked.secret, first.environmentId);
    expect(refused.status).toBe(401);
    expect(refused.code).toBe('UNAUTHENTICATED');
    expect(refused.body.data ?? null).toBeNull();
    // The entry is still there: the refusal above is authentication's, not a miss.
    const stillCached = await read(gateway, kept.secret, first.environmentId);
    expect(stillCached.models).toBe(3);
    expect(stillCached.executed).toBe(0);
  });

  it('are refused from an address the token’s allowlist refuses, though cached', async () => {
    const { gateway, first } = await cachedGateway();
    const token = await tokenWith(gateway, metadataOn(first.projectId));
    expect((await read(gateway, token.secret, first.environmentId)).models).toBe(3);
    await gateway.db
      .updateTable('service_tokens')
      .set({ allowed_cidrs: '10.0.0.0/8' })
      .where('id', '=', Number(token.id))
      .execute();
    const refused = await read(gateway, token.secret, first.environmentId);
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ reason: 'ip_restricted' });
  });

  it('see a change of the token’s grants on the very next request', async () => {
    const { gateway, first, second } = await cachedGateway();
    const token = await tokenWith(gateway, metadataOn(first.projectId));
    expect((await read(gateway, token.secret, first.environmentId)).models).toBe(3);
    // Changed in the database directly: the data version does not move, the access does.
    const grant = await gateway.db
      .selectFrom('service_token_grants')
      .select('id')
      .where('service_token_id', '=', Number(token.id))
      .executeTakeFirstOrThrow();
    await gateway.db
      .updateTable('service_token_grant_projects')
      .set({ project_id: Number(second.projectId) })
      .where('grant_id', '=', grant.id)
      .execute();
    const moved = await read(gateway, token.secret, first.environmentId);
    expect(moved.code).toBe('NOT_FOUND');
    expect(moved.body.data?.environment ?? null).toBeNull();
    // And through the API.
    required(
      await gateway.client(gateway.adminToken).request(SetServiceTokenGrantsDocument, {
        id: token.id,
        permissions: metadataOn(first.projectId),
      }),
      'setServiceTokenGrants',
    );
    expect((await read(gateway, token.secret, first.environmentId)).models).toBe(3);
  });

  it('by two tokens with different grants never share an answer, in either order', async () => {
    const { gateway, first, second } = await cachedGateway();
    const inFirst = await tokenWith(gateway, metadataOn(first.projectId), 'first');
    const inSecond = await tokenWith(gateway, metadataOn(second.projectId), 'second');
    const both = await tokenWith(
      gateway,
      [{ permissionSet: 'metadata_only', projectIds: [first.projectId, second.projectId] }],
      'both',
    );
    for (let round = 0; round < 2; round++) {
      expect((await read(gateway, inFirst.secret, first.environmentId)).models).toBe(3);
      const refused = await read(gateway, inSecond.secret, first.environmentId);
      expect(refused.code).toBe('NOT_FOUND');
      expect(refused.body.data?.environment ?? null).toBeNull();
      expect((await read(gateway, inSecond.secret, second.environmentId)).models).toBe(2);
      expect((await read(gateway, inFirst.secret, second.environmentId)).code).toBe('NOT_FOUND');
      // Wider grants: a different access, its own entry, though the data is the same.
      const wider = await read(gateway, both.secret, first.environmentId);
      expect(wider.models).toBe(3);
      if (round === 0) expect(wider.executed).toBeGreaterThan(0);
    }
  });

  it('carry each token’s own expiry, never the one of the token that filled the cache', async () => {
    const { gateway, first, expiring, lasting } = await withExpiringAndLasting();
    const filled = await read(gateway, expiring.token, first.environmentId);
    expect(filled.body.extensions?.tokenExpiresAt).toBeDefined();
    const hit = await read(gateway, lasting.secret, first.environmentId);
    expect(hit.executed).toBe(0);
    expect(hit.body.extensions?.tokenExpiresAt).toBeUndefined();
    expect((await read(gateway, expiring.token, first.environmentId)).body.extensions).toEqual(
      filled.body.extensions,
    );
  });

  it('answer a hit with the very bytes the execution answered, per-token extensions included', async () => {
    await expectHitsAsExecuted();
  });

  it('see a write on the next read: an ingest, and a write from outside the server', async () => {
    const { gateway, first } = await cachedGateway();
    const token = await tokenWith(gateway, metadataOn(first.projectId));
    expect((await read(gateway, token.secret, first.environmentId)).models).toBe(3);
    expect((await read(gateway, token.secret, first.environmentId)).executed).toBe(0);
    await ingest(gateway, await first.run(), 5);
    expect((await read(gateway, token.secret, first.environmentId)).models).toBe(5);
    // A writer outside the server (the ingest command) advances the version itself.
    await gateway.db.deleteFrom('metadata_applied_nodes').execute();
    expect((await read(gateway, token.secret, first.environmentId)).executed).toBe(0);
    await advanceDataVersion(gateway.db);
    expect((await read(gateway, token.secret, first.environmentId)).models).toBe(0);
  });

  it('are not cached for an anonymous caller or a refused query', async () => {
    const { gateway, first } = await cachedGateway();
    const token = await tokenWith(gateway, metadataOn(first.projectId));
    const anonymous = await gateway.app.fetch('http://localhost/discovery/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: modelsQuery, variables: { id: Number(first.environmentId) } }),
    });
    expect(((await anonymous.json()) as { errors: unknown[] }).errors).toBeDefined();
    const refused = await read(gateway, token.secret, '999999');
    expect(refused.code).toBe('NOT_FOUND');
    expect((await read(gateway, token.secret, '999999')).code).toBe('NOT_FOUND');
  });
});

describe('the access fingerprint', () => {
  it('is equal for equal grants and differs for any difference in access', () => {
    const grants = (projectIds: number[] | null, set = 'metadata_only' as const) => [
      { permissionSet: set, projectIds, writableEnvironmentCategories: [] },
    ];
    expect(accessFingerprint(compileAccess(grants([1])))).toBe(
      accessFingerprint(compileAccess(grants([1]))),
    );
    const distinct = [
      grants([1]),
      grants([2]),
      grants([1, 2]),
      grants(null),
      [
        {
          permissionSet: 'job_viewer' as const,
          projectIds: [1],
          writableEnvironmentCategories: [],
        },
      ],
      [{ permissionSet: 'analyst' as const, projectIds: [1], writableEnvironmentCategories: [] }],
      [
        {
          permissionSet: 'analyst' as const,
          projectIds: [1],
          writableEnvironmentCategories: ['development' as const],
        },
      ],
    ].map((list) => accessFingerprint(compileAccess(list)));
    expect(new Set(distinct).size).toBe(distinct.length);
  });
});

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
async function redisClient(): Promise<Redis | undefined> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG' ? client : undefined;
  } catch {
    client.disconnect();
    return undefined;
  }
}
const redis = await redisClient();
if (!redis) console.warn(`NOTICE: no Redis at ${redisUrl}; the shared cache test is skipped.`);
redis?.disconnect();

describe.skipIf(!redis)('the cache in Redis', () => {
  it('answers a hit with the very bytes the execution answered, per-token extensions included', async () => {
    const keyPrefix = `tollgate-test:${randomBytes(6).toString('hex')}:`;
    await expectHitsAsExecuted(redisResponseCache((await redisClient())!, { keyPrefix }));
  });

  it('keeps its entries apart from those of the earlier format, both ways', async () => {
    const keyPrefix = `tollgate-test:${randomBytes(6).toString('hex')}:`;
    const client = (await redisClient())!;
    const cache = redisResponseCache(client, { keyPrefix });
    try {
      const entry = { result: { data: { answer: 42 } }, granted: [] };
      await cache.set('current', entry);
      expect(await cache.get('current')).toEqual(entry);
      // An instance of the earlier format reads the bare key: it finds nothing to misparse.
      expect(await client.get(`${keyPrefix}current`)).toBeNull();
      // And what it wrote there (one JSON object) is not read by this one.
      await client.set(`${keyPrefix}older`, JSON.stringify(entry));
      expect(await cache.get('older')).toBeUndefined();
    } finally {
      await cache.close();
    }
  });

  it('is shared by two instances on one database, and a write on one is seen by the other', async () => {
    const keyPrefix = `tollgate-test:${randomBytes(6).toString('hex')}:`;
    const { gateway, first } = await cachedGateway(
      redisResponseCache((await redisClient())!, { keyPrefix }),
    );
    const other = createApp({
      db: gateway.db,
      secrets: createSecretBox(randomBytes(32)),
      responseCache: redisResponseCache((await redisClient())!, { keyPrefix }),
    });
    const otherGateway = { ...gateway, app: other };
    try {
      const token = await tokenWith(gateway, metadataOn(first.projectId));
      expect((await read(gateway, token.secret, first.environmentId)).models).toBe(3);
      const fromOther = await read(otherGateway, token.secret, first.environmentId);
      expect(fromOther.models).toBe(3);
      expect(fromOther.executed).toBe(0);
      await ingest(gateway, await first.run(), 4);
      expect((await read(otherGateway, token.secret, first.environmentId)).models).toBe(4);
    } finally {
      await other.close();
      await gateway.app.close();
    }
  });
});
