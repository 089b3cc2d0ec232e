// Opening a database: the embedded SQLite file or PostgreSQL, both through Kysely.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
} from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.js';

// Kysely re-prepares every statement; compiling SQL is a fixed cost per query that a small
// cache removes. Statements are safe to reuse because the SQLite driver runs one query at a time.
//
// Kysely opens transactions with a plain (deferred) `begin`. Ours all write, and a deferred
// transaction that reads first cannot wait for the write lock when another process (the
// ingest CLI, a second server) wrote meanwhile: SQLite answers "database is locked" at once.
// `begin immediate` takes the write lock up front, so the busy timeout applies.
function withStatementCache(database: BetterSqlite3.Database, capacity = 512): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  const schemaVersion = database.prepare('pragma schema_version').pluck();
  const currentSchemaVersion = () => schemaVersion.get();
  return {
    close: () => database.close(),
    prepare(text) {
      const sql = text === 'begin' ? 'begin immediate' : text;
      let statement = cache.get(sql);
      if (!statement) {
        statement = withRowsBuiltInJs(database.prepare(sql), currentSchemaVersion);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * The statement, with `all` building its rows in JavaScript from better-sqlite3's arrays (`raw`
 * mode), through a function made for the statement's columns that returns an object literal of
 * them. better-sqlite3 makes each row object in C++, one property at a time: for the wide rows
 * of the metadata API's lists (30 columns, 1,000 rows) that took twice as long as SQLite's whole
 * statement with the literal. The rows are the same objects: the same keys, in the same order,
 * the last of two equal column names winning (test/sqlite-rows.test.ts).
 *
 * SQLite prepares a statement again when the schema changes (a migration, from this connection
 * or another process), and a `select *` may then return other columns: the columns are read
 * again whenever the schema version differs from the one the function was made for.
 */
function withRowsBuiltInJs(
  statement: BetterSqlite3.Statement,
  schemaVersion: () => unknown,
): SqliteStatement {
  if (!statement.reader) return statement as unknown as SqliteStatement;
  let builtFor = schemaVersion();
  let rowOf = rowBuilder(statement.columns().map((column) => column.name));
  return {
    reader: true,
    all(parameters) {
      statement.raw(true);
      let rows: unknown[][];
      try {
        rows = statement.all(parameters) as unknown[][];
      } finally {
        statement.raw(false);
      }
      // Read after the statement ran, so that its columns are those of the rows just read.
      const version = schemaVersion();
      if (version !== builtFor) {
        builtFor = version;
        rowOf = rowBuilder(statement.columns().map((column) => column.name));
      }
      return rows.map(rowOf);
    },
    run: (parameters) => statement.run(parameters),
    iterate: (parameters) => statement.iterate(parameters),
  };
}

/** A row object from a row's values, for these column names. */
function rowBuilder(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  if (names.includes('__proto__')) {
    // An object literal would take this name for the prototype: assign each property, as
    // better-sqlite3 does (which gives such a column's value no property either).
    return (values) => {
      const row: Record<string, unknown> = {};
      names.forEach((name, index) => {
        row[name] = values[index];
      });
      return row;
    };
  }
  // Each name is written as a JSON string literal (escaped): nothing in it can become code.
  return new Function(
    'values',
    `return { ${names.map((name, index) => `${JSON.stringify(name)}: values[${index}]`).join(', ')} };`,
  ) as (values: unknown[]) => Record<string, unknown>;
}

/** How to open the same database again, from another thread (a worker ingesting artifacts). */
export type DbLocation =
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly searchPath?: string };

const locations = new WeakMap<Db, DbLocation>();

/** Where `db` lives, if another thread can open it (not for an in-memory SQLite database). */
export function locationOf(db: Db): DbLocation | undefined {
  return locations.get(db);
}

/** Opens the database at `location` (a worker thread's own connection to it). */
export function openDatabaseAt(location: DbLocation): Db {
  return location.kind === 'sqlite'
    ? createSqliteDb(location.filename)
    : createPostgresDb(location.connectionString, {
        ...(location.searchPath ? { searchPath: location.searchPath } : {}),
      });
}

export interface DbOptions {
  /** Called with every SQL statement executed (tests count them). */
  readonly onQuery?: (sql: string) => void;
}

/**
 * Opens (creating if needed) a SQLite database: WAL journal, foreign keys on, and a busy
 * timeout so that a second process waits for a lock instead of failing. `':memory:'` for tests.
 */
export function createSqliteDb(filename: string, { onQuery }: DbOptions = {}): Db {
  const database = new BetterSqlite3(filename);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // WAL + NORMAL never corrupts on a crash; at worst the last commits before a power loss vanish.
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
    log: onQuery
      ? (event) => {
          if (event.level === 'query') onQuery(event.query.sql);
        }
      : undefined,
  });
  // An in-memory database exists in this connection only: no other thread can open it.
  if (filename !== ':memory:' && filename !== '') locations.set(db, { kind: 'sqlite', filename });
  return db;
}

/** The pool behind each PostgreSQL database, for the metrics (Kysely does not expose it). */
const pools = new WeakMap<Db, pg.Pool>();

/**
 * The connection pool's counts for a PostgreSQL database; undefined for SQLite, which has no pool.
 */
export function poolStatsOf(db: Db): { total: number; idle: number; waiting: number } | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/**
 * A PostgreSQL database through Kysely's Postgres dialect, for when one machine is outgrown: the
 * same repositories and migrations run on it. `searchPath` puts every table in one schema.
 */
export function createPostgresDb(
  connectionString: string,
  {
    onQuery,
    searchPath,
    poolSize = 10,
  }: DbOptions & { searchPath?: string; poolSize?: number } = {},
): Db {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: onQuery
      ? (event) => {
          if (event.level === 'query') onQuery(event.query.sql);
        }
      : undefined,
  });
  pools.set(db, pool);
  locations.set(db, { kind: 'postgres', connectionString, searchPath });
  return db;
}

/** The embedded database's file inside the data directory. */
export const sqliteFileName = 'tollgate.sqlite';

/**
 * The database the configuration names: PostgreSQL when `databaseUrl` is set, otherwise the
 * embedded SQLite file in `dataDir` (the directory is created when missing). The server and the
 * command-line tools both open it here, so they always agree on where the data is.
 */
export function openDatabase(storage: {
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
}): Db {
  if (storage.databaseUrl) return createPostgresDb(storage.databaseUrl);
  mkdirSync(storage.dataDir, { recursive: true });
  return createSqliteDb(path.join(storage.dataDir, sqliteFileName));
}
