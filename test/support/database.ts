// The database every test gateway runs on: in-memory SQLite by default, or PostgreSQL when
// TEST_DATABASE_URL names a server (`npm run test:postgres`). On PostgreSQL each test file
// migrates one template database of its own, and every gateway gets a fresh copy of it (the
// tests expect an empty database each, as in-memory SQLite gives them); all of them are dropped
// when the file ends (test/support/database-setup.ts).

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresDb, createSqliteDb } from '../../src/db/connect.js';
import type { Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';

/** The PostgreSQL server the suite runs on, or undefined: SQLite. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;
export const onPostgres = testDatabaseUrl !== undefined;

/**
 * The PostgreSQL server tests that need one use (the multi-instance tests, whatever the switch):
 * TEST_DATABASE_URL's, else the local one every machine of this project has.
 */
export const postgresServerUrl = testDatabaseUrl ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether that server answers; tests that need it skip with a notice when it does not. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: postgresServerUrl,
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** This file's names: a prefix no other run (or other test file) uses. */
const prefix = `tgt_${randomBytes(5).toString('hex')}`;
let template: Promise<string> | undefined;
let created = 0;
const databases: string[] = [];
const opened: Db[] = [];

/** The server's URL with another database name. */
export function databaseUrl(name: string): string {
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return url.href;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresServerUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database on the test server; dropped when the test file ends. */
export async function createPostgresDatabase(suffix = String(++created)): Promise<string> {
  const name = `${prefix}_${suffix}`;
  await admin((client) => client.query(`create database ${name}`));
  databases.push(name);
  return name;
}

/** This file's migrated template, made on first use. */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = await createPostgresDatabase('tpl');
    const db = createPostgresDb(databaseUrl(name), { poolSize: 1 });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    return name;
  })();
  return template;
}

/** A fresh database with the real migrations applied: in-memory SQLite, or a PostgreSQL copy. */
export async function createTestDb(options: { onQuery?: (sql: string) => void } = {}): Promise<Db> {
  if (!testDatabaseUrl) {
    const db = createSqliteDb(':memory:', options);
    await migrateToLatest(db);
    return db;
  }
  const source = await migratedTemplate();
  const name = `${prefix}_${++created}`;
  await admin((client) => client.query(`create database ${name} template ${source}`));
  databases.push(name);
  const db = createPostgresDb(databaseUrl(name), { ...options, poolSize: 4 });
  opened.push(db);
  return db;
}

/** Closes every database this file opened and drops every one it created. */
export async function dropTestDatabases(): Promise<void> {
  await Promise.all(opened.splice(0).map((db) => db.destroy().catch(() => undefined)));
  const names = databases.splice(0).reverse();
  template = undefined;
  if (names.length === 0) return;
  await admin(async (client) => {
    for (const name of names) await client.query(`drop database if exists ${name} with (force)`);
  });
}
