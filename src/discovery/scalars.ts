import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { isCanonicalUtcTime } from '../utc-time.js';
import { discoveryBuilder as builder } from './builder.js';

const maxId = Number.MAX_SAFE_INTEGER;

function parseBigInt(value: unknown): number {
  const text =
    typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d{1,16}$/.test(text) || Math.abs(Number(text)) > maxId) {
    throw new GraphQLError('BigInt must be an integer, e.g. 834 or "834".', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return Number(text);
}

/** dbt's ids: integers, written as numbers (strings of digits are accepted too). */
export const BigIntScalar = builder.scalarType('BigInt', {
  description: 'An integer id, as in dbt Cloud (e.g. an environment, job or run id).',
  serialize: (value) => parseBigInt(value),
  parseValue: parseBigInt,
  parseLiteral: (ast: ValueNode) =>
    parseBigInt(ast.kind === Kind.INT || ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseDateTime(value: unknown): Date {
  const date =
    typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO-8601 date and time.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

export const DateTimeScalar = builder.scalarType('DateTime', {
  description: 'An ISO-8601 date and time in UTC.',
  serialize: (value) => {
    if (typeof value === 'string' && isCanonicalUtcTime(value)) return value;
    const date = value instanceof Date ? value : new Date(value);
    // dbt writes some dates (deprecation_date) in its own formats: pass those through as given.
    return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const JSONObjectScalar = builder.addScalarType('JSONObject', JSONObjectResolver, {});

/** Any JSON value (catalog stats are numbers, strings or booleans). */
export const AnyScalar = builder.addScalarType('AnyScalar', JSONResolver, {});
