import { Cron } from 'croner';
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
export async function unlessDuplicate<T>(
  write: () => Promise<T>,
  field: string,
  message: string,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw badUserInput(message, field);
    throw error;
  }
}

const cronFields = 'minute hour day-of-month month day-of-week';
const cronNicknames = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
];

/**
 * A cron expression as dbt Cloud schedules take it, read by croner: five fields with numbers,
 * names (`MON-FRI`, `JAN`), ranges, lists and steps, or a nickname (`@hourly`, `@daily`,
 * `@weekly`, `@monthly`, `@yearly`). Seconds are refused: schedules run at minute precision.
 * Returns the expression with its whitespace normalized, or throws BAD_USER_INPUT.
 */
export function validCron(value: string, field: string): string {
  const spaced = value.trim().split(/\s+/).join(' ');
  const expression = spaced.startsWith('@') ? spaced.toLowerCase() : spaced;
  const refuse = (why: string) => badUserInput(`"${value}" is not a cron schedule: ${why}.`, field);
  if (expression.startsWith('@')) {
    if (!cronNicknames.includes(expression))
      throw refuse(`the nicknames are ${cronNicknames.join(', ')}`);
  } else {
    const count = expression === '' ? 0 : expression.split(' ').length;
    if (count === 6 || count === 7) {
      const extra = count === 6 ? 'seconds are' : 'seconds and years are';
      throw refuse(
        `it has ${count} fields: ${extra} not accepted, schedules run at minute precision; give five (${cronFields})`,
      );
    }
    if (count !== 5)
      throw refuse(
        `it has ${count} field${count === 1 ? '' : 's'}; give five (${cronFields}) or a nickname such as @daily`,
      );
  }
  // croner reads `?` as "the time the job was created": a schedule that depends on when it was saved.
  if (expression.includes('?')) throw refuse('"?" is not accepted; use "*"');
  let next: Date | null;
  try {
    next = new Cron(expression, { paused: true, timezone: 'UTC', mode: '5-part' }).nextRun();
  } catch (error) {
    const why = (error as Error).message.replace(/^CronPattern: /, '').replace(/\.$/, '');
    throw refuse(why.charAt(0).toLowerCase() + why.slice(1));
  }
  if (next === null) throw refuse('no date matches it, so it would never run');
  return expression;
}

const emailPattern =
  /^[^\s@"<>(),;:\\[\]]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** An email address as stored: trimmed and lower-cased, at most 254 characters; otherwise BAD_USER_INPUT. */
export function validEmail(value: string, field: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !emailPattern.test(email))
    throw badUserInput(`"${value}" is not an email address.`, field);
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
    throw badUserInput(
      `The URL must use https${allowLocalHttp ? ' (http only for localhost or 127.0.0.1)' : ''}.`,
      field,
    );
  }
  if (url.username || url.password)
    throw badUserInput('The URL must not contain a user name or password.', field);
  const normalized = url.toString();
  if (normalized.length > maxUrlLength)
    throw badUserInput(`The URL may have at most ${maxUrlLength} characters.`, field);
  return normalized;
}

/** An integer within bounds; otherwise BAD_USER_INPUT. */
export function validCount(
  value: number,
  field: string,
  min: number,
  max: number,
  what: string,
): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badUserInput(`${what} must be between ${min} and ${max}.`, field);
  return value;
}
