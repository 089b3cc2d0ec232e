// Reading what clients send, with the tolerance real clients need: list parameters come as
// repeated parameters (`?status__in=10&status__in=20`), comma-separated (`10,20`), a JSON array
// (`[10,20]`) or a Python list's repr (`['job', 'trigger']`, what requests sends for a str(list)).

/** A parameter the client got wrong: answered 400 in dbt's envelope. */
export class RestInputError extends Error {
  constructor(
    message: string,
    readonly parameter: string,
  ) {
    super(message);
  }
}

/** Every value of a list parameter, however the client spelled the list; trimmed, none empty. */
export function listParam(query: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (const raw of query.getAll(name)) {
    const text = raw.trim();
    if (text.startsWith('[') && text.endsWith(']')) {
      const inner = text.slice(1, -1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // A Python repr: single quotes (or none) around the items.
        parsed = inner.split(',').map((item) => item.trim().replace(/^(['"])(.*)\1$/, '$2'));
      }
      if (!Array.isArray(parsed))
        throw new RestInputError(`${name} must be a list of values.`, name);
      values.push(...parsed.map((item) => String(item).trim()));
    } else {
      values.push(...text.split(',').map((item) => item.trim()));
    }
  }
  return values.filter((value) => value.length > 0);
}

/** A whole number parameter (`limit`, `offset`, an id); undefined when absent or empty. */
export function intParam(
  query: URLSearchParams,
  name: string,
  options: { min?: number; max?: number } = {},
): number | undefined {
  const raw = query.get(name)?.trim();
  if (raw === undefined || raw === '' || raw === 'null' || raw === 'None') return undefined;
  if (!/^-?\d{1,15}$/.test(raw)) throw new RestInputError(`${name} must be a whole number.`, name);
  const value = Number(raw);
  if (options.min !== undefined && value < options.min)
    throw new RestInputError(`${name} must be at least ${options.min}.`, name);
  if (options.max !== undefined && value > options.max)
    throw new RestInputError(`${name} must be at most ${options.max}.`, name);
  return value;
}

/** A string parameter; undefined when absent or empty. */
export function textParam(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name)?.trim();
  return raw ? raw : undefined;
}

/** The `include_related` names requested, lower-cased. */
export function includeRelated(query: URLSearchParams): Set<string> {
  return new Set(listParam(query, 'include_related').map((name) => name.toLowerCase()));
}

/** An id in a path segment: a positive whole number, else the route does not exist (404). */
export function pathId(segment: string): string | undefined {
  return /^[1-9][0-9]{0,14}$/.test(segment) ? segment : undefined;
}

/**
 * A JSON request body as an object. Empty, `null` and a non-JSON-object content type with no body
 * are `{}`: clients trigger runs with no body at all. Anything else that is not an object is 400.
 */
export async function objectBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RestInputError('The request body must be JSON.', 'body');
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new RestInputError('The request body must be a JSON object.', 'body');
  return parsed as Record<string, unknown>;
}

/** A JSON request body that must be an array (service token permissions). */
export async function arrayBody(request: Request): Promise<unknown[]> {
  const text = await request.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RestInputError('The request body must be a JSON array.', 'body');
  }
  if (!Array.isArray(parsed))
    throw new RestInputError('The request body must be a JSON array.', 'body');
  return parsed;
}

/** A body field that must be a string when given; null and absent are undefined. */
export function bodyString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value == null) return undefined;
  if (typeof value !== 'string') throw new RestInputError(`${name} must be a string.`, name);
  return value;
}

/** A body field that must be a boolean when given (true/false, 1/0). */
export function bodyBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value == null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  throw new RestInputError(`${name} must be true or false.`, name);
}

/** A body field holding an id (a number or a numeric string). */
export function bodyId(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value == null) return undefined;
  const text = String(value);
  if (!/^[1-9][0-9]{0,14}$/.test(text))
    throw new RestInputError(`${name} must be a positive whole number.`, name);
  return text;
}
