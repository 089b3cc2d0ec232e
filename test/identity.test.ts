import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityOptions } from '../src/app.js';
import {
  AddServiceTokenGrantsDocument,
  CreateIdentityTrustPolicyDocument,
  type CreateIdentityTrustPolicyInput,
  CreateServiceTokenDocument,
  DeleteIdentityTrustPolicyDocument,
  ExchangeIdentityTokenDocument,
  IdentityTrustPoliciesDocument,
  IdentityTrustPolicyDocument,
  ProjectsDocument,
  RevokeServiceTokenDocument,
  RotateServiceTokenDocument,
  ServiceTokenIdentityDocument,
  UpdateIdentityTrustPolicyDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { builders, required } from './support/builders.js';
import { createTestGateway, errorCodes, manualClock, type TestGateway } from './support/helpers.js';
import { startTestIssuer, type TestIssuer } from './support/oidc-issuer.js';

// Exchanging a CI job's identity token for a short-lived service token, against an issuer on
// loopback: what is accepted, each way a forged or out-of-policy identity is refused (with
// nothing issued), what an issued token may not do, and the trust policies' own guard.

const loopback: IdentityOptions = {
  outbound: { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'] },
  exchangesPerMinute: 1000,
};

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer.close());

/** Claims of a GitHub Actions job of acme/analytics on main, valid from the clock's now. */
function jobClaims(overrides: Record<string, unknown> = {}) {
  return {
    sub: 'repo:acme/analytics:ref:refs/heads/main',
    aud: 'tollgate',
    repository: 'acme/analytics',
    ref: 'refs/heads/main',
    environment: 'production',
    workflow_ref: 'acme/analytics/.github/workflows/dbt.yml@refs/heads/main',
    jti: randomUUID(),
    ...overrides,
  };
}

async function setUp(identity: IdentityOptions = loopback) {
  const clock = manualClock(new Date());
  const gateway = await createTestGateway({ now: clock.now, identity });
  const admin = gateway.client(gateway.adminToken);
  const projectId = await builders(admin).project('analytics');
  const policyInput = (
    overrides: Partial<CreateIdentityTrustPolicyInput> = {},
  ): CreateIdentityTrustPolicyInput => ({
    name: 'dbt CI',
    issuer: issuer.url,
    audience: 'tollgate',
    conditions: [
      { claim: 'repository', match: 'EXACT', value: 'acme/analytics' },
      { claim: 'ref', match: 'GLOB', value: 'refs/heads/*' },
    ],
    permissions: [{ permissionSet: 'job_admin', projectIds: [projectId] }],
    ...overrides,
  });
  const createPolicy = async (overrides: Partial<CreateIdentityTrustPolicyInput> = {}) =>
    required(
      await admin.request(CreateIdentityTrustPolicyDocument, { input: policyInput(overrides) }),
      'createIdentityTrustPolicy',
    ).createIdentityTrustPolicy;
  const policy = await createPolicy();
  const exchange = (jwt: string, policyId?: string) =>
    gateway.client().request(ExchangeIdentityTokenDocument, { jwt, policyId });
  const sign = (overrides: Record<string, unknown> = {}, kid?: string) =>
    issuer.sign(jobClaims(overrides), { kid, now: clock.now() });
  return { clock, gateway, admin, projectId, policy, policyInput, createPolicy, exchange, sign };
}

async function tokenCount(gateway: TestGateway): Promise<number> {
  const { count } = await gateway.db
    .selectFrom('service_tokens')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

async function lastExchangeAudit(gateway: TestGateway) {
  const entry = await gateway.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'exchangeIdentityToken')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return entry && { ...entry, details: JSON.parse(entry.details) as Record<string, unknown> };
}

describe('exchangeIdentityToken: an accepted identity', () => {
  it('gets a working token with the policy grants that expires with the policy lifetime', async () => {
    const { clock, gateway, admin, projectId, policy, exchange, sign } = await setUp();
    const jwt = await sign();
    const result = await exchange(jwt);
    const exchanged = required(result, 'exchangeIdentityToken').exchangeIdentityToken;
    expect(exchanged.token).toMatch(/^tgs_/);
    expect(exchanged.policyId).toBe(policy.id);
    expect(exchanged.subject).toBe('repo:acme/analytics:ref:refs/heads/main');
    expect(Date.parse(exchanged.expiresAt)).toBe(clock.now().getTime() + 15 * 60_000);
    expect(exchanged.grants).toEqual([
      {
        permissionSet: { id: 'job_admin' },
        allProjects: false,
        projectIds: [projectId],
        writableEnvironmentCategories: [],
      },
    ]);

    // The token works, within its grants.
    const ci = gateway.client(exchanged.token);
    const projects = required(await ci.request(ProjectsDocument, {}), 'projects').projects;
    expect(projects?.edges.map((edge) => edge.node.id)).toEqual([projectId]);
    const viewer = required(await ci.request(ViewerDocument), 'viewer').viewer;
    expect(viewer.name).toBe('dbt CI: repo:acme/analytics:ref:refs/heads/main');

    // The inventory names the policy and the subject.
    const inventory = required(
      await admin.request(ServiceTokenIdentityDocument, { id: exchanged.serviceTokenId }),
      'serviceToken',
    ).serviceToken;
    expect(inventory?.issuedByIdentity).toEqual({
      policyId: policy.id,
      policyName: 'dbt CI',
      issuer: issuer.url,
      subject: 'repo:acme/analytics:ref:refs/heads/main',
    });
    expect(inventory?.expiresAt).toBe(exchanged.expiresAt);

    // The exchange is audited with the claims that matched, never the secret.
    const audit = await lastExchangeAudit(gateway);
    expect(audit).toMatchObject({
      account_id: gateway.account.id,
      outcome: 'success',
      actor_token_id: null,
      target_type: 'ServiceToken',
      target_id: exchanged.serviceTokenId,
    });
    expect(audit?.details).toMatchObject({
      policy: { id: Number(policy.id), name: 'dbt CI' },
      subject: 'repo:acme/analytics:ref:refs/heads/main',
      claims: { repository: 'acme/analytics', ref: 'refs/heads/main', aud: 'tollgate' },
    });
    expect(JSON.stringify(audit)).not.toContain(exchanged.token);

    // Fifteen minutes later it is refused like any expired token.
    clock.advance(15 * 60_000 + 1);
    const expired = await ci.request(ViewerDocument);
    expect(errorCodes(expired)).toEqual(['UNAUTHENTICATED']);
  });

  it('accepts ES256, a token without jti, and an audience list naming the policy audience', async () => {
    const { exchange, sign } = await setUp();
    const es = await exchange(await sign({}, 'ec-1'));
    expect(es.errors).toBeUndefined();
    const listed = await exchange(await sign({ jti: undefined, aud: ['other', 'tollgate'] }));
    expect(listed.errors).toBeUndefined();
  });

  it('gives a token within the account maximum lifetime when it is shorter than the policy', async () => {
    const { clock, admin, exchange, sign } = await setUp();
    required(
      await admin.request(
        (await import('../src/client/index.js')).UpdateServiceTokenPolicyDocument,
        { maxLifetimeSeconds: 300 },
      ),
      'updateServiceTokenPolicy',
    );
    const exchanged = required(await exchange(await sign()), 'exchange').exchangeIdentityToken;
    expect(Date.parse(exchanged.expiresAt)).toBe(clock.now().getTime() + 300_000);
  });
});

describe('exchangeIdentityToken: refusals, each with its reason and nothing issued', () => {
  let context: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    context = await setUp();
  });

  const now = () => Math.floor(context.clock.now().getTime() / 1000);
  const cases: [string, () => Promise<string>, string][] = [
    ['a wrong audience', () => context.sign({ aud: 'someone-else' }), 'audience_mismatch'],
    [
      'an expired token',
      () => context.sign({ iat: now() - 900, exp: now() - 120 }),
      'token_expired',
    ],
    ['a future nbf', () => context.sign({ nbf: now() + 600 }), 'token_not_yet_valid'],
    [
      'a future iat',
      () => context.sign({ iat: now() + 600, exp: now() + 900 }),
      'issued_in_future',
    ],
    [
      'a token meant to live for days',
      () => context.sign({ exp: now() + 3 * 24 * 3600 }),
      'lifetime_too_long',
    ],
    [
      'an unknown kid',
      () => issuer.signWithUnpublishedKey(jobClaims(), 'rogue', context.clock.now()),
      'unknown_key',
    ],
    [
      'a published kid with another key',
      () => issuer.signWithUnpublishedKey(jobClaims(), 'rsa-1', context.clock.now()),
      'invalid_signature',
    ],
    [
      'alg: none',
      async () => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const claims = { ...jobClaims(), iss: issuer.url, iat: now(), exp: now() + 300 };
        return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
      },
      'algorithm_not_allowed',
    ],
    [
      'HS256 signed with the public key',
      async () =>
        new SignJWT({ ...jobClaims(), iss: issuer.url, iat: now(), exp: now() + 300 })
          .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
          .sign(new TextEncoder().encode(await issuer.publicKeyPem())),
      'algorithm_not_allowed',
    ],
    [
      'a branch outside the glob (* stops at /)',
      () => context.sign({ ref: 'refs/heads/feature/x' }),
      'claims_not_allowed',
    ],
    [
      'another repository',
      () => context.sign({ repository: 'mallory/analytics' }),
      'claims_not_allowed',
    ],
    [
      'a missing conditioned claim',
      () => context.sign({ repository: undefined }),
      'claims_not_allowed',
    ],
    ['no subject', () => context.sign({ sub: undefined }), 'missing_claims'],
  ];

  it.each(cases)('%s', async (_name, make, reason) => {
    const before = await tokenCount(context.gateway);
    const response = await context.exchange(await make());
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
    expect(await tokenCount(context.gateway)).toBe(before);
    const audit = await lastExchangeAudit(context.gateway);
    expect(audit).toMatchObject({ outcome: 'denied', target_id: context.policy.id });
    expect(audit?.details.reason).toBe(reason);
  });

  it('refuses a replayed jti, and a replayed token without jti', async () => {
    for (const jwt of [await context.sign(), await context.sign({ jti: undefined })]) {
      expect((await context.exchange(jwt)).errors).toBeUndefined();
      const before = await tokenCount(context.gateway);
      const replay = await context.exchange(jwt);
      expect(replay.errors?.[0]?.extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'replayed',
      });
      expect(await tokenCount(context.gateway)).toBe(before);
      expect((await lastExchangeAudit(context.gateway))?.details.reason).toBe('replayed');
    }
  });

  it('refuses an issuer no policy trusts, and what is not a JWT, without touching the network', async () => {
    const fetched = issuer.requests.length;
    const foreign = await new SignJWT({ ...jobClaims(), iss: 'https://evil.example' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    for (const [jwt, reason] of [
      [foreign, 'no_matching_policy'],
      ['not.a.jwt', 'malformed'],
      ['x'.repeat(20_000), 'malformed'],
    ] as const) {
      const response = await context.exchange(jwt);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
    }
    expect(issuer.requests.length).toBe(fetched);
  });
});

