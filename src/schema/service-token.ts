import { GraphQLError } from 'graphql';
import { auditedWrite } from '../audit.js';
import { isAddressAllowed } from '../auth/ip-restrictions.js';
import { callerToken, requireCallerToken } from '../auth/principal.js';
import {
  issueServiceToken,
  keepingAnAdminToken,
  rotateServiceToken,
  validAllowedCidrs,
  validTokenName,
} from '../auth/service-tokens.js';
import { hashToken, isWellFormedToken, tokenHint } from '../auth/token.js';
import { overGrantedTokenIds } from '../auth/token-policy.js';
import { acceptedPermissionSets, allowsOnAccount } from '../catalog/access.js';
import { type Context, principalOf } from '../context.js';
import { insertAuditEntry } from '../db/audit-log.js';
import { inTransaction } from '../db/database.js';
import type { StoredGrant } from '../db/grants.js';
import {
  countServiceTokens,
  findTokenBySecretHash,
  listServiceTokens,
  revokeServiceToken,
  type ServiceTokenFilter,
  type ServiceTokenSort,
  sortValueOf,
  updateServiceToken,
} from '../db/service-tokens.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';
import { badUserInput, forbidden, notFound, rateLimited } from '../errors.js';
import { parseId } from '../ids.js';
import { Account } from './account.js';
import { builder } from './builder.js';
import { grantInputs, grantSummary, PermissionGrant, PermissionGrantInput } from './grant.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { PermissionSetIdEnum } from './permission-set.js';
import { DateTime } from './scalars.js';

// A token's policy (service-token-policy.ts), later changes of its grants
// (service-token-grants.ts) and what its grants allow (explain.ts) live in modules of their own.

const ServiceTokenStateEnum = builder.enumType('ServiceTokenState', {
  values: {
    ACTIVE: { description: 'Accepted.' },
    EXPIRED: { description: 'Past its expiresAt: refused.' },
    REVOKED: { description: 'Revoked: refused.' },
  } as const,
});

function stateOf(token: ServiceTokenRow, now: Date): 'ACTIVE' | 'EXPIRED' | 'REVOKED' {
  if (token.revoked_at !== null) return 'REVOKED';
  if (token.expires_at !== null && Date.parse(token.expires_at) <= now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}

/** The token's grants: the caller's own from its principal, any other's through the loader. */
export async function grantsOf(
  token: ServiceTokenRow,
  context: Context,
): Promise<readonly StoredGrant[]> {
  const { principal } = context;
  return principal && token.id === callerToken(principal)?.id
    ? principal.grants
    : context.loaders.grantsOfToken.load(token.id);
}

export const ServiceToken = builder.objectRef<ServiceTokenRow>('ServiceToken').implement({
  description:
    'A service account token. Its secret is shown once, at creation (or rotation), and never again.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    displayHint: t.exposeString('token_hint', {
      nullable: false,
      description: 'The prefix and last four characters of the secret, e.g. "tgs_…a1B2".',
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    createdByTokenId: t.exposeID('created_by_token_id'),
    expiresAt: t.expose('expires_at', { type: DateTime, description: 'Null: never expires.' }),
    revokedAt: t.expose('revoked_at', { type: DateTime }),
    previousSecretValidUntil: t.expose('previous_token_valid_until', {
      type: DateTime,
      description:
        'After a rotation with a grace window: until when the replaced secret is still accepted.',
    }),
    lastUsedAt: t.expose('last_used_at', {
      type: DateTime,
      description:
        'Coalesced: written at most once a minute per token, so it may lag by up to a minute.',
    }),
    lastUsedIp: t.exposeString('last_used_ip'),
    recentIps: t.stringList({
      nullable: false,
      description:
        'The last few distinct client addresses, newest first (coalesced like lastUsedAt).',
      resolve: (token) => JSON.parse(token.recent_ips) as string[],
      authz: 'parent',
    }),
    useCount: t.exposeInt('use_count', {
      nullable: false,
      description: 'Requests made with it (coalesced like lastUsedAt).',
    }),
    allowedCidrs: t.stringList({
      nullable: false,
      description:
        "Addresses it may be used from, besides the account's IP restrictions; empty: no extra limit.",
      resolve: (token) => (token.allowed_cidrs ? token.allowed_cidrs.split(',') : []),
      authz: 'parent',
    }),
    state: t.field({
      type: ServiceTokenStateEnum,
      nullable: false,
      resolve: (token, _args, context) => stateOf(token, context.now()),
      authz: 'parent',
    }),
    grants: t.field({
      type: [PermissionGrant],
      nullable: false,
      authz: 'parent',
      resolve: (token, _args, context) => grantsOf(token, context),
    }),
    account: t.field({
      type: Account,
      nullable: false,
      description: "The account that owns the token (always the caller's own).",
      authz: 'authenticated',
      resolve: (_token, _args, context) => principalOf(context).account,
    }),
  }),
});

