import { isUniqueViolation } from './db/database.js';
import { badUserInput } from './errors.js';

export const maxNameLength = 255;

/** A name as stored: trimmed, 1 to 255 characters; otherwise BAD_USER_INPUT naming the field. */
export function validName(value: string, field: string, what = 'A name'): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > maxNameLength) {
    throw badUserInput(`${what} needs 1 to ${maxNameLength} characters.`, field);
  }
  return trimmed;
}

/** Runs a write; a unique-constraint violation becomes BAD_USER_INPUT with `message`. */
export async function unlessDuplicate<T>(write: () => Promise<T>, field: string, message: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw badUserInput(message, field);
    throw error;
  }
}

const cronFields = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/**
 * A five-field cron expression (`*`, numbers, ranges `a-b`, steps `/n`, lists `a,b`), as dbt
 * Cloud schedules take. Returns the normalized expression or throws BAD_USER_INPUT.
 */
export function validCron(value: string, field: string): string {
  const parts = value.trim().split(/\s+/);
  const refuse = (why: string) => badUserInput(`"${value}" is not a five-field cron expression: ${why}.`, field);
  if (parts.length !== 5) throw refuse(`it has ${parts.length} fields`);
  parts.forEach((part, index) => {
    const { name, min, max } = cronFields[index]!;
    for (const item of part.split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!match) throw refuse(`bad ${name} "${item}"`);
      const [, , from, to, step] = match;
      for (const number of [from, to]) {
        if (number !== undefined && (Number(number) < min || Number(number) > max)) {
          throw refuse(`${name} ${number} is outside ${min}-${max}`);
        }
      }
      if (from !== undefined && to !== undefined && Number(from) > Number(to)) throw refuse(`${name} range ${item} is reversed`);
      if (step !== undefined && Number(step) === 0) throw refuse(`${name} step is 0`);
    }
  });
  return parts.join(' ');
}

const emailPattern =
  /^[^\s@"<>(),;:\\[\]]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** An email address as stored: trimmed and lower-cased, at most 254 characters; otherwise BAD_USER_INPUT. */
export function validEmail(value: string, field: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !emailPattern.test(email)) throw badUserInput(`"${value}" is not an email address.`, field);
  return email;
}

export const maxUrlLength = 2048;

/**
 * An absolute https URL, normalized; plain http only for localhost/127.0.0.1 when
 * `allowLocalHttp` (a receiver on the same machine). URLs carrying credentials are refused: they
 * would be stored and shown in the clear. Otherwise BAD_USER_INPUT.
 */
export function validUrl(value: string, field: string, { allowLocalHttp = false } = {}): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw badUserInput(`"${value}" is not an absolute URL.`, field);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(allowLocalHttp && local && url.protocol === 'http:')) {
    throw badUserInput(`The URL must use https${allowLocalHttp ? ' (http only for localhost or 127.0.0.1)' : ''}.`, field);
  }
  if (url.username || url.password) throw badUserInput('The URL must not contain a user name or password.', field);
  const normalized = url.toString();
  if (normalized.length > maxUrlLength) throw badUserInput(`The URL may have at most ${maxUrlLength} characters.`, field);
  return normalized;
}

/** An integer within bounds; otherwise BAD_USER_INPUT. */
export function validCount(value: number, field: string, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badUserInput(`${what} must be between ${min} and ${max}.`, field);
  return value;
}
