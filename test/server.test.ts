import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateProjectDocument,
  CreateServiceTokenDocument,
  ProjectsDocument,
  RevokeServiceTokenDocument,
  ViewerDocument,
  createTollgateClient,
} from '../src/client/index.js';

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** `npm start`'s command on a loopback port chosen by the OS, with its own data directory. */
async function startServer(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: { ...process.env, TOLLGATE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout!.on('data', () => {
      // The URL line comes last, after the first-start banner.
      const match = /serving (http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

async function stop({ child }: Started): Promise<number | null> {
  child.kill('SIGTERM');
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the gateway as npm start runs it', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints an admin token on first start only, serves GraphiQL, and enforces scoped and revoked tokens', async () => {
    const first = await startServer(dataDir);
    const adminToken = /^\s+(tgs_[0-9A-Za-z]{49})$/m.exec(first.output())?.[1];
    expect(adminToken, first.output()).toBeDefined();

    const graphiql = await fetch(first.url, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toMatch(/graphiql/i);

    const admin = createTollgateClient({ url: first.url, token: adminToken });
    const a = (await admin.request(CreateProjectDocument, { input: { name: 'A' } })).data!.createProject!.id;
    await admin.request(CreateProjectDocument, { input: { name: 'B' } });
    const created = (
      await admin.request(CreateServiceTokenDocument, {
        input: { name: 'ci job admin', permissions: [{ permissionSet: 'job_admin', projectIds: [a] }] },
      })
    ).data!.createServiceToken!;
    const jobAdmin = createTollgateClient({ url: first.url, token: created.token });
    const visible = (await jobAdmin.request(ProjectsDocument, {})).data!.projects!.edges.map((edge) => edge.node.name);
    expect(visible).toEqual(['A']);

    await admin.request(RevokeServiceTokenDocument, { id: created.serviceToken.id });
    const refused = await jobAdmin.request(ViewerDocument);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(first.output()).not.toContain(created.token);
    expect(await stop(first)).toBe(0);

    const second = await startServer(dataDir);
    expect(second.output()).not.toMatch(/tgs_[0-9A-Za-z]{49}/);
    const again = createTollgateClient({ url: second.url, token: adminToken });
    expect((await again.request(ViewerDocument)).data?.viewer.name).toBe('Bootstrap admin');
    expect(await stop(second)).toBe(0);
  });
});
