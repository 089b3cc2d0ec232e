import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/** Longest error message a client gets back; the longest of ours is well under half of it. */
export const maxErrorMessage = 500;

/** Extensions that describe our internals (yoga adds them for a body it cannot parse, masking in development). */
const internalExtensions = ['originalError', 'stack', 'exception', 'stacktrace'] as const;

interface ErrorLike {
  readonly message: string;
  readonly extensions?: Record<string, unknown>;
  readonly path?: readonly (string | number)[];
}

function shortened(message: string): string {
  return message.length > maxErrorMessage ? `${message.slice(0, maxErrorMessage)}…` : message;
}

/**
 * The error as a client may see it: its message cut to a bounded length (whatever part of the
 * input it repeats), a code always (one a client can branch on, where graphql-js or a parser
 * gave none: an error of a field is the server's, any other the request's), and in production
 * nothing of our internals.
 */
function clientError(error: GraphQLError | ErrorLike, production: boolean): GraphQLError | null {
  const extensions = { ...(error.extensions ?? {}) };
  let changed = false;
  if (typeof extensions.code !== 'string') {
    extensions.code = error.path?.length ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
    changed = true;
  }
  if (production && internalExtensions.some((name) => name in extensions)) {
    for (const name of internalExtensions) delete extensions[name];
    // Yoga answers a request error marked `spec` with 200 when it carries no originalError;
    // the status the parser asked for (400 for a body that is not JSON) is kept instead.
    const http = extensions.http as { spec?: boolean } | undefined;
    if (http?.spec) extensions.http = { ...http, spec: false };
    changed = true;
  }
  const message = shortened(error.message);
  if (!changed && message === error.message && error instanceof GraphQLError) return null;
  const source = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError(message, {
    nodes: source?.nodes,
    source: source?.source,
    positions: source?.positions,
    path: error.path,
    extensions,
  });
}

/**
 * Every error of every response, whatever produced it (the request parser, validation, our
 * resolvers, graphql-js's coercion): bounded in length, with an `extensions.code`, and — in
 * production — without `originalError` or a stack. Goes last among the result hooks, after the
 * ones that reshape errors.
 */
export function errorResponsesPlugin({ production }: { production: boolean }): Plugin<Context> {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || result === null || typeof result !== 'object') return;
      const errors = (result as { errors?: readonly (GraphQLError | ErrorLike)[] }).errors;
      if (!errors?.length) return;
      let changed = false;
      const shaped = errors.map((error) => {
        const replaced = clientError(error, production);
        if (!replaced) return error;
        changed = true;
        return replaced;
      });
      if (changed) setResult({ ...(result as object), errors: shaped } as unknown as typeof result);
    },
  };
}
