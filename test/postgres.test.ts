import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import {
  AuditLogDocument,
  CreateIpRestrictionDocument,
  CreateProjectDocument,
  createTollgateClient,
  JobRunsDocument,
  ProjectsDocument,
  RevokeServiceTokenDocument,
  TriggerRunDocument,
  UpdateJobDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { createPostgresDb } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { ingestTargetDirectory } from '../src/metadata/ingest-directory.js';
import { createSecretBox } from '../src/secrets.js';
import { builders, required } from './support/builders.js';
import { document, errorCodes } from './support/helpers.js';
import { fixturePath } from './support/metadata.js';
import { hasShared } from './support/shared.js';

// The same migrations, repositories and API on PostgreSQL (Kysely's Postgres dialect), against
// the server TOLLGATE_TEST_POSTGRES_URL names (default: a local one with trust authentication).
// PostgreSQL is not part of what a fresh machine has: without one this skips with a notice.

const url = process.env.TOLLGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const available = await reachable();
if (!available) console.warn(`NOTICE: no PostgreSQL at ${url}; the PostgreSQL tests are skipped.`);

describe.skipIf(!available)('on PostgreSQL', () => {
  const schema = `tollgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  afterAll(async () => {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('migrates, and both APIs work end to end: tokens, grants, environment write, IP rules, audit, artifacts', async () => {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const db = createPostgresDb(url, { searchPath: schema });
    try {
      await migrateToLatest(db);
      const { adminToken } = await createAccountWithAdminToken(db, {
        name: 'Acme',
        plan: 'enterprise',
        now: new Date(),
      });
      const app = createApp({ db, secrets: createSecretBox(randomBytes(32)) });
      const client = (token: string) =>
        createTollgateClient({
          url: 'http://localhost/graphql',
          token,
          fetch: (input, init) =>
            app.fetch(input, init, { req: { socket: { remoteAddress: '127.0.0.1' } } }),
        });
      const root = client(adminToken);
      const build = builders(root);
      const project = await build.project('analytics');
      await build.project('other');
      const staging = await build.environment(project, 'staging');
      const production = await build.environment(project, 'production');
      const stagingJob = await build.job(staging, 'staging build');
      const productionJob = await build.job(production, 'nightly');
      expect(
        errorCodes(await root.request(CreateProjectDocument, { input: { name: 'analytics' } })),
      ).toEqual(['BAD_USER_INPUT']);

      const analyst = await build.token([
        {
          permissionSet: 'analyst',
          projectIds: [project],
          writableEnvironmentCategories: ['staging'],
        },
      ]);
      const token = client(analyst.token);
      expect(
        (await token.request(ProjectsDocument, {})).data?.projects?.edges.map(
          (edge) => edge.node.name,
        ),
      ).toEqual(['analytics']);
      expect(
        (await token.request(UpdateJobDocument, { id: stagingJob, input: { description: 'ok' } }))
          .data?.updateJob?.description,
      ).toBe('ok');
      expect(
        errorCodes(
          await token.request(UpdateJobDocument, {
            id: productionJob,
            input: { description: 'no' },
          }),
        ),
      ).toEqual(['FORBIDDEN']);
      required(await root.request(TriggerRunDocument, { jobId: productionJob }), 'triggerRun');
      expect(
        (await root.request(JobRunsDocument, { jobId: productionJob })).data?.job?.runs?.totalCount,
      ).toBe(1);

      await root.request(CreateIpRestrictionDocument, {
        input: { kind: 'deny', cidr: '203.0.113.0/24' },
      });
      expect((await token.request(ViewerDocument)).status).toBe(200);
      await root.request(RevokeServiceTokenDocument, { id: analyst.serviceToken.id });
      expect((await token.request(ViewerDocument)).status).toBe(401);

      const log = (await root.request(AuditLogDocument, { first: 50 })).data!.auditLog!;
      expect(log.edges.map((edge) => edge.node.action)).toEqual(
        expect.arrayContaining([
          'createServiceToken',
          'updateJob',
          'triggerRun',
          'revokeServiceToken',
          'createIpRestriction',
        ]),
      );
      expect(log.edges.find((edge) => edge.node.outcome === 'denied')?.node.action).toBe(
        'updateJob',
      );
      await expect(db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(
        /append-only/,
      );

      if (hasShared) {
        // The metadata ingestion's set-based SQL, and the Discovery API over it.
        await ingestTargetDirectory(db, {
          environmentId: Number(production),
          jobId: Number(productionJob),
          directory: fixturePath('ecommerce'),
          now: () => new Date(),
        });
        const discovery = createTollgateClient({
          url: 'http://localhost/discovery/graphql',
          token: adminToken,
          fetch: (input, init) =>
            app.fetch(input, init, { req: { socket: { remoteAddress: '127.0.0.1' } } }),
        });
        const page = await discovery.request(
          document(
            'query ($id: BigInt!) { environment(id: $id) { dbtProjectName applied { models(first: 500) { totalCount edges { node { name executionInfo { lastRunStatus } tests { name } } } } sources(first: 10) { edges { node { freshness { freshnessStatus } } } } } } }',
          ),
          { id: Number(production) },
        );
        expect(page.errors).toBeUndefined();
        expect(page.data.environment.applied.models.totalCount).toBe(17);
        expect(
          page.data.environment.applied.sources.edges[0].node.freshness.freshnessStatus,
        ).toBeDefined();
      }
      await app.close();
    } finally {
      await db.destroy();
    }
  });
});
