import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type DefinitionNode, Kind, type OperationDefinitionNode, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  CreateServiceTokenDocument,
  UpdateServiceTokenPolicyDocument,
} from '../src/client/index.js';
import { schemaFor } from '../src/hardening/introspection.js';
import { csrfHeader } from '../src/hardening/transport.js';
import { schema } from '../src/schema/index.js';
import { required } from './support/builders.js';
import { createTestGateway, errorCodes, manualClock, type TestGateway } from './support/helpers.js';

const repoRoot = path.resolve(import.meta.dirname, '..');

async function post(gateway: TestGateway, init: RequestInit & { path?: string }) {
  const response = await gateway.app.fetch(`http://localhost${init.path ?? '/graphql'}`, init, {
    req: { socket: { remoteAddress: '127.0.0.1' } },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text.startsWith('{') ? JSON.parse(text) : undefined,
  };
}

function limitError(body: {
  errors?: { extensions?: Record<string, unknown>; message: string }[];
}) {
  return body.errors?.find((error) => error.extensions?.reason === 'query_limit');
}

describe('query limits', () => {
  it('refuse deep, wide, long and costly operations with BAD_USER_INPUT, without echoing the limits', async () => {
    const gateway = await createTestGateway({
      hardening: {
        queryLimits: {
          maxDepth: 4,
          maxAliases: 3,
          maxTokens: 200,
          maxDirectives: 2,
          maxRootFields: 3,
          maxCost: 500,
        },
      },
    });
    const refused: Record<string, string> = {
      depth: '{ viewer { grants { permissionSet { access { resource } } } } }',
      aliases: '{ a: viewer { id } b: viewer { id } c: viewer { id } d: viewer { id } }',
      tokens: `{ viewer { ${Array.from({ length: 250 }, () => 'id').join(' ')} } }`,
      directives:
        '{ viewer { id @include(if: true) name @include(if: true) displayHint @skip(if: false) } }',
      'root fields':
        '{ viewer { id } permissionSets { id } projects { totalCount } serviceTokens { totalCount } }',
      cost: '{ projects(first: 600) { edges { node { id } } } }',
    };
    for (const [name, query] of Object.entries(refused)) {
      const response = await gateway.graphql(query, {}, gateway.adminToken);
      const error = limitError(response.body);
      expect(error, name).toBeDefined();
      expect(error!.extensions?.code, name).toBe('BAD_USER_INPUT');
      expect(error!.message, name).not.toMatch(/\d/);
      expect(response.body.data ?? null, name).toBeNull();
    }
    // The cost counts `first` given through a variable too.
    const variable = await gateway.graphql(
      'query ($n: Int) { projects(first: $n) { edges { node { id } } } }',
      { n: 600 },
      gateway.adminToken,
    );
    expect(limitError(variable.body)).toBeDefined();
    const small = await gateway.graphql(
      'query ($n: Int) { projects(first: $n) { edges { node { id } } } }',
      { n: 5 },
      gateway.adminToken,
    );
    expect(small.body.errors).toBeUndefined();
  });

  it('let every query in README and docs/ through with the defaults', async () => {
    const gateway = await createTestGateway();
    const files = [
      'README.md',
      ...readdirSync(path.join(repoRoot, 'docs'))
        .filter((file) => file.endsWith('.md'))
        .map((file) => `docs/${file}`),
    ];
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      for (const [, block] of text.matchAll(/```graphql\n([\s\S]*?)```/g)) {
        const definitions = parse(block!).definitions;
        const fragments = definitions.filter(
          (definition) => definition.kind === Kind.FRAGMENT_DEFINITION,
        );
        for (const operation of definitions.filter(
          (definition): definition is OperationDefinitionNode =>
            definition.kind === Kind.OPERATION_DEFINITION,
        )) {
          const query = [operation, ...fragments]
            .map((definition: DefinitionNode) => print(definition))
            .join('\n');
          const response = await gateway.graphql(query, {}, gateway.adminToken);
          expect(limitError(response.body), `${file}: ${query}`).toBeUndefined();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});

describe('transport', () => {
  it('takes JSON POST only: GET, form and text bodies, and multipart are refused', async () => {
    const gateway = await createTestGateway();
    const query = encodeURIComponent('{ viewer { id } }');
    expect((await post(gateway, { method: 'GET', path: `/graphql?query=${query}` })).status).toBe(
      405,
    );
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/graphql',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await post(gateway, {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'query={viewer{id}}',
      });
      expect(response.status, type).toBe(415);
    }
    const batch = await post(gateway, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${gateway.adminToken}`,
      },
      body: JSON.stringify([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]),
    });
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(batch.text).not.toContain('"viewer"');
  });

  it('allows GET queries only when enabled, and never mutations over GET', async () => {
    const gateway = await createTestGateway({ hardening: { allowGet: true } });
    const headers = { authorization: `Bearer ${gateway.adminToken}`, accept: 'application/json' };
    const query = await post(gateway, {
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent('{ viewer { name } }')}`,
      headers,
    });
    expect(query.body.data.viewer.name).toBe('Bootstrap admin');
    const mutation = `mutation { createProject(input: { name: "via get" }) { id } }`;
    const refused = await post(gateway, {
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent(mutation)}`,
      headers,
    });
    expect(refused.status).toBe(405);
    const count = await gateway.db
      .selectFrom('projects')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('takes multipart only on the upload route, only with the CSRF header, and only for uploads', async () => {
    const gateway = await createTestGateway();
    const form = () => {
      const body = new FormData();
      body.set('operations', JSON.stringify({ query: '{ viewer { name } }' }));
      body.set('map', '{}');
      return body;
    };
    const authorization = `Bearer ${gateway.adminToken}`;
    const noHeader = await post(gateway, {
      method: 'POST',
      path: '/graphql/upload',
      headers: { authorization },
      body: form(),
    });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.errors[0].extensions.code).toBe('CSRF_PREVENTED');
    const notAnUpload = await post(gateway, {
      method: 'POST',
      path: '/graphql/upload',
      headers: { authorization, [csrfHeader]: '1' },
      body: form(),
    });
    expect(notAnUpload.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(notAnUpload.body.errors[0].message).toMatch(/takes only uploadRunArtifacts/);
    expect(notAnUpload.text).not.toContain('Bootstrap admin');
    const onTheMainRoute = await post(gateway, {
      method: 'POST',
      headers: { authorization, [csrfHeader]: '1' },
      body: form(),
    });
    expect(onTheMainRoute.status).toBe(415);
  });

  it('refuses bodies over the size limit with 413', async () => {
    const gateway = await createTestGateway({ hardening: { maxBodyBytes: 10_000 } });
    const response = await post(gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ viewer { id } } # ${'x'.repeat(20_000)}` }),
    });
    expect(response.status).toBe(413);
  });
});

