import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { sqliteFileName } from '../db/connect.js';

/** The data directory: only the gateway's own user may list or enter it. */
export const dataDirMode = 0o700;
/** Files in it (the database and its journals, the secret key, the first token): owner-only. */
export const dataFileMode = 0o600;

/**
 * The files the gateway keeps in its data directory: the SQLite database with its write-ahead
 * log, shared-memory index and rollback journal, the key sealing stored secrets, and the file
 * a production first start writes the Account Admin token to.
 */
export function dataFileNames(adminTokenFileName: string): readonly string[] {
  return [
    sqliteFileName,
    `${sqliteFileName}-wal`,
    `${sqliteFileName}-shm`,
    `${sqliteFileName}-journal`,
    'secret.key',
    adminTokenFileName,
  ];
}

/**
 * Makes the data directory private before anything is opened in it. The database holds the
 * audit log, members' emails and token hashes: no other local user may read it.
 *
 * - The process umask becomes 077 for the server's whole life, so every file created later
 *   (SQLite creates the WAL and shared-memory files on demand, uploads may spool to disk) is
 *   owner-only without each caller remembering to ask.
 * - The directory and the gateway's files already there (from an older version, or restored
 *   from a backup with the usual 0644) are set to 0700 and 0600.
 *
 * Throws when a mode cannot be set (the directory belongs to another user): the server must
 * not start on data others can read.
 */
export function makeDataDirPrivate(dataDir: string, fileNames: readonly string[]): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: dataDirMode });
  chmodSync(dataDir, dataDirMode);
  for (const name of fileNames) {
    const file = path.join(dataDir, name);
    if (existsSync(file)) chmodSync(file, dataFileMode);
  }
}
