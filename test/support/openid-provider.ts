import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

// A real OpenID Provider (the `oidc-provider` package, certified by the OpenID Foundation) on
// loopback, for sign-in tests. Its interaction step (the login and consent pages a person would
// see) signs in whoever the test chose with `signInAs`, so a test walks the real authorization
// code flow: /auth, the interaction, the redirect back with a code, the token endpoint, the key set.

export interface TestPerson {
  readonly email: string;
  readonly name: string;
  readonly emailVerified?: boolean;
}

export interface TestProvider {
  /** `http://127.0.0.1:<port>`: the issuer. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Who the next interaction signs in. */
  signInAs(person: TestPerson): void;
  /**
   * Follows the provider's redirects from an authorization URL, as a browser would, until it
   * sends the browser elsewhere (the client's redirect URI); returns that location.
   */
  authorize(authorizationUrl: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts a provider with one confidential client whose redirect URIs are given. */
export async function startTestProvider(redirectUris: readonly string[]): Promise<TestProvider> {
  const clientId = 'tollgate';
  const clientSecret = 'a-client-secret-long-enough-for-the-provider';
  let person: TestPerson = { email: 'nobody@example.com', name: 'Nobody' };
  const people = new Map<string, TestPerson>();

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A signing key of its own per provider: each issuer's ID tokens verify only with its key set.
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: 'test-rsa',
    alg: 'RS256',
    use: 'sig',
  };

  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The test reads the person from the ID token, as the gateway does (no userinfo call).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-not-a-secret'] },
    // Explicit lifetimes: the provider warns about each default it falls back to.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
    async findAccount(_ctx, sub) {
      const found = people.get(sub);
      if (!found) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: found.email,
            email_verified: found.emailVerified ?? true,
            name: found.name,
          };
        },
      };
    },
  });
  // Quiet: the provider logs refused requests, which the refusal tests make on purpose.
  provider.on('server_error', () => {});

  const callback = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!request.url?.startsWith('/interaction/')) {
      callback(request, response);
      return;
    }
    void (async () => {
      const details = await provider.interactionDetails(request, response);
      const sub = person.email;
      people.set(sub, person);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(
          request,
          response,
          { login: { accountId: sub } },
          {
            mergeWithLastSubmission: false,
          },
        );
        return;
      }
      const grant = new provider.Grant({ accountId: sub, clientId });
      grant.addOIDCScope('openid email profile');
      const grantId = await grant.save();
      await provider.interactionFinished(
        request,
        response,
        { consent: { grantId } },
        {
          mergeWithLastSubmission: true,
        },
      );
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(next) {
      person = next;
    },
    async authorize(authorizationUrl) {
      // The browser's cookies for the provider (all sent back: the provider scopes them by path,
      // and their names do not collide).
      const jar = new Map<string, string>();
      let url = authorizationUrl;
      for (let hops = 0; hops < 10; hops++) {
        if (!url.startsWith(issuer)) return url;
        const response = await fetch(url, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
        });
        for (const cookie of response.headers.getSetCookie()) {
          const [pair] = cookie.split(';');
          const at = pair!.indexOf('=');
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
        const location = response.headers.get('location');
        if (!location)
          throw new Error(`The provider answered ${response.status}: ${await response.text()}`);
        url = new URL(location, url).toString();
      }
      throw new Error('The provider redirected too many times');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
