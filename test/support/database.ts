// The databases tests run on: in-memory SQLite by default, or PostgreSQL when TEST_DATABASE_URL
// names a server (`npm run test:postgres`). Every test that needs a database opens it here, so
// one switch moves the whole suite and nothing is left behind on the server:
//
// - createTestDb(): what a test gateway runs on, empty but migrated. On PostgreSQL a database
//   of its own, a copy of the run's template, emptied and reused by a later test once the test
//   that made it has finished (see ./database-run.ts for why).
// - migratedPostgresDatabase() / emptyPostgresDatabase() / postgresSchema(): for the tests that
//   always use PostgreSQL (several gateways or processes on one database), whatever the switch.
// - dataDirDatabase(): the database a child process (the server, a command) uses, named to it
//   in TOLLGATE_DATABASE_URL under the switch, so the commands are tested on the suite's database.
//
// The pools a file opened are closed when it ends (./database-setup.ts); its databases are
// dropped then too, or under the switch when the whole run ends (./database-global-setup.ts).

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject, onTestFinished } from 'vitest';
import { createPostgresDb, createSqliteDb, openDatabase } from '../../src/db/connect.js';
import type { Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import {
  createDatabase,
  databaseUrl,
  emptyAndFree,
  type PostgresRun,
  postgresServerUrl,
  takeFreeDatabase,
  testDatabaseUrl,
  withClient,
} from './database-run.js';

export { databaseUrl, postgresServerUrl, testDatabaseUrl };
export const onPostgres = testDatabaseUrl !== undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Under TEST_DATABASE_URL: the run's template and free list (./database-global-setup.ts). */
    postgresRun?: PostgresRun;
  }
}

let reachable: Promise<boolean> | undefined;

/** Whether that server answers (asked once per file). */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
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
  })();
  return reachable;
}

/**
 * For tests that always need PostgreSQL: whether they can run. Without a server they skip with a
 * notice naming `what`; but under CI=true, or when the suite itself runs on PostgreSQL, a missing
 * server is a failure rather than a silently smaller test run.
 */
export async function postgresFor(what: string): Promise<boolean> {
  if (await postgresReachable()) return true;
  const missing = `no PostgreSQL at ${postgresServerUrl}`;
  if (onPostgres) throw new Error(`TEST_DATABASE_URL is set but there is ${missing}.`);
  if (process.env.CI === 'true') throw new Error(`CI=true but there is ${missing}.`);
  console.warn(`NOTICE: ${missing}; skipped: ${what}.`);
  return false;
}

/** The run's databases under the switch; otherwise (the tests that always use PostgreSQL), none. */
const run = onPostgres ? inject('postgresRun') : undefined;
/** This file's names: a prefix no other run or test file uses. */
const prefix = `${run?.prefix ?? 'tgt'}_${randomBytes(4).toString('hex')}`;
let template: Promise<string> | undefined;
let created = 0;
/** What this file drops when it ends: everything it made, unless the run's end drops it. */
const databases: string[] = [];
const opened: Db[] = [];
/** This file's test databases not yet handed on: emptied and freed when the file ends. */
const held = new Map<string, Db>();

/** A new, empty PostgreSQL database on the test server, by name. */
export async function createPostgresDatabase(suffix = String(++created)): Promise<string> {
  const name = `${prefix}_${suffix}`;
  await createDatabase(name);
  if (!run) databases.push(name);
  return name;
}

/** The URL of a new, empty PostgreSQL database (what a first start migrates). */
export async function emptyPostgresDatabase(): Promise<string> {
  return databaseUrl(await createPostgresDatabase());
}

/** The run's migrated template, or (not under the switch) this file's, made on first use. */
function migratedTemplate(): Promise<string> {
  if (run) return Promise.resolve(run.template);
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

/** A new database with the real migrations applied, by name: a copy of the template. */
async function copyOfTemplate(): Promise<string> {
  const source = await migratedTemplate();
  const name = `${prefix}_${++created}`;
  await createDatabase(name, source);
  if (!run) databases.push(name);
  return name;
}

/**
 * The URL of a new PostgreSQL database with the real migrations applied, for tests that open
 * several pools on it (`CREATE DATABASE … TEMPLATE` copies in a fraction of migrating's time).
 */
export async function migratedPostgresDatabase(): Promise<string> {
  return databaseUrl(await copyOfTemplate());
}

/**
 * A new, empty schema in a database of its own (dropped with it), for the tests of `searchPath`:
 * every table in one schema, a worker reopening the same location.
 */
export async function postgresSchema(): Promise<{ url: string; schema: string }> {
  const url = await emptyPostgresDatabase();
  const schema = `${prefix}_s${++created}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  return { url, schema };
}

/** A pool on a PostgreSQL database (createPostgresDb), closed when the file ends if not before. */
export function openPostgresDb(url: string, options: Parameters<typeof createPostgresDb>[1] = {}) {
  const db = createPostgresDb(url, options);
  opened.push(db);
  return db;
}

/** Closes the test database's pool (its gateway cannot reach it any more) and hands it on. */
async function release(current: PostgresRun, name: string): Promise<void> {
  const db = held.get(name);
  if (!db) return;
  held.delete(name);
  await db.destroy().catch(() => undefined);
  // Not emptied (a test left it unusable): it stays aside, and the run's end drops it.
  await emptyAndFree(current, name).catch(() => undefined);
}

/** A fresh database with the real migrations applied: in-memory SQLite, or PostgreSQL. */
export async function createTestDb(options: { onQuery?: (sql: string) => void } = {}): Promise<Db> {
  if (!onPostgres) {
    const db = createSqliteDb(':memory:', options);
    await migrateToLatest(db);
    return db;
  }
  if (!run) return openPostgresDb(await migratedPostgresDatabase(), { ...options, poolSize: 4 });
  const name = (await takeFreeDatabase(run)) ?? (await copyOfTemplate());
  const db = createPostgresDb(databaseUrl(name), { ...options, poolSize: 4 });
  held.set(name, db);
  // Made during a test (or its beforeEach): that test's alone, handed on once it has finished.
  // Made in a beforeAll: kept until the file ends.
  try {
    onTestFinished(() => release(run, name));
  } catch {}
  return db;
}

/**
 * The database of a data directory as a child process (the server, a command) and the test
 * itself open it. On SQLite: the file in `dataDir`. Under the switch: a new, empty PostgreSQL
 * database, which `env` names to the child in TOLLGATE_DATABASE_URL (the child migrates it, as
 * a first start does) and `open()` connects to.
 */
export async function dataDirDatabase(dataDir: string): Promise<{
  readonly env: Record<string, string>;
  /** A new connection to it (the caller destroys it). */
  open(): Db;
}> {
  const url = onPostgres ? await emptyPostgresDatabase() : undefined;
  return {
    env: { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_DATABASE_URL: url ?? '' },
    open: () => openDatabase({ dataDir, databaseUrl: url }),
  };
}

/** Closes every pool this file opened; drops or hands on every database it made. */
export async function dropTestDatabases(): Promise<void> {
  await Promise.all(opened.splice(0).map((db) => db.destroy().catch(() => undefined)));
  if (run) for (const name of [...held.keys()]) await release(run, name);
  const names = databases.splice(0);
  template = undefined;
  if (names.length === 0) return;
  await withClient(async (client) => {
    for (const name of names) await client.query(`drop database if exists ${name} with (force)`);
  });
}
