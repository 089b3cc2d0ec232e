import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { loadStorageConfig } from '../config.js';
import { openDatabase, sqliteFileName } from '../db/connect.js';
import { listMigrations, migrateToLatest } from '../db/migrator.js';
import { type CommandSpec, parseCommandLine, UsageError } from './command-line.js';
import { redactedUrl } from './database-description.js';
import { progressReporter } from './progress.js';

// `tollgate copy-to-postgres <url>`: the move from the embedded database to PostgreSQL when one
// machine is outgrown. All or nothing: the schema and every row are written in one PostgreSQL
// transaction, and the row counts are compared before it commits, so a failure at any point
// leaves the target as empty as it was.

export const command: CommandSpec = {
  usage: 'tollgate copy-to-postgres <url>',
  description: [
    'Copies the embedded SQLite database (tollgate.sqlite in TOLLGATE_DATA_DIR) into the empty',
    'PostgreSQL database at <url> (postgres://user@host:5432/database): creates the tables with',
    "Tollgate's migrations, copies every row, sets the id sequences, and compares the row count",
    'of every table before committing, all in one transaction. A target that already has a',
    'table is refused. Stop the gateway first: writes made after the copy starts are not copied.',
    'Then start it with TOLLGATE_DATABASE_URL=<url> and the same secret key (secret.key in the',
    'data directory, or TOLLGATE_SECRET_KEY): sealed secrets open only with it.',
    'The source must be the embedded database, so TOLLGATE_DATABASE_URL must be unset.',
  ].join('\n'),
  required: ['url'],
};

/** The source or the target refuses the copy (exit status 1); nothing was written. */
export class CopyRefused extends Error {}

/** Kysely's bookkeeping: the target gets its own from running the migrations. */
const migrationTables = new Set(['kysely_migration', 'kysely_migration_lock']);

/** Rows per INSERT, under PostgreSQL's 65,535 parameters per statement. */
const batchRows = (columns: number) => Math.max(1, Math.min(1000, Math.floor(60_000 / columns)));

/** The source's tables, each after the tables its foreign keys reference. */
function tablesInDependencyOrder(source: BetterSqlite3.Database): string[] {
  const tables = (
    source
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
      )
      .all() as { name: string }[]
  )
    .map((row) => row.name)
    .filter((name) => !migrationTables.has(name));
  const references = new Map(
    tables.map((table) => [
      table,
      (source.pragma(`foreign_key_list("${table}")`) as { table: string }[])
        .map((key) => key.table)
        .filter((referenced) => referenced !== table),
    ]),
  );
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const referenced of references.get(table) ?? []) visit(referenced);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

function postgresUrl(value: string): string {
  try {
    if (['postgres:', 'postgresql:'].includes(new URL(value).protocol)) return value;
  } catch {}
  throw new UsageError(
    `<url> must be a PostgreSQL URL, postgres://user@host:5432/database. Usage: ${command.usage}`,
  );
}

