import { auditedWrite } from '../audit.js';
import type { Grant } from '../catalog/access.js';
import { issueServiceToken, validTokenName } from '../auth/issue-token.js';
import { principalOf, type Context } from '../context.js';
import type { ServiceToken as ServiceTokenRow } from '../db/database.js';
import {
  countServiceTokens,
  listServiceTokens,
  renameServiceToken,
  revokeServiceToken,
} from '../db/service-tokens.js';
import { notFound } from '../errors.js';
import { Account } from './account.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './connection.js';
import { parseId } from './ids.js';
import { PermissionSet, PermissionSetIdEnum, WritableEnvironmentCategoryEnum } from './permission-set.js';
import { DateTime } from './scalars.js';

export const PermissionGrant = builder.objectRef<Grant>('PermissionGrant').implement({
  description: 'One permission set held by a token or a group, on every project or on the listed ones.',
  fields: (t) => ({
    permissionSet: t.field({ type: PermissionSet, nullable: false, resolve: (grant) => grant.permissionSet, authz: 'parent' }),
    allProjects: t.boolean({
      nullable: false,
      description: 'True for grants on every project, and always for account-level sets.',
      resolve: (grant) => grant.projectIds === null,
      authz: 'parent',
    }),
    projectIds: t.idList({
      nullable: false,
      description: 'The projects of a grant on specific projects; empty when allProjects.',
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

const ServiceTokenState = builder.enumType('ServiceTokenState', {
  values: { ACTIVE: { description: 'Accepted.' }, REVOKED: { description: 'Refused on every request.' } } as const,
});

export const ServiceToken = builder.objectRef<ServiceTokenRow>('ServiceToken').implement({
  description: 'A service account token. Its secret is shown once, at creation, and never again.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    displayHint: t.exposeString('token_hint', {
      nullable: false,
      description: 'The prefix and last four characters of the secret, e.g. "tgs_…a1B2".',
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    revokedAt: t.expose('revoked_at', { type: DateTime }),
    state: t.field({
      type: ServiceTokenState,
      nullable: false,
      resolve: (token) => (token.revoked_at === null ? 'ACTIVE' : 'REVOKED'),
      authz: 'parent',
    }),
    grants: t.field({
      type: [PermissionGrant],
      nullable: false,
      authz: 'parent',
      resolve: (token, _args, context) =>
        token.id === context.principal?.token.id ? context.principal.grants : context.loaders.grantsOfToken.load(token.id),
    }),
    account: t.field({
      type: Account,
      nullable: false,
      description: 'The account that owns the token (always the caller\'s own).',
      authz: 'authenticated',
      resolve: (_token, _args, context) => principalOf(context).account,
    }),
  }),
});

const ServiceTokenConnection = connectionType(ServiceToken, 'ServiceToken');

async function tokenOfAccount(id: string, context: Context): Promise<ServiceTokenRow> {
  const token = await context.loaders.serviceToken.load(parseId(id, 'id'));
  if (!token) throw notFound(`Service token ${id}`);
  return token;
}

builder.queryFields((t) => ({
  viewer: t.field({
    type: ServiceToken,
    nullable: false,
    description: 'The token making this request.',
    authz: 'authenticated',
    resolve: (_root, _args, context) => principalOf(context).token,
  }),
  serviceTokens: t.field({
    type: ServiceTokenConnection,
    args: pageArgs,
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: (_root, args, context) => {
      const { account } = principalOf(context);
      return resolveConnection(
        args,
        (page) => listServiceTokens(context.db, account.id, page),
        () => countServiceTokens(context.db, account.id),
      );
    },
  }),
  serviceToken: t.field({
    type: ServiceToken,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: (_root, { id }, context) => tokenOfAccount(String(id), context),
  }),
}));

export const PermissionGrantInput = builder.inputType('PermissionGrantInput', {
  description:
    'A permission set to grant. Project-level sets need allProjects: true or projectIds; account-level sets always apply to the whole account.',
  fields: (t) => ({
    permissionSet: t.field({ type: PermissionSetIdEnum, required: true }),
    allProjects: t.boolean(),
    projectIds: t.idList(),
    writableEnvironmentCategories: t.field({
      type: [WritableEnvironmentCategoryEnum],
      description: 'Only for sets that accept it (analyst, database_admin, developer, git_admin, team_admin).',
    }),
  }),
});

const CreateServiceTokenInput = builder.inputType('CreateServiceTokenInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    permissions: t.field({ type: [PermissionGrantInput], required: true }),
  }),
});

const CreateServiceTokenPayload = builder
  .objectRef<{ token: string; serviceToken: ServiceTokenRow }>('CreateServiceTokenPayload')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', {
        nullable: false,
        description: 'The secret. Store it now: it is not stored and cannot be shown again.',
      }),
      serviceToken: t.expose('serviceToken', { type: ServiceToken, nullable: false, authz: 'parent' }),
    }),
  });

builder.mutationFields((t) => ({
  createServiceToken: t.field({
    type: CreateServiceTokenPayload,
    args: { input: t.arg({ type: CreateServiceTokenInput, required: true }) },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const principal = principalOf(context);
      const permissions = input.permissions.map((grant, index) => ({
        permissionSet: grant.permissionSet,
        allProjects: grant.allProjects,
        projectIds: grant.projectIds?.map((id) => parseId(id, `input.permissions[${index}].projectIds`)),
        writableEnvironmentCategories: grant.writableEnvironmentCategories,
      }));
      return auditedWrite(context, 'createServiceToken', async (trx) => {
        const created = await issueServiceToken(trx, {
          account: principal.account,
          name: input.name,
          permissions,
          createdByTokenId: principal.token.id,
          now: context.now(),
        });
        const { id, name } = created.serviceToken;
        // The audit entry records the grants, never the secret.
        return { result: created, target: { type: 'ServiceToken', id, details: { name, permissions } } };
      });
    },
  }),
  revokeServiceToken: t.field({
    type: ServiceToken,
    description: 'Revokes the token; its very next request is refused.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const token = await tokenOfAccount(String(id), context);
      return auditedWrite(context, 'revokeServiceToken', async (trx) => {
        const revoked = (await revokeServiceToken(trx, token.account_id, token.id, context.now().toISOString()))!;
        return { result: revoked, target: { type: 'ServiceToken', id: token.id, details: { name: token.name } } };
      });
    },
  }),
  renameServiceToken: t.field({
    type: ServiceToken,
    args: { id: t.arg.id({ required: true }), name: t.arg.string({ required: true }) },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { id, name }, context) => {
      const token = await tokenOfAccount(String(id), context);
      const newName = validTokenName(name);
      return auditedWrite(context, 'renameServiceToken', async (trx) => {
        const renamed = (await renameServiceToken(trx, token.account_id, token.id, newName))!;
        return { result: renamed, target: { type: 'ServiceToken', id: token.id, details: { from: token.name, to: newName } } };
      });
    },
  }),
}));