const ServiceTokenConnection = connectionType(ServiceToken, 'ServiceToken');

/** The account's token with this id; NOT_FOUND otherwise (other accounts' tokens too). */
export async function tokenOfAccount(
  id: string | number,
  context: Context,
): Promise<ServiceTokenRow> {
  const token = await context.loaders.serviceToken.load(parseId(id, 'id'));
  if (!token) throw notFound(`Service token ${id}`);
  return token;
}

/**
 * A token rotating itself without `service_tokens` write may shorten its expiry, never lengthen
 * or remove it: otherwise any token could make itself live forever, whatever its creator chose.
 * Throws FORBIDDEN naming the permission that would allow it.
 */
function refuseLongerSelfExpiry(
  token: ServiceTokenRow,
  expiresAt: Date | null | undefined,
  context: Context,
): void {
  const principal = principalOf(context);
  if (expiresAt === undefined || token.id !== callerToken(principal)?.id) return;
  if (allowsOnAccount(principal.access, 'service_tokens', 'write')) return;
  const current = token.expires_at === null ? null : Date.parse(token.expires_at);
  const later = current !== null && (expiresAt === null || expiresAt.getTime() > current);
  if (!later) return;
  const { extensions } = forbidden({
    resource: 'service_tokens',
    action: 'write',
    acceptedPermissionSets: acceptedPermissionSets('service_tokens', 'write'),
  });
  throw new GraphQLError(
    `Forbidden: a token rotating itself may shorten its expiry (now ${token.expires_at}) but not ${expiresAt === null ? 'remove' : 'extend'} it; that needs service_tokens:write.`,
    { extensions: { ...extensions, field: 'expiresAt' } },
  );
}

const ServiceTokenFilterInput = builder.inputType('ServiceTokenFilter', {
  description: 'Every filter given must hold.',
  fields: (t) => ({
    states: t.field({ type: [ServiceTokenStateEnum] }),
    expiringBefore: t.field({
      type: DateTime,
      description: 'Tokens with an expiry before this time.',
    }),
    lastUsedBefore: t.field({
      type: DateTime,
      description: 'Tokens last used before this time (never-used ones excluded).',
    }),
    neverUsed: t.boolean({
      description: 'true: only tokens never used; false: only tokens used at least once.',
    }),
    permissionSet: t.field({ type: PermissionSetIdEnum, description: 'Tokens holding this set.' }),
    projectId: t.id({
      description: 'Tokens with a grant reaching this project (grants on all projects included).',
    }),
    expiringWithinDays: t.int({
      description: 'Tokens that have not expired and expire within this many days.',
    }),
    unusedForDays: t.int({
      description: 'Tokens not used for this many days (never-used ones included).',
    }),
    overGrantedForDays: t.int({
      description:
        'Working tokens holding permissions they did not use in this many days: their suggestedGrants would remove something.',
    }),
  }),
});

