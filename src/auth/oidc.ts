import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import { type OutboundPolicy, safeFetch } from '../outbound/safe-fetch.js';
import { discoveryUrl, type IssuerKeys, maxDocumentBytes } from './identity-keys.js';

// The relying-party side of OpenID Connect's authorization code flow, with PKCE (S256), `state`
// and `nonce`. Every call to the provider goes through the SSRF-safe client; the ID token is
// verified with jose against the key set the provider's discovery document names.

/** What the flow needs of the provider's discovery document. */
export interface ProviderMetadata {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

/** The provider could not be reached, or answered something OpenID Connect does not describe. */
export class ProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderError';
  }
}

/** The ID token was not one this sign-in may accept (signature, issuer, audience, nonce, time). */
export class IdTokenRefused extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdTokenRefused';
  }
}

export interface OidcClient {
  /** How the provider is reached (http to localhost only when allowed: tests). */
  readonly outbound: OutboundPolicy;
  /** The providers' key sets, cached (shared with the identity token exchange). */
  readonly keys: IssuerKeys;
}

/** A random value for `state`, `nonce` and the PKCE verifier: 32 bytes, base64url (43 characters). */
export function randomValue(): string {
  return randomBytes(32).toString('base64url');
}

/** The PKCE S256 challenge of a verifier (RFC 7636, section 4.2). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function bodyJson(body: Buffer, what: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null) return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ProviderError(`${what} is not JSON`, { cause: error });
  }
  throw new ProviderError(`${what} is not a JSON object`);
}

/** Reads the provider's discovery document; it must name the configured issuer exactly. */
export async function discoverProvider(
  client: OidcClient,
  issuer: string,
): Promise<ProviderMetadata> {
  let answer: Awaited<ReturnType<typeof safeFetch>>;
  try {
    answer = await safeFetch(
      discoveryUrl(issuer),
      { headers: { accept: 'application/json' } },
      { timeoutMs: 5_000, maxResponseBytes: maxDocumentBytes, ...client.outbound },
    );
  } catch (error) {
    throw new ProviderError('The discovery document could not be fetched', { cause: error });
  }
  if (answer.status !== 200)
    throw new ProviderError(`The discovery document answered HTTP ${answer.status}`);
  const document = bodyJson(answer.body, 'The discovery document');
  if (document.issuer !== issuer)
    throw new ProviderError('The discovery document names another issuer');
  const { authorization_endpoint, token_endpoint } = document;
  if (typeof authorization_endpoint !== 'string' || !URL.canParse(authorization_endpoint))
    throw new ProviderError('The discovery document has no authorization_endpoint');
  if (typeof token_endpoint !== 'string' || !URL.canParse(token_endpoint))
    throw new ProviderError('The discovery document has no token_endpoint');
  return { issuer, authorizationEndpoint: authorization_endpoint, tokenEndpoint: token_endpoint };
}

/** Where the browser is sent to sign in at the provider. */
export function authorizationUrl(
  provider: ProviderMetadata,
  request: {
    clientId: string;
    redirectUri: string;
    state: string;
    nonce: string;
    codeVerifier: string;
  },
): string {
  const url = new URL(provider.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', request.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('scope', 'openid email profile');
  url.searchParams.set('state', request.state);
  url.searchParams.set('nonce', request.nonce);
  url.searchParams.set('code_challenge', codeChallenge(request.codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/**
 * Exchanges the authorization code at the token endpoint (client_secret_basic, with the PKCE
 * verifier); returns the ID token. Throws ProviderError when the provider refuses or answers
 * without one.
 */
export async function exchangeCode(
  client: OidcClient,
  provider: ProviderMetadata,
  exchange: {
    code: string;
    redirectUri: string;
    codeVerifier: string;
    clientId: string;
    clientSecret: string;
  },
): Promise<string> {
  // RFC 6749, section 2.3.1: both parts form-encoded before they are joined.
  const basic = Buffer.from(
    `${encodeURIComponent(exchange.clientId)}:${encodeURIComponent(exchange.clientSecret)}`,
  ).toString('base64');
  let answer: Awaited<ReturnType<typeof safeFetch>>;
  try {
    answer = await safeFetch(
      provider.tokenEndpoint,
      {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${basic}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: exchange.code,
          redirect_uri: exchange.redirectUri,
          code_verifier: exchange.codeVerifier,
        }).toString(),
      },
      { timeoutMs: 10_000, maxResponseBytes: maxDocumentBytes, ...client.outbound },
    );
  } catch (error) {
    throw new ProviderError('The token endpoint could not be reached', { cause: error });
  }
  const body = bodyJson(answer.body, 'The token response');
  if (answer.status !== 200)
    throw new ProviderError(
      `The token endpoint refused the code (HTTP ${answer.status}${typeof body.error === 'string' ? `, ${body.error}` : ''})`,
    );
  if (typeof body.id_token !== 'string')
    throw new ProviderError('The token response has no id_token');
  return body.id_token;
}

/** Asymmetric algorithms only: an HMAC "signature" keyed with a public key proves nothing. */
const acceptedAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/**
 * Verifies the ID token: signed by a key of the issuer's published set, issued by the issuer,
 * for this client, not expired, carrying the nonce this sign-in sent. A key id the cached set
 * lacks fetches the set once more (the provider rotated its keys). Throws IdTokenRefused.
 */
export async function verifyIdToken(
  client: OidcClient,
  idToken: string,
  expected: { issuer: string; clientId: string; nonce: string; now: Date },
): Promise<JWTPayload> {
  const verify = async (refresh: boolean) =>
    jwtVerify(idToken, createLocalJWKSet(await client.keys.keySet(expected.issuer, { refresh })), {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: acceptedAlgorithms,
      currentDate: expected.now,
      clockTolerance: 60,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
  let payload: JWTPayload;
  try {
    try {
      ({ payload } = await verify(false));
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      ({ payload } = await verify(true));
    }
  } catch (error) {
    throw new IdTokenRefused('The ID token did not verify', { cause: error });
  }
  if (payload.nonce !== expected.nonce)
    throw new IdTokenRefused('The ID token does not carry the nonce of this sign-in');
  // With several audiences the token must name us as its authorized party (OIDC Core 3.1.3.7).
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== expected.clientId)
    throw new IdTokenRefused('The ID token was issued to another party');
  return payload;
}

/** The verified email of the ID token, lower-cased; undefined without one or unverified. */
export function verifiedEmail(claims: JWTPayload): string | undefined {
  if (typeof claims.email !== 'string' || claims.email_verified !== true) return undefined;
  return claims.email.trim().toLowerCase();
}
