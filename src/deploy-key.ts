import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

/** An Ed25519 deploy key: the public half as git hosts take it, the private half to be sealed. */
export interface DeployKey {
  /** `ssh-ed25519 AAAA… comment`: one authorized_keys line. */
  readonly publicKey: string;
  /** `SHA256:…` (unpadded base64), exactly as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  /** The private key in OpenSSH's own format, as `ssh -i` and git read it. */
  readonly privateKeyOpenSsh: string;
}

/** An SSH wire-format string: uint32 length, then the bytes (RFC 4251 §5). */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The public key blob (RFC 8709 §4) of an Ed25519 key given as its 32 raw bytes. */
export function ed25519PublicKeyBlob(raw: Buffer): Buffer {
  return Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
}

export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * An unencrypted `openssh-key-v1` private key file (OpenSSH's PROTOCOL.key): Node exports Ed25519
 * keys only as PKCS#8, which ssh-keygen and git's ssh do not read.
 */
function openSshPrivateKey(seed: Buffer, raw: Buffer, comment: string): string {
  const blob = ed25519PublicKeyBlob(raw);
  const check = randomBytes(4);
  let section = Buffer.concat([
    check,
    check,
    sshString(Buffer.from('ssh-ed25519')),
    sshString(raw),
    sshString(Buffer.concat([seed, raw])),
    sshString(Buffer.from(comment)),
  ]);
  const padding = Buffer.from(
    Array.from({ length: (8 - (section.length % 8)) % 8 }, (_, index) => index + 1),
  );
  section = Buffer.concat([section, padding]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString(Buffer.from('none')),
    sshString(Buffer.from('none')),
    sshString(Buffer.alloc(0)),
    count,
    sshString(blob),
    sshString(section),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g)!;
  return [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    ...lines,
    '-----END OPENSSH PRIVATE KEY-----',
    '',
  ].join('\n');
}

export function generateDeployKey(comment: string): DeployKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const raw = Buffer.from(jwk.x!, 'base64url');
  const blob = ed25519PublicKeyBlob(raw);
  return {
    publicKey: `ssh-ed25519 ${blob.toString('base64')} ${comment}`,
    fingerprint: sshFingerprint(blob),
    privateKeyOpenSsh: openSshPrivateKey(Buffer.from(jwk.d!, 'base64url'), raw, comment),
  };
}
