import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/**
 * A file part of a multipart upload, written to a temporary file as it arrived: the request
 * handler never holds a file in memory, and the ingestion (in a worker thread) reads it by path.
 * It looks like the `File` of the fetch API where the schema reads it (`stream()`, `size`).
 */
export class UploadedFile {
  constructor(
    readonly name: string,
    readonly type: string,
    readonly size: number,
    readonly path: string,
  ) {}

  /** The bytes, read from disk in chunks. */
  stream(): ReadableStream<Uint8Array> {
    return Readable.toWeb(
      createReadStream(this.path, { highWaterMark: 256 * 1024 }),
    ) as ReadableStream<Uint8Array>;
  }

  /**
   * How the file shows in an error message (graphql-js prints a wrongly placed value through
   * `toJSON`): its name and size, never its path or its bytes.
   */
  toJSON(): string {
    return `[uploaded file, ${this.size} bytes]`;
  }
}
