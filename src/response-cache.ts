// A response cache for repeated identical reads (metadata consumers poll the same query). What
// it may never do is serve one caller another's data, or serve data a write has changed: the key
// is the caller's effective access, the document, its variables and the data version, which
// every mutation advances (and every ingest, each being a mutation or, from the command line,
// advancing it itself). Authentication, IP rules, rate limits and the request's other checks
// run before the cache is consulted, on every request: only execution is skipped.
import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  type ExecutionResult,
  getOperationAST,
  OperationTypeNode,
  print,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
// Redis is loaded only by deployments that use it (type imports cost nothing).
import type { Redis } from 'ioredis';
import {
  type GrantedPermission,
  grantedInRequest,
  replayGranted,
} from './auth/permission-usage.js';
import type { Principal } from './auth/principal.js';
import type { EffectiveAccess, ResourceAccess } from './catalog/access.js';
import type { Context } from './context.js';
import { advanceDataVersion, readDataVersion } from './db/data-version.js';
import type { Db } from './db/database.js';
import { connectRedis } from './rate-limit.js';

/**
 * A cached answer, and the permissions its execution's rules granted (least privilege): a hit
 * runs no rule, so it records these instead. The same access fingerprint, document, variables
 * and data version make the same decisions. Null when the executing request recorded nothing (a
 * process with recording off): a recording caller then executes instead of losing its usage.
 */
export interface CachedResponse {
  readonly result: ExecutionResult;
  readonly granted: readonly GrantedPermission[] | null;
}

/** Where cached results are kept: this process's memory, or Redis shared by every instance. */
export interface ResponseCache {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, entry: CachedResponse): Promise<void>;
  close(): Promise<void>;
}

export interface MemoryCacheLimits {
  /** At most this many results (default 1,000). */
  readonly maxEntries?: number;
  /** At most this many bytes of JSON in all (default 64 MiB); larger results are not kept. */
  readonly maxBytes?: number;
}

/**
 * A bounded least-recently-used cache in this process. Results are kept as the objects served
 * (never changed after execution), so a hit costs no parsing.
 */
export function memoryResponseCache({
  maxEntries = 1_000,
  maxBytes = 64 * 2 ** 20,
}: MemoryCacheLimits = {}): ResponseCache {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recent.
  const entries = new Map<string, { entry: CachedResponse; bytes: number }>();
  let totalBytes = 0;
  const evict = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    totalBytes -= entry.bytes;
  };
  return {
    kind: 'memory',
    async get(key) {
      const kept = entries.get(key);
      if (!kept) return undefined;
      entries.delete(key);
      entries.set(key, kept);
      return kept.entry;
    },
    async set(key, entry) {
      const bytes = JSON.stringify(entry).length;
      if (bytes > maxBytes) return;
      evict(key);
      entries.set(key, { entry, bytes });
      totalBytes += bytes;
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries && totalBytes <= maxBytes) break;
        evict(oldest);
      }
    },
    async close() {
      entries.clear();
      totalBytes = 0;
    },
  };
}

/**
 * The part of this version's keys after the prefix. Entries of the earlier format (one JSON
 * object) live under the bare prefix: during a rolling upgrade, instances of either version
 * never read the other's entries (an older instance would fail to parse these).
 */
const redisFormat = 'v2:';

/**
 * Results in Redis, shared by every instance on the same server and key prefix, each kept at
 * most `ttlSeconds` (old versions' entries are never read again; the expiry reclaims them). An
 * unreachable Redis is a miss, never an error: the request executes.
 *
 * A value is two lines: the granted permissions' JSON and the result's JSON (JSON.stringify
 * writes no line breaks). A hit parses the result for the plugins that look at it, and is written
 * out from the stored text, not serialized again (see `servedFromText`).
 */
