import { auditedWrite } from '../audit.js';
import { grantsFromInput } from '../auth/grant-input.js';
import { type ClaimMatch, validConditions } from '../auth/identity-conditions.js';
import {
  exchangeIdentityToken,
  policyConditions,
  policyGrants,
} from '../auth/identity-exchange.js';
import { callerToken } from '../auth/principal.js';
import type { Grant } from '../catalog/access.js';
import { type Context, principalOf } from '../context.js';
import {
  countTrustPolicies,
  deleteTrustPolicy,
  insertTrustPolicy,
  listTrustPolicies,
  type TrustPolicyFields,
  updateTrustPolicy,
} from '../db/identity.js';
import { findServiceTokenPolicy } from '../db/service-tokens.js';
import type { IdentityIssuedTokenRow, IdentityTrustPolicyRow } from '../db/tables/identity.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { validName } from '../validation.js';
import { builder } from './builder.js';
import { grantInputs, grantSummary, PermissionGrantInput } from './grant.js';
import { PermissionSet, WritableEnvironmentCategoryEnum } from './permission-set.js';
import { DateTime } from './scalars.js';
import { ServiceToken } from './service-token.js';

// Workload identity: trust policies say which CI jobs (an issuer, an audience, conditions on the
// claims of the job's OIDC identity token) may exchange their identity for a short-lived service
// token with the policy's grants; exchangeIdentityToken does the exchange, without a token.
// What an issued token may not do is in identity-token-restrictions.ts.

export const defaultLifetimeSeconds = 15 * 60;
const minLifetimeSeconds = 60;
export const maxLifetimeSeconds = 60 * 60;
const maxPoliciesPerAccount = 100;
const maxIssuerLength = 512;
const maxAudienceLength = 255;

const ClaimMatchEnum = builder.enumType('ClaimMatch', {
  values: {
    EXACT: { value: 'exact', description: 'The claim equals the value.' },
    GLOB: {
      value: 'glob',
      description:
        'The claim matches the pattern: `*` any characters but `/`, `?` one character but `/`, `**` any characters.',
    },
  } as const,
});

const ClaimCondition = builder
  .objectRef<{ claim: string; match: ClaimMatch; value: string }>('ClaimCondition')
  .implement({
    description: 'A condition on one claim of the identity token.',
    fields: (t) => ({
      claim: t.exposeString('claim', { nullable: false }),
      match: t.field({
        type: ClaimMatchEnum,
        nullable: false,
        resolve: (condition) => condition.match,
        authz: 'parent',
      }),
      value: t.exposeString('value', { nullable: false }),
    }),
  });

const TrustPolicyGrant = builder.objectRef<Grant>('TrustPolicyGrant').implement({
  description: 'A permission set a trust policy gives the tokens it issues.',
  fields: (t) => ({
    permissionSet: t.field({
      type: PermissionSet,
      nullable: false,
      resolve: (grant) => grant.permissionSet,
      authz: 'parent',
    }),
    allProjects: t.boolean({
      nullable: false,
      resolve: (grant) => grant.projectIds === null,
      authz: 'parent',
    }),
    projectIds: t.idList({
      nullable: false,
      resolve: (grant) => grant.projectIds ?? [],
      authz: 'parent',
    }),
    writableEnvironmentCategories: t.field({
      type: [WritableEnvironmentCategoryEnum],
      nullable: false,
      resolve: (grant) => grant.writableEnvironmentCategories,
      authz: 'parent',
    }),
  }),
});

const IdentityTrustPolicy = builder
  .objectRef<IdentityTrustPolicyRow>('IdentityTrustPolicy')
  .implement({
    description:
      'Which CI jobs may exchange their OIDC identity token (exchangeIdentityToken) for a short-lived service token, and the grants that token gets.',
    fields: (t) => ({
      id: t.exposeID('id', { nullable: false }),
      name: t.exposeString('name', { nullable: false }),
      issuer: t.exposeString('issuer', {
        nullable: false,
        description: 'The issuer URL (`iss`), e.g. https://token.actions.githubusercontent.com.',
      }),
      audience: t.exposeString('audience', {
        nullable: false,
        description: 'The audience (`aud`) the identity token must name.',
      }),
      conditions: t.field({
        type: [ClaimCondition],
        nullable: false,
        description: 'Every condition must hold.',
        resolve: (policy) => policyConditions(policy),
        authz: 'parent',
      }),
      grants: t.field({
        type: [TrustPolicyGrant],
        nullable: false,
        resolve: (policy) => policyGrants(policy),
        authz: 'parent',
      }),
      lifetimeSeconds: t.exposeInt('lifetime_seconds', {
        nullable: false,
        description: "How long an issued token lives (at most the account's maximum lifetime).",
      }),
      createdByTokenId: t.exposeID('created_by_token_id'),
      createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
      updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
    }),
  });

