import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './database.js';

const marker = '\u0000tollgate-parameter:';

/**
 * A query whose SQL never changes, built and compiled once per database and then only re-run
 * with new parameter values. Kysely builds and compiles a query on every execution; for the
 * authentication query, run on every request, that costs several times what SQLite needs to
 * run it. `build` must use each argument only as a parameter value (never to shape the SQL).
 */
export function preparedQuery<Args extends Record<string, string | number | null>, Row>(
  build: (db: Db, args: Args) => Compilable<Row>,
): (db: Db, args: Args) => Promise<Row[]> {
  const compiled = new WeakMap<Db, { query: CompiledQuery<Row>; slots: (keyof Args | null)[] }>();
  return async (db, args) => {
    let prepared = compiled.get(db);
    if (!prepared) {
      const markers = Object.fromEntries(
        Object.keys(args).map((name) => [name, `${marker}${name}`]),
      ) as unknown as Args;
      const query = build(db, markers).compile();
      const slots = query.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(marker)
          ? (value.slice(marker.length) as keyof Args)
          : null,
      );
      prepared = { query, slots };
      compiled.set(db, prepared);
    }
    const { query, slots } = prepared;
    const parameters = query.parameters.map((value, index) =>
      slots[index] === null ? value : args[slots[index]!],
    );
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}