export function redisResponseCache(
  client: Redis,
  { keyPrefix = 'tollgate:responses:', ttlSeconds = 600 } = {},
): ResponseCache {
  const keyOf = (key: string) => `${keyPrefix}${redisFormat}${key}`;
  return {
    kind: 'redis',
    async get(key) {
      const stored = await client.get(keyOf(key)).catch(() => null);
      const lineBreak = stored?.indexOf('\n') ?? -1;
      if (lineBreak < 0) return undefined;
      const text = stored!.slice(lineBreak + 1);
      const result = JSON.parse(text) as ExecutionResult;
      if (result.data && Object.keys(result).length === 1) resultTexts.set(result.data, text);
      return {
        result,
        granted: JSON.parse(stored!.slice(0, lineBreak)) as CachedResponse['granted'],
      };
    },
    async set(key, entry) {
      const value = `${JSON.stringify(entry.granted)}\n${JSON.stringify(entry.result)}`;
      await client.set(keyOf(key), value, 'EX', ttlSeconds).catch(() => undefined);
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

const accessText = (access: ResourceAccess) =>
  `${access.read ? 'r' : ''}${access.write ? 'w' : ''}${[...access.writableCategories].sort().join('+')}`;

const mapText = (map: ReadonlyMap<string, ResourceAccess>) =>
  [...map]
    .map(([resource, access]) => `${resource}=${accessText(access)}`)
    .sort()
    .join(',');

const fingerprints = new WeakMap<EffectiveAccess, string>();

/**
 * What a caller may see, as text: two callers with equal access (two tokens with the same
 * grants) have equal fingerprints, and any difference in what they may read or write gives
 * different ones. Computed from the compiled access, whatever it was compiled from.
 */
export function accessFingerprint(access: EffectiveAccess): string {
  let text = fingerprints.get(access);
  if (text === undefined) {
    const projects = [...access.byProject]
      .sort(([a], [b]) => a - b)
      .map(([projectId, resources]) => `${projectId}:${mapText(resources)}`);
    text = [
      `every=${access.coversEveryProject}`,
      `account:${mapText(access.account)}`,
      `all:${mapText(access.everyProject)}`,
      ...projects,
    ].join('\n');
    fingerprints.set(access, text);
  }
  return text;
}

/**
 * The caller's part of a cache key: the account (loaders read only its rows), the access, and
 * which of its secrets the token used (a grace-window secret is refused some fields; a member
 * signs in with a session).
 */
function callerKey(principal: Principal): string {
  const secret = principal.kind === 'token' ? principal.secret : 'session';
  return `${principal.account.id}\n${secret}\n${accessFingerprint(principal.access)}`;
}

// The document's text, printed once per parsed document (yoga's parse cache hands the same
// DocumentNode to every request with the same source).
const documentTexts = new WeakMap<DocumentNode, string>();
function documentText(document: DocumentNode): string {
  let text = documentTexts.get(document);
  if (text === undefined) {
    text = print(document);
    documentTexts.set(document, text);
  }
  return text;
}

/** A per-token extension (see tokenExpiryPlugin in app.ts): added to each response, not kept. */
const perTokenExtensions = ['tokenExpiresAt'];

function withoutPerTokenExtensions(result: ExecutionResult): ExecutionResult {
  if (!result.extensions) return result;
  const extensions = { ...result.extensions };
  for (const name of perTokenExtensions) delete extensions[name];
  return Object.keys(extensions).length > 0
    ? { ...result, extensions }
    : { data: result.data, ...(result.errors ? { errors: result.errors } : {}) };
}

/**
 * The JSON text of cached results, data alone (`{"data":…}`), by their data: made on a memory
 * cache result's first hit (see `servedFromText`), or read from Redis.
 */
const resultTexts = new WeakMap<object, string>();

/**
 * A cached result that serializes from text made once: yoga writes a result with the result's
 * own `stringify` when it has one, and writing a 500-model page again was most of a hit's CPU.
 * The text is one flat string (JSON.stringify of `{ data }`): an answer over 128 KB built by
 * concatenation is flattened again into V8's large-object space by every reader of its bytes.
 * The memory cache hands out the same result object on every hit, so its text is made once; a
 * result read from Redis comes with the text it was read from. Whatever the other plugins then
 * do to the result (its per-token extensions) is written as usual; a result whose data or shape
 * they changed is written whole, by JSON.stringify.
 */
function servedFromText(result: ExecutionResult): ExecutionResult {
  const { data } = result;
  if (!data || result.errors) return result;
  const stringify = (served: ExecutionResult) => {
    if (
      served.data !== data ||
      Object.keys(served).some(
        (key) => key !== 'data' && key !== 'extensions' && key !== 'stringify',
      )
    )
      return JSON.stringify(served);
    let text = resultTexts.get(data);
    if (text === undefined) {
      text = JSON.stringify({ data });
      resultTexts.set(data, text);
    }
    return served.extensions === undefined
      ? text
      : `${text.slice(0, -1)},"extensions":${JSON.stringify(served.extensions)}}`;
  };
  return Object.assign({ ...result }, { stringify });
}

/**
 * Serves repeated identical queries from the cache. Must be the last plugin with an `onExecute`
 * hook: every other plugin's checks (query cost, input errors, introspection) run first, and
 * their result hooks still run on a cached result. Only complete answers to queries by an
 * identified caller are kept: no errors, no mutation, no anonymous request.
 */
export function responseCachePlugin({
  db,
  cache,
  scope,
}: {
  db: Db;
  cache: ResponseCache;
  /** Which API the results are of (the same document means different things on two schemas). */
  scope: string;
}): Plugin<Context> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const principal = args.contextValue.principal;
      if (!principal) return;
      const document = args.document as DocumentNode;
      const operation = getOperationAST(document, args.operationName);
      if (operation?.operation !== OperationTypeNode.QUERY) return;
      // Read before executing: a write that lands during execution advances the version past
      // this key, so what this execution read is never served after that write.
      const version = await readDataVersion(db);
      const key = createHash('sha256')
        .update(
          [
            scope,
            version,
            callerKey(principal),
            args.operationName ?? '',
            JSON.stringify(args.variableValues ?? {}),
            documentText(document),
          ].join('\0'),
        )
        .digest('base64url');
      const context = args.contextValue;
      const cached = await cache.get(key);
      if (cached && (cached.granted !== null || !context.grantedPermissions)) {
        // The rules do not run: record what they granted the identical request.
        replayGranted(context, cached.granted ?? []);
        setResultAndStopExecution(servedFromText(cached.result));
        return;
      }
      return {
        async onExecuteDone({ result }) {
          if (isAsyncIterable(result) || result.errors?.length) return;
          await cache.set(key, {
            result: withoutPerTokenExtensions(result),
            granted: context.grantedPermissions ? grantedInRequest(context) : null,
          });
        },
      };
    },
  };
}

