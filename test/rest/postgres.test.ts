import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createAccountWithAdminToken } from '../../src/bootstrap.js';
import { createTollgateClient } from '../../src/client/index.js';
import { createPostgresDb } from '../../src/db/connect.js';
import { createSecretBox } from '../../src/secrets.js';
import { builders } from '../support/builders.js';
import { migratedPostgresDatabase, postgresFor } from '../support/database.js';
import type { TestGateway } from '../support/helpers.js';
import { fixtureArtifacts, uploadArtifacts } from '../support/metadata.js';
import { restClient } from './support.js';

// The REST API's own SQL on PostgreSQL: the stored artifact files (bytea), the case-insensitive
// name filter with LIKE's wildcards escaped, the run filters and orders. Skips without a server.

const available = await postgresFor('the REST PostgreSQL tests');

describe.skipIf(!available)('the REST API on PostgreSQL', () => {
  it('stores and serves artifact files, filters jobs by name and runs by status and time', async () => {
    const db = createPostgresDb(await migratedPostgresDatabase());
    try {
      const { account, adminToken } = await createAccountWithAdminToken(db, {
        name: 'Acme',
        plan: 'enterprise',
        now: new Date(),
      });
      const app = createApp({ db, secrets: createSecretBox(randomBytes(32)) });
      const fetchAs = (input: string, init: RequestInit) =>
        app.fetch(input, init, { req: { socket: { remoteAddress: '127.0.0.1' } } });
      const gateway = { app, account } as TestGateway;
      const build = builders(
        createTollgateClient({
          url: 'http://localhost/graphql',
          token: adminToken,
          fetch: fetchAs,
        }),
      );
      const project = await build.project('analytics');
      const environment = await build.environment(project, 'production');
      const job = await build.job(environment, 'Nightly 100% build');
      await build.job(environment, 'hourly');
      const call = restClient(gateway, adminToken);
      const base = `/api/v2/accounts/${account.id}`;

      const names = async (query: string) =>
        (await call('GET', `${base}/jobs/?${query}`)).body.data.map(
          (j: { name: string }) => j.name,
        );
      expect(await names('name__icontains=NIGHTLY')).toEqual(['Nightly 100% build']);
      expect(await names(`name__icontains=${encodeURIComponent('100%')}`)).toEqual([
        'Nightly 100% build',
      ]);
      expect(await names('name__icontains=_')).toEqual([]);

      const run = (await call('POST', `${base}/jobs/${job}/run/`)).body.data;
      const files = fixtureArtifacts('ecommerce');
      const uploaded = await uploadArtifacts(gateway, adminToken, String(run.id), files);
      expect(uploaded.errors).toBeUndefined();
      const manifest = await call('GET', `${base}/runs/${run.id}/artifacts/manifest.json`);
      expect(manifest.text).toBe(Buffer.from(files.manifest!).toString('utf8'));
      expect((await call('GET', `${base}/runs/${run.id}/artifacts/`)).body.data).toContain(
        'manifest.json',
      );

      const second = (await call('POST', `${base}/jobs/${job}/run/`)).body.data;
      await call('POST', `${base}/runs/${second.id}/cancel/`);
      const cancelled = await call('GET', `${base}/runs/?status__in=[30]&order_by=-finished_at`);
      expect(cancelled.body.data.map((r: { id: number }) => r.id)).toEqual([second.id]);
      const range = await call(
        'GET',
        `${base}/runs/?finished_at__range=["2000-01-01","2999-01-01"]&status=30`,
      );
      expect(range.body.extra.pagination.total_count).toBe(1);
      await app.close();
    } finally {
      await db.destroy();
    }
  });
});
