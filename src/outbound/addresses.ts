import { BlockList, isIP } from 'node:net';

// Which addresses an outbound request may reach. A URL a token holder typed (a webhook target, an
// issuer's key set) must not become a way to reach the gateway's own network: loopback, private
// and link-local ranges, the cloud metadata address, and the IPv6 forms that embed an IPv4
// address are refused unless the operator allows them by CIDR.

/** Ranges no public service lives in, with why each is refused. */
const internalRanges: readonly (readonly [string, number, 'ipv4' | 'ipv6', string])[] = [
  ['0.0.0.0', 8, 'ipv4', 'this network'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared address space (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata services live here)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::ffff:0:0', 96, 'ipv6', 'IPv4-mapped'],
  ['64:ff9b::', 96, 'ipv6', 'IPv4/IPv6 translation'],
  ['64:ff9b:1::', 48, 'ipv6', 'IPv4/IPv6 translation'],
  ['100::', 64, 'ipv6', 'discard'],
  ['2001::', 32, 'ipv6', 'Teredo (embeds an IPv4 address)'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['2002::', 16, 'ipv6', '6to4 (embeds an IPv4 address)'],
  ['fc00::', 7, 'ipv6', 'unique local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

// One lookup per reason and family. node's BlockList compares an IPv4 address with IPv6 rules
// through its mapped form (so 8.8.8.8 would match ::ffff:0:0/96): IPv4 addresses are checked
// against the IPv4 rules only. IPv6 addresses are checked against both, which is what judges
// `::ffff:127.0.0.1` by its IPv4 part.
const internal = { ipv4: new Map<string, BlockList>(), ipv6: new Map<string, BlockList>() };
for (const [network, prefix, family, reason] of internalRanges) {
  let list = internal[family].get(reason);
  if (!list) {
    list = new BlockList();
    internal[family].set(reason, list);
  }
  list.addSubnet(network, prefix, family);
}

/** A CIDR (`10.1.0.0/16`, `::1/128`) or a single address; null when it is neither. */
export function parseAddressRange(
  text: string,
): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [network = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const version = isIP(network);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) return null;
  return { network, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** The allowlist as a lookup; throws on an entry that is not an address or CIDR. */
export function addressAllowlist(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const range = parseAddressRange(entry);
    if (!range) throw new Error(`Not an IP address or CIDR range: "${entry}"`);
    list.addSubnet(range.network, range.prefix, range.family);
  }
  return list;
}

/**
 * Why the address may not be reached (`loopback`, `private`, …), or null when it may: a public
 * address, or one the allowlist names. IPv4-mapped IPv6 addresses are judged by their IPv4 part
 * as well, so `::ffff:127.0.0.1` is loopback.
 */
export function refusedAddress(address: string, allowlist?: BlockList): string | null {
  const version = isIP(address);
  if (version === 0) return 'not an IP address';
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (allowlist?.check(address, family)) return null;
  for (const [reason, list] of internal.ipv4) if (list.check(address, family)) return reason;
  if (family === 'ipv6')
    for (const [reason, list] of internal.ipv6) if (list.check(address, family)) return reason;
  return null;
}
