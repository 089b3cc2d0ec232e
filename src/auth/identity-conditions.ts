import { badUserInput } from '../errors.js';

// The claim conditions of a trust policy: which CI jobs of an issuer it trusts. An issuer such as
// GitHub Actions signs tokens for every repository in the world, so the conditions — not the
// issuer — are what restrict a policy to one organisation's jobs.

export type ClaimMatch = 'exact' | 'glob';

export interface ClaimCondition {
  /** The claim's name, e.g. `repository`, `ref`, `environment`, `project_path`. */
  readonly claim: string;
  readonly match: ClaimMatch;
  /** The value (exact), or the pattern (glob: `*` and `?` stop at `/`, `**` crosses it). */
  readonly value: string;
}

export const maxConditions = 20;
const maxValueLength = 512;
const claimName = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/** Checked by the exchange itself, never by a condition: a condition on them would be moot. */
const reservedClaims = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti']);

/**
 * The conditions to store: at least one, each on a claim name that is not reserved, a glob with at
 * least one character that is not a wildcard. Throws BAD_USER_INPUT naming `field[i]` otherwise.
 */
export function validConditions(
  inputs: readonly { claim: string; match: ClaimMatch; value: string }[],
  field: string,
): ClaimCondition[] {
  if (inputs.length === 0)
    throw badUserInput(
      'A trust policy needs at least one claim condition: an issuer signs tokens for every one of its users.',
      field,
    );
  if (inputs.length > maxConditions)
    throw badUserInput(`A trust policy has at most ${maxConditions} conditions.`, field);
  return inputs.map((input, index) => {
    const where = `${field}[${index}]`;
    const claim = input.claim.trim();
    if (!claimName.test(claim))
      throw badUserInput(`"${input.claim}" is not a claim name.`, `${where}.claim`);
    if (reservedClaims.has(claim))
      throw badUserInput(
        `The ${claim} claim is checked by every exchange; it cannot be a condition.`,
        `${where}.claim`,
      );
    if (input.value.length === 0 || input.value.length > maxValueLength)
      throw badUserInput(
        `A condition's value has 1 to ${maxValueLength} characters.`,
        `${where}.value`,
      );
    if (input.match === 'glob' && /^[*?]*$/.test(input.value))
      throw badUserInput(
        'A glob made only of wildcards matches every token of the issuer; name what it matches.',
        `${where}.value`,
      );
    return { claim, match: input.match, value: input.value };
  });
}

const globCache = new Map<string, RegExp>();

/** The pattern as an anchored expression: `**` any characters, `*` any but `/`, `?` one but `/`. */
function globExpression(pattern: string): RegExp {
  let compiled = globCache.get(pattern);
  if (!compiled) {
    let source = '';
    for (let index = 0; index < pattern.length; index++) {
      const char = pattern[index]!;
      if (char === '*' && pattern[index + 1] === '*') {
        source += '.*';
        index++;
      } else if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
    compiled = new RegExp(`^${source}$`, 's');
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pattern, compiled);
  }
  return compiled;
}

/** Whether `value` matches the glob `pattern` (case-sensitive, whole value). */
export function globMatches(pattern: string, value: string): boolean {
  return globExpression(pattern).test(value);
}

/** A claim as text: strings, numbers and booleans; anything else (lists, objects) never matches. */
export function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Whether the claims satisfy the condition; a missing claim never does. */
export function conditionHolds(
  condition: ClaimCondition,
  claims: Readonly<Record<string, unknown>>,
): boolean {
  const value = claimText(claims[condition.claim]);
  if (value === undefined) return false;
  return condition.match === 'exact'
    ? value === condition.value
    : globMatches(condition.value, value);
}
