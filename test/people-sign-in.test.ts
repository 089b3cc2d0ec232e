import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCsrfHeader } from '../src/auth/session.js';
import { upsertAuthProvider } from '../src/db/auth-providers.js';
import { createTestGateway, manualClock, type TestGateway } from './support/helpers.js';
import {
  startTestProvider,
  type TestPerson,
  type TestProvider,
} from './support/openid-provider.js';

// People sign in through the account's OpenID provider — a real one (oidc-provider) on loopback —
// and then call the API with the session cookie, under the same catalog rules as tokens.

const slug = 'acme';
const base = 'http://localhost';
const callbackUrl = `${base}/login/${slug}/callback`;
const day = 24 * 60 * 60 * 1000;

let provider: TestProvider;
beforeAll(async () => {
  provider = await startTestProvider([callbackUrl]);
});
afterAll(async () => {
  await provider.close();
});

type Clock = ReturnType<typeof manualClock>;

async function gatewayWithSso(clock: Clock = manualClock(new Date())) {
  const gateway = await createTestGateway({
    now: clock.now,
    identity: { outbound: { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'] } },
    sessions: { idleMs: 30 * 60 * 1000, absoluteMs: 8 * 60 * 60 * 1000 },
  });
  // The provider listens on plain http at 127.0.0.1, which updateAuthProvider (https only) refuses:
  // the settings are stored through the repository, the client secret sealed as the mutation does.
  await upsertAuthProvider(gateway.db, {
    account_id: gateway.account.id,
    type: 'oidc',
    enabled: 1,
    login_slug: slug,
    saml_metadata_url: null,
    saml_entity_id: null,
    oidc_issuer_url: provider.issuer,
    oidc_client_id: provider.clientId,
    oidc_client_secret: gateway.secrets.seal(provider.clientSecret),
    updated_at: clock.now().toISOString(),
  });
  return { gateway, clock };
}

/** The value of one cookie among a response's Set-Cookie headers; undefined when not set. */
function setCookie(response: Response, name: string): string | undefined {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    if (pair!.startsWith(`${name}=`)) return pair!.slice(name.length + 1);
  }
  return undefined;
}

interface SignIn {
  /** The gateway's answer to the callback. */
  readonly response: Response;
  /** The session cookie's value, when one was set and not cleared. */
  readonly session: string | undefined;
}

/**
 * A browser signing in: /login/<slug>, the provider's pages, back to the callback with the
 * sign-in cookie. `tamper` changes the callback URL before it is followed.
 */
async function signIn(
  gateway: TestGateway,
  person: TestPerson,
  { tamper }: { tamper?: (callback: URL) => void } = {},
): Promise<SignIn> {
  const start = await gateway.app.fetch(`${base}/login/${slug}`);
  expect(start.status).toBe(303);
  const attempt = setCookie(start, 'tollgate_sign_in')!;
  provider.signInAs(person);
  const back = new URL(await provider.authorize(start.headers.get('location')!));
  tamper?.(back);
  const response = await gateway.app.fetch(back.toString(), {
    headers: { cookie: `tollgate_sign_in=${attempt}` },
  });
  const session = setCookie(response, 'tollgate_session');
  return { response, session: session ? session : undefined };
}

/** A GraphQL request as the signed-in browser: the cookie and the console's CSRF header. */
function asMember(gateway: TestGateway, session: string, query: string, variables = {}) {
  return gateway.graphql(query, variables, undefined, {
    headers: { cookie: `tollgate_session=${session}`, [sessionCsrfHeader]: '1' },
  });
}

async function createGroup(gateway: TestGateway, name: string, permissions: unknown[]) {
  const created = await gateway.graphql(
    'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
    { input: { name, permissions } },
    gateway.adminToken,
  );
  return created.body.data!.createGroup.id as string;
}

async function invite(
  gateway: TestGateway,
  email: string,
  groupIds: string[],
  licenseType?: 'developer' | 'read_only' | 'it',
) {
  const invited = await gateway.graphql(
    'mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { id licenseType } }',
    { input: { email, groupIds, ...(licenseType ? { licenseType } : {}) } },
    gateway.adminToken,
  );
  expect(invited.body.errors).toBeUndefined();
  return invited.body.data!.createInvitation.id as string;
}

async function createProject(gateway: TestGateway, name: string) {
  const created = await gateway.graphql(
    'mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }',
    { input: { name } },
    gateway.adminToken,
  );
  return created.body.data!.createProject.id as string;
}

const ada: TestPerson = { email: 'Ada@Example.com', name: 'Ada Lovelace' };

describe('sign-in through the account OpenID provider', () => {
  it('accepts an invitation: the member is created in its groups with a seat, signed in by an HttpOnly cookie', async () => {
    const { gateway } = await gatewayWithSso();
    const analytics = await createProject(gateway, 'analytics');
    const group = await createGroup(gateway, 'Viewers', [
      { permissionSet: 'job_viewer', projectIds: [analytics] },
    ]);
    await invite(gateway, 'ada@example.com', [group]);

    const { response, session } = await signIn(gateway, ada);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = response.headers
      .getSetCookie()
      .find((value) => value.startsWith('tollgate_session='))!;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    // Plain http on localhost: not Secure there (it is everywhere else, see the unit test below).
    expect(cookie).not.toContain('Secure');
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Stored hashed only.
    const stored = await gateway.db.selectFrom('member_sessions').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secret_hash).not.toContain(session!);

    const me = await gateway.app.fetch(`${base}/session`, {
      headers: { cookie: `tollgate_session=${session}`, [sessionCsrfHeader]: '1' },
    });
    expect(await me.json()).toMatchObject({
      signedIn: true,
      member: { name: 'Ada Lovelace', email: 'ada@example.com', licenseType: 'developer' },
      groups: [{ id: group, name: 'Viewers' }],
    });

    const members = await gateway.graphql(
      '{ members { edges { node { email licenseType } } } }',
      {},
      gateway.adminToken,
    );
    expect(members.body.data!.members.edges).toEqual([
      { node: { email: 'ada@example.com', licenseType: 'developer' } },
    ]);
    const invitations = await gateway.graphql(
      '{ invitations { totalCount } }',
      {},
      gateway.adminToken,
    );
    expect(invitations.body.data!.invitations.totalCount).toBe(0);
  });

  it("gives the member exactly their groups' access, through the same rules as tokens", async () => {
    const { gateway } = await gatewayWithSso();
    const analytics = await createProject(gateway, 'analytics');
    const finance = await createProject(gateway, 'finance');
    const group = await createGroup(gateway, 'Viewers', [
      { permissionSet: 'job_viewer', projectIds: [analytics] },
    ]);
    await invite(gateway, 'ada@example.com', [group]);
    const { session } = await signIn(gateway, ada);

    const own = await asMember(
      gateway,
      session!,
      'query ($id: ID!) { project(id: $id) { name } }',
      {
        id: analytics,
      },
    );
    expect(own.body).toEqual({ data: { project: { name: 'analytics' } } });
    const other = await asMember(
      gateway,
      session!,
      'query ($id: ID!) { project(id: $id) { name } }',
      { id: finance },
    );
    expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const write = await asMember(
      gateway,
      session!,
      'mutation { createProject(input: { name: "mine" }) { id } }',
    );
    expect(write.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'project_creation:write',
    });
    // `viewer` is the calling token: a member has none, and is told so.
    const viewer = await asMember(gateway, session!, '{ viewer { name } }');
    expect(viewer.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('Query.viewer is for service tokens'),
      extensions: { code: 'FORBIDDEN', reason: 'token_only' },
    });
    const tokens = await asMember(gateway, session!, '{ serviceTokens { totalCount } }');
    expect(tokens.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'service_tokens:read',
    });
  });

  it("names the member as the actor of the writes they make, and the member's group change applies at the next request", async () => {
    const { gateway } = await gatewayWithSso();
    const group = await createGroup(gateway, 'Creators', [{ permissionSet: 'project_creator' }]);
    await invite(gateway, 'ada@example.com', [group]);
    const { session } = await signIn(gateway, ada);

    const created = await asMember(
      gateway,
      session!,
      'mutation { createProject(input: { name: "ada-project" }) { id } }',
    );
    expect(created.body.errors).toBeUndefined();
    const entry = await gateway.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'createProject')
      .executeTakeFirstOrThrow();
    const member = await gateway.db.selectFrom('members').selectAll().executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_member_id: member.id, actor_token_id: null });
    // The API names the member as actor, and finds their entries.
    const log = await gateway.graphql(
      'query ($id: ID!) { auditLog(filter: { actorMemberId: $id }) { edges { node { action actorTokenId actorMemberId outcome } } } }',
      { id: String(member.id) },
      gateway.adminToken,
    );
    expect(log.body.data!.auditLog.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      {
        action: 'createProject',
        actorTokenId: null,
        actorMemberId: String(member.id),
        outcome: 'success',
      },
      {
        action: 'signIn',
        actorTokenId: null,
        actorMemberId: String(member.id),
        outcome: 'success',
      },
      {
        action: 'acceptInvitation',
        actorTokenId: null,
        actorMemberId: String(member.id),
        outcome: 'success',
      },
    ]);
    const acceptance = await gateway.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'acceptInvitation')
      .executeTakeFirstOrThrow();
    expect(acceptance.actor_member_id).toBe(member.id);

    await gateway.graphql(
      'mutation ($groupId: ID!, $memberId: ID!) { removeGroupMember(groupId: $groupId, memberId: $memberId) { id } }',
      { groupId: group, memberId: String(member.id) },
      gateway.adminToken,
    );
    const after = await asMember(
      gateway,
      session!,
      'mutation { createProject(input: { name: "again" }) { id } }',
    );
    expect(after.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('limits a read-only license to reads, whatever the groups grant', async () => {
    const { gateway } = await gatewayWithSso();
    const group = await createGroup(gateway, 'Admins', [{ permissionSet: 'account_admin' }]);
    await invite(gateway, 'ada@example.com', [group]);
    const { session } = await signIn(gateway, ada);
    const member = await gateway.db.selectFrom('members').selectAll().executeTakeFirstOrThrow();
    await gateway.graphql(
      'mutation ($id: ID!) { assignLicense(memberId: $id, licenseType: read_only) { id } }',
      { id: String(member.id) },
      gateway.adminToken,
    );

    const read = await asMember(gateway, session!, '{ serviceTokens { totalCount } }');
    expect(read.body.data?.serviceTokens.totalCount).toBe(1);
    const write = await asMember(
      gateway,
      session!,
      'mutation { createProject(input: { name: "nope" }) { id } }',
    );
    expect(write.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'project_creation:write',
    });
  });

  it('gives the seat the invitation names: a Read-Only invitee reads what their groups allow and writes nothing', async () => {
    const { gateway } = await gatewayWithSso();
    const group = await createGroup(gateway, 'Admins', [{ permissionSet: 'account_admin' }]);
    await invite(gateway, 'ada@example.com', [group], 'read_only');
    const { session } = await signIn(gateway, ada);
    const me = await gateway.app.fetch(`${base}/session`, {
      headers: { cookie: `tollgate_session=${session}`, [sessionCsrfHeader]: '1' },
    });
    const body = await me.json();
    expect(body.member.licenseType).toBe('read_only');
    // What the console is told matches what the API does: reads, and no write anywhere.
    expect(body.effectivePermissions.some((entry: { write: boolean }) => entry.write)).toBe(false);
    expect((await asMember(gateway, session!, '{ projects { totalCount } }')).status).toBe(200);
    const write = await asMember(
      gateway,
      session!,
      'mutation { createProject(input: { name: "nope" }) { id } }',
    );
    expect(write.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Five Read-Only seats by default: the sixth Read-Only invitee finds none.
    for (const name of ['b', 'c', 'd', 'e', 'f'])
      await invite(gateway, `${name}@example.com`, [], 'read_only');
    for (const name of ['b', 'c', 'd', 'e'])
      expect((await signIn(gateway, { email: `${name}@example.com`, name })).session).toBeDefined();
    const sixth = await signIn(gateway, { email: 'f@example.com', name: 'f' });
    expect(sixth.response.status).toBe(403);
    expect(await sixth.response.text()).toContain('every Read-Only seat');
  });

  it('accepts an invitation once when the same person finishes two sign-ins at the same moment', async () => {
    const { gateway } = await gatewayWithSso();
    await invite(gateway, 'ada@example.com', []);
    provider.signInAs(ada);
    const callbacks = [];
    for (let browser = 0; browser < 2; browser++) {
      const start = await gateway.app.fetch(`${base}/login/${slug}`);
      callbacks.push({
        url: await provider.authorize(start.headers.get('location')!),
        cookie: `tollgate_sign_in=${setCookie(start, 'tollgate_sign_in')}`,
      });
    }
    const answers = await Promise.all(
      callbacks.map(({ url, cookie }) => gateway.app.fetch(url, { headers: { cookie } })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
    expect(await gateway.db.selectFrom('members').selectAll().execute()).toHaveLength(1);
    const acceptances = await gateway.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'acceptInvitation')
      .execute();
    expect(acceptances).toHaveLength(1);
  });

  it('signs an existing member in again without a new invitation; an invitation is accepted once', async () => {
    const { gateway } = await gatewayWithSso();
    await invite(gateway, 'ada@example.com', []);
    const first = await signIn(gateway, ada);
    expect(first.session).toBeDefined();
    const second = await signIn(gateway, ada);
    expect(second.session).toBeDefined();
    expect(await gateway.db.selectFrom('members').selectAll().execute()).toHaveLength(1);

    // Removed, the member finds the invitation spent: it does not let them back in.
    const member = await gateway.db.selectFrom('members').selectAll().executeTakeFirstOrThrow();
    await gateway.graphql(
      'mutation ($id: ID!) { removeMember(id: $id) { id } }',
      { id: String(member.id) },
      gateway.adminToken,
    );
    const third = await signIn(gateway, ada);
    expect(third.response.status).toBe(403);
    expect(third.session).toBeUndefined();
    expect(await third.response.text()).toContain('no pending invitation');
  });

  it('refuses an unknown email, an expired invitation and an invitation without a free seat, with a page saying why', async () => {
    const clock = manualClock(new Date(Date.now() - 30 * day));
    const { gateway } = await gatewayWithSso(clock);
    await invite(gateway, 'late@example.com', []);
    clock.advance(30 * day);

    const unknown = await signIn(gateway, { email: 'eve@example.com', name: 'Eve' });
    expect(unknown.response.status).toBe(403);
    expect(unknown.session).toBeUndefined();
    expect(await unknown.response.text()).toContain('Not a member');

    const late = await signIn(gateway, { email: 'late@example.com', name: 'Late' });
    expect(late.response.status).toBe(403);
    expect(await late.response.text()).toContain('Invitation expired');

    // One developer seat by default: the first invitee takes it, the second finds none.
    await invite(gateway, 'ada@example.com', []);
    await invite(gateway, 'bob@example.com', []);
    expect((await signIn(gateway, ada)).session).toBeDefined();
    const bob = await signIn(gateway, { email: 'bob@example.com', name: 'Bob' });
    expect(bob.response.status).toBe(403);
    expect(bob.response.headers.get('content-type')).toContain('text/html');
    expect(await bob.response.text()).toContain('No free seat');
    expect(await gateway.db.selectFrom('members').selectAll().execute()).toHaveLength(1);
    // Refused for lack of a seat, the invitation is still there for when a seat frees.
    const pending = await gateway.graphql(
      '{ invitations(status: pending) { totalCount } }',
      {},
      gateway.adminToken,
    );
    expect(pending.body.data?.invitations.totalCount).toBe(1);
  });

  it('refuses an email the provider did not verify', async () => {
    const { gateway } = await gatewayWithSso();
    await invite(gateway, 'ada@example.com', []);
    const unverified = await signIn(gateway, { ...ada, emailVerified: false });
    expect(unverified.response.status).toBe(403);
    expect(await unverified.response.text()).toContain('No verified email');
  });

  it('refuses a tampered state, a callback without its sign-in cookie, and a replayed callback', async () => {
    const { gateway } = await gatewayWithSso();
    await invite(gateway, 'ada@example.com', []);
    const tampered = await signIn(gateway, ada, {
      tamper: (url) => url.searchParams.set('state', `${url.searchParams.get('state')}x`),
    });
    expect(tampered.response.status).toBe(400);
    expect(tampered.session).toBeUndefined();

    const start = await gateway.app.fetch(`${base}/login/${slug}`);
    const attempt = setCookie(start, 'tollgate_sign_in')!;
    provider.signInAs(ada);
    const back = await provider.authorize(start.headers.get('location')!);
    // Another browser (no cookie of this attempt) cannot complete it.
    const elsewhere = await gateway.app.fetch(back);
    expect(elsewhere.status).toBe(400);
    // The attempt was tried once (without its cookie it was not taken): its own browser may go on.
    const own = await gateway.app.fetch(back, {
      headers: { cookie: `tollgate_sign_in=${attempt}` },
    });
    expect(own.status).toBe(303);
    const replay = await gateway.app.fetch(back, {
      headers: { cookie: `tollgate_sign_in=${attempt}` },
    });
    expect(replay.status).toBe(400);
    expect(await gateway.db.selectFrom('member_sessions').selectAll().execute()).toHaveLength(1);
  });

  it('refuses an ID token that does not carry the nonce of the sign-in', async () => {
    const { gateway } = await gatewayWithSso();
    await invite(gateway, 'ada@example.com', []);
    const start = await gateway.app.fetch(`${base}/login/${slug}`);
    const attempt = setCookie(start, 'tollgate_sign_in')!;
    // The provider is asked with the attempt's nonce; the stored one differs, as if the token
    // had been issued for another sign-in.
    await gateway.db.updateTable('sign_in_attempts').set({ nonce: 'another-nonce' }).execute();
    provider.signInAs(ada);
    const back = await provider.authorize(start.headers.get('location')!);
    const response = await gateway.app.fetch(back, {
      headers: { cookie: `tollgate_sign_in=${attempt}` },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('nonce');
    expect(setCookie(response, 'tollgate_session')).toBeUndefined();
  });

  it('builds the callback on TOLLGATE_PUBLIC_URL behind a proxy, and marks the cookie Secure there', async () => {
    const gateway = await createTestGateway({
      identity: { outbound: { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'] } },
      publicUrl: 'https://tollgate.example.com',
    });
    await upsertAuthProvider(gateway.db, {
      account_id: gateway.account.id,
      type: 'oidc',
      enabled: 1,
      login_slug: slug,
      saml_metadata_url: null,
      saml_entity_id: null,
      oidc_issuer_url: provider.issuer,
      oidc_client_id: provider.clientId,
      oidc_client_secret: gateway.secrets.seal(provider.clientSecret),
      updated_at: new Date().toISOString(),
    });
    const start = await gateway.app.fetch(`${base}/login/${slug}`);
    const location = new URL(start.headers.get('location')!);
    expect(location.searchParams.get('redirect_uri')).toBe(
      `https://tollgate.example.com/login/${slug}/callback`,
    );
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(start.headers.getSetCookie()[0]).toContain('Secure');
  });

  it('refuses enabling SAML through the API: sign-in supports OpenID Connect only', async () => {
    const { gateway } = await gatewayWithSso();
    const enabled = await gateway.graphql(
      'mutation ($input: UpdateAuthProviderInput!) { updateAuthProvider(input: $input) { enabled } }',
      {
        input: {
          type: 'saml',
          enabled: true,
          loginSlug: 'acme-saml',
          samlMetadataUrl: 'https://idp.example.com/metadata.xml',
          samlEntityId: 'urn:example:idp',
        },
      },
      gateway.adminToken,
    );
    expect(enabled.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('OpenID Connect only'),
      extensions: { code: 'BAD_USER_INPUT', field: 'input.enabled' },
    });
  });

  it('answers a page, not a redirect, for an unknown slug and for SAML', async () => {
    const { gateway } = await gatewayWithSso();
    const unknown = await gateway.app.fetch(`${base}/login/nobody-here`);
    expect(unknown.status).toBe(404);
    await gateway.db
      .updateTable('auth_providers')
      .set({ type: 'saml', saml_entity_id: 'urn:x', saml_metadata_url: 'https://idp.example/m' })
      .execute();
    const saml = await gateway.app.fetch(`${base}/login/${slug}`);
    expect(saml.status).toBe(501);
    expect(await saml.text()).toContain('OpenID Connect only');
  });
});

describe('sessions', () => {
  async function signedIn(clock?: Clock) {
    const setup = await gatewayWithSso(clock);
    await invite(setup.gateway, 'ada@example.com', []);
    const { session } = await signIn(setup.gateway, ada);
    return { ...setup, session: session! };
  }
  const viewerQuery = '{ projects { totalCount } }';

  it('refuses a cookie-authenticated request without the CSRF header or from another origin', async () => {
    const { gateway, session } = await signedIn();
    const cookie = `tollgate_session=${session}`;
    const plain = await gateway.graphql(viewerQuery, {}, undefined, { headers: { cookie } });
    expect(plain.status).toBe(403);
    expect(plain.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'cross_site',
    });
    const foreign = await gateway.graphql(viewerQuery, {}, undefined, {
      headers: { cookie, [sessionCsrfHeader]: '1', origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const crossSite = await gateway.graphql(viewerQuery, {}, undefined, {
      headers: { cookie, [sessionCsrfHeader]: '1', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    const sameOrigin = await gateway.graphql(viewerQuery, {}, undefined, {
      headers: { cookie, [sessionCsrfHeader]: '1', origin: base, 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(200);
    // The REST API is for automation: it carries the Authorization header only, never a cookie.
    const rest = await gateway.app.fetch(
      `${base}/api/v2/accounts/${gateway.account.id}/projects/`,
      {
        headers: { cookie, [sessionCsrfHeader]: '1' },
      },
    );
    expect(rest.status).toBe(401);
  });

  it('ends after the idle timeout and after the absolute lifetime', async () => {
    const { gateway, session, clock } = await signedIn();
    clock.advance(29 * 60 * 1000);
    expect((await asMember(gateway, session, viewerQuery)).status).toBe(200);
    clock.advance(31 * 60 * 1000);
    const idle = await asMember(gateway, session, viewerQuery);
    expect(idle.status).toBe(401);
    expect(idle.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'session_ended',
    });

    const active = await signedIn();
    // Active every 20 minutes, the session still ends 8 hours after sign-in.
    for (let minutes = 20; minutes < 8 * 60; minutes += 20) {
      active.clock.advance(20 * 60 * 1000);
      expect((await asMember(active.gateway, active.session, viewerQuery)).status).toBe(200);
    }
    active.clock.advance(20 * 60 * 1000);
    expect((await asMember(active.gateway, active.session, viewerQuery)).status).toBe(401);
  });

  it('signs a removed member out at the next request, and one who loses their license', async () => {
    const { gateway, session } = await signedIn();
    expect((await asMember(gateway, session, viewerQuery)).status).toBe(200);
    const member = await gateway.db.selectFrom('members').selectAll().executeTakeFirstOrThrow();
    await gateway.graphql(
      'mutation ($id: ID!) { removeMember(id: $id) { id } }',
      { id: String(member.id) },
      gateway.adminToken,
    );
    expect((await asMember(gateway, session, viewerQuery)).status).toBe(401);

    const other = await signedIn();
    await other.gateway.db.updateTable('members').set({ license_type: null }).execute();
    expect((await asMember(other.gateway, other.session, viewerQuery)).status).toBe(401);
  });

  it('signs out one session, or every session of the member', async () => {
    const { gateway, session } = await signedIn();
    const second = (await signIn(gateway, ada)).session!;
    const headersOf = (value: string) => ({
      cookie: `tollgate_session=${value}`,
      [sessionCsrfHeader]: '1',
    });
    // Sign-out is refused cross-site like any cookie request.
    const forged = await gateway.app.fetch(`${base}/session/sign-out`, {
      method: 'POST',
      headers: { cookie: `tollgate_session=${session}` },
    });
    expect(forged.status).toBe(403);
    const out = await gateway.app.fetch(`${base}/session/sign-out`, {
      method: 'POST',
      headers: headersOf(session),
    });
    expect(out.status).toBe(200);
    expect(setCookie(out, 'tollgate_session')).toBe('');
    expect((await asMember(gateway, session, viewerQuery)).status).toBe(401);
    expect((await asMember(gateway, second, viewerQuery)).status).toBe(200);

    const third = (await signIn(gateway, ada)).session!;
    const everywhere = await gateway.app.fetch(`${base}/session/sign-out-everywhere`, {
      method: 'POST',
      headers: headersOf(third),
    });
    expect(everywhere.status).toBe(200);
    expect((await asMember(gateway, second, viewerQuery)).status).toBe(401);
    expect((await asMember(gateway, third, viewerQuery)).status).toBe(401);
  });

  it('lets a token in the Authorization header win over a cookie, and keeps tokens working with SSO enabled', async () => {
    const { gateway, session } = await signedIn();
    const both = await gateway.graphql('{ viewer { name } }', {}, gateway.adminToken, {
      headers: { cookie: `tollgate_session=${session}` },
    });
    expect(both.status).toBe(200);
    expect(both.body.data?.viewer.name).toBeTruthy();
  });
});
