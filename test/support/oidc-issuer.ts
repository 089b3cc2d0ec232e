import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';

// A CI platform's identity token issuer, on loopback: an OpenID Connect discovery document and a
// key set served over HTTP, and tokens signed with keys made here. What it serves (and how long
// it says it may be cached) is up to the test.

interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

export interface TestIssuer {
  /** `http://127.0.0.1:<port>`: the `iss` of its tokens. */
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** The Cache-Control header of both documents; undefined: none. */
  cacheControl: string | undefined;
  /** Signs claims (iss, iat and exp filled in unless given) with a published key. */
  sign(claims: JWTPayload, options?: { kid?: string; now?: Date }): Promise<string>;
  /** Signs with a key the issuer does not publish, under this key id. */
  signWithUnpublishedKey(claims: JWTPayload, kid: string, now?: Date): Promise<string>;
  /** The public key of the first published key, as PEM (for the HMAC confusion attack). */
  publicKeyPem(): Promise<string>;
  /** Adds a new key to the published set (a rotation); returns its kid. */
  addKey(alg?: 'RS256' | 'ES256'): Promise<string>;
  close(): Promise<void>;
}

async function makeKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, jwk };
}

/** Starts an issuer on 127.0.0.1 with one RS256 key (`rsa-1`) and one ES256 key (`ec-1`). */
export async function startTestIssuer(): Promise<TestIssuer> {
  const keys: SigningKey[] = [await makeKey('rsa-1', 'RS256'), await makeKey('ec-1', 'ES256')];
  const requests: string[] = [];
  let url = '';
  const state = { cacheControl: undefined as string | undefined };
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (state.cacheControl !== undefined) headers['cache-control'] = state.cacheControl;
    if (request.url === '/.well-known/openid-configuration') {
      response.writeHead(200, headers).end(
        JSON.stringify({
          issuer: url,
          jwks_uri: `${url}/keys`,
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        }),
      );
    } else if (request.url === '/keys') {
      response.writeHead(200, headers).end(JSON.stringify({ keys: keys.map((key) => key.jwk) }));
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A test file sharing one issuer across gateways need not close it for its worker to end.
  server.unref();
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signWith = (key: SigningKey, kid: string, claims: JWTPayload, now = new Date()) => {
    const seconds = Math.floor(now.getTime() / 1000);
    return new SignJWT({ iss: url, iat: seconds, exp: seconds + 300, ...claims })
      .setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' })
      .sign(key.privateKey);
  };

  return {
    url,
    requests,
    get cacheControl() {
      return state.cacheControl;
    },
    set cacheControl(value) {
      state.cacheControl = value;
    },
    async sign(claims, { kid = 'rsa-1', now } = {}) {
      const key = keys.find((candidate) => candidate.kid === kid);
      if (!key) throw new Error(`no key ${kid}`);
      return signWith(key, kid, claims, now);
    },
    async signWithUnpublishedKey(claims, kid, now) {
      return signWith(await makeKey(kid, 'RS256'), kid, claims, now);
    },
    publicKeyPem: () => exportSPKI(keys[0]!.publicKey),
    async addKey(alg = 'RS256') {
      const kid = `${alg === 'RS256' ? 'rsa' : 'ec'}-${keys.length + 1}`;
      keys.push(await makeKey(kid, alg));
      return kid;
    },
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  };
}
