import { StringDecoder } from 'node:string_decoder';
import Assembler from 'stream-json/assembler.js';
import { jsonParser, type Token } from 'stream-json/parser.js';

/**
 * What to do with one top-level property of a JSON object:
 * - `value`: assemble it whole (small sections such as `metadata`);
 * - `entries`: assemble each property of the object (or each element of the array) on its own
 *   and hand it over, so that a section of any size is never held whole;
 * - `keys`: only the property names of the object, values skipped (e.g. the manifest's macros).
 * Properties without a handler are skipped without being assembled.
 */
export type SectionHandler =
  | { readonly kind: 'value'; onValue(value: unknown): void }
  | { readonly kind: 'entries'; onEntry(key: string | number, value: unknown): void }
  | { readonly kind: 'keys'; onKey(key: string): void };

export interface ReadProgress {
  /** Bytes read so far. */
  readonly bytes: number;
}

export class MalformedJsonError extends Error {}

type Mode =
  | { kind: 'top' } // between top-level properties
  | { kind: 'skip'; depth: number }
  | { kind: 'assemble'; asm: Assembler; deliver: (value: unknown) => void }
  | {
      kind: 'entries';
      handler: Extract<SectionHandler, { kind: 'entries' }>;
      array: boolean;
      key: string | number | null;
      index: number;
    }
  | { kind: 'keys'; handler: Extract<SectionHandler, { kind: 'keys' }>; opened: boolean };

/**
 * Reads a JSON document whose root is an object, section by section, from a byte stream: the
 * document is tokenized as it arrives and only the values a handler asks for are assembled.
 * After each chunk `afterChunk` is awaited (the caller flushes its batches there), which keeps
 * memory bounded by a chunk plus the caller's batch. Truncated or malformed input throws
 * MalformedJsonError.
 */
export async function readJsonSections(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  handlers: Readonly<Record<string, SectionHandler>>,
  afterChunk: (progress: ReadProgress) => Promise<void> | void,
): Promise<void> {
  const parse = jsonParser({ streamValues: false });
  const decoder = new StringDecoder('utf8');
  // What the reader is doing now, and what it returns to when the current value ends.
  let rootOpened = false;
  let rootClosed = false;
  let mode: Mode | null = null;
  let sectionStack: Mode[] = [];
  let bytes = 0;
  let first = true;

  const startValue = (token: Token, deliver: (value: unknown) => void): Mode | null => {
    const asm = new Assembler();
    asm.consume(token);
    if (asm.done) {
      deliver(asm.current);
      return null;
    }
    return { kind: 'assemble', asm, deliver };
  };
  const isStart = (token: Token) => token.name === 'startObject' || token.name === 'startArray';
  const isEnd = (token: Token) => token.name === 'endObject' || token.name === 'endArray';

  const onToken = (token: Token) => {
    if (!rootOpened) {
      if (token.name !== 'startObject')
        throw new MalformedJsonError('The file is not a JSON object.');
      rootOpened = true;
      mode = { kind: 'top' };
      return;
    }
    if (rootClosed)
      throw new MalformedJsonError('Unexpected content after the end of the JSON object.');
    const current = mode!;
    switch (current.kind) {
      case 'top': {
        if (token.name === 'endObject') {
          rootClosed = true;
          return;
        }
        if (token.name !== 'keyValue') return;
        const handler = handlers[token.value];
        sectionStack = [current];
        if (!handler) mode = { kind: 'skip', depth: 0 };
        else if (handler.kind === 'value')
          mode = {
            kind: 'assemble',
            asm: new Assembler(),
            deliver: (value) => handler.onValue(value),
          };
        else if (handler.kind === 'entries')
          mode = { kind: 'entries', handler, array: false, key: null, index: -1 };
        else mode = { kind: 'keys', handler, opened: false };
        return;
      }
      case 'skip': {
        if (isStart(token)) current.depth++;
        else if (isEnd(token)) current.depth--;
        if (current.depth === 0) mode = sectionStack.pop() ?? { kind: 'top' };
        return;
      }
      case 'assemble': {
        current.asm.consume(token);
        if (current.asm.done) {
          const deliver = current.deliver;
          const value = current.asm.current;
          mode = sectionStack.pop() ?? { kind: 'top' };
          deliver(value);
        }
        return;
      }
      case 'entries': {
        if (current.index === -1) {
          // The section's own container.
          if (token.name === 'startArray') current.array = true;
          else if (token.name !== 'startObject') {
            mode = sectionStack.pop() ?? { kind: 'top' }; // null or a scalar: no entries
            return;
          }
          current.index = 0;
          return;
        }
        if (isEnd(token)) {
          mode = sectionStack.pop() ?? { kind: 'top' };
          return;
        }
        if (!current.array && token.name === 'keyValue') {
          current.key = token.value;
          return;
        }
        const key = current.array ? current.index++ : current.key!;
        const next = startValue(token, (value) => current.handler.onEntry(key, value));
        if (next) {
          sectionStack.push(current);
          mode = next;
        }
        return;
      }
      case 'keys': {
        if (token.name === 'startObject' && !current.opened) {
          current.opened = true;
          return;
        }
        if (!current.opened) {
          mode = sectionStack.pop() ?? { kind: 'top' };
          return;
        }
        if (token.name === 'endObject') {
          mode = sectionStack.pop() ?? { kind: 'top' };
          return;
        }
        if (token.name === 'keyValue') {
          current.handler.onKey(token.value);
          return;
        }
        if (isStart(token)) {
          sectionStack.push(current);
          mode = { kind: 'skip', depth: 1 };
        }
        return;
      }
    }
  };

  const feed = (text: string) => {
    if (text.length === 0) return;
    let result: unknown;
    try {
      result = parse(text);
    } catch (error) {
      throw new MalformedJsonError(`The file is not valid JSON: ${(error as Error).message}`);
    }
    const tokens = (result as { values?: Token[] } | null)?.values;
    if (tokens) for (const token of tokens) onToken(token);
  };

  for await (const chunk of source) {
    // Sources may hand over one huge chunk (an uploaded file); slicing it keeps what the handlers
    // collect between two `afterChunk` calls small.
    for (const piece of slices(chunk)) {
      let text = typeof piece === 'string' ? piece : decoder.write(piece);
      bytes += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.byteLength;
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      feed(text);
      await afterChunk({ bytes });
    }
  }
  feed(decoder.end());
  if (!rootOpened) throw new MalformedJsonError('The file is empty.');
  if (!rootClosed)
    throw new MalformedJsonError('The file ends before its JSON object does (truncated?).');
}

const sliceSize = 64 * 1024;

/** A chunk in pieces of at most 64 KiB (strings never split inside a surrogate pair). */
function* slices(chunk: Uint8Array | string): Generator<Uint8Array | string> {
  if (chunk.length <= sliceSize) {
    yield chunk;
    return;
  }
  for (let start = 0; start < chunk.length; ) {
    let end = Math.min(start + sliceSize, chunk.length);
    if (typeof chunk === 'string') {
      const code = chunk.charCodeAt(end - 1);
      if (end < chunk.length && code >= 0xd800 && code <= 0xdbff) end--;
      yield chunk.slice(start, end);
    } else {
      yield chunk.subarray(start, end);
    }
    start = end;
  }
}
