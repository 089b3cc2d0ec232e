// The table interfaces in src/db/tables/ are written by hand; the migrations are the truth. This
// test reads both (the interfaces through the TypeScript compiler, the tables from a freshly
// migrated database) and fails on any difference: a table, a column or a column's nullability.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createTestDb, onPostgres } from './support/database.js';

const dbFolder = path.resolve(import.meta.dirname, '../src/db');

interface DeclaredColumn {
  readonly nullable: boolean;
}

/** Every interface of the table files and database.ts, with its properties and what it extends. */
function readInterfaces(): Map<string, ts.InterfaceDeclaration> {
  const files = [
    path.join(dbFolder, 'database.ts'),
    ...readdirSync(path.join(dbFolder, 'tables')).map((file) =>
      path.join(dbFolder, 'tables', file),
    ),
  ];
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    for (const statement of source.statements) {
      if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
    }
  }
  return interfaces;
}

function columnsOf(
  name: string,
  interfaces: Map<string, ts.InterfaceDeclaration>,
): Map<string, DeclaredColumn> {
  const declaration = interfaces.get(name);
  if (!declaration) throw new Error(`No interface ${name} in src/db`);
  const columns = new Map<string, DeclaredColumn>();
  for (const clause of declaration.heritageClauses ?? []) {
    for (const type of clause.types)
      for (const [column, info] of columnsOf(type.expression.getText(), interfaces))
        columns.set(column, info);
  }
  for (const member of declaration.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    columns.set(member.name.getText(), { nullable: /\bnull\b/.test(member.type.getText()) });
  }
  return columns;
}

/** The `Database` interface as table name → columns. */
function declaredTables(): Map<string, Map<string, DeclaredColumn>> {
  const interfaces = readInterfaces();
  const database = interfaces.get('Database')!;
  return new Map(
    database.members
      .filter(ts.isPropertySignature)
      .map((member) => [member.name.getText(), columnsOf(member.type!.getText(), interfaces)]),
  );
}

/** The tables of a freshly migrated database (SQLite, or PostgreSQL under TEST_DATABASE_URL). */
async function migratedTables(): Promise<Map<string, Map<string, DeclaredColumn>>> {
  const db = await createTestDb();
  try {
    // Kysely's introspection leaves out its own migration tables; it reads SQLite's pragmas and
    // PostgreSQL's catalog alike. SQLite lets an INTEGER PRIMARY KEY be declared without NOT
    // NULL, and reports it nullable: it is never null.
    const tables = await db.introspection.getTables();
    const primaryKeys = new Map<string, Set<string>>();
    if (!onPostgres)
      for (const { name } of tables) {
        const columns = await sql<{
          name: string;
          pk: number;
        }>`select name, pk from pragma_table_info(${name})`.execute(db);
        primaryKeys.set(
          name,
          new Set(columns.rows.filter((column) => column.pk > 0).map((column) => column.name)),
        );
      }
    return new Map(
      tables.map((table) => [
        table.name,
        new Map(
          table.columns.map((column) => [
            column.name,
            {
              nullable: column.isNullable && !primaryKeys.get(table.name)?.has(column.name),
            },
          ]),
        ),
      ]),
    );
  } finally {
    await db.destroy();
  }
}

describe('table interfaces', () => {
  it('declare exactly the migrated tables, columns and nullability', async () => {
    const declared = declaredTables();
    const migrated = await migratedTables();
    const describeTables = (tables: Map<string, Map<string, DeclaredColumn>>) =>
      Object.fromEntries(
        [...tables]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([table, columns]) => [
            table,
            Object.fromEntries(
              [...columns]
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([column, { nullable }]) => [column, nullable ? 'null' : 'not null']),
            ),
          ]),
      );
    expect(describeTables(declared)).toEqual(describeTables(migrated));
  });

  it('notices a column the interfaces do not declare', async () => {
    const migrated = await migratedTables();
    const declared = declaredTables();
    declared.get('projects')!.delete('description');
    expect(declared.get('projects')).not.toEqual(migrated.get('projects'));
  });
});
