import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, loadSecretKey } from '../src/secrets.js';

describe('sealed secrets', () => {
  it('round-trip, differ each time, and refuse tampering or another key', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('hunter2');
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('hunter2');
    const parts = sealed.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('hunter3').toString('base64url')].join('.');
    expect(() => box.open(tampered)).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => box.open('plain text')).toThrow('Not a sealed value.');
  });

  it('keep their key in the data directory, owner-only, unless one is configured', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-key-'));
    try {
      const key = loadSecretKey(dir, undefined);
      expect(key).toHaveLength(32);
      expect(statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
      expect(loadSecretKey(dir, undefined).equals(key)).toBe(true);
      const configured = randomBytes(32);
      expect(loadSecretKey(dir, configured.toString('base64')).equals(configured)).toBe(true);
      expect(() => loadSecretKey(dir, 'c2hvcnQ=')).toThrow(/32 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
