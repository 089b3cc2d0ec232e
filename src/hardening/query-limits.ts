import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import {
  type DirectiveNode,
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
  print,
  type SelectionSetNode,
  valueFromASTUntyped,
  visit,
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
  /** Fields of one selection set, its fragments spread in (default 150). */
  readonly maxSelectionFields?: number;
  /** Fields of one operation, every fragment spread counted each time it is spread (default 1,500). */
  readonly maxFields?: number;
}

export const defaultQueryLimits: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2000,
  maxDirectives: 20,
  maxRootFields: 20,
  maxCost: 50_000,
  maxSelectionFields: 150,
  maxFields: 1500,
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

/** The shape of a selection set once its fragments are spread in; numbers may be huge, never the work. */
interface Shape {
  /** Fields directly in the set (inline fragments and spreads flattened into it). */
  readonly width: number;
  /** Fields in the whole subtree, each spread counted every time. */
  readonly fields: number;
  readonly aliases: number;
  /** Deepest field level below (1 for a set of leaves); `__schema` is not counted (graphql-armor's rule). */
  readonly depth: number;
}

const emptyShape: Shape = { width: 0, fields: 0, aliases: 0, depth: 0 };

function addShapes(a: Shape, b: Shape): Shape {
  return {
    width: a.width + b.width,
    fields: a.fields + b.fields,
    aliases: a.aliases + b.aliases,
    depth: Math.max(a.depth, b.depth),
  };
}

/**
 * Measures every operation of a parsed document with its fragments spread in, in time linear in
 * the document: a fragment is measured once and its numbers reused wherever it is spread, so a
 * document that would expand to millions of fields costs no more than its text. Returns the
 * refusal to answer with, or null. Runs before graphql-js validation, whose overlapping-fields rule
 * is quadratic in the fields of a selection set: a query of 450 same-name root fields is refused
 * here instead of costing a validation pass.
 */
export function checkDocument(
  document: DocumentNode,
  limits: QueryLimits,
  knownDirectives: ReadonlySet<string>,
): GraphQLError | null {
  const maxWidth = limits.maxSelectionFields ?? defaultQueryLimits.maxSelectionFields!;
  const maxFields = limits.maxFields ?? defaultQueryLimits.maxFields!;

  // Directives first: one refusal for a flood of them, before anything reports each one.
  let directives = 0;
  let directiveProblem: string | null = null;
  const checkDirectives = (nodes: readonly DirectiveNode[] | undefined) => {
    if (!nodes || nodes.length === 0 || directiveProblem) return;
    directives += nodes.length;
    const seen = new Set<string>();
    for (const directive of nodes) {
      const name = directive.name.value;
      if (!knownDirectives.has(name)) directiveProblem = 'The query uses an unknown directive.';
      else if (seen.has(name)) directiveProblem = 'The query repeats a directive on one element.';
      seen.add(name);
    }
    if (directives > limits.maxDirectives) directiveProblem = 'The query uses too many directives.';
  };
  visit(document, {
    enter(node) {
      if ('directives' in node) checkDirectives(node.directives);
      if (directiveProblem) return false;
      return undefined;
    },
  });
  if (directiveProblem) return queryRejected(directiveProblem);

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const fragmentShapes = new Map<string, Shape>();
  // A fragment spreading itself is invalid; validation reports it, measuring counts it as empty.
  const measuring = new Set<string>();
  let problem: string | null = null;

  const measure = (selectionSet: SelectionSetNode): Shape => {
    let shape = emptyShape;
    for (const selection of selectionSet.selections) {
      if (problem) return shape;
      if (selection.kind === Kind.FIELD) {
        const child = selection.selectionSet ? measure(selection.selectionSet) : emptyShape;
        const counted = selection.name.value === '__schema' ? 0 : 1 + child.depth;
        shape = addShapes(shape, {
          width: 1,
          fields: 1 + child.fields,
          aliases: (selection.alias ? 1 : 0) + child.aliases,
          depth: counted,
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        shape = addShapes(shape, measure(selection.selectionSet));
      } else {
        const name = selection.name.value;
        let spread = fragmentShapes.get(name);
        if (!spread) {
          const fragment = fragments.get(name);
          if (!fragment || measuring.has(name)) continue;
          measuring.add(name);
          spread = measure(fragment.selectionSet);
          measuring.delete(name);
          fragmentShapes.set(name, spread);
        }
        shape = addShapes(shape, spread);
      }
    }
    if (shape.width > maxWidth)
      problem = 'The query asks for too many fields at one level; split it.';
    else if (shape.fields > maxFields) problem = 'The query asks for too many fields; split it.';
    return shape;
  };

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const shape = measure(definition.selectionSet);
    if (problem) return queryRejected(problem);
    if (shape.width > limits.maxRootFields)
      return queryRejected('The operation asks for too many root fields; split it.');
    if (shape.depth > limits.maxDepth) return queryRejected('The query is nested too deeply.');
    if (shape.aliases > limits.maxAliases) return queryRejected('The query uses too many aliases.');
  }
  return null;
}

/** Documents kept by their text without comments or layout; bounded like yoga's own cache. */
const canonicalCapacity = 1000;

/**
 * The parse step of a route: graphql-armor's token-counting parser (refusing long documents while
 * lexing), then `checkDocument`, then one document object per distinct text ignoring comments and
 * layout. yoga caches parsed documents by their exact text and validation results by document
 * object: without the last step, a comment changed per request would make every request parse and
 * validate anew. The one shared object also keeps graphql-jit's compiled plans and the cost cache.
 * (Locations in its errors are those of the first text seen; the first text of a cached key is
 * what validation reported on.)
 */
export function createDocumentParser(
  limits: QueryLimits,
  schema: GraphQLSchema,
): (source: string) => DocumentNode {
  const knownDirectives = new Set(schema.getDirectives().map((directive) => directive.name));
  const canonical = new Map<string, DocumentNode>();
  return (source) => {
    const document = new MaxTokensParserWLexer(source, {
      n: limits.maxTokens,
      onReject: [
        () => {
          throw queryRejected('The query is too long.');
        },
      ],
    } as never).parseDocument();
    const refusal = checkDocument(document, limits, knownDirectives);
    if (refusal) throw refusal;
    const key = print(document);
    const known = canonical.get(key);
    if (known) {
      // Most recently used last, so the oldest key is the first one to go.
      canonical.delete(key);
      canonical.set(key, known);
      return known;
    }
    if (canonical.size >= canonicalCapacity) canonical.delete(canonical.keys().next().value!);
    canonical.set(key, document);
    return document;
  };
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

/**
 * The route's limits: the structural ones while parsing (`createDocumentParser`), before any
 * validation rule runs; the cost when executing, as it depends on the variables.
 */
export function queryLimitPlugins(limits: QueryLimits, schema: GraphQLSchema): Plugin[] {
  // Most documents do not pass `first` through variables: their cost is computed once.
  const fixedCosts = new WeakMap<DocumentNode, Map<string, number>>();
  const parseDocument = createDocumentParser(limits, schema);
  return [
    {
      onParse({ setParseFn }) {
        setParseFn((source) => parseDocument(typeof source === 'string' ? source : source.body));
      },
    },
    {
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
