// The PostgreSQL side of a test run under TEST_DATABASE_URL, shared by every test file: one
// migrated template for the whole run, and a list of emptied databases that files hand on to
// each other. Creating a database from the template costs a few hundred milliseconds and
// dropping one a checkpoint of the whole server (seconds on a busy machine), while emptying one
// costs tens of milliseconds: so a gateway's database is emptied and reused once its test has
// finished, and every database of the run is dropped once, when the run ends.
// (Without vitest: imported by the global set-up, in the main process.)

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresDb } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrator.js';

/** The PostgreSQL server the suite runs on, or undefined: SQLite. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;

/**
 * The PostgreSQL server tests that need one use (the multi-instance tests, whatever the switch):
 * TEST_DATABASE_URL's, else the local one every machine of this project has.
 */
export const postgresServerUrl = testDatabaseUrl ?? 'postgres://postgres@127.0.0.1:5432/test';

/** What the global set-up hands every test file (vitest's provide/inject). */
export interface PostgresRun {
  /** Every database of the run starts with it; the run's end drops them all. */
  readonly prefix: string;
  /** The migrated template every test database is a copy of. */
  readonly template: string;
  /** The database holding the list of emptied databases, free to take. */
  readonly registry: string;
  /** The template's tables, indexes and sequences: an emptied database must still have them. */
  readonly shape: string;
  /**
   * The rows migrations seed (the data version's one row), per table, as JSON: an emptied
   * database gets them back, as a fresh copy of the template would have them.
   */
  readonly seeds: string;
}

/** The server's URL with another database name. */
export function databaseUrl(name: string): string {
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/** Runs `work` on a connection of its own to `database` (default: the server's own). */
export async function withClient<T>(
  work: (client: pg.Client) => Promise<T>,
  database?: string,
): Promise<T> {
  const client = new pg.Client({
    connectionString: database ? databaseUrl(database) : postgresServerUrl,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database of the run (from `template` if given). Its commits do not wait for the
 * write-ahead log to reach the disk: what a crash of the server could lose is a test's data,
 * and on a busy machine that wait made the query-heavy files three times slower.
 */
export async function createDatabase(name: string, template?: string): Promise<void> {
  await withClient(async (client) => {
    await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
    await client.query(`alter database ${name} set synchronous_commit = off`);
  });
}

/** A database's relations (tables, indexes, sequences) in one string, to compare. */
const shapeQuery = `select coalesce(string_agg(c.relname || ':' || c.relkind::text, ',' order by c.relname), '') as shape
  from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`;

/** Every non-empty table's rows but the migrations' own bookkeeping, as one JSON object. */
async function seedsOf(client: pg.Client): Promise<string> {
  const { rows: tables } = await client.query<{ tablename: string }>(
    "select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely\\_migration%'",
  );
  const seeds: Record<string, unknown> = {};
  for (const { tablename } of tables) {
    const { rows } = await client.query<{ rows: unknown }>(
      `select json_agg(t) as rows from "${tablename}" t`,
    );
    if (rows[0]!.rows !== null) seeds[tablename] = rows[0]!.rows;
  }
  return JSON.stringify(seeds);
}

/** Makes the run's template and registry (the global set-up). */
export async function startPostgresRun(): Promise<PostgresRun> {
  const prefix = `tgt_${randomBytes(5).toString('hex')}`;
  const template = `${prefix}_template`;
  const registry = `${prefix}_registry`;
  const run = { prefix, template, registry, shape: '', seeds: '{}' };
  try {
    await createDatabase(template);
    await createDatabase(registry);
    const db = createPostgresDb(databaseUrl(template), { poolSize: 1 });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    run.shape = await withClient(
      async (client) => (await client.query<{ shape: string }>(shapeQuery)).rows[0]!.shape,
      template,
    );
    run.seeds = await withClient(seedsOf, template);
    await withClient(
      (client) => client.query('create table free (name text primary key)'),
      registry,
    );
  } catch (error) {
    await endPostgresRun(run).catch(() => undefined);
    throw error;
  }
  return run;
}

/** Drops every database of the run (the global set-up's teardown). */
export async function endPostgresRun(run: PostgresRun): Promise<void> {
  await withClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where left(datname, length($1::text)) = $1::text',
      [`${run.prefix}_`],
    );
    for (const { datname } of rows)
      await client.query(`drop database if exists ${datname} with (force)`);
  });
}

/** An emptied database of the run, if there is one free; it is then the caller's alone. */
export async function takeFreeDatabase(run: PostgresRun): Promise<string | undefined> {
  return withClient(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      'delete from free where name = (select name from free limit 1 for update skip locked) returning name',
    );
    return rows[0]?.name;
  }, run.registry);
}

/**
 * Empties a test database (every row of every table but the migrations' own, every sequence
 * back to its start) and puts it on the free list, once the pool of the test that used it is
 * closed. A database whose tables a test changed is not reused (the run's end drops it).
 */
export async function emptyAndFree(run: PostgresRun, name: string): Promise<void> {
  const shape = await withClient(async (client) => {
    // `replica` skips the triggers: the foreign keys' (any order of deletes) and the audit log's
    // append-only one.
    await client.query(`set session_replication_role = replica;
      do $$ declare r record; begin
        for r in select tablename from pg_tables
          where schemaname = 'public' and tablename not like 'kysely\\_migration%' loop
          execute format('delete from %I', r.tablename);
        end loop;
        for r in select sequencename from pg_sequences where schemaname = 'public' loop
          execute format('alter sequence %I restart', r.sequencename);
        end loop;
      end $$;
      set session_replication_role = default`);
    const emptied = (await client.query<{ shape: string }>(shapeQuery)).rows[0]!.shape;
    // The migrations' seed rows back, as a fresh copy of the template has them.
    if (emptied === run.shape)
      for (const [table, rows] of Object.entries(JSON.parse(run.seeds) as Record<string, unknown>))
        await client.query(
          `insert into "${table}" select * from json_populate_recordset(null::"${table}", $1::json)`,
          [JSON.stringify(rows)],
        );
    return emptied;
  }, name);
  if (shape !== run.shape) return;
  await withClient((client) => client.query('insert into free values ($1)', [name]), run.registry);
}
