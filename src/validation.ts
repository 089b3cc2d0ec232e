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
