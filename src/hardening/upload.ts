import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { GraphQLError } from 'graphql';
import type { Caller } from '../auth/caller.js';
import { errorResponse, unauthenticated } from '../errors.js';
import { UploadedFile } from '../metadata/ingest-files.js';
import { csrfHeader } from './transport.js';

// The upload route (/graphql/upload) handles its multipart body itself instead of letting yoga
// buffer it: everything that can be decided on the headers is decided before one byte of the
// body is read, and file parts stream to temporary files, so that neither an anonymous caller nor
// a large upload can hold the server's memory or event loop.

/** Where an upload's files are set in the operation's variables (GraphQL multipart request spec). */
export interface PlacedFile {
  /** The path inside `variables`, e.g. `['manifest']`. */
  readonly path: readonly string[];
  readonly file: UploadedFile;
}

/** The serverContext key the placed files travel under to the yoga route. */
export const uploadsKey = 'tollgateUploads';
/** The serverContext key the caller identified on the headers travels under. */
export const callerKey = 'tollgateCaller';

export interface UploadHandlerOptions {
  /** The largest body accepted: the declared Content-Length, and the bytes actually received. */
  readonly maxUploadBytes: number;
  /** The largest `operations` (and `map`) part: the JSON body limit of the other routes. */
  readonly maxBodyBytes: number;
  /** Identifies the caller on the headers alone (throws the GraphQLError to answer with). */
  readonly identify: (headers: Headers, serverContext: Record<string, unknown>) => Promise<Caller>;
  /** Executes the operation (a JSON request) with the files placed in its variables. */
  readonly execute: (request: Request, serverContext: Record<string, unknown>) => Promise<Response>;
  /** Where temporary files go (default: the system's temporary directory). */
  readonly temporaryDirectory?: string;
}

/** What the handler needs of an incoming request; the body is only opened once the headers pass. */
export interface IncomingUpload {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: () => Readable | null;
}

function refusal(status: number, code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

class UploadRefused extends Error {
  constructor(readonly error: GraphQLError) {
    super(error.message);
  }
}

const tooLarge = (what: string) =>
  new UploadRefused(
    refusal(413, 'PAYLOAD_TOO_LARGE', `${what} is larger than this route accepts.`),
  );
const malformed = (message: string) => new UploadRefused(refusal(400, 'BAD_REQUEST', message));

/** Names that would reach an object's prototype if used as a path segment. */
const unsafeSegments = new Set(['__proto__', 'constructor', 'prototype']);

/** The refusal decided on the headers alone, or null when the body may be read. */
export function refuseOnHeaders(
  method: string,
  headers: Headers,
  maxUploadBytes: number,
): GraphQLError | null {
  if (method !== 'POST')
    return new GraphQLError('Send uploads as POST (multipart/form-data).', {
      extensions: { code: 'METHOD_NOT_ALLOWED', http: { status: 405, headers: { allow: 'POST' } } },
    });
  const type = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'multipart/form-data')
    return refusal(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'This route takes artifact uploads only, as multipart/form-data (GraphQL multipart request spec); send other requests to /graphql.',
    );
  if (!headers.has(csrfHeader))
    return refusal(
      403,
      'CSRF_PREVENTED',
      `Multipart requests must carry the ${csrfHeader} header.`,
    );
  const declared = headers.get('content-length');
  if (declared !== null && !/^\d{1,15}$/.test(declared))
    return refusal(400, 'BAD_REQUEST', 'Content-Length is not a number.');
  if (declared !== null && Number(declared) > maxUploadBytes)
    return refusal(413, 'PAYLOAD_TOO_LARGE', 'The upload is larger than this route accepts.');
  return null;
}

/** Counts the body's bytes as they pass and stops the stream past the limit, whatever was declared. */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(tooLarge('The upload'));
      else done(null, chunk);
    },
  });
}

/** Sets `value` at `segments` inside `target`, creating plain objects on the way. */
function place(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const [index, segment] of segments.entries()) {
    if (unsafeSegments.has(segment)) throw malformed(`map: "${segment}" is not a variable path.`);
    if (index === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (next === null || typeof next !== 'object') {
      const created: Record<string, unknown> = {};
      node[segment] = created;
      node = created;
    } else node = next as Record<string, unknown>;
  }
}

/**
 * Reads a multipart body: `operations` and `map` (each at most `maxBodyBytes`, refused past it),
 * then the file parts, each streamed to a file in `directory`. Resolves once every part is on
 * disk; rejects with an UploadRefused for what the client must fix.
 */
