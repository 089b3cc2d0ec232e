import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../src/db/database.js';
import type { TollgateClient, TollgateResponse } from '../src/client/index.js';
import { AuditLogDocument } from '../src/client/index.js';

/** Every row of every table, as text: what a plain-text dump of the database would show. */
export async function dumpDatabase(db: Db): Promise<string> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(db);
    parts.push(`${name}: ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

/** How many rows a table holds. */
export async function rowCount(db: Db, table: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(result.rows[0]!.n);
}

/** Every audit entry of the account, as the API shows them. */
export async function auditText(client: TollgateClient): Promise<string> {
  const response = await client.request(AuditLogDocument, { first: 500 });
  expect(response.errors).toBeUndefined();
  return JSON.stringify(response.data);
}

/** Asserts that none of the secrets appears anywhere in the texts. */
export function expectNoSecret(texts: Record<string, string>, secrets: readonly string[]): void {
  const leaks = Object.entries(texts).flatMap(([where, text]) => secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${where}`));
  expect(leaks).toEqual([]);
}

/** The field a BAD_USER_INPUT response names. */
export function badField(response: TollgateResponse<unknown>): unknown {
  expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response.errors)).toBe('BAD_USER_INPUT');
  return response.errors?.[0]?.extensions?.field;
}