describe('exchangeIdentityToken: choosing the policy', () => {
  it('refuses a token two policies accept unless policyId names one', async () => {
    const { exchange, sign, createPolicy, policy } = await setUp();
    const second = await createPolicy({
      name: 'environment production',
      conditions: [{ claim: 'environment', match: 'EXACT', value: 'production' }],
    });
    const ambiguous = await exchange(await sign());
    expect(ambiguous.errors?.[0]?.extensions?.reason).toBe('ambiguous_policy');
    const chosen = await exchange(await sign(), second.id);
    expect(required(chosen, 'exchange').exchangeIdentityToken.policyId).toBe(second.id);
    // A policyId whose conditions the token does not meet is refused, not swapped for another.
    const other = await exchange(await sign({ environment: 'staging' }), second.id);
    expect(other.errors?.[0]?.extensions?.reason).toBe('claims_not_allowed');
    expect(policy.id).not.toBe(second.id);
  });

  it('keeps accounts apart: a token of one account leaves nothing in another that trusts the same issuer', async () => {
    const { gateway, exchange, sign, policyInput } = await setUp();
    const other = await gateway.addAccount('Other', 'enterprise');
    const otherAdmin = gateway.client(other.adminToken);
    const otherProject = await builders(otherAdmin).project('theirs');
    required(
      await otherAdmin.request(CreateIdentityTrustPolicyDocument, {
        input: policyInput({
          name: 'their CI',
          conditions: [{ claim: 'repository', match: 'EXACT', value: 'other/analytics' }],
          permissions: [{ permissionSet: 'job_admin', projectIds: [otherProject] }],
        }),
      }),
      'createIdentityTrustPolicy',
    );
    const ours = required(await exchange(await sign()), 'exchange').exchangeIdentityToken;
    expect(ours.grants[0]?.projectIds).not.toContain(otherProject);
    const theirs = await gateway.db
      .selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', other.account.id)
      .where('action', '=', 'exchangeIdentityToken')
      .execute();
    expect(theirs).toEqual([]);
    // Their job gets their token, in their account.
    const theirJob = required(
      await exchange(await sign({ repository: 'other/analytics' })),
      'exchange',
    ).exchangeIdentityToken;
    expect(theirJob.grants[0]?.projectIds).toEqual([otherProject]);
  });

  it('stops exchanges when the policy is deleted; the tokens it issued keep naming it', async () => {
    const { admin, exchange, sign, policy } = await setUp();
    const issued = required(await exchange(await sign()), 'exchange').exchangeIdentityToken;
    required(
      await admin.request(DeleteIdentityTrustPolicyDocument, { id: policy.id }),
      'deleteIdentityTrustPolicy',
    );
    const after = await exchange(await sign());
    expect(after.errors?.[0]?.extensions?.reason).toBe('no_matching_policy');
    const inventory = required(
      await admin.request(ServiceTokenIdentityDocument, { id: issued.serviceTokenId }),
      'serviceToken',
    ).serviceToken;
    expect(inventory?.issuedByIdentity?.policyName).toBe('dbt CI');
  });

  it('applies an updated policy to the next exchange', async () => {
    const { admin, exchange, sign, policy } = await setUp();
    const updated = required(
      await admin.request(UpdateIdentityTrustPolicyDocument, {
        id: policy.id,
        input: { conditions: [{ claim: 'ref', match: 'EXACT', value: 'refs/heads/release' }] },
      }),
      'updateIdentityTrustPolicy',
    ).updateIdentityTrustPolicy;
    expect(updated.conditions).toEqual([
      { claim: 'ref', match: 'EXACT', value: 'refs/heads/release' },
    ]);
    expect((await exchange(await sign())).errors?.[0]?.extensions?.reason).toBe(
      'claims_not_allowed',
    );
    expect((await exchange(await sign({ ref: 'refs/heads/release' }))).errors).toBeUndefined();
  });
});