describe('the body limit over HTTP', () => {
  /** Sends `body` to the gateway over loopback, with the given headers; resolves status and code. */
  async function send(
    gateway: TestGateway,
    headers: Record<string, string>,
    body: string[],
  ): Promise<{ status: number; code: unknown }> {
    const server = createServer(gateway.app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      return await new Promise((resolve, reject) => {
        const outgoing = httpRequest(
          { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => {
              text += chunk.toString();
            });
            response.on('end', () =>
              resolve({
                status: response.statusCode!,
                code: text.startsWith('{') ? JSON.parse(text).errors?.[0]?.extensions?.code : null,
              }),
            );
          },
        );
        outgoing.on('error', reject);
        for (const part of body) outgoing.write(part);
        outgoing.end();
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  const query = (padding: number) =>
    JSON.stringify({ query: `{ viewer { id } } # ${'x'.repeat(padding)}` });

  it('takes bodies within the limit and answers 413 to one over it, declared or chunked', async () => {
    const gateway = await createTestGateway({ hardening: { maxBodyBytes: 10_000 } });
    const authorization = `Bearer ${gateway.adminToken}`;
    const json = { 'content-type': 'application/json', authorization };
    const small = query(10);
    const declared = await send(
      gateway,
      { ...json, 'content-length': String(Buffer.byteLength(small)) },
      [small],
    );
    expect(declared.status).toBe(200);
    const chunked = await send(gateway, json, [small.slice(0, 10), small.slice(10)]);
    expect(chunked.status).toBe(200);

    const large = query(20_000);
    expect(
      await send(gateway, { ...json, 'content-length': String(Buffer.byteLength(large)) }, [large]),
    ).toEqual({ status: 413, code: 'REQUEST_ENTITY_TOO_LARGE' });
    // No declared length: counted as it arrives, in several chunks.
    expect(
      await send(gateway, json, [
        large.slice(0, 8_000),
        large.slice(8_000, 16_000),
        large.slice(16_000),
      ]),
    ).toEqual({ status: 413, code: 'REQUEST_ENTITY_TOO_LARGE' });
  });
});

describe('errors', () => {
  it('are masked: no stack trace, no SQL, just "Unexpected error."', async () => {
    const gateway = await createTestGateway();
    await gateway.db.destroy();
    const response = await gateway.graphql('{ viewer { id } }', {}, gateway.adminToken);
    expect(response.status).toBe(500);
    expect(response.body.errors?.[0]?.message).toBe('Unexpected error.');
    expect(JSON.stringify(response.body)).not.toMatch(/at |select|sqlite|stack/i);
  });

  it('hide field suggestions from anonymous callers only', async () => {
    const gateway = await createTestGateway();
    const anonymous = await gateway.graphql('{ viewr { id } }');
    expect(anonymous.body.errors?.[0]?.message).toBe('Cannot query field "viewr" on type "Query".');
    const authenticated = await gateway.graphql('{ viewr { id } }', {}, gateway.adminToken);
    expect(authenticated.body.errors?.[0]?.message).toMatch(/Did you mean "viewer"\?/);
  });
});

describe('introspection', () => {
  const introspect =
    '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }';

  it('is off for anonymous callers in production, on in development', async () => {
    const production = await createTestGateway({ production: true });
    const refused = await production.graphql(introspect);
    expect(refused.body.errors?.[0]?.message).toMatch(/introspection/i);
    expect(refused.body.data ?? null).toBeNull();
    const development = await createTestGateway();
    expect(
      (await development.graphql(introspect)).body.data?.__schema.queryType.fields.length,
    ).toBeGreaterThan(20);
  });

  it('serves GraphiQL in production only when enabled, and it then works with a token header', async () => {
    const page = (gateway: TestGateway) =>
      post(gateway, { method: 'GET', headers: { accept: 'text/html' } });
    expect((await page(await createTestGateway({ production: true }))).status).toBe(405);
    const enabled = await createTestGateway({ production: true, graphiql: true });
    // GraphiQL is the console's, bundled (test/console/graphiql.test.ts): browsers are sent there.
    const served = await page(enabled);
    expect(served.status).toBe(302);
    expect(served.headers.get('location')).toBe('/graphiql');
    expect((await enabled.graphql(introspect)).body.data ?? null).toBeNull();
    expect(
      (await enabled.graphql(introspect, {}, enabled.adminToken)).body.data?.__schema.queryType
        .fields.length,
    ).toBeGreaterThan(20);
  });

  it('shows a token the schema as it may use it, one cached copy per set of grants', async () => {
    const gateway = await createTestGateway({ production: true });
    const admin = gateway.client(gateway.adminToken);
    const make = async (name: string) =>
      required(
        await admin.request(CreateServiceTokenDocument, {
          input: { name, permissions: [{ permissionSet: 'metadata_only', allProjects: true }] },
        }),
        'token',
      ).createServiceToken!.token;
    const names = async (token: string) => {
      const { body } = await gateway.graphql(introspect, {}, token);
      return {
        queries: body.data!.__schema.queryType.fields.map(
          (field: { name: string }) => field.name,
        ) as string[],
        mutations: (body.data!.__schema.mutationType?.fields ?? []).map(
          (field: { name: string }) => field.name,
        ) as string[],
      };
    };
    const everything = await names(gateway.adminToken);
    expect(everything.mutations).toContain('createServiceToken');
    const metadata = await names(await make('metadata'));
    expect(metadata.queries).toEqual(expect.arrayContaining(['viewer', 'permissionSets']));
    expect(metadata.queries).not.toContain('serviceTokens');
    expect(metadata.queries).not.toContain('projects');
    expect(metadata.mutations).not.toContain('createServiceToken');
    expect(metadata.mutations).toEqual(
      expect.arrayContaining(['rotateServiceToken', 'revokeLeakedToken']),
    );
    const hidden = await gateway.graphql(
      '{ __type(name: "AuditEntry") { name } }',
      {},
      await make('again'),
    );
    expect(hidden.body.data?.__type).toBeNull();
  });

  it('caches the filtered schema per distinct set of reachable permissions', async () => {
    const gateway = await createTestGateway();
    const { authenticate } = await import('../src/auth/principal.js');
    const { createUsageRecorder } = await import('../src/auth/usage.js');
    const admin = gateway.client(gateway.adminToken);
    const tokens = await Promise.all(
      ['a', 'b'].map(
        async (name) =>
          required(
            await admin.request(CreateServiceTokenDocument, {
              input: { name, permissions: [{ permissionSet: 'job_viewer', allProjects: true }] },
            }),
            'token',
          ).createServiceToken!.token,
      ),
    );
    const usage = createUsageRecorder(gateway.db);
    const [a, b, root] = await Promise.all(
      [...tokens, gateway.adminToken].map((token) =>
        authenticate(gateway.db, usage, {
          authorization: `Bearer ${token}`,
          clientIp: null,
          now: new Date(),
        }),
      ),
    );
    await usage.close();
    expect(schemaFor(schema, a!)).toBe(schemaFor(schema, b!));
    expect(schemaFor(schema, root!)).not.toBe(schemaFor(schema, a!));
  });
});

describe('rate limits', () => {
  it('limit each token per minute, as the account policy says, with 429 and Retry-After', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const admin = gateway.client(gateway.adminToken);
    const { token } = required(
      await admin.request(CreateServiceTokenDocument, {
        input: {
          name: 'busy',
          permissions: [{ permissionSet: 'metadata_only', allProjects: true }],
        },
      }),
      'token',
    ).createServiceToken!;
    expect(
      (await admin.request(UpdateServiceTokenPolicyDocument, { requestsPerMinute: 5 })).data
        ?.updateServiceTokenPolicy?.requestsPerMinute,
    ).toBe(5);
    for (let i = 0; i < 5; i++)
      expect((await gateway.graphql('{ viewer { id } }', {}, token)).status).toBe(200);
    const limited = await gateway.graphql('{ viewer { id } }', {}, token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(errorCodes(limited.body)).toEqual(['RATE_LIMITED']);
    clock.advance(60_000);
    expect((await gateway.graphql('{ viewer { id } }', {}, token)).status).toBe(200);
  });

  it('throttle an address after repeated failed authentications, never a valid token from it', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({
      now: clock.now,
      hardening: { authFailuresPerAddress: 5 },
    });
    const attempt = (token: string, clientIp = '198.51.100.7') =>
      gateway.graphql('{ viewer { id } }', {}, token, { clientIp });
    const junk = `tgs_${'a'.repeat(49)}`;
    for (let i = 0; i < 5; i++) expect((await attempt(junk)).status).toBe(401);
    const blocked = await attempt(junk);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await attempt(gateway.adminToken)).status).toBe(200);
    expect((await attempt(junk, '198.51.100.8')).status).toBe(401);
    clock.advance(5 * 60_000);
    expect((await attempt(junk)).status).toBe(401);
  });
});

describe('health', () => {
  it('answers liveness and readiness', async () => {
    const gateway = await createTestGateway();
    const live = await post(gateway, { method: 'GET', path: '/healthz' });
    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
    const ready = await post(gateway, { method: 'GET', path: '/readyz' });
    expect([ready.status, ready.body]).toEqual([200, { status: 'ready' }]);
    await gateway.db.destroy();
    const down = await post(gateway, { method: 'GET', path: '/readyz' });
    expect([down.status, down.body]).toEqual([503, { status: 'not ready' }]);
  });
});
