import { badUserInput } from './errors.js';

/**
 * A GraphQL `ID` argument as a database id. Ids are positive integers (as in dbt Cloud);
 * anything else is BAD_USER_INPUT naming the argument.
 */
export function parseId(value: string | number, field: string): number {
  const text = String(value);
  if (!/^[1-9][0-9]{0,14}$/.test(text))
    throw badUserInput(`${field} must be a positive integer id, not "${text}".`, field);
  return Number(text);
}
