import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createIssuerKeys, outboundGet } from '../src/auth/identity-keys.js';
import { IdTokenRefused, type OidcClient, verifiedEmail, verifyIdToken } from '../src/auth/oidc.js';
import {
  crossSiteRefusal,
  limitByLicense,
  serializeCookie,
  sessionCsrfHeader,
} from '../src/auth/session.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { allowsInProject, allowsOnAccount, compileAccess } from '../src/catalog/access.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { upsertAuthProvider } from '../src/db/auth-providers.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { createSecretBox } from '../src/secrets.js';
import { startTestIssuer, type TestIssuer } from './support/oidc-issuer.js';

// The parts of sign-in a provider cannot be made to get wrong on purpose: ID tokens from another
// issuer, for another client, with another nonce or signed the wrong way; the cookie and
// cross-site rules; what a license leaves of a member's access; and the operator's way in when
// the provider is down.

const outbound = { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'] };
let configured: TestIssuer;
let other: TestIssuer;
let client: OidcClient;
beforeAll(async () => {
  configured = await startTestIssuer();
  other = await startTestIssuer();
  client = {
    outbound,
    keys: createIssuerKeys({ get: outboundGet(outbound), now: () => new Date() }),
  };
});
afterAll(async () => {
  await configured.close();
  await other.close();
});

const expected = () => ({
  issuer: configured.url,
  clientId: 'tollgate',
  nonce: 'the-nonce',
  now: new Date(),
});
const claims = { sub: 'ada', aud: 'tollgate', nonce: 'the-nonce', email: 'ada@example.com' };

async function refusal(token: string): Promise<string> {
  const error = await verifyIdToken(client, token, expected()).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IdTokenRefused);
  return (error as Error).message;
}