const IdentityOfToken = builder.objectRef<IdentityIssuedTokenRow>('TokenIdentity').implement({
  description: 'How a token issued by exchangeIdentityToken was obtained.',
  fields: (t) => ({
    policyId: t.exposeID('policy_id', { nullable: false }),
    policyName: t.exposeString('policy_name', {
      nullable: false,
      description: 'As it was named at the exchange (the policy may have been renamed or deleted).',
    }),
    issuer: t.exposeString('issuer', { nullable: false }),
    subject: t.exposeString('subject', {
      nullable: false,
      description: "The identity token's `sub`: the CI job that obtained the token.",
    }),
  }),
});

builder.objectField(ServiceToken, 'issuedByIdentity', (t) =>
  t.field({
    type: IdentityOfToken,
    description:
      'For a token obtained by exchangeIdentityToken: the trust policy and the subject. Null for tokens created otherwise.',
    authz: 'parent',
    resolve: (token, _args, context) => context.loaders.identityOfToken.load(token.id),
  }),
);

async function policyOfAccount(id: string | number, context: Context) {
  const policy = await context.loaders.identityTrustPolicy.load(parseId(id, 'id'));
  if (!policy) throw notFound(`Trust policy ${id}`);
  return policy;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || /^127(?:\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
}

/** An issuer URL: https, no credentials, query or fragment (http only for a test issuer on loopback). */
function validIssuer(issuer: string, context: Context): string {
  const trimmed = issuer.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw badUserInput(`"${issuer}" is not a URL.`, 'input.issuer');
  }
  const insecureAllowed =
    context.identity.allowInsecureIssuers &&
    url.protocol === 'http:' &&
    isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !insecureAllowed)
    throw badUserInput('The issuer must be an https URL.', 'input.issuer');
  if (url.username || url.password || url.search || url.hash || trimmed.length > maxIssuerLength)
    throw badUserInput(
      `The issuer is an https URL of at most ${maxIssuerLength} characters, without credentials, query or fragment.`,
      'input.issuer',
    );
  return trimmed;
}

function validAudience(audience: string): string {
  const trimmed = audience.trim();
  if (trimmed.length === 0 || trimmed.length > maxAudienceLength)
    throw badUserInput(
      `The audience needs 1 to ${maxAudienceLength} characters.`,
      'input.audience',
    );
  return trimmed;
}

/** From 60 s to an hour, and within the account's maximum token lifetime. */
async function validLifetime(
  seconds: number,
  context: Context,
  trx: Context['db'],
): Promise<number> {
  if (!Number.isInteger(seconds) || seconds < minLifetimeSeconds || seconds > maxLifetimeSeconds)
    throw badUserInput(
      `lifetimeSeconds must be from ${minLifetimeSeconds} to ${maxLifetimeSeconds} (an hour).`,
      'input.lifetimeSeconds',
    );
  const { account } = principalOf(context);
  const accountMax = (await findServiceTokenPolicy(trx, account.id))?.max_lifetime_seconds;
  if (accountMax != null && seconds > accountMax)
    throw badUserInput(
      `This account allows tokens to live at most ${accountMax} seconds.`,
      'input.lifetimeSeconds',
    );
  return seconds;
}

interface PolicyInputShape {
  readonly name?: string | null;
  readonly issuer?: string | null;
  readonly audience?: string | null;
  readonly conditions?: readonly { claim: string; match: ClaimMatch; value: string }[] | null;
  readonly permissions?: Parameters<typeof grantInputs>[0] | null;
  readonly lifetimeSeconds?: number | null;
}

