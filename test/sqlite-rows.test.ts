import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createSqliteDb } from '../src/db/connect.js';

// The SQLite connection builds result rows in JavaScript (src/db/connect.ts): they must be the
// rows better-sqlite3 itself returns, key for key and in the same order.

const statements = [
  `select 1 as a, 'x' as b, null as c, 2.5 as d, x'00ff' as e`,
  // Two columns of the same name: the last one's value, at the first one's place.
  `select 1 as a, 2 as b, 3 as a`,
  // Integer-like and unusual names, and a name a literal would take for the prototype.
  `select 1 as "2", 2 as "with space", 3 as "quote""d", 4 as "back\\slash"`,
  `select 1 as "__proto__", 2 as b`,
  `select value, value * 2 as twice from json_each('[1,2,3]') order by value`,
];

describe('SQLite rows', () => {
  it.each(statements)('are the objects better-sqlite3 returns: %s', async (statement) => {
    const db = createSqliteDb(':memory:');
    const plain = new BetterSqlite3(':memory:');
    try {
      const expected = plain.prepare(statement).all() as Record<string, unknown>[];
      // Twice: the second run reuses the cached statement and its row builder.
      for (let run = 0; run < 2; run++) {
        const { rows } = await sql.raw<Record<string, unknown>>(statement).execute(db);
        expect(rows).toStrictEqual(expected);
        expect(rows.map((row) => Object.keys(row))).toEqual(
          expected.map((row) => Object.keys(row)),
        );
        for (const row of rows) expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      }
    } finally {
      plain.close();
      await db.destroy();
    }
  });

  it('follow a schema change: a cached `select *` reads the columns the table has now', async () => {
    const db = createSqliteDb(':memory:');
    try {
      await sql`create table t (a integer, b text, c text)`.execute(db);
      await sql`insert into t values (1, 'b', 'c')`.execute(db);
      const all = () =>
        db
          .selectFrom('t' as never)
          .selectAll()
          .execute();
      expect(await all()).toStrictEqual([{ a: 1, b: 'b', c: 'c' }]);
      // A column dropped from the middle: the same cached statement now returns two columns.
      await sql`alter table t drop column b`.execute(db);
      expect(await all()).toStrictEqual([{ a: 1, c: 'c' }]);
      await sql`alter table t add column d integer default 4`.execute(db);
      expect(await all()).toStrictEqual([{ a: 1, c: 'c', d: 4 }]);
    } finally {
      await db.destroy();
    }
  });

  it('keep writes, returning clauses and streamed reads working', async () => {
    const db = createSqliteDb(':memory:');
    try {
      await sql`create table t (id integer primary key, name text)`.execute(db);
      const inserted = await sql<{ id: number; name: string }>`
        insert into t (name) values ('a'), ('b') returning id, name`.execute(db);
      expect(inserted.rows).toStrictEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      const updated = await sql`update t set name = 'c' where id = 2`.execute(db);
      expect(updated.numAffectedRows).toBe(1n);
      const streamed: unknown[] = [];
      for await (const row of db
        .selectFrom('t' as never)
        .selectAll()
        .stream())
        streamed.push(row);
      expect(streamed).toStrictEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'c' },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
