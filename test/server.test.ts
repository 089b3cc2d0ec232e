import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateProjectDocument,
  CreateServiceTokenDocument,
  createTollgateClient,
  ProjectsDocument,
  RevokeServiceTokenDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { dataDirDatabase } from './support/database.js';
import { printedToken, startServer, stopServer as stop } from './support/processes.js';

describe('the gateway as npm start runs it', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints an admin token on first start only, serves GraphiQL, and enforces scoped and revoked tokens', async () => {
    // Its database: the SQLite file of the data directory, or PostgreSQL under the switch.
    const { env } = await dataDirDatabase(dataDir);
    const first = await startServer(dataDir, env);
    const adminToken = printedToken(first.output());

    // A browser opening the API lands on the console's GraphiQL screen.
    const graphiql = await fetch(first.url, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(graphiql.url).toBe(first.url.replace(/\/graphql$/, '/graphiql'));
    expect(graphiql.headers.get('content-type')).toContain('text/html');

    const admin = createTollgateClient({ url: first.url, token: adminToken });
    const a = (await admin.request(CreateProjectDocument, { input: { name: 'A' } })).data!
      .createProject!.id;
    await admin.request(CreateProjectDocument, { input: { name: 'B' } });
    const created = (
      await admin.request(CreateServiceTokenDocument, {
        input: {
          name: 'ci job admin',
          permissions: [{ permissionSet: 'job_admin', projectIds: [a] }],
        },
      })
    ).data!.createServiceToken!;
    const jobAdmin = createTollgateClient({ url: first.url, token: created.token });
    const visible = (await jobAdmin.request(ProjectsDocument, {})).data!.projects!.edges.map(
      (edge) => edge.node.name,
    );
    expect(visible).toEqual(['A']);

    await admin.request(RevokeServiceTokenDocument, { id: created.serviceToken.id });
    const refused = await jobAdmin.request(ViewerDocument);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(first.output()).not.toContain(created.token);
    expect(await stop(first)).toBe(0);

    const second = await startServer(dataDir, env);
    expect(second.output()).not.toMatch(/tgs_[0-9A-Za-z]{49}/);
    const again = createTollgateClient({ url: second.url, token: adminToken });
    expect((await again.request(ViewerDocument)).data?.viewer.name).toBe('Bootstrap admin');
    expect(await stop(second)).toBe(0);
  }, 120_000); // two starts of the real server (tsx compiles at start-up), slow on a busy machine
});
