import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateServiceTokenDocument,
  createTollgateClient,
  type TollgateClient,
  TriggerRunDocument,
} from '../src/client/index.js';
import { createSqliteDb } from '../src/db/connect.js';
import { inTransaction } from '../src/db/database.js';
import { insertProject } from '../src/db/projects.js';
import { builders } from './support/builders.js';
import { printedToken, type StartedServer, startServer, stopServer } from './support/processes.js';

const dirs: string[] = [];
const servers: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => stopServer(server, 'SIGKILL')));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function started(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-reliability-'));
  dirs.push(dataDir);
  const server = await startServer(dataDir, env);
  servers.push(server);
  const admin = createTollgateClient({ url: server.url, token: printedToken(server.output()) });
  return { dataDir, server, admin };
}

async function jobOf(admin: TollgateClient): Promise<string> {
  const build = builders(admin);
  return build.job(await build.environment(await build.project('p'), 'production'));
}

describe('under concurrent writes over loopback', () => {
  it('answers 200 concurrent createServiceToken and triggerRun requests, losing none, while another process writes too', async () => {
    const { dataDir, server, admin } = await started();
    const job = await jobOf(admin);
    // A second writer on the same file, as the ingest CLI would be.
    const other = createSqliteDb(path.join(dataDir, 'tollgate.sqlite'));
    let writing = true;
    const otherWrites = (async () => {
      let written = 0;
      while (writing) {
        await inTransaction(other, async (trx) => {
          await trx.selectFrom('projects').select('id').limit(1).execute();
          await insertProject(trx, {
            accountId: 1,
            name: `other ${written}`,
            description: '',
            now: new Date().toISOString(),
          });
        });
        written++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return written;
    })();
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? admin.request(CreateServiceTokenDocument, {
              input: {
                name: `concurrent ${i}`,
                permissions: [
                  { permissionSet: 'job_runner', allProjects: true },
                  { permissionSet: 'metadata_only', allProjects: true },
                ],
              },
            })
          : admin.request(TriggerRunDocument, { jobId: job, input: { cause: `concurrent ${i}` } }),
      ),
    );
    writing = false;
    expect(await otherWrites).toBeGreaterThan(0);
    await other.destroy();
    const failures = responses.filter((response) => response.status !== 200 || response.errors);
    expect(failures).toEqual([]);
    expect(JSON.stringify(responses)).not.toMatch(/SQLITE_BUSY|database is locked/i);
    await stopServer(server);

    const db = createSqliteDb(path.join(dataDir, 'tollgate.sqlite'));
    const count = async (query: Promise<{ n: unknown }>) => Number((await query).n);
    expect(
      await count(
        db
          .selectFrom('service_tokens')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('name', 'like', 'concurrent %')
          .executeTakeFirstOrThrow(),
      ),
    ).toBe(100);
    expect(
      await count(
        db
          .selectFrom('runs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('cause', 'like', 'concurrent %')
          .executeTakeFirstOrThrow(),
      ),
    ).toBe(100);
    expect(
      await count(
        db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('action', 'in', ['createServiceToken', 'triggerRun'])
          .where('outcome', '=', 'success')
          .executeTakeFirstOrThrow(),
      ),
    ).toBe(200);
    await db.destroy();
  });
});

describe('a crash', () => {
  it('(SIGKILL in the middle of a stream of writes) leaves a consistent database that the next start serves', async () => {
    const { dataDir, server, admin } = await started();
    let completed = 0;
    let stopped = false;
    const writer = async (worker: number) => {
      for (let i = 0; !stopped; i++) {
        const response = await admin
          .request(CreateServiceTokenDocument, {
            input: {
              name: `crash ${worker}-${i}`,
              permissions: [
                { permissionSet: 'job_admin', allProjects: true },
                { permissionSet: 'metadata_only', allProjects: true },
                { permissionSet: 'readonly', allProjects: true },
              ],
            },
          })
          .catch(() => undefined);
        if (response?.data) completed++;
      }
    };
    const writers = Array.from({ length: 8 }, (_, worker) => writer(worker));
    while (completed < 60) await new Promise((resolve) => setTimeout(resolve, 5));
    await stopServer(server, 'SIGKILL');
    stopped = true;
    await Promise.all(writers);

    const restarted = await startServer(dataDir);
    servers.push(restarted);
    const ready = await fetch(restarted.url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);

    const db = createSqliteDb(path.join(dataDir, 'tollgate.sqlite'));
    const tokens = await db
      .selectFrom('service_tokens as t')
      .leftJoin('service_token_grants as g', 'g.service_token_id', 't.id')
      .select(['t.id', (eb) => eb.fn.count('g.id').as('grants')])
      .where('t.name', 'like', 'crash %')
      .groupBy('t.id')
      .execute();
    expect(tokens.length).toBeGreaterThanOrEqual(completed);
    // Every token was written with all three grants and its audit entry, or not at all.
    expect(tokens.filter((token) => Number(token.grants) !== 3)).toEqual([]);
    const audited = await db
      .selectFrom('audit_log')
      .select('target_id')
      .where('action', '=', 'createServiceToken')
      .where('outcome', '=', 'success')
      .execute();
    const auditedIds = new Set(audited.map((entry) => Number(entry.target_id)));
    expect(tokens.filter((token) => !auditedIds.has(token.id))).toEqual([]);
    await db.destroy();
  });
});

describe('a graceful shutdown (SIGTERM)', () => {
  it('finishes the request in flight, then closes the database and exits 0', async () => {
    const { server } = await started();
    const url = new URL(server.url);
    const token = printedToken(server.output());
    const body = JSON.stringify({ query: '{ viewer { name } }' });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/graphql',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      request.on('error', reject);
      // Half the body now, the rest after the server was told to stop.
      request.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => request.end(body.slice(10)), 300);
      }, 300);
    });
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    expect(await response).toEqual({
      status: 200,
      text: '{"data":{"viewer":{"name":"Bootstrap admin"}}}',
    });
    expect(await exited).toBe(0);
    expect(server.output()).toContain('SIGTERM: finishing in-flight requests');
  });
});

describe('a stalled request', () => {
  it('is dropped with 408 once the request timeout passes', async () => {
    const { server } = await started({ TOLLGATE_REQUEST_TIMEOUT_MS: '1000' });
    const url = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        // Headers, then a body that never comes.
        socket.write(
          'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query"',
        );
      });
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
