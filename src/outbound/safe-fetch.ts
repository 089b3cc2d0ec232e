import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { BlockList, LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { addressAllowlist, refusedAddress } from './addresses.js';

// The one way the gateway calls out to a URL someone else chose (webhook targets; later, an
// identity provider's key set). What it guarantees, whatever the URL says:
// - https only; plain http only to localhost, and only when the policy allows it;
// - the host name is resolved once, every address checked (private, loopback, link-local, unique
//   local, mapped… are refused unless the allowlist names them), and the connection goes to the
//   address that was checked: a DNS answer that changes between check and connect (rebinding)
//   cannot move it. TLS still verifies the certificate against the host name;
// - one deadline for connecting, sending and reading; a bounded response body;
// - redirects are returned, never followed (a 3xx could point anywhere).

export interface OutboundPolicy {
  /** Allow `http:` to localhost, 127.0.0.1 and [::1] (the addresses must still be allowed). */
  readonly allowHttpToLocalhost?: boolean;
  /** CIDRs (or addresses) that may be reached although internal: `127.0.0.1/32`, `10.2.0.0/16`. */
  readonly allowedAddresses?: readonly string[];
  /** Deadline for the whole exchange, in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** Bytes of response body kept (default 64 KiB); the rest is not read. */
  readonly maxResponseBytes?: number;
  /** Name resolution; tests replace it to play a rebinding resolver. */
  readonly resolve?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export interface SafeRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface SafeResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** At most `maxResponseBytes`. */
  readonly body: Buffer;
  /** The body was longer than `maxResponseBytes` and was cut. */
  readonly truncated: boolean;
  /** The address the request went to. */
  readonly address: string;
}

export type OutboundErrorCode =
  | 'invalid_url'
  | 'scheme_refused'
  | 'address_refused'
  | 'resolution_failed'
  | 'timeout'
  | 'network';

/** Why a request was not made or did not complete. Messages name no secret, only the host. */
export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export const defaultTimeoutMs = 10_000;
export const defaultMaxResponseBytes = 64 * 1024;

const localhostNames = new Set(['localhost', '127.0.0.1', '[::1]']);

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

// Allowlists are parsed once per distinct list.
const allowlists = new WeakMap<readonly string[], BlockList>();
function allowlistOf(entries: readonly string[] | undefined): BlockList | undefined {
  if (!entries || entries.length === 0) return undefined;
  let list = allowlists.get(entries);
  if (!list) {
    list = addressAllowlist(entries);
    allowlists.set(entries, list);
  }
  return list;
}

/** The URL, checked for its scheme; throws OutboundError. */
function checkedUrl(input: string | URL, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new OutboundError('invalid_url', 'Not a valid URL.');
  }
  if (url.username || url.password)
    throw new OutboundError('invalid_url', 'URLs with credentials are refused.');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && policy.allowHttpToLocalhost && localhostNames.has(url.hostname))
    return url;
  throw new OutboundError(
    'scheme_refused',
    url.protocol === 'http:'
      ? `Plain http is refused for ${url.hostname}: use https${localhostNames.has(url.hostname) ? ' (or allow http to localhost)' : ''}.`
      : `The ${url.protocol} scheme is refused: use https.`,
  );
}

/** Resolves the host and picks an address every check allows; throws OutboundError. */
async function pinnedAddress(url: URL, policy: OutboundPolicy): Promise<ResolvedAddress> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host);
  let addresses: readonly ResolvedAddress[];
  if (literal !== 0) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch {
      throw new OutboundError('resolution_failed', `Could not resolve ${host}.`);
    }
    if (addresses.length === 0)
      throw new OutboundError('resolution_failed', `Could not resolve ${host}.`);
  }
  const allowlist = allowlistOf(policy.allowedAddresses);
  // Every address the name has must be allowed: a name that resolves to a public and a private
  // address is refused rather than raced.
  for (const { address } of addresses) {
    const reason = refusedAddress(address, allowlist);
    if (reason !== null)
      throw new OutboundError(
        'address_refused',
        `${host} resolves to ${address}, a ${reason} address; refused.`,
      );
  }
  return addresses[0]!;
}

/**
 * Sends one request under the policy and reads a bounded response. Any status is a response
 * (redirects included: never followed); throws OutboundError when the URL or its address is
 * refused, the name does not resolve, the deadline passes or the connection fails.
 */
export async function safeFetch(
  input: string | URL,
  init: SafeRequestInit = {},
  policy: OutboundPolicy = {},
): Promise<SafeResponse> {
  const url = checkedUrl(input, policy);
  const timeoutMs = policy.timeoutMs ?? defaultTimeoutMs;
  const maxBytes = policy.maxResponseBytes ?? defaultMaxResponseBytes;
  const deadline = AbortSignal.timeout(timeoutMs);
  const pinned = await pinnedAddress(url, policy);
  if (deadline.aborted) throw new OutboundError('timeout', `No answer within ${timeoutMs} ms.`);

  // The connection resolves the host through this function only: it answers the checked address.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<SafeResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: OutboundError) => {
      if (settled) return;
      settled = true;
      request.destroy();
      reject(error);
    };
    const request = transport.request(
      url,
      {
        method: init.method ?? 'GET',
        headers: {
          ...init.headers,
          ...(body ? { 'content-length': String(body.length) } : {}),
        },
        lookup,
        // No connection pooling: each request resolves and checks its own address.
        agent: false,
        signal: deadline,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let truncated = false;
        const finish = () => {
          if (settled) return;
          settled = true;
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
            truncated,
            address: pinned.address,
          });
        };
        response.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = maxBytes - kept;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            kept = maxBytes;
            truncated = true;
            // Enough read: stop the transfer rather than draining a body of any size.
            finish();
            response.destroy();
            return;
          }
          chunks.push(chunk);
          kept += chunk.length;
        });
        response.on('end', finish);
        response.on('error', () =>
          deadline.aborted
            ? fail(new OutboundError('timeout', `No answer within ${timeoutMs} ms.`))
            : fail(new OutboundError('network', 'The response broke off.')),
        );
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (deadline.aborted || error.name === 'AbortError')
        fail(new OutboundError('timeout', `No answer within ${timeoutMs} ms.`));
      else
        fail(
          new OutboundError(
            'network',
            `Could not reach ${url.host}: ${error.code ?? error.message}.`,
          ),
        );
    });
    request.end(body);
  });
}
