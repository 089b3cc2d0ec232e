// Times as the APIs write them: ISO-8601 in UTC, as `Date.prototype.toISOString` does.

/**
 * A UTC time as `toISOString` writes it, with every part in range: the day within its month
 * (the Date parser carries the 30th of February into March), February's 29th left to the parser.
 */
const canonicalUtcTime =
  /^\d{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * Whether `new Date(text).toISOString()` gives `text` back unchanged, known without parsing it.
 * Stored times are in this form, and the DateTime scalars serialize them by the hundred per page:
 * parsing each took a sixth of a 1,000-row list's time.
 */
export function isCanonicalUtcTime(text: string): boolean {
  return canonicalUtcTime.test(text);
}