async function receive(
  body: Readable,
  headers: Headers,
  directory: string,
  options: UploadHandlerOptions,
): Promise<{ operations: unknown; map: unknown; files: Map<string, UploadedFile> }> {
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  const writes: Promise<void>[] = [];
  const parser = Busboy({
    headers: { 'content-type': headers.get('content-type')! },
    limits: {
      fieldSize: options.maxBodyBytes,
      fields: 2,
      // The four artifacts of a run, at most.
      files: 4,
      fileSize: options.maxUploadBytes,
      parts: 6,
      headerPairs: 20,
    },
  });
  let refused: UploadRefused | null = null;
  // The first refusal stops reading: the rest of the body is never received.
  const stop = new AbortController();
  const refuse = (error: UploadRefused) => {
    refused ??= error;
    stop.abort();
  };
  parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
    if (valueTruncated) refuse(tooLarge(`The ${name} part`));
    else if (name !== 'operations' && name !== 'map')
      refuse(
        malformed(`Unexpected form field "${name.slice(0, 40)}": send operations, map and files.`),
      );
    else fields.set(name, value);
  });
  parser.on(
    'file',
    (name: string, stream: BusboyFileStream, fileName: string, _e, type: string) => {
      if (refused || files.has(name)) {
        if (!refused) refuse(malformed('A file part is sent twice.'));
        stream.resume();
        return;
      }
      const target = path.join(directory, randomUUID());
      const write = createWriteStream(target, { mode: 0o600 });
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on('limit', () => refuse(tooLarge('A file')));
      writes.push(
        pipeline(stream, write).then(() => {
          files.set(name, new UploadedFile(fileName.slice(0, 200), type, size, target));
        }),
      );
    },
  );
  for (const event of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const)
    parser.on(event, () => refuse(malformed('The upload has more parts than an artifact upload.')));
  try {
    await pipeline(body, byteLimit(options.maxUploadBytes), parser, { signal: stop.signal });
    await Promise.all(writes);
  } catch (error) {
    if (error instanceof UploadRefused) throw error;
    // The parser's own messages describe the framing, never the content; still, say less.
    throw refused ?? malformed('The multipart body is malformed or was cut short.');
  }
  if (refused) throw refused;
  const json = (name: string) => {
    const text = fields.get(name);
    if (text === undefined) throw malformed(`The ${name} part is missing.`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw malformed(`The ${name} part is not JSON.`);
    }
  };
  return { operations: json('operations'), map: json('map'), files };
}

/** The variables' paths of each file, from the `map` part; every file must be mapped and every mapping filled. */
function placements(map: unknown, files: Map<string, UploadedFile>): PlacedFile[] {
  if (map === null || typeof map !== 'object' || Array.isArray(map))
    throw malformed('map must be an object of file keys and variable paths.');
  const placed: PlacedFile[] = [];
  for (const [key, paths] of Object.entries(map)) {
    const file = files.get(key);
    if (!file) throw malformed(`map names a file "${key.slice(0, 40)}" that was not sent.`);
    if (!Array.isArray(paths)) throw malformed('map values must be lists of paths.');
    for (const entry of paths) {
      const segments = typeof entry === 'string' ? entry.split('.') : [];
      if (segments[0] !== 'variables' || segments.length < 2)
        throw malformed('map paths must point into variables ("variables.manifest").');
      placed.push({ path: segments.slice(1), file });
    }
  }
  for (const key of files.keys())
    if (!Object.hasOwn(map, key)) throw malformed('A file part is not named in map.');
  return placed;
}

/**
 * The upload route. Refuses on the headers alone, before reading the body: wrong method (405),
 * not multipart (415), no CSRF header (403), a declared length over the limit (413), no or a bad
 * token (401; a refused address or a rate limit as on every route). Then streams the parts to a
 * private temporary directory, executes the operation with the files placed in its variables, and
 * removes the directory once the response is computed.
 */
export function createUploadHandler(
  options: UploadHandlerOptions,
): (incoming: IncomingUpload, serverContext: Record<string, unknown>) => Promise<Response> {
  return async (incoming, serverContext) => {
    const early = refuseOnHeaders(incoming.method, incoming.headers, options.maxUploadBytes);
    if (early) return errorResponse(early);
    let caller: Caller;
    try {
      caller = await options.identify(incoming.headers, serverContext);
    } catch (error) {
      if (error instanceof GraphQLError) return errorResponse(error);
      throw error;
    }
    if (!caller.principal) return errorResponse(unauthenticated());
    const body = incoming.body();
    if (!body) return errorResponse(malformed('The upload has no body.').error);

    const directory = await mkdtemp(
      path.join(options.temporaryDirectory ?? tmpdir(), 'tollgate-upload-'),
    );
    try {
      let received: Awaited<ReturnType<typeof receive>>;
      let placed: PlacedFile[];
      try {
        received = await receive(body, incoming.headers, directory, options);
        placed = placements(received.map, received.files);
      } catch (error) {
        body.destroy();
        if (error instanceof UploadRefused) return errorResponse(error.error);
        throw error;
      }
      const { operations } = received;
      if (operations === null || typeof operations !== 'object' || Array.isArray(operations))
        return errorResponse(malformed('operations must be one GraphQL request object.').error);
      const forwarded = new Headers(incoming.headers);
      forwarded.delete('content-length');
      forwarded.set('content-type', 'application/json');
      const request = new Request(incoming.url, {
        method: 'POST',
        headers: forwarded,
        body: JSON.stringify(operations),
      });
      return await options.execute(request, {
        ...serverContext,
        [uploadsKey]: placed,
        [callerKey]: caller,
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  };
}

/** Sets the uploaded files into the variables yoga parsed from `operations`. */
export function placeFiles(
  variables: Record<string, unknown> | undefined,
  placed: readonly PlacedFile[],
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...(variables ?? {}) };
  for (const { path: segments, file } of placed) place(result, segments, file);
  return result;
}

/**
 * Writes a fetch Response to node:http. `close` (the request's body was not read to its end):
 * the connection closes after the response instead of node:http draining the unread body.
 */
export async function sendResponse(
  response: Response,
  to: ServerResponse,
  close: boolean,
): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (close) headers.connection = 'close';
  const body = Buffer.from(await response.arrayBuffer());
  to.writeHead(response.status, headers).end(body);
}

/** The headers of a node:http request as fetch Headers (values no socket could carry are left out). */
export function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    try {
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    } catch {
      // An invalid value: left out, as if not sent.
    }
  }
  return headers;
}