describe('exchangeIdentityToken: the issuer keys', () => {
  it('honours Cache-Control and refetches when it has expired', async () => {
    const { clock, exchange, sign } = await setUp();
    issuer.cacheControl = 'max-age=600';
    try {
      const start = issuer.requests.length;
      expect((await exchange(await sign())).errors).toBeUndefined();
      expect((await exchange(await sign())).errors).toBeUndefined();
      expect(issuer.requests.slice(start)).toEqual(['/.well-known/openid-configuration', '/keys']);
      clock.advance(601_000);
      expect((await exchange(await sign())).errors).toBeUndefined();
      expect(issuer.requests.slice(start)).toHaveLength(4);
    } finally {
      issuer.cacheControl = undefined;
    }
  });

  it('fetches again on every exchange when told no-store', async () => {
    const { exchange, sign } = await setUp();
    issuer.cacheControl = 'no-store';
    try {
      const start = issuer.requests.length;
      await exchange(await sign());
      await exchange(await sign());
      expect(issuer.requests.slice(start).filter((path) => path === '/keys')).toHaveLength(2);
    } finally {
      issuer.cacheControl = undefined;
    }
  });

  it('refreshes the key set for an unknown kid (a rotation), at most once per cooldown', async () => {
    const { clock, exchange, sign } = await setUp();
    issuer.cacheControl = 'max-age=3600';
    try {
      expect((await exchange(await sign())).errors).toBeUndefined();
      const kid = await issuer.addKey('RS256');
      const keysFetched = () => issuer.requests.filter((path) => path === '/keys').length;
      const before = keysFetched();
      // Right after a fetch, an unknown kid does not make another one.
      const early = await exchange(await sign({}, kid));
      expect(early.errors?.[0]?.extensions?.reason).toBe('unknown_key');
      expect(keysFetched()).toBe(before);
      clock.advance(31_000);
      expect((await exchange(await sign({}, kid))).errors).toBeUndefined();
      expect(keysFetched()).toBe(before + 1);
    } finally {
      issuer.cacheControl = undefined;
    }
  });

  it('refuses an issuer on a loopback address unless the setting allows it (SSRF)', async () => {
    const { exchange, sign } = await setUp({
      outbound: { allowHttpToLocalhost: true },
      exchangesPerMinute: 100,
    });
    const start = issuer.requests.length;
    const response = await exchange(await sign());
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'issuer_unavailable',
    });
    expect(issuer.requests.length).toBe(start);
  });

  it('refuses an http issuer URL when plain http is not allowed', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const response = await admin.request(CreateIdentityTrustPolicyDocument, {
      input: {
        name: 'plain',
        issuer: issuer.url,
        audience: 'tollgate',
        conditions: [{ claim: 'repository', match: 'EXACT', value: 'acme/analytics' }],
        permissions: [{ permissionSet: 'metadata_only', allProjects: true }],
      },
    });
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.issuer',
    });
  });
});