describe('ID token verification', () => {
  it("accepts the configured issuer's token for this client and sign-in", async () => {
    const payload = await verifyIdToken(client, await configured.sign(claims), expected());
    expect(payload).toMatchObject({ sub: 'ada', email: 'ada@example.com' });
  });

  it('refuses a token from another issuer, and one signed by its key that claims to be ours', async () => {
    await refusal(await other.sign(claims));
    // Same key id as a key of ours (both issuers publish `rsa-1`), another key: signature fails.
    await refusal(await other.sign({ ...claims, iss: configured.url }));
  });

  it('refuses another audience, another nonce, an expired token and no nonce at all', async () => {
    await refusal(await configured.sign({ ...claims, aud: 'someone-else' }));
    expect(await refusal(await configured.sign({ ...claims, nonce: 'stolen' }))).toContain('nonce');
    const { nonce: _nonce, ...withoutNonce } = claims;
    await refusal(await configured.sign(withoutNonce));
    await refusal(await configured.sign(claims, { now: new Date(Date.now() - 60 * 60 * 1000) }));
    // Several audiences: the token must be authorized for us.
    await refusal(await configured.sign({ ...claims, aud: ['tollgate', 'other'], azp: 'other' }));
  });

  it('refuses an HMAC token keyed with the public key, and an unsigned one', async () => {
    const pem = await configured.publicKeyPem();
    const hmac = await new SignJWT({ ...claims, iss: configured.url })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(pem));
    await refusal(hmac);
    const [header, body] = (await configured.sign(claims)).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${body}.`;
    expect(header).toBeTruthy();
    await refusal(none);
  });

  it('maps only a verified email, lower-cased', () => {
    expect(verifiedEmail({ email: ' Ada@Example.COM ', email_verified: true })).toBe(
      'ada@example.com',
    );
    expect(verifiedEmail({ email: 'ada@example.com', email_verified: false })).toBeUndefined();
    expect(verifiedEmail({ email: 'ada@example.com' })).toBeUndefined();
    expect(verifiedEmail({ email_verified: true })).toBeUndefined();
  });
});

describe('session cookies and cross-site requests', () => {
  it('marks the cookie Secure everywhere but on loopback hosts', () => {
    const on = (url: string) =>
      serializeCookie('tollgate_session', 'v', { requestUrl: url, maxAgeSeconds: 60 });
    expect(on('https://tollgate.example.com/login/acme/callback')).toBe(
      'tollgate_session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure',
    );
    expect(on('http://tollgate.internal/x')).toContain('Secure');
    expect(on('http://localhost:4000/x')).not.toContain('Secure');
    expect(on('http://127.0.0.1:4000/x')).not.toContain('Secure');
  });

  it('requires the CSRF header, the own host as Origin and a same-origin fetch', () => {
    const request = (headers: Record<string, string>) =>
      new Request('https://tollgate.example.com/graphql', {
        method: 'POST',
        headers: { host: 'tollgate.example.com', ...headers },
      });
    expect(crossSiteRefusal(request({}))?.extensions.reason).toBe('cross_site');
    expect(crossSiteRefusal(request({ [sessionCsrfHeader]: '1' }))).toBeNull();
    expect(
      crossSiteRefusal(
        request({ [sessionCsrfHeader]: '1', origin: 'https://tollgate.example.com' }),
      ),
    ).toBeNull();
    for (const origin of [
      'https://evil.example',
      'https://tollgate.example.com.evil.example',
      'null',
    ])
      expect(crossSiteRefusal(request({ [sessionCsrfHeader]: '1', origin }))).not.toBeNull();
    // Behind a proxy that does not pass the Host on: the public origin is this site.
    const proxied = new Request('http://127.0.0.1:4000/graphql', {
      method: 'POST',
      headers: {
        host: '127.0.0.1:4000',
        [sessionCsrfHeader]: '1',
        origin: 'https://tollgate.example.com',
      },
    });
    expect(crossSiteRefusal(proxied)).not.toBeNull();
    expect(crossSiteRefusal(proxied, 'https://tollgate.example.com')).toBeNull();
    expect(crossSiteRefusal(proxied, 'https://other.example.com')).not.toBeNull();
    for (const site of ['cross-site', 'same-site'])
      expect(
        crossSiteRefusal(request({ [sessionCsrfHeader]: '1', 'sec-fetch-site': site })),
      ).not.toBeNull();
  });
});

describe('TOLLGATE_PUBLIC_URL', () => {
  it('takes an origin only', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ TOLLGATE_PUBLIC_URL: 'https://tollgate.example.com' }).publicUrl).toBe(
      'https://tollgate.example.com',
    );
    for (const value of [
      'https://tollgate.example.com/path',
      'tollgate.example.com',
      'ftp://x.y',
    ]) {
      const error = (() => {
        try {
          loadConfig({ TOLLGATE_PUBLIC_URL: value });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0]).toMatch(/^TOLLGATE_PUBLIC_URL must be an origin/);
    }
  });
});

describe('licenses limit what the groups grant', () => {
  const access = compileAccess([
    { permissionSet: 'account_admin', projectIds: null, writableEnvironmentCategories: [] },
  ]);

  it('keeps everything for a developer, reads for read-only, the account level for IT, nothing without a seat', () => {
    const scope = { projectId: 1, environmentCategory: 'production' as const };
    expect(allowsInProject(limitByLicense(access, 'developer'), 'jobs', 'write', scope)).toBe(true);

    const readOnly = limitByLicense(access, 'read_only');
    expect(allowsInProject(readOnly, 'jobs', 'read', scope)).toBe(true);
    expect(allowsInProject(readOnly, 'jobs', 'write', scope)).toBe(false);
    expect(allowsOnAccount(readOnly, 'service_tokens', 'read')).toBe(true);
    expect(allowsOnAccount(readOnly, 'service_tokens', 'write')).toBe(false);

    const it = limitByLicense(access, 'it');
    expect(allowsOnAccount(it, 'members', 'write')).toBe(true);
    expect(allowsInProject(it, 'jobs', 'read', scope)).toBe(false);

    const none = limitByLicense(access, null);
    expect(allowsOnAccount(none, 'members', 'read')).toBe(false);
    expect(allowsInProject(none, 'jobs', 'read', scope)).toBe(false);
  });
});

describe('break-glass with single sign-on enforced', () => {
  it('the admin-token command mints a working Account Admin token while the provider is unreachable', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-break-glass-'));
    const db = openDatabase({ dataDir });
    try {
      await migrateToLatest(db);
      const { account } = await createAccountWithAdminToken(db, {
        name: 'Acme',
        plan: 'enterprise',
        now: new Date(),
      });
      const secrets = createSecretBox(randomBytes(32));
      // SSO on, its provider at an address where nothing listens.
      await upsertAuthProvider(db, {
        account_id: account.id,
        type: 'oidc',
        enabled: 1,
        login_slug: 'acme',
        saml_metadata_url: null,
        saml_entity_id: null,
        oidc_issuer_url: 'http://127.0.0.1:9',
        oidc_client_id: 'tollgate',
        oidc_client_secret: secrets.seal('secret'),
        updated_at: new Date().toISOString(),
      });
      await db
        .updateTable('service_tokens')
        .set({ revoked_at: new Date().toISOString() })
        .execute();
      const app = createApp({ db, secrets, identity: { outbound } });
      const signIn = await app.fetch('http://localhost/login/acme');
      expect(signIn.status).toBe(502);

      const minted = await new Promise<{ status: number; stdout: string }>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'src/cli/admin-token.ts', String(account.id), 'Break', 'glass'],
          {
            cwd: path.resolve(import.meta.dirname, '..'),
            env: { ...process.env, TOLLGATE_DATA_DIR: dataDir, TOLLGATE_DATABASE_URL: '' },
            encoding: 'utf8',
            timeout: 60_000,
          },
          (error, stdout) => {
            if (error?.killed) reject(new Error('admin-token did not finish'));
            else resolve({ status: error ? Number(error.code) : 0, stdout });
          },
        );
      });
      expect(minted.status).toBe(0);
      const secret = minted.stdout.trim().split('\n').at(-1)!;
      const viewer = await app.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query: '{ viewer { name grants { permissionSet { id } } } }' }),
      });
      expect(await viewer.json()).toEqual({
        data: {
          viewer: { name: 'Break glass', grants: [{ permissionSet: { id: 'account_admin' } }] },
        },
      });
      await app.close();
    } finally {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
