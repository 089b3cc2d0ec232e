import { StringDecoder } from 'node:string_decoder';

/**
 * What to do with one top-level property of a JSON object:
 * - `value`: parse it whole (small sections such as `metadata`);
 * - `entries`: parse each property of the object (or each element of the array) on its own
 *   and hand it over, so that a section of any size is never held whole;
 * - `keys`: only the property names of the object (e.g. the manifest's macros).
 * Properties without a handler are checked (they must be valid JSON) and dropped.
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

/**
 * Reads a JSON document whose root is an object, section by section, from a byte stream.
 *
 * Only the two outer levels (the root object and each section's object or array) are read
 * character by character here; every value below them (one manifest node, one result) is cut out
 * of the text whole, its strings skipped with `indexOf`, and handed to `JSON.parse`, which builds
 * it natively. That is several times faster than a token-by-token streaming parser, and memory
 * still holds one chunk plus the value being cut, never a section. Everything is checked: values
 * by `JSON.parse` (also those of sections nobody reads), the outer levels here.
 *
 * After each chunk of at most 64 KiB `afterChunk` is awaited (the caller flushes its batches
 * there). Truncated or malformed input throws MalformedJsonError; its message never quotes the
 * input.
 */
export async function readJsonSections(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  handlers: Readonly<Record<string, SectionHandler>>,
  afterChunk: (progress: ReadProgress) => Promise<void> | void,
): Promise<void> {
  const reader = new SectionReader(handlers);
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let first = true;
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
      reader.feed(text);
      await afterChunk({ bytes });
    }
  }
  reader.feed(decoder.end());
  reader.end();
}

/** Where the reader is in the document's outer levels. */
enum At {
  /** Before the root object. */
  Start,
  /** In the root object: a section's name or the end (`first`: no section yet). */
  SectionName,
  SectionColon,
  SectionValue,
  /** After a section: `,` or the end of the root object. */
  AfterSection,
  /** In a section's object: an entry's name or the end. */
  EntryName,
  EntryColon,
  /** An entry of a section's object or array. */
  EntryValue,
  /** After an entry: `,` or the end of the section's object or array. */
  AfterEntry,
  /** After the root object: only white space. */
  End,
}

/** What a value being cut out of the text is. */
enum Cut {
  None,
  /** A string (a name, or a string value). */
  Text,
  /** An object or an array. */
  Nested,
  /** A number, true, false or null. */
  Scalar,
}

const quote = 34; // "
const backslash = 92; // \
const comma = 44; // ,
const colon = 58; // :
const openBrace = 123; // {
const closeBrace = 125; // }
const openBracket = 91; // [
const closeBracket = 93; // ]

function isWhiteSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

class SectionReader {
  private at = At.Start;
  /** Whether the current object or array has no member yet (`{}`, `[]` are fine; `{,` is not). */
  private empty = true;
  /** After a `,`: a member must follow (no trailing commas). */
  private afterComma = false;
  private section: SectionHandler | undefined;
  private sectionIsArray = false;
  private entryKey: string | number = 0;
  private entryIndex = 0;
  /** Characters of the document before the current text (for error positions). */
  private offset = 0;

  // The value being cut out: its kind, the nesting depth inside it, whether inside a string of
  // it, whether the previous text ended on an unpaired backslash, and its text so far.
  private cut = Cut.None;
  private depth = 0;
  private inString = false;
  private escapePending = false;
  private pieces: string[] = [];

  constructor(private readonly handlers: Readonly<Record<string, SectionHandler>>) {}

  feed(text: string): void {
    let i = 0;
    const length = text.length;
    while (i < length) {
      if (this.cut !== Cut.None) {
        i = this.continueCut(text, i);
        continue;
      }
      const code = text.charCodeAt(i);
      if (isWhiteSpace(code)) {
        i++;
        continue;
      }
      i = this.structural(text, i, code);
    }
    this.offset += length;
  }

  end(): void {
    if (this.at === At.Start) throw new MalformedJsonError('The file is empty.');
    if (this.at !== At.End)
      throw new MalformedJsonError('The file ends before its JSON object does (truncated?).');
  }

  private invalid(position: number): MalformedJsonError {
    return new MalformedJsonError(
      `The file is not valid JSON (at character ${this.offset + position + 1}).`,
    );
  }

  /** One character of the outer levels; returns where to go on. */
  private structural(text: string, i: number, code: number): number {
    switch (this.at) {
      case At.Start:
        if (code !== openBrace) throw new MalformedJsonError('The file is not a JSON object.');
        this.at = At.SectionName;
        this.empty = true;
        this.afterComma = false;
        return i + 1;
      case At.SectionName:
      case At.EntryName:
        if (code === quote) return this.startCut(text, i, Cut.Text);
        if (code === closeBrace && !this.afterComma) {
          this.closeContainer(this.at === At.EntryName);
          return i + 1;
        }
        throw this.invalid(i);
      case At.SectionColon:
      case At.EntryColon:
        if (code !== colon) throw this.invalid(i);
        this.at = this.at === At.SectionColon ? At.SectionValue : At.EntryValue;
        return i + 1;
      case At.SectionValue: {
        const handler = this.section;
        if ((code === openBrace || code === openBracket) && handler?.kind !== 'value') {
          // A section read entry by entry (or checked entry by entry and dropped).
          this.sectionIsArray = code === openBracket;
          this.entryIndex = 0;
          this.empty = true;
          this.afterComma = false;
          this.at = this.sectionIsArray ? At.EntryValue : At.EntryName;
          return i + 1;
        }
        return this.startValue(text, i, code);
      }
      case At.EntryValue:
        if (code === closeBracket && this.sectionIsArray && this.empty) {
          this.closeContainer(true);
          return i + 1;
        }
        if (this.sectionIsArray) this.entryKey = this.entryIndex++;
        return this.startValue(text, i, code);
      case At.AfterSection:
      case At.AfterEntry: {
        const inSection = this.at === At.AfterEntry;
        if (code === comma) {
          this.afterComma = true;
          this.at = !inSection
            ? At.SectionName
            : this.sectionIsArray
              ? At.EntryValue
              : At.EntryName;
          return i + 1;
        }
        const closing = inSection && this.sectionIsArray ? closeBracket : closeBrace;
        if (code !== closing) throw this.invalid(i);
        this.closeContainer(inSection);
        return i + 1;
      }
      case At.End:
        throw new MalformedJsonError('Unexpected content after the end of the JSON object.');
    }
  }

