import { filterSchema, pruneSchema } from '@graphql-tools/utils';
import {
  type DocumentNode,
  execute,
  FieldsOnCorrectTypeRule,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  Kind,
  KnownArgumentNamesRule,
  KnownTypeNamesRule,
  type OperationDefinitionNode,
  type SelectionSetNode,
  ValuesOfCorrectTypeRule,
  validate,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../auth/caller.js';
import type { Principal } from '../auth/principal.js';
import { permissionNeeded, requirementOf } from '../auth/requirements.js';
import { actions, allowsOnAccount, allowsSomewhere } from '../catalog/access.js';
import {
  type AccountResource,
  isAccountResource,
  type ProjectResource,
  resourceIds,
} from '../catalog/matrix.js';
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

/** Whether the field can be of use to a principal that holds these pairs somewhere. */
function keeps(
  field: { extensions?: GraphQLField<unknown, unknown>['extensions'] | null },
  pairs: Set<string>,
): boolean {
  const needed = permissionNeeded(requirementOf(field));
  return needed === null || pairs.has(`${needed.resource}:${needed.action}`);
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
  if (!bySignature) {
    bySignature = new Map();
    cache.set(schema, bySignature);
  }
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

/** Whether the operation asks for __schema or __type, at its root or through fragments there. */
function asksForSchema(document: DocumentNode, operationName: string | null | undefined): boolean {
  const fragments = new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode =>
          definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!operationName || definition.name?.value === operationName),
  );
  const seen = new Set<string>();
  const inSelections = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD)
        return selection.name.value === '__schema' || selection.name.value === '__type';
      if (selection.kind === Kind.INLINE_FRAGMENT) return inSelections(selection.selectionSet);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return false;
      seen.add(fragment.name.value);
      return inSelections(fragment.selectionSet);
    });
  return operation !== undefined && inSelections(operation.selectionSet);
}

const suggestion = /\s*Did you mean .*\?$/;

/** The rules whose messages suggest names: fields, types, arguments, input fields, enum values. */
const suggestingRules = [
  FieldsOnCorrectTypeRule,
  KnownTypeNamesRule,
  KnownArgumentNamesRule,
  ValuesOfCorrectTypeRule,
];

/** The error with its "Did you mean" suggestion replaced (`''`: dropped). */
function withSuggestion(
  error: GraphQLError | { message: string; extensions?: Record<string, unknown> },
  replacement: string,
): GraphQLError {
  const source = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError(error.message.replace(suggestion, replacement), {
    nodes: source?.nodes,
    source: source?.source,
    positions: source?.positions,
    path: source?.path,
    extensions: error.extensions,
  });
}

/**
 * The result with every "Did you mean" suggestion drawn from `view` instead of the full schema:
 * graphql-js suggests from the schema it validated against, which for a restricted token names
 * fields and types the token's introspection never shows. Without a view (anonymous callers)
 * suggestions are dropped. An error the view reports differently (its type is absent there) loses
 * its suggestion.
 */
function suggestingWithin(
  result: unknown,
  viewOf: () => { view: GraphQLSchema; document: DocumentNode } | undefined,
): unknown {
  const errors = (result as { errors?: readonly GraphQLError[] } | null)?.errors;
  if (!errors?.some((error) => suggestion.test(error.message))) return result;
  // Only now: most results have no suggestion, and the view costs a lookup of the grants.
  const checked = viewOf();
  // What the caller's own view suggests, by position: the message without its suggestion, and
  // the suggestion. Our reshaped input errors put the input path before graphql-js's words.
  const fromView = new Map<string, { message: string; suggestion: string }[]>();
  if (checked) {
    for (const error of validate(checked.view, checked.document, suggestingRules)) {
      const key = positionOf(error);
      const entries = fromView.get(key) ?? [];
      entries.push({
        message: error.message.replace(suggestion, ''),
        suggestion: suggestion.exec(error.message)?.[0] ?? '',
      });
      fromView.set(key, entries);
    }
  }
  return {
    ...(result as object),
    errors: errors.map((error) => {
      if (!suggestion.test(error.message)) return error;
      const message = error.message.replace(suggestion, '');
      // Only a GraphQLError has a position to match; anything else loses its suggestion.
      const same = (
        error instanceof GraphQLError ? fromView.get(positionOf(error)) : undefined
      )?.find((entry) => message === entry.message || message.endsWith(`: ${entry.message}`));
      return withSuggestion(error, same?.suggestion ?? '');
    }),
  };
}

function positionOf(error: GraphQLError): string {
  const location = error.locations?.[0];
  return location ? `${location.line}:${location.column}` : '';
}

/**
 * Introspection by who is asking: anonymous callers get none in production and never "Did you
 * mean" suggestions; a token gets the schema as it may use it, and suggestions only from that
 * view. Decided at execution and on the result (not by a validation rule) so that cached
 * validation results are the same for everyone.
 */
export function introspectionPlugin({
  production,
  callerOf,
}: {
  production: boolean;
  /** The caller identified for the request. */
  callerOf: (request: Request) => Caller;
}): Plugin<Context> {
  // Per document and operation: whether it asks for the schema (computed once per document).
  const asking = new WeakMap<DocumentNode, Map<string, boolean>>();
  // The schema and document each request was validated against, for its suggestions.
  const validated = new WeakMap<Request, { schema: GraphQLSchema; document: DocumentNode }>();
  return {
    onValidate({ params, context }) {
      const { request } = context as { request?: Request };
      if (request) validated.set(request, { schema: params.schema, document: params.documentAST });
    },
    onExecute({ args, setExecuteFn }) {
      const document = args.document as DocumentNode;
      const byOperation = asking.get(document) ?? new Map<string, boolean>();
      asking.set(document, byOperation);
      let asks = byOperation.get(args.operationName ?? '');
      if (asks === undefined) {
        asks = asksForSchema(document, args.operationName);
        byOperation.set(args.operationName ?? '', asks);
      }
      if (!asks) return;
      const { principal } = args.contextValue as Context;
      if (principal) {
        setExecuteFn((executionArgs) =>
          execute({ ...executionArgs, schema: schemaFor(executionArgs.schema, principal) }),
        );
      } else if (production) {
        throw new GraphQLError('Introspection needs a token.', {
          extensions: {
            code: 'UNAUTHENTICATED',
            http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="tollgate"' } },
          },
        });
      }
    },
    onResultProcess({ request, result, setResult }) {
      const { principal } = callerOf(request);
      const checked = validated.get(request);
      const shaped = suggestingWithin(result, () =>
        principal && checked
          ? { view: schemaFor(checked.schema, principal), document: checked.document }
          : undefined,
      );
      if (shaped !== result) setResult(shaped as typeof result);
    },
  };
}
