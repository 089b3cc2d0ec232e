import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  valueFromASTUntyped,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { defaultPageSize } from '../db/pagination.js';

/** Limits on what one operation may ask for. */
export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
  readonly maxRootFields: number;
  /** Fields × the `first` of every enclosing list (variables included); see `operationCost`. */
  readonly maxCost: number;
}

export const defaultQueryLimits: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2000,
  maxDirectives: 20,
  maxRootFields: 20,
  maxCost: 50_000,
};

/**
 * Refusals say what is wrong, not where the limit is, so an attacker cannot tune a query to sit
 * just under it. The code is BAD_USER_INPUT: the query, not the server, is at fault.
 */
export function queryRejected(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', reason: 'query_limit', http: { status: 400 } },
  });
}

function armorOptions(message: string, n: number) {
  return {
    n,
    exposeLimits: false,
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null) => context?.reportError(queryRejected(message))],
  };
}

function rootFieldLimit(max: number) {
  return (context: ValidationContext) => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      if (operation.selectionSet.selections.length > max) {
        context.reportError(
          queryRejected('The operation asks for too many root fields; split it.'),
        );
      }
    },
  });
}

/**
 * The cost of an operation: every field counts 1, multiplied by the `first` of each enclosing
 * field that takes one (its default page size when absent). Variables are resolved, so a
 * variable `first` counts for what it is.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): { cost: number; dependsOnVariables: boolean } {
  let dependsOnVariables = false;
  const root = schema.getRootType(operation.operation);
  const visiting = new Set<string>();
  const costOf = (selectionSet: SelectionSetNode, type: GraphQLNamedType | undefined): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += fieldCost(selection, type);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : type;
        cost += costOf(selection.selectionSet, condition ?? type);
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || visiting.has(fragment.name.value)) continue;
        visiting.add(fragment.name.value);
        cost += costOf(
          fragment.selectionSet,
          schema.getType(fragment.typeCondition.name.value) ?? type,
        );
        visiting.delete(fragment.name.value);
      }
    }
    return cost;
  };
  const fieldCost = (node: FieldNode, parent: GraphQLNamedType | undefined): number => {
    const definition: GraphQLField<unknown, unknown> | undefined =
      parent && isObjectType(parent) ? parent.getFields()[node.name.value] : undefined;
    if (!node.selectionSet) return 1;
    const firstArgument = node.arguments?.find((argument) => argument.name.value === 'first');
    if (firstArgument?.value.kind === Kind.VARIABLE) dependsOnVariables = true;
    const takesFirst =
      definition?.args.some((argument) => argument.name === 'first') ?? firstArgument !== undefined;
    const first = firstArgument
      ? Number(valueFromASTUntyped(firstArgument.value, variables))
      : defaultPageSize;
    const multiplier = takesFirst
      ? Math.max(1, Number.isFinite(first) ? first : defaultPageSize)
      : 1;
    const child = definition ? getNamedType(definition.type) : undefined;
    return (
      1 +
      multiplier * costOf(node.selectionSet, child && isCompositeType(child) ? child : undefined)
    );
  };
  return { cost: root ? costOf(operation.selectionSet, root) : 0, dependsOnVariables };
}

/** graphql-armor's validation plugins, our root-field rule, and the cost check (it needs variables). */
export function queryLimitPlugins(limits: QueryLimits): Plugin[] {
  // Most documents do not pass `first` through variables: their cost is computed once.
  const fixedCosts = new WeakMap<DocumentNode, Map<string, number>>();
  return [
    maxDepthPlugin({
      ...armorOptions('The query is nested too deeply.', limits.maxDepth),
      ignoreIntrospection: true,
      flattenFragments: true,
    }),
    maxAliasesPlugin({
      ...armorOptions('The query uses too many aliases.', limits.maxAliases),
      allowList: [],
    }),
    {
      // graphql-armor's token-counting parser, with our refusal in place of its syntax error.
      onParse({ setParseFn }) {
        setParseFn((source, options) =>
          new MaxTokensParserWLexer(source, {
            ...options,
            n: limits.maxTokens,
            onReject: [
              () => {
                throw queryRejected('The query is too long.');
              },
            ],
          } as never).parseDocument(),
        );
      },
    },
    maxDirectivesPlugin({
      ...armorOptions('The query uses too many directives.', limits.maxDirectives),
    }),
    {
      onValidate({ addValidationRule }) {
        addValidationRule(rootFieldLimit(limits.maxRootFields));
      },
      onExecute({ args }) {
        const document = args.document as DocumentNode;
        const key = args.operationName ?? '';
        let cost = fixedCosts.get(document)?.get(key);
        if (cost === undefined)
          cost = costOfOperation(
            document,
            args.operationName,
            args.schema,
            args.variableValues ?? {},
            fixedCosts,
          );
        if (cost > limits.maxCost) {
          throw queryRejected(
            'The query asks for too much at once; ask for fewer items (first) or fewer nested lists.',
          );
        }
      },
    },
  ];
}

function costOfOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  schema: GraphQLSchema,
  variables: Record<string, unknown>,
  fixedCosts: WeakMap<DocumentNode, Map<string, number>>,
): number {
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!operationName || definition.name?.value === operationName),
  );
  if (!operation) return 0;
  const fragments = Object.fromEntries(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode =>
          definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const { cost, dependsOnVariables } = operationCost(schema, operation, fragments, variables);
  if (!dependsOnVariables) {
    const byOperation = fixedCosts.get(document) ?? new Map<string, number>();
    byOperation.set(operationName ?? '', cost);
    fixedCosts.set(document, byOperation);
  }
  return cost;
}
