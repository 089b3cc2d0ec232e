import path from 'node:path';
import type { StorageConfig } from '../config.js';
import { sqliteFileName } from '../db/connect.js';

/**
 * Where the data is, for the operator to read: the SQLite file, or the PostgreSQL URL without
 * its password (a command's output lands in CI logs and terminals' scrollback).
 */
export function databaseDescription(storage: StorageConfig): string {
  if (!storage.databaseUrl) return `SQLite ${path.join(storage.dataDir, sqliteFileName)}`;
  return `PostgreSQL ${redactedUrl(storage.databaseUrl)}`;
}

/** A connection URL with the password (and any query string, which may carry one) removed. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    parsed.search = '';
    return parsed.href;
  } catch {
    return '(an unreadable URL)';
  }
}