describe('exchangeIdentityToken: rate limit', () => {
  it('limits exchanges per client address', async () => {
    const { clock, exchange, sign } = await setUp({ ...loopback, exchangesPerMinute: 2 });
    await exchange(await sign());
    await exchange('not.a.jwt');
    const limited = await exchange(await sign());
    expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
    clock.advance(60_000);
    expect((await exchange(await sign())).errors).toBeUndefined();
  });
});

describe('a token issued by an exchange', () => {
  it('cannot be rotated, extended, given grants or used to create tokens or policies', async () => {
    const { gateway, admin, exchange, sign, createPolicy } = await setUp();
    const adminPolicy = await createPolicy({
      name: 'admin CI',
      conditions: [{ claim: 'environment', match: 'EXACT', value: 'admin' }],
      permissions: [{ permissionSet: 'account_admin' }],
    });
    const issued = required(
      await exchange(await sign({ environment: 'admin' }), adminPolicy.id),
      'exchange',
    ).exchangeIdentityToken;
    const ci = gateway.client(issued.token);
    const restricted = [
      await ci.request(CreateServiceTokenDocument, {
        input: { name: 'forever', permissions: [{ permissionSet: 'account_admin' }] },
      }),
      await ci.request(RotateServiceTokenDocument, { id: issued.serviceTokenId, graceSeconds: 0 }),
      await admin.request(RotateServiceTokenDocument, {
        id: issued.serviceTokenId,
        graceSeconds: 0,
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
      await admin.request(AddServiceTokenGrantsDocument, {
        id: issued.serviceTokenId,
        permissions: [{ permissionSet: 'security_admin' }],
      }),
      await ci.request(CreateIdentityTrustPolicyDocument, {
        input: {
          name: 'escape',
          issuer: issuer.url,
          audience: 'tollgate',
          conditions: [{ claim: 'repository', match: 'EXACT', value: 'mallory/x' }],
          permissions: [{ permissionSet: 'account_admin' }],
        },
      }),
    ];
    for (const response of restricted)
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'identity_token_restricted',
      });
    // Each refusal is audited like any refused write.
    const denied = await gateway.db
      .selectFrom('audit_log')
      .select('action')
      .where('outcome', '=', 'denied')
      .where('action', 'in', [
        'createServiceToken',
        'rotateServiceToken',
        'addServiceTokenGrants',
        'createIdentityTrustPolicy',
      ])
      .execute();
    expect(denied).toHaveLength(5);
    // Nothing was created, and the token keeps its expiry.
    expect(await tokenCount(gateway)).toBe(2);
    const viewer = required(await ci.request(ViewerDocument), 'viewer').viewer;
    expect(viewer.name).toBe('admin CI: repo:acme/analytics:ref:refs/heads/main');
    // It can be revoked, and other tokens are unaffected.
    required(
      await admin.request(RevokeServiceTokenDocument, { id: issued.serviceTokenId }),
      'revokeServiceToken',
    );
    expect(errorCodes(await ci.request(ViewerDocument))).toEqual(['UNAUTHENTICATED']);
    const normal = await builders(admin).token([
      { permissionSet: 'metadata_only', allProjects: true },
    ]);
    const rotated = await admin.request(RotateServiceTokenDocument, {
      id: normal.serviceToken.id,
      graceSeconds: 0,
    });
    expect(rotated.errors).toBeUndefined();
  });
});

