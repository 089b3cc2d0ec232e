import {
  CreateIdentityTrustPolicyDocument,
  type CreateIdentityTrustPolicyInput,
  DeleteIdentityTrustPolicyDocument,
  ExchangeIdentityTokenDocument,
  IdentityTrustPoliciesDocument,
  IdentityTrustPolicyDocument,
  UpdateIdentityTrustPolicyDocument,
} from '../../../src/client/index.js';
import { required } from '../../support/builders.js';
import { startTestIssuer, type TestIssuer } from '../../support/oidc-issuer.js';
import { type Fixture, type Operation, read, write } from '../framework.js';

// Workload identity: trust policies are account-level and governed by service_tokens; the
// exchange needs no token, so every grant (and none) may call it.

let sharedIssuer: Promise<TestIssuer> | undefined;
const issuer = () => {
  sharedIssuer ??= startTestIssuer();
  return sharedIssuer;
};

function policyInput(
  f: Fixture,
  issuerUrl: string,
  audience: string,
): CreateIdentityTrustPolicyInput {
  return {
    name: `CI ${f.unique()}`,
    issuer: issuerUrl,
    audience,
    conditions: [{ claim: 'repository', match: 'EXACT', value: 'acme/analytics' }],
    permissions: [{ permissionSet: 'metadata_only', allProjects: true }],
  };
}

/** A policy the fixture's admin made, for operations that act on one. */
async function adminPolicy(f: Fixture, audience = `aud-${f.unique()}`) {
  const { url } = await issuer();
  const created = await f.admin.request(CreateIdentityTrustPolicyDocument, {
    input: policyInput(f, url, audience),
  });
  return required(created, 'createIdentityTrustPolicy').createIdentityTrustPolicy;
}

const tokensRead = [read('service_tokens')];
const tokensWrite = [write('service_tokens')];

export const identityOperations: Operation[] = [
  {
    name: 'identityTrustPolicies',
    where: 'account',
    requires: tokensRead,
    run: (f) => f.token.request(IdentityTrustPoliciesDocument),
  },
  {
    name: 'identityTrustPolicy',
    where: 'account',
    requires: tokensRead,
    run: async (f) =>
      f.token.request(IdentityTrustPolicyDocument, { id: (await adminPolicy(f)).id }),
  },
  {
    name: 'createIdentityTrustPolicy',
    where: 'account',
    requires: tokensWrite,
    run: async (f) =>
      f.token.request(CreateIdentityTrustPolicyDocument, {
        input: policyInput(f, (await issuer()).url, 'tollgate'),
      }),
  },
  {
    name: 'updateIdentityTrustPolicy',
    where: 'account',
    requires: tokensWrite,
    run: async (f) =>
      f.token.request(UpdateIdentityTrustPolicyDocument, {
        id: (await adminPolicy(f)).id,
        input: { lifetimeSeconds: 600 },
      }),
  },
  {
    name: 'deleteIdentityTrustPolicy',
    where: 'account',
    requires: tokensWrite,
    run: async (f) =>
      f.token.request(DeleteIdentityTrustPolicyDocument, { id: (await adminPolicy(f)).id }),
  },
  {
    name: 'exchangeIdentityToken (public)',
    where: 'account',
    requires: [],
    // Audited, but as the exchange (no actor token), never as the caller's token.
    audited: false,
    run: async (f) => {
      const audience = `aud-${f.unique()}`;
      const policy = await adminPolicy(f, audience);
      const jwt = await (await issuer()).sign({
        sub: 'repo:acme/analytics:ref:refs/heads/main',
        aud: audience,
        repository: 'acme/analytics',
      });
      return f.token.request(ExchangeIdentityTokenDocument, { jwt, policyId: policy.id });
    },
  },
];