/** A filter's number of days, 1 to ten years; otherwise BAD_USER_INPUT naming it. */
function filterDays(days: number, field: string): number {
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    throw badUserInput(`${field} must be a whole number of days between 1 and 3650.`, field);
  return days;
}

const daysAfter = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000);

const ServiceTokenSortField = builder.enumType('ServiceTokenSortField', {
  values: {
    CREATED_AT: { value: 'created_at' },
    NAME: { value: 'name' },
    LAST_USED_AT: { value: 'last_used_at' },
    EXPIRES_AT: { value: 'expires_at' },
  } as const,
});
const SortDirection = builder.enumType('SortDirection', {
  values: { ASC: { value: 'asc' }, DESC: { value: 'desc' } } as const,
});

const ServiceTokenSortInput = builder.inputType('ServiceTokenSort', {
  description:
    'Never-used tokens (and tokens without expiry) sort first ascending, last descending.',
  fields: (t) => ({
    field: t.field({ type: ServiceTokenSortField, required: true }),
    direction: t.field({ type: SortDirection, defaultValue: 'asc' }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ServiceToken,
    nullable: false,
    description:
      'The token making this request: its expiry, last use, grants and what they allow (see `can`).',
    authz: 'authenticated',
    resolve: (_root, _args, context) => requireCallerToken(principalOf(context), 'Query.viewer'),
  }),
  serviceTokens: t.field({
    type: ServiceTokenConnection,
    description:
      "The inventory of the account's tokens: filtered, sorted (by id when no sort is given), paginated.",
    args: {
      ...pageArgs,
      filter: t.arg({ type: ServiceTokenFilterInput }),
      sort: t.arg({ type: ServiceTokenSortInput }),
    },
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: async (_root, args, context) => {
      const { account } = principalOf(context);
      const clock = context.now();
      const now = clock.toISOString();
      const within = args.filter?.expiringWithinDays;
      const unusedFor = args.filter?.unusedForDays;
      const overGrantedFor = args.filter?.overGrantedForDays;
      const states = args.filter?.states?.map(
        (state) => state.toLowerCase() as 'active' | 'revoked' | 'expired',
      );
      const filter: ServiceTokenFilter = {
        states,
        expiringBefore: [
          args.filter?.expiringBefore?.toISOString(),
          within == null
            ? undefined
            : daysAfter(clock, filterDays(within, 'filter.expiringWithinDays')).toISOString(),
        ]
          .filter((value) => value !== undefined)
          .sort()[0],
        expiringAfter: within == null ? undefined : now,
        unusedSince:
          unusedFor == null
            ? undefined
            : daysAfter(clock, -filterDays(unusedFor, 'filter.unusedForDays')).toISOString(),
        tokenIds:
          overGrantedFor == null
            ? undefined
            : await overGrantedTokenIds(
                context.db,
                account,
                filterDays(overGrantedFor, 'filter.overGrantedForDays'),
                clock,
              ),
        lastUsedBefore: args.filter?.lastUsedBefore?.toISOString(),
        neverUsed: args.filter?.neverUsed,
        permissionSet: args.filter?.permissionSet,
        projectId:
          args.filter?.projectId == null
            ? null
            : parseId(args.filter.projectId, 'filter.projectId'),
      };
      const sort: ServiceTokenSort = args.sort
        ? { field: args.sort.field, direction: args.sort.direction ?? 'asc' }
        : { field: 'created_at', direction: 'asc' };
      return resolveConnection(
        args,
        (page) => listServiceTokens(context.db, account.id, filter, sort, page, now),
        () => countServiceTokens(context.db, account.id, filter, now),
        (token) => sortValueOf(token, sort.field),
      );
    },
  }),
  serviceToken: t.field({
    type: ServiceToken,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: (_root, { id }, context) => tokenOfAccount(id, context),
  }),
}));

