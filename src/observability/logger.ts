import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogFormat, LogLevel } from './log-settings.js';
import { prettyStream } from './pretty.js';

export type { Logger } from 'pino';

/**
 * The request each GraphQL error happened in. Lines logged while handling a request carry its id,
 * so one request's lines can be found together; the code that logs them passes the id (see
 * RequestObserver.requestIdOf), but yoga logs a masked resolver error with no request at hand, so
 * the request observer marks each execution's errors before they are masked. An AsyncLocalStorage
 * would carry the id to every line by itself, but on Node 20 it hooks every promise of the
 * process: it cost a quarter of the CPU of a Discovery page (docs/performance.md).
 */
const requestOfError = new WeakMap<object, string>();

export function markErrorRequest(error: object, requestId: string): void {
  requestOfError.set(error, requestId);
}

/**
 * Keys whose values are never written, wherever they appear one level deep: the request log is
 * built from chosen fields and never contains them, so this only guards a careless future
 * `logger.info({ headers })` or an error object that carries a secret.
 */
const neverLogged = [
  'authorization',
  'cookie',
  'token',
  'secret',
  'password',
  'privateKey',
  'clientSecret',
];

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go; standard output when left out. */
  readonly destination?: DestinationStream;
}

/**
 * The gateway's logger: JSON lines (`format: 'json'`) for a collector, or one readable line per
 * entry (`'pretty'`, built in: no development dependency at run time).
 */
export function createLogger({ level, format, destination }: LoggerOptions): Logger {
  const output = destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: neverLogged.flatMap((key) => [key, `*.${key}`]),
        censor: '[redacted]',
      },
    },
    format === 'pretty'
      ? prettyStream(output, destination === undefined && process.stdout.isTTY)
      : output,
  );
}

/** A logger that writes nothing (tests, and apps created without one). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** The shape of yoga's `logging` option. */
export interface YogaLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * yoga's messages through our logger. yoga logs a masked resolver error as the error itself; it
 * becomes `err` (message and stack) so that the client-facing "Unexpected error." has its cause
 * in the log, under the request's id (marked by the request observer).
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      if (!logger.isLevelEnabled(level)) return;
      const [first, ...rest] = args;
      if (first instanceof Error) {
        const requestId = requestOfError.get(first);
        logger[level]({ err: first, ...(requestId && { requestId }) }, first.message);
      } else logger[level]({ source: 'yoga' }, [first, ...rest].map(String).join(' '));
    };
  return {
    debug: forward('debug'),
    info: forward('info'),
    warn: forward('warn'),
    error: forward('error'),
  };
}
