import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Service token strings: `tgs_` + 43 base62 characters from a CSPRNG (≥ 256 bits) + a 6-character
 * base62 CRC32 of everything before it. The checksum lets a mistyped or made-up token be refused
 * without touching the database, and lets secret scanners tell our tokens from random strings.
 */

export const tokenPrefix = 'tgs_';
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** ⌈256 / log2(62)⌉ = 43 characters carry at least 256 bits. */
export const tokenBodyLength = 43;
/** 62^6 > 2^32, so six characters hold any CRC32. */
const checksumLength = 6;
export const tokenLength = tokenPrefix.length + tokenBodyLength + checksumLength;
const wellFormed = new RegExp(`^${tokenPrefix}[0-9A-Za-z]{${tokenBodyLength + checksumLength}}$`);

/** Uniform base62 characters: bytes ≥ 248 (= 4 × 62) are rejected, so `% 62` has no bias. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += alphabet[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62(value: number, width: number): string {
  let out = '';
  for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) out = alphabet[rest % 62] + out;
  return out.padStart(width, '0');
}

function checksumOf(payload: string): string {
  return base62(crc32(payload), checksumLength);
}

/** A new token string. Shown to its creator once; only its hash is stored. */
export function generateToken(): string {
  const payload = tokenPrefix + randomBase62(tokenBodyLength);
  return payload + checksumOf(payload);
}

/** Format and checksum only: no I/O, so malformed tokens cost nothing to refuse. */
export function isWellFormedToken(candidate: string): boolean {
  if (candidate.length !== tokenLength || !wellFormed.test(candidate)) return false;
  const payload = candidate.slice(0, -checksumLength);
  return candidate.slice(-checksumLength) === checksumOf(payload);
}

/** SHA-256, hex. Tokens carry 256 random bits, so a fast hash is enough (no KDF needed). */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** `tgs_…wXyZ`: recognisable in a list, useless to an attacker. */
export function tokenHint(token: string): string {
  return `${tokenPrefix}…${token.slice(-4)}`;
}

/**
 * The token in an `Authorization` header: `Bearer <token>` or `Token <token>` (dbt Cloud's two
 * forms). Returns undefined when there is no header and null when there is one we cannot use.
 */
export function tokenFromAuthorizationHeader(header: string | null): string | null | undefined {
  if (header === null) return undefined;
  const match = /^(?:bearer|token)[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1]! : null;
}
