import { BlockList, isIP } from 'node:net';

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128); null if invalid. */
export function parseCidr(text: string): Cidr | null {
  const [rawAddress, rawPrefix, ...rest] = text.trim().split('/');
  if (rest.length > 0 || !rawAddress) return null;
  const address = normalizeAddress(rawAddress);
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (rawPrefix !== undefined && !/^\d{1,3}$/.test(rawPrefix)) return null;
  const prefix = rawPrefix === undefined ? max : Number(rawPrefix);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A set of CIDR ranges that answers "is this address inside?". */
export function addressSet(cidrs: readonly Cidr[]): (address: string) => boolean {
  const list = new BlockList();
  for (const cidr of cidrs) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return (address) => {
    const normalized = normalizeAddress(address);
    const version = isIP(normalized);
    return version !== 0 && list.check(normalized, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address. The socket's peer by default; `X-Forwarded-For` is believed only when
 * the peer is a configured trusted proxy, and then only up to the first hop that is not one
 * (walking from the right, since a client can write anything on the left).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | null,
  isTrustedProxy: ((address: string) => boolean) | null,
): string | null {
  if (!socketAddress) return null;
  let client = normalizeAddress(socketAddress);
  if (!isTrustedProxy || !forwardedFor) return client;
  const hops = forwardedFor
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  while (isTrustedProxy(client) && hops.length > 0) {
    const next = hops.pop()!;
    if (isIP(normalizeAddress(next)) === 0) break;
    client = normalizeAddress(next);
  }
  return client;
}
