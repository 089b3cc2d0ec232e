import { GraphQLError, Kind } from 'graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { isCanonicalUtcTime } from '../utc-time.js';
import { builder } from './builder.js';

function parseDateTime(value: unknown): Date {
  const date =
    typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError(
      'DateTime must be an ISO-8601 date and time, e.g. "2026-01-31T12:00:00Z".',
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return date;
}

/** ISO-8601 in UTC on output; any ISO-8601 date-time with a zone on input. */
export const DateTime = builder.scalarType('DateTime', {
  description: 'An ISO-8601 date and time in UTC, e.g. "2026-01-31T12:00:00.000Z".',
  serialize: (value) =>
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'string' && isCanonicalUtcTime(value)
        ? value
        : new Date(value).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const JSONObject = builder.addScalarType('JSONObject', JSONObjectResolver, {});