describe('trust policies: the guard and the input', () => {
  it('is refused FORBIDDEN naming the permission to a token without it', async () => {
    const { gateway, admin, policy, policyInput } = await setUp();
    const jobAdmin = gateway.client(
      (await builders(admin).token([{ permissionSet: 'job_admin', allProjects: true }])).token,
    );
    const securityAdmin = gateway.client(
      (await builders(admin).token([{ permissionSet: 'security_admin' }], { name: 'sec' })).token,
    );
    const required = (response: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
      response.errors?.[0]?.extensions?.requiredPermission;
    expect(required(await jobAdmin.request(IdentityTrustPoliciesDocument))).toBe(
      'service_tokens:read',
    );
    expect(required(await jobAdmin.request(IdentityTrustPolicyDocument, { id: policy.id }))).toBe(
      'service_tokens:read',
    );
    // security_admin reads tokens' policies but does not write them.
    expect(
      (await securityAdmin.request(IdentityTrustPoliciesDocument)).data?.identityTrustPolicies,
    ).toHaveLength(1);
    for (const client of [jobAdmin, securityAdmin]) {
      expect(
        required(await client.request(CreateIdentityTrustPolicyDocument, { input: policyInput() })),
      ).toBe('service_tokens:write');
      expect(
        required(
          await client.request(UpdateIdentityTrustPolicyDocument, {
            id: policy.id,
            input: { name: 'renamed' },
          }),
        ),
      ).toBe('service_tokens:write');
      expect(
        required(await client.request(DeleteIdentityTrustPolicyDocument, { id: policy.id })),
      ).toBe('service_tokens:write');
    }
  });

  it('is NOT_FOUND across accounts and UNAUTHENTICATED without a token', async () => {
    const { gateway, policy, policyInput } = await setUp();
    const other = gateway.client((await gateway.addAccount('Other', 'enterprise')).adminToken);
    expect(errorCodes(await other.request(IdentityTrustPolicyDocument, { id: policy.id }))).toEqual(
      ['NOT_FOUND'],
    );
    expect(
      errorCodes(
        await other.request(UpdateIdentityTrustPolicyDocument, {
          id: policy.id,
          input: { name: 'taken' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(await other.request(DeleteIdentityTrustPolicyDocument, { id: policy.id })),
    ).toEqual(['NOT_FOUND']);
    expect(
      (await other.request(IdentityTrustPoliciesDocument)).data?.identityTrustPolicies,
    ).toEqual([]);
    const anonymous = gateway.client();
    expect(errorCodes(await anonymous.request(IdentityTrustPoliciesDocument))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(
      errorCodes(
        await anonymous.request(CreateIdentityTrustPolicyDocument, { input: policyInput() }),
      ),
    ).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses input that would trust too much or live too long, and audits what it writes', async () => {
    const { gateway, admin, policyInput } = await setUp();
    const refused = async (input: CreateIdentityTrustPolicyInput) =>
      (await admin.request(CreateIdentityTrustPolicyDocument, { input })).errors?.[0]?.extensions;
    expect(await refused(policyInput({ conditions: [] }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.conditions',
    });
    expect(
      await refused(
        policyInput({ conditions: [{ claim: 'repository', match: 'GLOB', value: '**' }] }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.conditions[0].value' });
    expect(
      await refused(policyInput({ conditions: [{ claim: 'aud', match: 'EXACT', value: 'x' }] })),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.conditions[0].claim' });
    expect(await refused(policyInput({ lifetimeSeconds: 7200 }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.lifetimeSeconds',
    });
    expect(await refused(policyInput({ issuer: 'https://user:pw@ci.example' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.issuer',
    });
    expect(
      await refused(
        policyInput({ permissions: [{ permissionSet: 'job_admin', projectIds: ['999'] }] }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.permissions[0].projectIds' });
    const created = await gateway.db
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', 'createIdentityTrustPolicy')
      .orderBy('id')
      .execute();
    expect(created[0]).toMatchObject({ outcome: 'success' });
    expect(JSON.parse(created[0]!.details)).toMatchObject({
      issuer: issuer.url,
      lifetimeSeconds: 900,
      conditions: [{ claim: 'repository' }, { claim: 'ref' }],
    });
    expect(created.slice(1).every((entry) => entry.outcome === 'failed')).toBe(true);
  });
});