/** The columns to write from the input's given fields; grants within the caller's own access. */
async function policyFields(
  input: PolicyInputShape,
  context: Context,
  trx: Context['db'],
): Promise<Partial<TrustPolicyFields>> {
  const { account, access } = principalOf(context);
  const fields: Partial<TrustPolicyFields> = {};
  if (input.name != null) fields.name = validName(input.name, 'input.name', 'A trust policy name');
  if (input.issuer != null) fields.issuer = validIssuer(input.issuer, context);
  if (input.audience != null) fields.audience = validAudience(input.audience);
  if (input.conditions != null)
    fields.conditions = JSON.stringify(validConditions(input.conditions, 'input.conditions'));
  if (input.lifetimeSeconds != null)
    fields.lifetime_seconds = await validLifetime(input.lifetimeSeconds, context, trx);
  if (input.permissions != null) {
    // The same rule as createServiceToken: nobody hands out what they do not hold.
    const grants = await grantsFromInput(
      trx,
      account,
      grantInputs(input.permissions, 'input.permissions'),
      { grantedBy: access, field: 'input.permissions' },
    );
    fields.grants = JSON.stringify(grants);
  }
  return fields;
}

function auditDetails(policy: IdentityTrustPolicyRow) {
  return {
    name: policy.name,
    issuer: policy.issuer,
    audience: policy.audience,
    conditions: policyConditions(policy),
    permissions: policyGrants(policy).map(grantSummary),
    lifetimeSeconds: policy.lifetime_seconds,
  };
}

const ClaimConditionInput = builder.inputType('ClaimConditionInput', {
  fields: (t) => ({
    claim: t.string({
      required: true,
      description: 'A claim such as repository, ref, environment, workflow_ref, project_path.',
    }),
    match: t.field({ type: ClaimMatchEnum, required: true }),
    value: t.string({ required: true }),
  }),
});

const CreateIdentityTrustPolicyInput = builder.inputType('CreateIdentityTrustPolicyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    issuer: t.string({
      required: true,
      description: 'https URL; its /.well-known/openid-configuration names its keys.',
    }),
    audience: t.string({ required: true }),
    conditions: t.field({
      type: [ClaimConditionInput],
      required: true,
      description: 'At least one; every one must hold.',
    }),
    permissions: t.field({ type: [PermissionGrantInput], required: true }),
    lifetimeSeconds: t.int({
      defaultValue: defaultLifetimeSeconds,
      description: 'Lifetime of issued tokens: 60 to 3600 seconds (default 900).',
    }),
  }),
});

const UpdateIdentityTrustPolicyInput = builder.inputType('UpdateIdentityTrustPolicyInput', {
  description: 'Fields left out are unchanged.',
  fields: (t) => ({
    name: t.string(),
    issuer: t.string(),
    audience: t.string(),
    conditions: t.field({ type: [ClaimConditionInput] }),
    permissions: t.field({ type: [PermissionGrantInput] }),
    lifetimeSeconds: t.int(),
  }),
});

const IdentityTokenExchange = builder
  .objectRef<{
    token: string;
    expiresAt: string;
    serviceTokenId: number;
    policyId: number;
    subject: string;
    grants: Grant[];
  }>('IdentityTokenExchange')
  .implement({
    description: 'A service token issued for a CI identity: its secret, shown once.',
    fields: (t) => ({
      token: t.exposeString('token', {
        nullable: false,
        description:
          'The secret, as `Authorization: Bearer <token>`. Not stored; it cannot be rotated, extended or used to create tokens.',
      }),
      expiresAt: t.expose('expiresAt', { type: DateTime, nullable: false }),
      serviceTokenId: t.exposeID('serviceTokenId', { nullable: false }),
      policyId: t.exposeID('policyId', { nullable: false }),
      subject: t.exposeString('subject', { nullable: false }),
      grants: t.field({
        type: [TrustPolicyGrant],
        nullable: false,
        resolve: (exchange) => exchange.grants,
        authz: 'parent',
      }),
    }),
  });

