import {
  type ASTNode,
  coerceInputValue,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  isInputType,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  print,
  typeFromAST,
  type ValueNode,
  ValuesOfCorrectTypeRule,
  type VariableDefinitionNode,
  validate,
  visit,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { badUserInput, echoed, maxEcho } from '../errors.js';

// graphql-js reports a bad enum, scalar or input object value in its own words: a literal as a
// validation error (GRAPHQL_VALIDATION_FAILED, no field), a variable as a coercion error with no
// code at all (and graphql-jit's compiled coercion can name the wrong variable). Clients get
// every bad input the same way instead: BAD_USER_INPUT with `extensions.field`, the input path
// from the argument (`input.permissions[0].permissionSet`), as the resolvers report theirs.

/** Errors reported for one request at most. */
const maxErrors = 20;

/** Longest message kept whole: room for a short echo and graphql-js's own words around it. */
const maxMessage = 250;

/** graphql-js's message with the client's value cut short wherever it is repeated. */
function withShortEcho(message: string, shown: string): string {
  const shortened = shown.length > maxEcho ? message.split(shown).join(echoed(shown)) : message;
  // A value shown some other way (graphql-js prints objects its own way) is cut with the message.
  return shortened.length > maxMessage ? `${shortened.slice(0, maxMessage)}…` : shortened;
}

/** `input.permissions[0].permissionSet` from an argument name and the steps inside it. */
function inputPath(start: string, steps: readonly (string | number)[]): string {
  return steps.reduce<string>(
    (path, step) => (typeof step === 'number' ? `${path}[${step}]` : `${path}.${step}`),
    start,
  );
}

interface Places {
  /** The input path of each literal value in an argument. */
  readonly ofNode: Map<ASTNode, string>;
  /** Where each variable is first used as (part of) an argument value. */
  readonly ofVariable: Map<string, string>;
}

/** Walks every argument of the document (fields and directives, operations and fragments). */
function placesIn(document: DocumentNode): Places {
  const ofNode = new Map<ASTNode, string>();
  const ofVariable = new Map<string, string>();
  const walk = (value: ValueNode, path: string) => {
    ofNode.set(value, path);
    if (value.kind === Kind.VARIABLE) {
      if (!ofVariable.has(value.name.value)) ofVariable.set(value.name.value, path);
    } else if (value.kind === Kind.LIST) {
      for (const [index, item] of value.values.entries()) walk(item, `${path}[${index}]`);
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) walk(field.value, `${path}.${field.name.value}`);
    }
  };
  visit(document, {
    Argument(argument) {
      walk(argument.value, argument.name.value);
      return false;
    },
    // Default values of variables are checked by validation too, and belong to the variable.
    VariableDefinition(definition) {
      if (definition.defaultValue)
        walk(definition.defaultValue, `$${definition.variable.name.value}`);
      return false;
    },
  });
  return { ofNode, ofVariable };
}

/**
 * Literal values of the wrong type, reshaped. Returns the errors unchanged when none is one;
 * `invalid` are the errors ValuesOfCorrectTypeRule alone reports for the document.
 */
function reshapeLiteralErrors(
  errors: readonly Error[],
  invalid: readonly GraphQLError[],
  document: DocumentNode,
): Error[] {
  const places = placesIn(document);
  const fromRule = new Set(
    invalid.map((error) => `${error.message}@${error.nodes?.[0]?.loc?.start}`),
  );
  return errors.map((error) => {
    const node = error instanceof GraphQLError ? error.nodes?.[0] : undefined;
    // An input field the type does not have is a mistake in the document's shape, like an
    // unknown argument: it stays a validation error.
    if (
      !node ||
      node.kind === Kind.OBJECT_FIELD ||
      !fromRule.has(`${error.message}@${node.loc?.start}`)
    )
      return error;
    const field = places.ofNode.get(node);
    const message = withShortEcho(error.message, print(node));
    // The place goes first: anonymous callers get "Did you mean" suggestions cut off the end.
    const reshaped = badUserInput(field ? `At ${field}: ${message}` : message, field);
    return new GraphQLError(reshaped.message, { nodes: [node], extensions: reshaped.extensions });
  });
}

function operationOf(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  return operationName
    ? operations.find((operation) => operation.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
}

/** An uploaded file (yoga's own File class, not always the global one). */
function isFile(value: unknown): boolean {
  return (
    value instanceof Blob ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Blob).arrayBuffer === 'function' &&
      typeof (value as Blob).stream === 'function')
  );
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Coerces the operation's variables the way graphql-js does, reporting each bad value with the
 * argument path it is used at. Empty when all are good (execution then coerces them itself).
 */
export function variableErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  inputs: Readonly<Record<string, unknown>>,
): GraphQLError[] {
  const operation = operationOf(document, operationName);
  if (!operation?.variableDefinitions?.length) return [];
  const found: {
    definition: VariableDefinitionNode;
    steps: readonly (string | number)[];
    message: string;
  }[] = [];
  for (const definition of operation.variableDefinitions) {
    if (found.length >= maxErrors) break;
    const type = typeFromAST(schema, definition.type);
    // Unknown or output types are validation errors, reported before execution.
    if (!type || !isInputType(type)) continue;
    const name = definition.variable.name.value;
    if (!Object.hasOwn(inputs, name)) {
      if (!definition.defaultValue && isNonNullType(type))
        found.push({
          definition,
          steps: [],
          message: `of required type "${String(type)}" was not provided.`,
        });
      continue;
    }
    const value = inputs[name];
    if (value === null && isNonNullType(type)) {
      found.push({
        definition,
        steps: [],
        message: `of non-null type "${String(type)}" must not be null.`,
      });
      continue;
    }
    coerceInputValue(value, type, (steps, invalidValue, error) => {
      if (found.length < maxErrors)
        found.push({
          definition,
          steps,
          // graphql-js would print the file object whole (and with it, once read, its bytes).
          message: isFile(invalidValue)
            ? 'a file was sent where a value is expected; files go only to File arguments.'
            : withShortEcho(error.message, shown(invalidValue)),
        });
    });
  }
  if (found.length === 0) return [];
  // Only now, for a bad request, is the document walked to find where each variable is used.
  const places = placesIn(document);
  return found.map(({ definition, steps, message }) => {
    const name = definition.variable.name.value;
    const field = inputPath(places.ofVariable.get(name) ?? name, steps);
    const error = badUserInput(`Variable "$${name}" at ${field}: ${message}`, field);
    return new GraphQLError(error.message, { nodes: [definition], extensions: error.extensions });
  });
}

/**
 * Bad input values as BAD_USER_INPUT naming the input path: literals after validation, variables
 * before execution (ahead of graphql-jit, which coerces them in compiled code). Goes before the
 * execution plugins in the list.
 */
export function inputErrorsPlugin(): Plugin<Context> {
  return {
    onValidate({ params }) {
      return ({ valid, result, setResult }) => {
        if (valid) return;
        const invalid = validate(params.schema, params.documentAST, [ValuesOfCorrectTypeRule]);
        if (invalid.length > 0)
          setResult(reshapeLiteralErrors(result, invalid, params.documentAST));
      };
    },
    onExecute({ args, setResultAndStopExecution }) {
      const errors = variableErrors(
        args.schema,
        args.document,
        args.operationName,
        (args.variableValues ?? {}) as Record<string, unknown>,
      );
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
