import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { errorResponsesPlugin } from '../src/hardening/error-responses.js';
import { csrfHeader } from '../src/hardening/transport.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';

// What an error gives back: never the client's input whole, always a code a client can branch
// on, and in production nothing of the server's internals.

type Body = { errors?: { message: string; extensions?: Record<string, unknown> }[] };

async function send(gateway: TestGateway, path: string, init: RequestInit) {
  const response = await gateway.app.fetch(`http://localhost${path}`, init, {
    req: { socket: { remoteAddress: '127.0.0.1' } },
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Body };
}

function post(gateway: TestGateway, path: string, body: string, token = gateway.adminToken) {
  return send(gateway, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
}

const nodeEnv = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = nodeEnv;
});

describe('echoed input', () => {
  it('is cut short: a 900 KB id does not come back whole, as a variable or inline', async () => {
    const gateway = await createTestGateway();
    const id = '9'.repeat(100).concat('x'.repeat(900_000));
    for (const body of [
      { query: 'query ($id: ID!) { project(id: $id) { id } }', variables: { id } },
      { query: `{ project(id: "${id}") { id } }` },
      { query: 'query ($id: ID!) { job(id: $id) { id } }', variables: { id } },
    ]) {
      const response = await post(gateway, '/graphql', JSON.stringify(body));
      expect(response.text.length).toBeLessThan(2_000);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message).toContain('…');
    }
  });

  it('never prints a file sent where an ID is expected, and gives it a code', async () => {
    const gateway = await createTestGateway();
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({
        query:
          'mutation ($run: ID!, $manifest: File!) { uploadRunArtifacts(runId: $run, manifest: $manifest) { __typename } }',
        variables: { run: null, manifest: null },
      }),
    );
    form.set('map', JSON.stringify({ 0: ['variables.run'], 1: ['variables.manifest'] }));
    form.set('0', new Blob(['private bytes of the file'], { type: 'text/plain' }), 'notes.txt');
    form.set('1', new Blob(['{}'], { type: 'application/json' }), 'manifest.json');
    const response = await send(gateway, '/graphql/upload', {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.adminToken}`, [csrfHeader]: '1' },
      body: form,
    });
    const [error] = response.body.errors ?? [];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'runId' });
    expect(response.text).not.toMatch(/blobParts|private bytes|notes\.txt/);
  });
});

describe('every error', () => {
  it('has a code, whatever went wrong with the request, on both APIs', async () => {
    const gateway = await createTestGateway({ production: true });
    const bodies = [
      '{"query": "{ viewer { id } }"',
      'not json at all',
      '[]',
      '{}',
      '{"query": 42}',
      '{"query": "{ viewer { id } }", "variables": "nope"}',
      '{"query": "{ viewer { id "}',
      '{"query": "{ nope }"}',
      '{"query": "query ($a: Int) { viewer { id } }", "variables": {"a": "x"}}',
      '{"query": "{ viewer { id } }", "operationName": "Missing"}',
      '{"query": "{ viewer { id } }", "extensions": "x"}',
    ];
    for (const path of ['/graphql', '/discovery/graphql']) {
      for (const body of bodies) {
        const response = await post(gateway, path, body);
        expect(response.body.errors?.length, `${path} ${body}`).toBeGreaterThan(0);
        for (const error of response.body.errors ?? [])
          expect(typeof error.extensions?.code, `${path} ${body}: ${error.message}`).toBe('string');
      }
    }
  });

  it('keeps internals out of production responses: no originalError, no stack, even with NODE_ENV=development', async () => {
    const gateway = await createTestGateway({ production: true });
    process.env.NODE_ENV = 'development';
    const malformed = await post(gateway, '/graphql', '{"query": "{ viewer { id } }"');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(malformed.text).not.toMatch(/originalError|SyntaxError|position/);

    await gateway.db.destroy();
    const broken = await post(gateway, '/graphql', '{"query": "{ viewer { id } }"}');
    expect(broken.body.errors?.[0]?.message).toBe('Unexpected error.');
    expect(broken.text).not.toMatch(/originalError|stack|at |sqlite/i);
  });

  it('gets a code where its producer gave none: the request’s fault outside a field, the server’s inside one', () => {
    let shaped: unknown;
    const hook = errorResponsesPlugin({ production: true }).onResultProcess!;
    hook({
      result: {
        errors: [
          new GraphQLError('Some request-level failure.'),
          new GraphQLError('Cannot return null for non-nullable field Query.viewer.', {
            path: ['viewer'],
          }),
          new GraphQLError('x'.repeat(5_000), { extensions: { code: 'BAD_USER_INPUT' } }),
        ],
      },
      setResult: (result: unknown) => {
        shaped = result;
      },
    } as unknown as Parameters<typeof hook>[0]);
    const errors = (shaped as { errors: GraphQLError[] }).errors;
    expect(errors.map((error) => error.extensions.code)).toEqual([
      'BAD_REQUEST',
      'INTERNAL_SERVER_ERROR',
      'BAD_USER_INPUT',
    ]);
    expect(errors[2]!.message.length).toBeLessThanOrEqual(501);
  });
});