builder.queryFields((t) => ({
  identityTrustPolicies: t.field({
    type: [IdentityTrustPolicy],
    nullable: false,
    description: "The account's trust policies for CI identity tokens, oldest first.",
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: (_root, _args, context) =>
      listTrustPolicies(context.db, principalOf(context).account.id),
  }),
  identityTrustPolicy: t.field({
    type: IdentityTrustPolicy,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: (_root, { id }, context) => policyOfAccount(id, context),
  }),
}));

builder.mutationFields((t) => ({
  createIdentityTrustPolicy: t.field({
    type: IdentityTrustPolicy,
    nullable: false,
    description:
      'Trusts CI jobs whose identity tokens come from the issuer, for the audience, and satisfy every condition. Nobody grants what they do not hold.',
    args: { input: t.arg({ type: CreateIdentityTrustPolicyInput, required: true }) },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const principal = principalOf(context);
      if ((await countTrustPolicies(context.db, principal.account.id)) >= maxPoliciesPerAccount)
        throw badUserInput(`An account has at most ${maxPoliciesPerAccount} trust policies.`);
      return auditedWrite(context, 'createIdentityTrustPolicy', async (trx) => {
        const fields = (await policyFields(
          { ...input, lifetimeSeconds: input.lifetimeSeconds ?? defaultLifetimeSeconds },
          context,
          trx,
        )) as TrustPolicyFields;
        const policy = await insertTrustPolicy(trx, {
          ...fields,
          account_id: principal.account.id,
          created_by_token_id: callerToken(principal)?.id ?? null,
          now: context.now().toISOString(),
        });
        return {
          result: policy,
          target: { type: 'IdentityTrustPolicy', id: policy.id, details: auditDetails(policy) },
        };
      });
    },
  }),
  updateIdentityTrustPolicy: t.field({
    type: IdentityTrustPolicy,
    nullable: false,
    description:
      'Changes a trust policy; tokens it already issued keep their grants until they expire.',
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateIdentityTrustPolicyInput, required: true }),
    },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { id, input }, context) => {
      const before = await policyOfAccount(id, context);
      return auditedWrite(context, 'updateIdentityTrustPolicy', async (trx) => {
        const fields = await policyFields(input, context, trx);
        const after = await updateTrustPolicy(trx, before.id, {
          ...fields,
          now: context.now().toISOString(),
        });
        return {
          result: after,
          target: {
            type: 'IdentityTrustPolicy',
            id: before.id,
            details: { before: auditDetails(before), after: auditDetails(after) },
          },
        };
      });
    },
  }),
  deleteIdentityTrustPolicy: t.field({
    type: IdentityTrustPolicy,
    nullable: false,
    description:
      'Stops trusting the jobs the policy named; tokens it already issued live until they expire (revoke them to stop them sooner).',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const policy = await policyOfAccount(id, context);
      return auditedWrite(context, 'deleteIdentityTrustPolicy', async (trx) => {
        await deleteTrustPolicy(trx, policy.id);
        return {
          result: policy,
          target: { type: 'IdentityTrustPolicy', id: policy.id, details: auditDetails(policy) },
        };
      });
    },
  }),
  exchangeIdentityToken: t.field({
    type: IdentityTokenExchange,
    nullable: false,
    description:
      "Exchanges a CI job's OIDC identity token (GitHub Actions, GitLab CI, …) for a short-lived service token, when a trust policy accepts it. No token needed; rate limited per client address; every exchange is audited. A refusal is UNAUTHENTICATED with `extensions.reason`.",
    args: {
      jwt: t.arg.string({
        required: true,
        description: 'The identity token, as the CI issued it.',
      }),
      policyId: t.arg.id({
        description: 'The trust policy to use; needed only when several would accept the token.',
      }),
    },
    authz: 'public',
    resolve: async (_root, { jwt, policyId }, context) => {
      const result = await exchangeIdentityToken(context.db, context.identity, {
        jwt,
        policyId: policyId == null ? null : parseId(policyId, 'policyId'),
        clientIp: context.clientIp,
        now: context.now(),
      });
      return {
        token: result.token,
        expiresAt: result.serviceToken.expires_at!,
        serviceTokenId: result.serviceToken.id,
        policyId: result.policy.id,
        subject: result.subject,
        grants: result.grants,
      };
    },
  }),
}));
