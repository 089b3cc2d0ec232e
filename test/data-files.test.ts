import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTollgateClient, ViewerDocument } from '../src/client/index.js';
import { sqliteFileName } from '../src/db/connect.js';
import { printedToken, startServer, stopServer } from './support/processes.js';

// The data directory holds the audit log, members' emails and token hashes: a real start must
// leave it readable by the gateway's user only, and never print a token where logs are collected.

const root = mkdtempSync(path.join(tmpdir(), 'tollgate-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function modeOf(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

/** A data directory as a careless operator or an older version left it: world-readable. */
function looseDataDir(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  return dir;
}

describe('the data directory after a real start', () => {
  it('is 0700 with the database, its WAL and shared-memory files and the key at 0600, also when they existed with looser modes', async () => {
    const dataDir = looseDataDir('dev');
    const database = path.join(dataDir, sqliteFileName);
    const files = [
      database,
      `${database}-wal`,
      `${database}-shm`,
      path.join(dataDir, 'secret.key'),
    ];

    const first = await startServer(dataDir);
    // Development keeps printing the token (npm start in README), and writes no token file.
    printedToken(first.output());
    expect(existsSync(path.join(dataDir, 'admin-token'))).toBe(false);
    expect(modeOf(dataDir)).toBe('700');
    for (const file of files) {
      expect(existsSync(file), file).toBe(true);
      expect(modeOf(file), file).toBe('600');
    }
    expect(await stopServer(first)).toBe(0);

    // Loosened between two starts (a restore from backup, a chmod -R): fixed on the next start.
    chmodSync(dataDir, 0o755);
    for (const file of files) if (existsSync(file)) chmodSync(file, 0o644);
    const second = await startServer(dataDir);
    expect(modeOf(dataDir)).toBe('700');
    for (const file of files) {
      expect(existsSync(file), file).toBe(true);
      expect(modeOf(file), file).toBe('600');
    }
    expect(await stopServer(second)).toBe(0);
  }, 180_000);
});

describe('the first Account Admin token', () => {
  it('goes to an owner-only file in production, and only its path is printed', async () => {
    const dataDir = looseDataDir('production-token');
    const started = await startServer(dataDir, { NODE_ENV: 'production' });
    const file = path.join(dataDir, 'admin-token');
    expect(started.output()).toContain(file);
    expect(started.output()).not.toMatch(/tgs_[0-9A-Za-z]{49}/);
    expect(modeOf(file)).toBe('600');
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^tgs_[0-9A-Za-z]{49}$/);
    const viewer = await createTollgateClient({ url: started.url, token }).request(ViewerDocument);
    expect(viewer.data?.viewer.name).toBe('Bootstrap admin');
    expect(await stopServer(started)).toBe(0);
  }, 120_000);
});
