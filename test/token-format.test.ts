import { describe, expect, it } from 'vitest';
import {
  generateToken,
  isWellFormedToken,
  tokenFromAuthorizationHeader,
  tokenHint,
} from '../src/auth/token.js';

describe('token format', () => {
  it('is tgs_ + 43 base62 characters (≥ 256 bits) + a 6-character CRC32', () => {
    const tokens = Array.from({ length: 200 }, generateToken);
    for (const token of tokens) {
      expect(token).toMatch(/^tgs_[0-9A-Za-z]{49}$/);
      expect(isWellFormedToken(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(43 * Math.log2(62)).toBeGreaterThanOrEqual(256);
  });

  it('uses every base62 character with no visible bias', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++)
      for (const char of generateToken().slice(4, 47))
        counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2000 * 43) / 62;
    // A modulo bias of 256 % 62 would make 0–7 about 25% more frequent; allow ±15%.
    for (const [char, count] of counts)
      expect(Math.abs(count - expected) / expected, char).toBeLessThan(0.15);
  });

  it('detects every single-character change through the checksum', () => {
    const token = generateToken();
    for (let i = 4; i < token.length; i++) {
      const changed = token.slice(0, i) + (token[i] === 'x' ? 'y' : 'x') + token.slice(i + 1);
      expect(isWellFormedToken(changed), `position ${i}`).toBe(false);
    }
    expect(isWellFormedToken(token + 'a')).toBe(false);
    expect(isWellFormedToken(token.slice(0, -1))).toBe(false);
    expect(isWellFormedToken(token.replace('tgs_', 'tgx_'))).toBe(false);
  });

  it('has a hint that shows the prefix and last four characters only', () => {
    const token = generateToken();
    expect(tokenHint(token)).toBe(`tgs_…${token.slice(-4)}`);
  });

  it('reads Bearer and Token headers, and nothing else', () => {
    expect(tokenFromAuthorizationHeader(null)).toBeUndefined();
    expect(tokenFromAuthorizationHeader('Bearer abc')).toBe('abc');
    expect(tokenFromAuthorizationHeader('token   abc ')).toBe('abc');
    expect(tokenFromAuthorizationHeader('Basic abc')).toBeNull();
    expect(tokenFromAuthorizationHeader('Bearer a b')).toBeNull();
    expect(tokenFromAuthorizationHeader('Bearer')).toBeNull();
  });
});
