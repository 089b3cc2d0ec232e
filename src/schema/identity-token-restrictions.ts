import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { callerToken } from '../auth/principal.js';
import type { Context } from '../context.js';
import { parseId } from '../ids.js';

// A token obtained by exchangeIdentityToken lives as long as its trust policy says and no longer:
// it cannot be rotated (a new secret, maybe a new expiry), given more grants, or used to create
// tokens or trust policies (which would outlive it). The check wraps the mutations that could
// do so, inside their authorization rules (so a caller without the permission still gets
// FORBIDDEN naming it, and another account's token id is still NOT_FOUND) and inside the audit
// middleware (so a refusal is audited like any other).

/** Whose token each restricted mutation acts on: the caller's own, or the one its `id` names. */
const restricted: Readonly<Record<string, 'caller' | 'target'>> = {
  createServiceToken: 'caller',
  createIdentityTrustPolicy: 'caller',
  updateIdentityTrustPolicy: 'caller',
  rotateServiceToken: 'target',
  addServiceTokenGrants: 'target',
  setServiceTokenGrants: 'target',
};

function refusal(field: string, whose: 'caller' | 'target'): GraphQLError {
  return new GraphQLError(
    whose === 'caller'
      ? `Forbidden: a token obtained by exchanging an identity token cannot call ${field}.`
      : `Forbidden: a token obtained by exchanging an identity token cannot be rotated, extended or given more grants (${field}); exchange a new identity token instead.`,
    { extensions: { code: 'FORBIDDEN', reason: 'identity_token_restricted' } },
  );
}

/** Whether the account's token with this id was issued by an identity exchange. */
async function issuedByExchange(context: Context, id: unknown): Promise<boolean> {
  let tokenId: number;
  try {
    tokenId = parseId(id as string, 'id');
  } catch {
    return false; // the resolver refuses the id itself
  }
  // Scoped to the caller's account: another account's id loads nothing and is NOT_FOUND later.
  return (await context.loaders.identityOfToken.load(tokenId)) !== undefined;
}

/** The schema with the restricted mutations wrapped; everything else is left as it is. */
export function restrictIssuedTokens(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.MUTATION_ROOT_FIELD]: (config, fieldName) => {
      const whose = restricted[fieldName];
      const resolve = config.resolve as GraphQLFieldResolver<unknown, Context> | undefined;
      if (!whose || !resolve) return config;
      return {
        ...config,
        resolve: async (root, args: Record<string, unknown>, context: Context, info) => {
          const principal = context.principal;
          const id = whose === 'caller' ? callerToken(principal)?.id : args.id;
          if (principal && (await issuedByExchange(context, id))) throw refusal(fieldName, whose);
          return resolve(root, args, context, info);
        },
      };
    },
  });
}
