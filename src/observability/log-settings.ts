// The logger's settings as the configuration reads them; apart from logger.ts so that reading
// the configuration does not load pino.

/** pino's levels, most severe first; `silent` logs nothing. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** `json`: one JSON object per line, for a log collector; `pretty`: one readable line. */
export const logFormats = ['json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];
