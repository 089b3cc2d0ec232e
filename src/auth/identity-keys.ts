import type { JSONWebKeySet } from 'jose';
import { type OutboundPolicy, safeFetch } from '../outbound/safe-fetch.js';

// The signing keys of identity token issuers, found the OpenID Connect way: the issuer's
// /.well-known/openid-configuration names its `jwks_uri`. Both documents are cached as long as
// their HTTP cache headers allow, and the key set is fetched again when a token names a key it
// does not hold (the issuer rotated its keys) — at most once per cooldown, so a flood of made-up
// key ids cannot turn the gateway into a client hammering the issuer.

/**
 * How the key cache fetches a document: through the SSRF-safe client (src/outbound/: https only,
 * no private, loopback or link-local addresses unless the policy allows them, a deadline, a
 * bounded body). Injected, so that the cache never opens a connection of its own.
 */
export type OutboundGet = (url: string) => Promise<OutboundAnswer>;

/** What the cache needs of an answer (src/outbound/safe-fetch.ts's SafeResponse has it). */
export interface OutboundAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The body was longer than the client keeps. */
  readonly truncated: boolean;
}

/** The issuer's documents could not be fetched or were not what OpenID Connect describes. */
export class IssuerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuerUnavailableError';
  }
}

export interface IssuerKeys {
  /**
   * The issuer's key set, from the cache while it is fresh. `refresh`: the caller met a key id
   * the set lacks, so fetch the set again unless it was fetched within the cooldown. Throws
   * IssuerUnavailableError when the documents cannot be had.
   */
  keySet(issuer: string, options?: { refresh?: boolean }): Promise<JSONWebKeySet>;
}

export interface IssuerKeysOptions {
  readonly get: OutboundGet;
  readonly now: () => Date;
  /** Freshness when a response has no cache headers (default five minutes). */
  readonly defaultMaxAgeMs?: number;
  /** Never cached longer than this, whatever the headers say (default a day). */
  readonly maxMaxAgeMs?: number;
  /** The least time between two fetches of one key set for an unknown key (default 30 s). */
  readonly refreshCooldownMs?: number;
  /** Issuers remembered; the least recently fetched is forgotten first (default 100). */
  readonly maxIssuers?: number;
}

/** Discovery documents and key sets are small; anything bigger is refused unread. */
export const maxDocumentBytes = 256 * 1024;

/** The SSRF-safe client as the key cache uses it: JSON, five seconds, a bounded body. */
export function outboundGet(policy: OutboundPolicy): OutboundGet {
  return (url) =>
    safeFetch(
      url,
      { headers: { accept: 'application/json' } },
      { timeoutMs: 5_000, maxResponseBytes: maxDocumentBytes, ...policy },
    );
}

/**
 * How long a response may be used, in milliseconds, from its `Cache-Control` (`no-store`,
 * `no-cache`, `max-age`, less `Age`) or else `Expires` against `Date`; `fallbackMs` without any.
 */
export function freshnessOf(headers: Headers, fallbackMs: number, nowMs: number): number {
  const cacheControl = (headers.get('cache-control') ?? '').toLowerCase();
  const directives = new Map(
    cacheControl
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name, value] = part.split('=', 2);
        return [name!.trim(), value?.trim().replace(/^"|"$/g, '')] as const;
      }),
  );
  if (directives.has('no-store') || directives.has('no-cache')) return 0;
  const maxAge = directives.get('max-age');
  if (maxAge !== undefined && /^\d+$/.test(maxAge)) {
    const age = Number(headers.get('age') ?? '0');
    return Math.max(0, (Number(maxAge) - (Number.isFinite(age) ? age : 0)) * 1000);
  }
  const expires = headers.get('expires');
  if (expires !== null) {
    const at = Date.parse(expires);
    if (Number.isNaN(at)) return 0; // RFC 9111: an invalid Expires means already expired
    const date = Date.parse(headers.get('date') ?? '');
    return Math.max(0, at - (Number.isNaN(date) ? nowMs : date));
  }
  return fallbackMs;
}