export async function main(args: readonly string[]) {
  const line = parseCommandLine(command, args);
  if (!line) return;
  const url = postgresUrl(line.positionals[0]!);
  const storage = loadStorageConfig();
  if (storage.databaseUrl)
    throw new UsageError(
      'TOLLGATE_DATABASE_URL is set: the gateway already uses PostgreSQL. copy-to-postgres copies the embedded database; unset it.',
    );
  const sourceFile = path.join(storage.dataDir, sqliteFileName);
  if (!existsSync(sourceFile))
    throw new CopyRefused(`No database at ${sourceFile} (TOLLGATE_DATA_DIR).`);

  // The copy runs the current migrations on the target: the source must be at the same version.
  const sourceDb = openDatabase(storage);
  try {
    const pending = (await listMigrations(sourceDb)).filter((migration) => !migration.executedAt);
    if (pending.length > 0)
      throw new CopyRefused(
        `The embedded database has ${pending.length} pending migrations (first: ${pending[0]!.name}): run \`tollgate migrate up\` first.`,
      );
  } finally {
    await sourceDb.destroy();
  }

  const source = new BetterSqlite3(sourceFile, { fileMustExist: true });
  // One connection, so that the BEGIN below and every statement after it (the migrations
  // included) are one transaction on one session.
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
  // Tables named at run time (whatever the source holds): rows are plain records.
  const target = new Kysely<Record<string, Record<string, unknown>>>({
    dialect: new PostgresDialect({ pool }),
  });
  try {
    const existing = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema()
      order by table_name limit 5`.execute(target);
    if (existing.rows.length > 0)
      throw new CopyRefused(
        `The target database is not empty (${existing.rows.map((row) => row.table_name).join(', ')}${existing.rows.length === 5 ? ', …' : ''}): copy-to-postgres writes only into an empty one.`,
      );

    // A read transaction on the source: every table is read from the same snapshot.
    source.prepare('begin').run();
    const tables = tablesInDependencyOrder(source);
    const counts = new Map(
      tables.map((table) => [
        table,
        (source.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n,
      ]),
    );
    const totalRows = [...counts.values()].reduce((sum, count) => sum + count, 0);
    console.log(
      `Copying ${totalRows.toLocaleString('en-US')} rows in ${tables.length} tables from ${sourceFile} to ${redactedUrl(url)}`,
    );

    await sql`begin`.execute(target);
    try {
      await migrateToLatest(target, { withinTransaction: true });
      // Migrations may seed rows (the data version's one row): the source, at the same
      // migration, holds them too, as they are now. Its rows replace them, children first.
      for (const table of [...tables].reverse()) await target.deleteFrom(table).execute();
      const progress = progressReporter('copy');
      let copied = 0;
      for (const table of tables) {
        const columns = (source.pragma(`table_info("${table}")`) as { name: string }[]).map(
          (column) => column.name,
        );
        const size = batchRows(columns.length);
        let batch: Record<string, unknown>[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          await target.insertInto(table).values(batch).execute();
          copied += batch.length;
          batch = [];
          progress.update(copied, totalRows, table);
        };
        // Ordered by rowid: a row that references an earlier row of its own table comes after it.
        for (const row of source
          .prepare(
            `select ${columns.map((column) => `"${column}"`).join(', ')} from "${table}" order by rowid`,
          )
          .iterate() as IterableIterator<Record<string, unknown>>) {
          batch.push(row);
          if (batch.length >= size) await flush();
        }
        await flush();
      }
      progress.finish();

      // Explicit ids do not advance a serial column's sequence: move each past the copied ids.
      const serials = await sql<{ table_name: string; column_name: string }>`
        select table_name, column_name from information_schema.columns
        where table_schema = current_schema() and column_default like 'nextval(%'`.execute(target);
      for (const { table_name: table, column_name: column } of serials.rows) {
        await sql`select setval(pg_get_serial_sequence(${table}, ${column}),
          coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 1),
          (select count(*) > 0 from ${sql.table(table)}))`.execute(target);
      }

      const mismatches: string[] = [];
      const report: string[] = [];
      for (const table of tables) {
        const { rows } = await sql<{
          n: string;
        }>`select count(*) as n from ${sql.table(table)}`.execute(target);
        const copiedRows = Number(rows[0]!.n);
        const expected = counts.get(table)!;
        report.push(
          `  ${table.padEnd(36)} ${String(expected).padStart(9)} ${copiedRows === expected ? 'ok' : `≠ ${copiedRows}`}`,
        );
        if (copiedRows !== expected)
          mismatches.push(`${table}: ${expected} in SQLite, ${copiedRows} in PostgreSQL`);
      }
      if (mismatches.length > 0)
        throw new CopyRefused(
          `Row counts differ, nothing was committed: ${mismatches.join('; ')}.`,
        );
      await sql`commit`.execute(target);
      console.log('Rows per table (SQLite = PostgreSQL):');
      for (const entry of report) console.log(entry);
      console.log(
        `Copied ${totalRows.toLocaleString('en-US')} rows in ${tables.length} tables, every count verified. Start the gateway with TOLLGATE_DATABASE_URL set to the target and the same secret key.`,
      );
    } catch (error) {
      await sql`rollback`.execute(target).catch(() => undefined);
      throw error;
    }
  } finally {
    if (source.inTransaction) source.prepare('commit').run();
    source.close();
    await target.destroy();
  }
}

export function refusal(error: unknown): string | undefined {
  return error instanceof CopyRefused ? error.message : undefined;
}