  /** The end of a section's object or array, or of the root object. */
  private closeContainer(section: boolean): void {
    if (!section) {
      this.at = At.End;
      return;
    }
    // Back in the root object, which has at least this member.
    this.at = At.AfterSection;
    this.afterComma = false;
    this.section = undefined;
  }

  private startValue(text: string, i: number, code: number): number {
    if (code === quote) return this.startCut(text, i, Cut.Text);
    if (code === openBrace || code === openBracket) return this.startCut(text, i, Cut.Nested);
    if (code === comma || code === colon || code === closeBrace || code === closeBracket)
      throw this.invalid(i);
    return this.startCut(text, i, Cut.Scalar);
  }

  private startCut(text: string, i: number, kind: Cut): number {
    this.cut = kind;
    this.depth = 0;
    this.inString = false;
    this.escapePending = false;
    this.pieces = [];
    return this.continueCut(text, i, i);
  }

  /**
   * Scans the value being cut from `i`; when it ends, hands it over and returns the index after
   * it. At the end of the text, keeps what was scanned and returns the text's length.
   */
  private continueCut(text: string, i: number, start = i): number {
    const length = text.length;
    if (this.cut === Cut.Scalar) {
      while (i < length) {
        const code = text.charCodeAt(i);
        if (
          code === comma ||
          code === closeBrace ||
          code === closeBracket ||
          code === colon ||
          isWhiteSpace(code)
        )
          return this.finishCut(text, start, i, i);
        i++;
      }
      this.pieces.push(text.slice(start));
      return length;
    }
    if (this.cut === Cut.Text && !this.inString) {
      // The opening quote.
      this.inString = true;
      i++;
    }
    while (i < length) {
      if (this.inString) {
        if (this.escapePending) {
          this.escapePending = false;
          i++;
          continue;
        }
        const close = text.indexOf('"', i);
        if (close === -1) {
          // The string goes on in the next text; an odd run of backslashes at the end escapes
          // its first character.
          let run = 0;
          for (let k = length - 1; k >= i && text.charCodeAt(k) === backslash; k--) run++;
          this.escapePending = run % 2 === 1;
          i = length;
          break;
        }
        let run = 0;
        for (let k = close - 1; k >= i && text.charCodeAt(k) === backslash; k--) run++;
        i = close + 1;
        if (run % 2 === 1) continue; // an escaped quote
        this.inString = false;
        if (this.cut === Cut.Text) return this.finishCut(text, start, i, i);
        continue;
      }
      const code = text.charCodeAt(i);
      if (code === quote) this.inString = true;
      else if (code === openBrace || code === openBracket) this.depth++;
      else if (code === closeBrace || code === closeBracket) {
        if (--this.depth === 0) return this.finishCut(text, start, i + 1, i + 1);
      }
      i++;
    }
    this.pieces.push(text.slice(start));
    return length;
  }

  private finishCut(text: string, start: number, end: number, next: number): number {
    const kind = this.cut;
    this.cut = Cut.None;
    const piece = text.slice(start, end);
    const whole = this.pieces.length === 0 ? piece : this.pieces.join('') + piece;
    this.pieces = [];
    if (kind === Cut.Text && (this.at === At.SectionName || this.at === At.EntryName)) {
      this.name(this.parse(whole, next));
      return next;
    }
    this.value(whole, next);
    return next;
  }

  private parse(json: string, position: number): any {
    try {
      return JSON.parse(json);
    } catch {
      throw this.invalid(position - 1);
    }
  }

  private name(name: string): void {
    if (this.at === At.SectionName) {
      this.section = Object.hasOwn(this.handlers, name) ? this.handlers[name] : undefined;
      this.at = At.SectionColon;
      return;
    }
    this.entryKey = name;
    if (this.section?.kind === 'keys') this.section.onKey(name);
    this.at = At.EntryColon;
  }

  private value(json: string, position: number): void {
    // Every value is parsed, also those nobody reads: a broken file is refused whole.
    const value = this.parse(json, position);
    this.empty = false;
    this.afterComma = false;
    if (this.at === At.SectionValue) {
      if (this.section?.kind === 'value') this.section.onValue(value);
      this.section = undefined;
      this.at = At.AfterSection;
      return;
    }
    if (this.section?.kind === 'entries') this.section.onEntry(this.entryKey, value);
    this.at = At.AfterEntry;
  }
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
