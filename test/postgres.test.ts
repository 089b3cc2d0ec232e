import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
import { postgresFor, postgresSchema } from './support/database.js';
import { document, errorCodes } from './support/helpers.js';
import { fixturePath } from './support/metadata.js';
import { hasShared } from './support/shared.js';

// The same migrations, repositories and API on PostgreSQL (Kysely's Postgres dialect), in a
// schema of its own (every table under `searchPath`), whatever database the suite runs on.

const available = await postgresFor('the PostgreSQL tests');

describe.skipIf(!available)('on PostgreSQL', () => {
  it('migrates, and both APIs work end to end: tokens, grants, environment write, IP rules, audit, artifacts', async () => {
    const { url, schema } = await postgresSchema();
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