/**
 * Advances the data version after every mutation, whatever its outcome (a mutation that failed
 * part-way may have written), before its response leaves: the caller's next read is a miss.
 */
export function dataVersionPlugin(db: Db): Plugin<Context> {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document as DocumentNode, args.operationName);
      if (operation?.operation !== OperationTypeNode.MUTATION) return;
      return {
        async onExecuteDone() {
          await advanceDataVersion(db);
        },
      };
    },
  };
}

/**
 * The response cache the configuration implies: in Redis, shared by every instance, when
 * `TOLLGATE_REDIS_URL` is set (under the deployment's key prefix); otherwise in this process's
 * memory, bounded. Throws, naming the variable, when Redis cannot be reached at start-up.
 */
export async function openResponseCache(
  redis: { readonly url: string; readonly keyPrefix: string } | undefined,
): Promise<ResponseCache> {
  if (!redis) return memoryResponseCache();
  const client = await connectRedis(redis.url).catch((error: Error) => {
    const { hostname, port } = new URL(redis.url);
    throw new Error(
      `Cannot reach Redis at ${hostname}:${port || 6379} (TOLLGATE_REDIS_URL): ${error.message}`,
    );
  });
  // A lost connection makes every lookup a miss (see redisResponseCache), not an error.
  client.on('error', () => undefined);
  return redisResponseCache(client, { keyPrefix: `${redis.keyPrefix}:responses:` });
}
