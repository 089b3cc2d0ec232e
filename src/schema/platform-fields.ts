import type { Context } from '../context.js';
import { adapterTypes } from '../db/tables/data-platform.js';
import { badUserInput } from '../errors.js';
import { builder } from './builder.js';

// Validation shared by the modules that describe a data platform (connections, data platform
// configurations, credentials) and by those that name git branches (repositories, develop
// sessions), plus the write-only handling of secret fields.

export const AdapterTypeEnum = builder.enumType('AdapterType', {
  description: 'The dbt adapter of a data platform.',
  values: adapterTypes,
});

const maxFieldLength = 255;

/** A hostname, a Snowflake account identifier or a GCP project id: no scheme, path or spaces. */
export function validHost(value: string, field: string): string {
  const trimmed = value.trim();
  if (
    trimmed.length === 0 ||
    trimmed.length > maxFieldLength ||
    !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(trimmed)
  ) {
    throw badUserInput(
      'host must be a hostname or account identifier (letters, digits, ".", "-", "_"), without scheme or path.',
      field,
    );
  }
  return trimmed;
}

export function validPort(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw badUserInput('port must be between 1 and 65535.', field);
  return value;
}

/**
 * A database, warehouse, role, schema or user name: 1 to 255 characters without whitespace at the
 * ends or control characters. Quoting rules differ per platform, so nothing stricter.
 */
export function validPlatformName(value: string, field: string, what: string): string {
  const trimmed = value.trim();
  if (
    trimmed.length === 0 ||
    trimmed.length > maxFieldLength ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    /[\u0000-\u001f\u007f]/.test(trimmed)
  ) {
    throw badUserInput(
      `${what} needs 1 to ${maxFieldLength} characters and no control characters.`,
      field,
    );
  }
  return trimmed;
}

/**
 * An optional input field: absent (undefined) leaves the stored value, null clears it, a value
 * is validated. Returns undefined for "unchanged".
 */
export function optionalChange<T, R>(
  value: T | null | undefined,
  validate: (value: T) => R,
): R | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return validate(value);
}

/** Drops the keys whose value is undefined (fields left out of an update). */
export function definedOnly<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

export const maxSecretLength = 16_384;

/**
 * A write-only secret field: absent leaves the sealed value, null removes it, a string is sealed.
 * The value never appears in an error message or in the audit log.
 */
export function sealedChange(
  context: Context,
  value: string | null | undefined,
  field: string,
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (value.trim().length === 0 || value.length > maxSecretLength) {
    throw badUserInput(
      `${field} needs 1 to ${maxSecretLength} characters; send null to remove it.`,
      field,
    );
  }
  return context.secrets.seal(value);
}

/** Which secret fields an input touched, by name only: what the audit log may say about them. */
export function secretFieldsTouched(
  input: Record<string, unknown>,
  names: readonly string[],
): string[] {
  return names.filter((name) => input[name] !== undefined);
}

/**
 * A git branch name as `git check-ref-format --branch` accepts it: no spaces, control characters,
 * `~ ^ : ? * [ \`, no `..` or `@{`, no component starting with `.` or ending with `.lock`, not
 * starting with `-` or `/`, not ending with `/` or `.`.
 */
export function validBranch(value: string, field: string): string {
  const branch = value.trim();
  const refuse = () => badUserInput(`"${branch}" is not a valid git branch name.`, field);
  if (
    branch.length === 0 ||
    branch.length > maxFieldLength ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: git refuses control characters in ref names.
    /[\u0000-\u0020\u007f~^:?*[\\]/.test(branch)
  )
    throw refuse();
  if (branch.includes('..') || branch.includes('@{') || branch === '@' || branch.includes('//'))
    throw refuse();
  if (
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.')
  )
    throw refuse();
  if (branch.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock')))
    throw refuse();
  return branch;
}
