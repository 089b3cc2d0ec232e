import { filterSchema, pruneSchema } from '@graphql-tools/utils';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  execute,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { FieldAuthz } from '../auth/authz-plugin.js';
import type { Principal } from '../auth/principal.js';
import { actions, allowsOnAccount, allowsSomewhere } from '../catalog/access.js';
import { isAccountResource, resourceIds, type AccountResource, type ProjectResource, type Resource } from '../catalog/matrix.js';
import type { Context } from '../context.js';

/** The (resource, action) pairs the principal's grants allow anywhere: all that decides what it can reach. */
function reachable(principal: Principal): Set<string> {
  const pairs = new Set<string>();
  for (const resource of resourceIds) {
    for (const action of actions) {
      const allowed = isAccountResource(resource)
        ? allowsOnAccount(principal.access, resource as AccountResource, action)
        : allowsSomewhere(principal.access, resource as ProjectResource, action);
      if (allowed) pairs.add(`${resource}:${action}`);
    }
  }
  return pairs;
}

function keeps(field: { extensions?: GraphQLField<unknown, unknown>['extensions'] | null }, pairs: Set<string>): boolean {
  const authz = field.extensions?.authz as FieldAuthz | undefined;
  if (authz === undefined || typeof authz === 'string') return true;
  if ('orSelf' in authz && authz.orSelf) return true;
  return pairs.has(`${authz.resource as Resource}:${authz.action}`);
}

const cache = new WeakMap<GraphQLSchema, Map<string, GraphQLSchema>>();

/**
 * The schema as this principal may use it: fields and mutations its grants can never reach are
 * absent, and types left unreachable are pruned. Cached per schema and per distinct set of
 * reachable permissions, so tokens with the same grants share one copy.
 */
export function schemaFor(schema: GraphQLSchema, principal: Principal): GraphQLSchema {
  const pairs = reachable(principal);
  const signature = [...pairs].sort().join(' ');
  let bySignature = cache.get(schema);
  if (!bySignature) cache.set(schema, (bySignature = new Map()));
  let filtered = bySignature.get(signature);
  if (!filtered) {
    filtered = pruneSchema(
      filterSchema({
        schema,
        rootFieldFilter: (_operation, _name, field) => keeps(field, pairs),
        objectFieldFilter: (_type, _name, field) => keeps(field, pairs),
      }),
    );
    bySignature.set(signature, filtered);
  }
  return filtered;
}

function asksForSchema(document: DocumentNode): boolean {
  return document.definitions.some(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (definition as OperationDefinitionNode).selectionSet.selections.some(
        (selection) => selection.kind === Kind.FIELD && (selection.name.value === '__schema' || selection.name.value === '__type'),
      ),
  );
}

const suggestion = /\s*Did you mean .*\?$/;

/**
 * Introspection by who is asking: anonymous callers get none in production (and no "Did you
 * mean" field suggestions anywhere); a token gets the schema as it may use it.
 */
export function introspectionPlugin({ production }: { production: boolean }): Plugin<Context> {
  return {
    onValidate({ context, addValidationRule }) {
      const anonymous = !context.principal;
      if (anonymous && production) addValidationRule(NoSchemaIntrospectionCustomRule);
      if (!anonymous) return;
      return ({ valid, result, setResult }) => {
        if (valid) return;
        setResult(
          result.map((error) =>
            suggestion.test(error.message)
              ? new GraphQLError(error.message.replace(suggestion, ''), { nodes: error.nodes, extensions: error.extensions })
              : error,
          ),
        );
      };
    },
    onExecute({ args, setExecuteFn }) {
      const principal = (args.contextValue as Context).principal;
      if (principal && asksForSchema(args.document as DocumentNode)) {
        setExecuteFn((executionArgs) => execute({ ...executionArgs, schema: schemaFor(executionArgs.schema, principal) }));
      }
    },
  };
}