const CreateServiceTokenInput = builder.inputType('CreateServiceTokenInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    permissions: t.field({ type: [PermissionGrantInput], required: true }),
    expiresAt: t.field({
      type: DateTime,
      description: "Null: never (unless the account's policy requires an expiry).",
    }),
    allowedCidrs: t.stringList({
      description: "Addresses it may be used from, besides the account's IP restrictions.",
    }),
    allowNoGrants: t.boolean({
      description:
        "With `permissions: []`: create the token with no grants; it can do nothing until setServiceTokenGrants gives it some (how dbt Cloud's REST API and its Terraform provider create tokens).",
    }),
  }),
});

const TokenWithSecret = builder
  .objectRef<{ token: string; serviceToken: ServiceTokenRow }>('ServiceTokenWithSecret')
  .implement({
    description:
      'A token and its secret: returned only when the secret is created (creation, rotation).',
    fields: (t) => ({
      token: t.exposeString('token', {
        nullable: false,
        description: 'The secret. Store it now: it is not stored and cannot be shown again.',
      }),
      serviceToken: t.expose('serviceToken', {
        type: ServiceToken,
        nullable: false,
        authz: 'parent',
      }),
    }),
  });

builder.mutationFields((t) => ({
  createServiceToken: t.field({
    type: TokenWithSecret,
    args: { input: t.arg({ type: CreateServiceTokenInput, required: true }) },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const principal = principalOf(context);
      const permissions = grantInputs(input.permissions, 'input.permissions');
      return auditedWrite(context, 'createServiceToken', async (trx) => {
        const created = await issueServiceToken(trx, {
          account: principal.account,
          name: input.name,
          permissions,
          expiresAt: input.expiresAt,
          allowedCidrs: input.allowedCidrs,
          createdByTokenId: callerToken(principal)?.id ?? null,
          grantedBy: principal.access,
          now: context.now(),
          allowNoGrants: input.allowNoGrants ?? false,
        });
        const { id, name, expires_at } = created.serviceToken;
        // The audit entry records the grants, never the secret.
        const details = {
          name,
          permissions: created.grants.map(grantSummary),
          expiresAt: expires_at,
        };
        return { result: created, target: { type: 'ServiceToken', id, details } };
      });
    },
  }),
  rotateServiceToken: t.field({
    type: TokenWithSecret,
    description:
      'A new secret for the token, same name and grants. The old secret keeps working for graceSeconds (0: stops now), for ordinary calls only: it can never change its own token. A token may rotate itself with its current secret, and may then only shorten its expiry.',
    args: {
      id: t.arg.id({ required: true }),
      graceSeconds: t.arg.int({ required: true }),
      expiresAt: t.arg({
        type: DateTime,
        description:
          'A new expiry; left out: unchanged. A token rotating itself without service_tokens write may only bring it closer.',
      }),
    },
    authz: { resource: 'service_tokens', action: 'write', orSelf: (args) => args.id },
    resolve: async (_root, { id, graceSeconds, expiresAt }, context) => {
      const token = await tokenOfAccount(id, context);
      refuseLongerSelfExpiry(token, expiresAt, context);
      return auditedWrite(context, 'rotateServiceToken', async (trx) => {
        const rotated = await rotateServiceToken(trx, {
          token,
          graceSeconds,
          ...(expiresAt === undefined ? {} : { expiresAt }),
          now: context.now(),
        });
        return {
          result: rotated,
          target: {
            type: 'ServiceToken',
            id: token.id,
            details: {
              graceSeconds,
              previousHint: token.token_hint,
              hint: rotated.serviceToken.token_hint,
              expiresAt: rotated.serviceToken.expires_at,
            },
          },
        };
      });
    },
  }),
  revokeServiceToken: t.field({
    type: ServiceToken,
    description:
      'Revokes the token; its very next request is refused. Refused when it would leave the account without a working Account Admin token.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const token = await tokenOfAccount(id, context);
      return auditedWrite(context, 'revokeServiceToken', async (trx) => {
        const revoked = await keepingAnAdminToken(
          trx,
          { accountId: token.account_id, now: context.now(), field: 'id' },
          (locked) => revokeServiceToken(locked, token.id, context.now().toISOString()),
        );
        return {
          result: revoked,
          target: { type: 'ServiceToken', id: token.id, details: { name: token.name } },
        };
      });
    },
  }),
  renameServiceToken: t.field({
    type: ServiceToken,
    args: { id: t.arg.id({ required: true }), name: t.arg.string({ required: true }) },
    authz: { resource: 'service_tokens', action: 'write', token: (args) => args.id },
    resolve: async (_root, { id, name }, context) => {
      const token = await tokenOfAccount(id, context);
      const newName = validTokenName(name);
      return auditedWrite(context, 'renameServiceToken', async (trx) => {
        const renamed = await updateServiceToken(trx, token.id, { name: newName });
        return {
          result: renamed,
          target: {
            type: 'ServiceToken',
            id: token.id,
            details: { from: token.name, to: newName },
          },
        };
      });
    },
  }),
  setServiceTokenAllowedCidrs: t.field({
    type: ServiceToken,
    description:
      "Limits where the token may be used from (besides the account's IP restrictions); [] removes the limit.",
    args: { id: t.arg.id({ required: true }), allowedCidrs: t.arg.stringList({ required: true }) },
    authz: { resource: 'service_tokens', action: 'write', token: (args) => args.id },
    resolve: async (_root, { id, allowedCidrs }, context) => {
      const token = await tokenOfAccount(id, context);
      const cidrs = validAllowedCidrs(allowedCidrs, 'allowedCidrs');
      const self = token.id === callerToken(principalOf(context))?.id;
      if (
        self &&
        cidrs.length > 0 &&
        !isAddressAllowed(
          cidrs.map((cidr) => ({ kind: 'allow', cidr })),
          context.clientIp,
        )
      ) {
        throw badUserInput(
          `This token could no longer be used from this request's address (${context.clientIp ?? 'unknown'}).`,
          'allowedCidrs',
        );
      }
      return auditedWrite(context, 'setServiceTokenAllowedCidrs', async (trx) => {
        const updated = await updateServiceToken(trx, token.id, { allowedCidrs: cidrs });
        return {
          result: updated,
          target: {
            type: 'ServiceToken',
            id: token.id,
            details: { before: token.allowed_cidrs, after: cidrs.join(',') },
          },
        };
      });
    },
  }),
  revokeLeakedToken: t.field({
    type: builder.objectRef<{ revoked: boolean }>('RevokeLeakedTokenPayload').implement({
      fields: (f) => ({
        revoked: f.exposeBoolean('revoked', {
          nullable: false,
          description: 'Whether the string was a live token of this gateway that is now revoked.',
        }),
      }),
    }),
    nullable: false,
    description:
      "Revokes a token whose secret was found where it should not be. Anyone holding the string may call it, without authentication; rate limited per client address. Recorded in the owning account's audit log.",
    args: { token: t.arg.string({ required: true }) },
    authz: 'public',
    resolve: async (_root, { token: secret }, context) => {
      const now = context.now();
      const limit = await context.leakReports.hit(context.clientIp ?? 'unknown', now);
      if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);
      if (!isWellFormedToken(secret))
        throw badUserInput('This is not a Tollgate token (wrong format or checksum).', 'token');
      const token = await findTokenBySecretHash(context.db, hashToken(secret), now.toISOString());
      if (!token || token.revoked_at !== null) return { revoked: false };
      await inTransaction(context.db, async (trx) => {
        await revokeServiceToken(trx, token.id, now.toISOString());
        await insertAuditEntry(trx, {
          account_id: token.account_id,
          occurred_at: now.toISOString(),
          actor_token_id: null,
          action: 'revokeLeakedToken',
          target_type: 'ServiceToken',
          target_id: String(token.id),
          outcome: 'success',
          client_ip: context.clientIp,
          details: JSON.stringify({ hint: tokenHint(secret), name: token.name }),
        });
      });
      return { revoked: true };
    },
  }),
}));
