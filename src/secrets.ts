import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Encryption at rest for secrets the gateway must be able to read back (data platform
 * passwords, webhook signing secrets): AES-256-GCM, a fresh nonce per value, authenticated so a
 * tampered value fails to open. Secrets that never need reading back (token secrets) are hashed
 * instead, not sealed.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Throws if the value was not sealed with this key or was altered. */
  open(sealed: string): string;
}

const version = 'v1';

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes.');
  return {
    seal(plaintext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        version,
        nonce.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const [tag, nonce, authTag, body] = sealed.split('.');
      if (tag !== version || !nonce || !authTag || body === undefined)
        throw new Error('Not a sealed value.');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAuthTag(Buffer.from(authTag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}

/**
 * The key: `TOLLGATE_SECRET_KEY` (32 bytes, base64) when set; otherwise `secret.key` in the data
 * directory, created on first start with owner-only permissions. Losing it makes sealed values
 * unreadable, so back it up with the database.
 */
export function loadSecretKey(dataDir: string, fromEnv: string | undefined): Buffer {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error('TOLLGATE_SECRET_KEY must be 32 bytes, base64-encoded.');
    return key;
  }
  const file = path.join(dataDir, 'secret.key');
  if (!existsSync(file))
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/**
 * What identifies the key without revealing it: HMAC-SHA256 of a fixed label under the key, in
 * hex. The database records it, so that an instance holding another key is refused at start
 * (its sealed values could not be opened by the others, nor theirs by it).
 */
export function secretKeyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('tollgate secret key fingerprint v1').digest('hex');
}

/** The one line an instance prints when its key is not the one its database was sealed with. */
export const secretKeyMismatch =
  "TOLLGATE_SECRET_KEY: this instance's secret key is not the one this database records (the fingerprints differ). Every instance on one database must share the same TOLLGATE_SECRET_KEY: set it to the value the other instances use (or the content of the first instance's secret.key).";