interface Cached<T> {
  readonly value: T;
  readonly fetchedAt: number;
  readonly freshUntil: number;
}

interface IssuerEntry {
  discovery?: Cached<{ jwksUri: string }>;
  keys?: Cached<JSONWebKeySet>;
  /** A fetch in progress, shared by concurrent exchanges. */
  pending?: Promise<JSONWebKeySet>;
}

/** The discovery document's address for an issuer (OpenID Connect Discovery 1.0, section 4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** A cache of issuers' key sets; see the module comment. */
export function createIssuerKeys({
  get: fetchDocument,
  now,
  defaultMaxAgeMs = 5 * 60_000,
  maxMaxAgeMs = 24 * 60 * 60_000,
  refreshCooldownMs = 30_000,
  maxIssuers = 100,
}: IssuerKeysOptions): IssuerKeys {
  const issuers = new Map<string, IssuerEntry>();

  async function get(url: string, what: string): Promise<{ body: unknown; freshMs: number }> {
    let answer: OutboundAnswer;
    try {
      answer = await fetchDocument(url);
    } catch (error) {
      throw new IssuerUnavailableError(`${what} could not be fetched`, { cause: error });
    }
    if (answer.status < 200 || answer.status > 299)
      throw new IssuerUnavailableError(`${what} answered HTTP ${answer.status}`);
    if (answer.truncated) throw new IssuerUnavailableError(`${what} is too large`);
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString('utf8'));
    } catch (error) {
      throw new IssuerUnavailableError(`${what} is not JSON`, { cause: error });
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const freshMs = Math.min(maxMaxAgeMs, freshnessOf(headers, defaultMaxAgeMs, now().getTime()));
    return { body, freshMs };
  }

  async function discover(issuer: string, entry: IssuerEntry): Promise<string> {
    const at = now().getTime();
    if (entry.discovery && entry.discovery.freshUntil > at) return entry.discovery.value.jwksUri;
    const { body, freshMs } = await get(discoveryUrl(issuer), 'The discovery document');
    const document = body as { issuer?: unknown; jwks_uri?: unknown } | null;
    // OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was
    // fetched for, or another issuer's keys could be passed off as this one's.
    if (document?.issuer !== issuer)
      throw new IssuerUnavailableError('The discovery document names another issuer');
    if (typeof document.jwks_uri !== 'string' || !URL.canParse(document.jwks_uri))
      throw new IssuerUnavailableError('The discovery document has no jwks_uri');
    entry.discovery = {
      value: { jwksUri: document.jwks_uri },
      fetchedAt: at,
      freshUntil: at + freshMs,
    };
    return document.jwks_uri;
  }

  async function fetchKeys(issuer: string, entry: IssuerEntry): Promise<JSONWebKeySet> {
    const jwksUri = await discover(issuer, entry);
    const { body, freshMs } = await get(jwksUri, 'The key set');
    const keys = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'object' || key === null))
      throw new IssuerUnavailableError('The key set has no keys');
    const at = now().getTime();
    const value = { keys } as JSONWebKeySet;
    entry.keys = { value, fetchedAt: at, freshUntil: at + freshMs };
    return value;
  }

  return {
    async keySet(issuer, { refresh = false } = {}) {
      let entry = issuers.get(issuer);
      if (!entry) {
        if (issuers.size >= maxIssuers) issuers.delete(issuers.keys().next().value!);
        entry = {};
        issuers.set(issuer, entry);
      }
      const at = now().getTime();
      const cached = entry.keys;
      const stale = !cached || cached.freshUntil <= at;
      const refreshAllowed = !cached || at - cached.fetchedAt >= refreshCooldownMs;
      if (cached && !stale && !(refresh && refreshAllowed)) return cached.value;
      const current = entry;
      current.pending ??= fetchKeys(issuer, current).finally(() => {
        current.pending = undefined;
      });
      return current.pending;
    },
  };
}
