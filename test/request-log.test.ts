import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../src/observability/logger.js';
import { prettyLine } from '../src/observability/pretty.js';
import { requestIdFrom } from '../src/observability/requests.js';
import { tokenWith } from './support/builders.js';
import { createTestGateway } from './support/helpers.js';

// One log line per request: its id (the caller's X-Request-Id when sane, echoed back), method,
// path, status, duration, operation, error codes and token id; server messages through the same
// logger, carrying the id of the request they happened in.

interface Entry {
  level: number;
  msg: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
  durationMs?: number;
  operation?: string;
  operationType?: string;
  errorCodes?: string[];
  tokenId?: number;
  clientIp?: string;
  err?: { message: string; stack: string };
}

function capture(level: 'info' | 'debug' | 'trace' = 'info'): {
  logger: Logger;
  entries: () => Entry[];
  requests: () => Entry[];
} {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    format: 'json',
    destination: { write: (line: string) => void lines.push(line) },
  });
  const entries = () => lines.map((line) => JSON.parse(line) as Entry);
  return { logger, entries, requests: () => entries().filter((entry) => entry.status) };
}

describe('the request log', () => {
  it('writes one line per request with its id, operation, outcome and token', async () => {
    const { logger, requests } = capture();
    const gateway = await createTestGateway({ logger });
    const reader = await tokenWith(gateway, [{ permissionSet: 'readonly', allProjects: true }]);
    // The set-up's own request (createServiceToken) is logged like any other.
    expect(requests().map((line) => line.operation)).toEqual(['CreateServiceToken']);

    const named = await gateway.graphql('query Me { viewer { name } }', {}, reader.secret, {
      headers: { 'x-request-id': 'trace-4bf92f3577b34da6' },
    });
    expect(named.status).toBe(200);
    expect(named.headers.get('x-request-id')).toBe('trace-4bf92f3577b34da6');
    const refused = await gateway.graphql(
      'mutation Make { createProject(input: { name: "p" }) { id } }',
      {},
      reader.secret,
      { headers: { 'x-request-id': 'not a sane id <script>' } },
    );
    const generated = refused.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const unauthenticated = await gateway.graphql('{ viewer { name } }', {}, 'tgs_nope');
    expect(unauthenticated.status).toBe(401);

    const [first, second, third] = requests().slice(1);
    expect(first).toMatchObject({
      level: 30,
      msg: 'POST /graphql 200',
      requestId: 'trace-4bf92f3577b34da6',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operation: 'Me',
      operationType: 'query',
      tokenId: Number(reader.id),
      clientIp: '127.0.0.1',
    });
    expect(first!.durationMs).toBeGreaterThan(0);
    expect(first!.errorCodes).toBeUndefined();
    expect(second).toMatchObject({
      requestId: generated,
      operation: 'Make',
      operationType: 'mutation',
      errorCodes: ['FORBIDDEN'],
      tokenId: Number(reader.id),
    });
    // Refused before the document was read: the code comes from the refusal, no token id.
    expect(third).toMatchObject({ status: 401, errorCodes: ['UNAUTHENTICATED'] });
    expect(third!.tokenId).toBeUndefined();
    expect(requests()).toHaveLength(4);
    await gateway.app.close();
  });

  it('logs every route through node:http, the query string left out, health probes at debug', async () => {
    const { logger, requests } = capture('debug');
    const gateway = await createTestGateway({ logger });
    const server = createServer(gateway.app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const response = await fetch(`${base}/graphql?query=%7Bviewer%7Bname%7D%7D&secret=x`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${gateway.adminToken}`,
          'x-request-id': 'abc-123',
        },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      });
      expect(response.headers.get('x-request-id')).toBe('abc-123');
      await response.text();
      const health = await fetch(`${base}/healthz`);
      expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await health.text();
      await (await fetch(`${base}/nowhere`)).text();
      await (await fetch(`${base}/graphql`, { method: 'PUT' })).text();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    const lines = requests();
    expect(lines.map((line) => [line.level, line.method, line.path, line.status])).toEqual([
      [30, 'POST', '/graphql', 200],
      [20, 'GET', '/healthz', 200],
      [30, 'GET', '/nowhere', 404],
      [30, 'PUT', '/graphql', 405],
    ]);
    expect(lines[0]).toMatchObject({ requestId: 'abc-123', operationType: 'query' });
    expect(lines[0]!.operation).toBeUndefined();
    expect(lines[3]!.errorCodes).toEqual(['BAD_REQUEST']);
    expect(JSON.stringify(lines)).not.toContain('secret=x');
    await gateway.app.close();
  });

  it('logs a server failure with its stack, under the id of the request it happened in', async () => {
    const { logger, entries } = capture();
    const gateway = await createTestGateway({ logger });
    await gateway.db.destroy();
    const response = await gateway.graphql('{ viewer { name } }', {}, gateway.adminToken, {
      headers: { 'x-request-id': 'broken-1' },
    });
    expect(response.status).toBe(500);
    expect(response.body.errors?.[0]?.message).toBe('Unexpected error.');
    const [failure, line] = entries();
    expect(failure).toMatchObject({
      level: 50,
      msg: 'Could not identify the caller',
      requestId: 'broken-1',
    });
    expect(failure!.err!.stack).toContain('Error');
    expect(line).toMatchObject({
      level: 50,
      requestId: 'broken-1',
      status: 500,
      errorCodes: ['INTERNAL_SERVER_ERROR'],
    });
  });

  it('logs a masked resolver error with its stack, under the id of its request', async () => {
    const { logger, entries } = capture();
    const gateway = await createTestGateway({ logger });
    // The webhooks' table gone: the caller is identified, then the resolver fails in SQL.
    await sql`alter table webhooks rename to webhooks_away`.execute(gateway.db);
    try {
      const response = await gateway.graphql(
        '{ webhooks { edges { node { id } } } }',
        {},
        gateway.adminToken,
        { headers: { 'x-request-id': 'masked-7' } },
      );
      expect(response.body.errors?.[0]?.message).toBe('Unexpected error.');
      const failure = entries().find((entry) => entry.level === 50 && entry.err);
      expect(failure).toMatchObject({ requestId: 'masked-7' });
      expect(failure!.err!.message).toMatch(/webhooks/);
      // Another request's failure carries its own id, not this one's.
      await gateway.graphql('{ webhooks { edges { node { id } } } }', {}, gateway.adminToken, {
        headers: { 'x-request-id': 'masked-8' },
      });
      expect(
        entries()
          .filter((entry) => entry.level === 50 && entry.err)
          .map((entry) => entry.requestId),
      ).toEqual(['masked-7', 'masked-8']);
    } finally {
      await sql`alter table webhooks_away rename to webhooks`.execute(gateway.db);
      await gateway.app.close();
    }
  });

  it('answers an in-process request whose header no socket could carry as a bad credential', async () => {
    const gateway = await createTestGateway();
    // A newline in a header value: `new Headers()` would throw on it before yoga saw the request.
    const response = await gateway.app.fetch(
      'http://localhost/graphql',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer query A {\n  a' },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      },
      { req: { socket: { remoteAddress: '127.0.0.1' } } },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps sane request ids and replaces the rest', () => {
    for (const kept of ['abc', 'a1b2c3d4-e5f6-4789-abcd-ef0123456789', 'Root=1-5759e988-bd862e3f'])
      expect(requestIdFrom(kept)).toBe(kept);
    for (const replaced of [null, '', 'has space', 'x'.repeat(129), 'line\nbreak', '<script>'])
      expect(requestIdFrom(replaced)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads well in development: one line, the request head first, errors with their stack', () => {
    const request = JSON.stringify({
      level: 30,
      time: '2026-11-29T10:15:02.123Z',
      pid: 1,
      hostname: 'h',
      requestId: 'abc-123',
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: 12.3,
      operation: 'Me',
      tokenId: 3,
      msg: 'POST /graphql 200',
    });
    expect(prettyLine(request)).toBe(
      '10:15:02.123 INFO  POST /graphql 200 12.3 ms  requestId=abc-123 operation=Me tokenId=3\n',
    );
    const failure = JSON.stringify({
      level: 50,
      time: '2026-11-29T10:15:02.123Z',
      msg: 'Could not record token usage',
      err: { message: 'boom', stack: 'Error: boom\n    at write' },
    });
    expect(prettyLine(failure)).toBe(
      '10:15:02.123 ERROR Could not record token usage\n    Error: boom\n        at write\n',
    );
    expect(prettyLine(failure, true)).toContain('\u001b[31mERROR\u001b[0m');
  });
});
