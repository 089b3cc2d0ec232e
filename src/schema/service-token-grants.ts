import { auditedWrite } from '../audit.js';
import { grantsFromInput } from '../auth/grant-input.js';
import { keepingAnAdminToken } from '../auth/service-tokens.js';
import { type Context, principalOf } from '../context.js';
import { deleteGrants, insertGrants, listGrantsOf, type StoredGrant } from '../db/grants.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';
import { badUserInput } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { grantInputs, grantSummary, PermissionGrantInput } from './grant.js';
import { ServiceToken, tokenOfAccount } from './service-token.js';

// Changing the grants of an existing token. Its grants at creation come with createServiceToken.

/** Replaces or extends a token's grants in one transaction, audited with before and after. */
async function changeGrants(
  context: Context,
  action: string,
  id: string | number,
  change: (current: readonly StoredGrant[], trx: Context['db']) => Promise<void>,
): Promise<ServiceTokenRow> {
  const token = await tokenOfAccount(id, context);
  return auditedWrite(context, action, async (outer) => {
    const { before, after } = await keepingAnAdminToken(
      outer,
      { accountId: token.account_id, now: context.now(), field: 'id' },
      async (trx) => {
        const before = (await listGrantsOf(trx, 'SERVICE_TOKEN', [token.id])).get(token.id) ?? [];
        await change(before, trx);
        const after = (await listGrantsOf(trx, 'SERVICE_TOKEN', [token.id])).get(token.id) ?? [];
        if (after.length === 0)
          throw badUserInput('A token keeps at least one grant; revoke it instead.', 'grantIds');
        return { before, after };
      },
    );
    return {
      result: token,
      target: {
        type: 'ServiceToken',
        id: token.id,
        details: { before: before.map(grantSummary), after: after.map(grantSummary) },
      },
    };
  });
}

builder.mutationFields((t) => ({
  addServiceTokenGrants: t.field({
    type: ServiceToken,
    description: 'Adds grants to a token. Nobody grants what they do not hold themselves.',
    args: {
      id: t.arg.id({ required: true }),
      permissions: t.arg({ type: [PermissionGrantInput], required: true }),
    },
    authz: { resource: 'service_tokens', action: 'write', token: (args) => args.id },
    resolve: (_root, { id, permissions }, context) => {
      const { account, access } = principalOf(context);
      return changeGrants(context, 'addServiceTokenGrants', id, async (_current, trx) => {
        const tokenId = parseId(id, 'id');
        const grants = await grantsFromInput(
          trx,
          account,
          grantInputs(permissions, 'permissions'),
          { grantedBy: access, field: 'permissions' },
        );
        await insertGrants(trx, 'SERVICE_TOKEN', tokenId, grants);
      });
    },
  }),
  removeServiceTokenGrants: t.field({
    type: ServiceToken,
    args: { id: t.arg.id({ required: true }), grantIds: t.arg.idList({ required: true }) },
    authz: { resource: 'service_tokens', action: 'write', token: (args) => args.id },
    resolve: (_root, { id, grantIds }, context) =>
      changeGrants(context, 'removeServiceTokenGrants', id, async (current, trx) => {
        const ids = grantIds.map((grantId) => parseId(grantId, 'grantIds'));
        const unknown = ids.find((grantId) => !current.some((grant) => grant.id === grantId));
        if (unknown !== undefined)
          throw badUserInput(`Grant ${unknown} is not a grant of this token.`, 'grantIds');
        await deleteGrants(trx, 'SERVICE_TOKEN', current[0]!.holderId, ids);
      }),
  }),
  setServiceTokenGrants: t.field({
    type: ServiceToken,
    description:
      'Replaces all grants of a token at once (for infrastructure as code). Nobody grants what they do not hold.',
    args: {
      id: t.arg.id({ required: true }),
      permissions: t.arg({ type: [PermissionGrantInput], required: true }),
    },
    authz: { resource: 'service_tokens', action: 'write', token: (args) => args.id },
    resolve: (_root, { id, permissions }, context) => {
      const { account, access } = principalOf(context);
      return changeGrants(context, 'setServiceTokenGrants', id, async (_current, trx) => {
        const tokenId = parseId(id, 'id');
        const grants = await grantsFromInput(
          trx,
          account,
          grantInputs(permissions, 'permissions'),
          { grantedBy: access, field: 'permissions' },
        );
        await deleteGrants(trx, 'SERVICE_TOKEN', tokenId, 'all');
        await insertGrants(trx, 'SERVICE_TOKEN', tokenId, grants);
      });
    },
  }),
}));
