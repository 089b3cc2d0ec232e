import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { createSecretBox } from '../src/secrets.js';
import { createTestDb } from './support/database.js';

// Yoga's default answers any Origin with itself and Access-Control-Allow-Credentials: true, so
// every page a token holder opens could read the API's answers to its script. Cross-origin access
// is off unless an origin is listed (TOLLGATE_CORS_ORIGINS).

async function gateway(corsOrigins?: readonly string[]) {
  const db = await createTestDb();
  const { adminToken } = await createAccountWithAdminToken(db, {
    name: 'Acme',
    plan: 'enterprise',
    now: new Date(),
  });
  const app = createApp({ db, secrets: createSecretBox(randomBytes(32)), corsOrigins });
  const send = (path: string, init: RequestInit) =>
    app.fetch(`http://localhost${path}`, init, { req: { socket: { remoteAddress: '127.0.0.1' } } });
  return { app, adminToken, send };
}

const preflight = (origin: string): RequestInit => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization, content-type',
  },
});

const query = (origin: string, token: string): RequestInit => ({
  method: 'POST',
  headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify({ query: '{ viewer { id } }' }),
});

function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries(
    [...response.headers].filter(([name]) => name.startsWith('access-control-')),
  );
}

describe('CORS by default', () => {
  it('allows no other origin: no Access-Control headers on preflights or answers, on both APIs', async () => {
    const { send, adminToken } = await gateway();
    for (const path of ['/graphql', '/discovery/graphql', '/graphql/upload']) {
      const options = await send(path, preflight('https://evil.example'));
      expect(corsHeaders(options), path).toEqual({});
      const answer = await send(path, query('https://evil.example', adminToken));
      expect(corsHeaders(answer), path).toEqual({});
    }
  });
});

describe('CORS with an allowlist', () => {
  const allowed = 'https://console.example.com';

  it('answers a listed origin with itself, without credentials, and the methods and headers clients need', async () => {
    const { send, adminToken } = await gateway([allowed, 'http://localhost:5173']);
    const options = await send('/graphql', preflight(allowed));
    expect(options.status).toBe(204);
    const headers = corsHeaders(options);
    expect(headers['access-control-allow-origin']).toBe(allowed);
    expect(headers['access-control-allow-credentials']).toBeUndefined();
    expect(headers['access-control-allow-methods']).toBe('POST');
    expect(headers['access-control-allow-headers']).toContain('authorization');
    expect(headers['access-control-allow-headers']).toContain('content-type');

    const answer = await send('/discovery/graphql', query(allowed, adminToken));
    expect(corsHeaders(answer)['access-control-allow-origin']).toBe(allowed);
    expect(corsHeaders(answer)['access-control-expose-headers']).toContain(
      'Tollgate-Token-Expiration',
    );
  });

  it('still refuses every other origin, including look-alikes of a listed one', async () => {
    const { send, adminToken } = await gateway([allowed]);
    for (const origin of [
      'https://evil.example',
      'https://console.example.com.evil.example',
      'http://console.example.com',
      'null',
    ]) {
      expect(corsHeaders(await send('/graphql', preflight(origin))), origin).toEqual({});
      expect(corsHeaders(await send('/graphql', query(origin, adminToken))), origin).toEqual({});
    }
  });
});
