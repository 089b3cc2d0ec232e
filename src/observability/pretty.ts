import type { DestinationStream } from 'pino';

/**
 * pino's JSON lines made readable for a terminal, with Node alone:
 *
 *   12:00:01.234 INFO  POST /graphql 200 12.3 ms  requestId=5f1c… operation=Viewer tokenId=3
 *
 * Development only: production logs stay JSON for the collector. Levels are coloured when the
 * output is a terminal.
 */

const levelNames: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const levelColours: Record<number, number> = { 10: 90, 20: 36, 30: 32, 40: 33, 50: 31, 60: 35 };

/** Fields shown in the line's head, or not at all. */
const shownElsewhere = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);
/** A request line's head already says these (`POST /graphql 200 12.3 ms`). */
const requestHead = new Set(['method', 'path', 'status', 'durationMs']);

function field(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `${key}=${/\s/.test(text) ? JSON.stringify(text) : text}`;
}

/** One pino JSON line as a readable line (and the error's stack under it, if any). */
export function prettyLine(json: string, colour = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = Number(entry.level);
  const name = (levelNames[level] ?? String(entry.level)).padEnd(5);
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const isRequest = typeof entry.durationMs === 'number' && typeof entry.path === 'string';
  const fields = Object.entries(entry)
    .filter(([key]) => !shownElsewhere.has(key) && !(isRequest && requestHead.has(key)))
    .map(([key, value]) => field(key, value));
  const head = [
    time,
    colour ? `\u001b[${levelColours[level] ?? 0}m${name}\u001b[0m` : name,
    String(entry.msg ?? ''),
    isRequest ? `${entry.durationMs} ms` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const stack = err ? `\n    ${(err.stack ?? err.message ?? '').split('\n').join('\n    ')}` : '';
  return `${head}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}${stack}\n`;
}

/** A pino destination that writes each line made readable to `destination`. */
export function prettyStream(destination: DestinationStream, colour = false): DestinationStream {
  return { write: (line: string) => destination.write(prettyLine(line, colour)) };
}
