import { sql } from 'kysely';
import { expect } from 'vitest';
import {
  AuditLogDocument,
  type TollgateClient,
  type TollgateResponse,
} from '../../src/client/index.js';
import type { Database, Db } from '../../src/db/database.js';
import { insertMember } from '../../src/db/members.js';
import type { MemberRow } from '../../src/db/tables/people.js';
import type { TestGateway } from './helpers.js';

// Checks on what a request left behind: row counts (nothing half-written), a dump of every
// table and the audit log (no secret anywhere).

/** How many rows a table holds. */
export async function rowCount(db: Db, table: keyof Database): Promise<number> {
  const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
    db,
  );
  return Number(result.rows[0]!.n);
}

/** Row counts of several tables at once. */
export async function rowCounts(
  db: Db,
  tables: readonly (keyof Database)[],
): Promise<Record<string, number>> {
  return Object.fromEntries(
    await Promise.all(tables.map(async (table) => [table, await rowCount(db, table)] as const)),
  );
}

/** Every row of every table, as text: what a plain-text dump of the database would show. */
export async function dumpDatabase(db: Db): Promise<string> {
  // Kysely's introspection lists the tables on SQLite and PostgreSQL alike.
  const tables = await db.introspection.getTables();
  const parts: string[] = [];
  for (const { name } of tables)
    parts.push(
      `${name}: ${JSON.stringify((await sql`select * from ${sql.table(name)}`.execute(db)).rows)}`,
    );
  return parts.join('\n');
}

/** The newest audit entry of the database. */
export async function lastAuditEntry(db: Db) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}

/** Every audit entry of the account, as the API shows them. */
export async function auditText(client: TollgateClient): Promise<string> {
  const response = await client.request(AuditLogDocument, { first: 500 });
  expect(response.errors).toBeUndefined();
  return JSON.stringify(response.data);
}

/** Asserts that none of the secrets appears anywhere in the texts. */
export function expectNoSecret(texts: Record<string, string>, secrets: readonly string[]): void {
  const leaks = Object.entries(texts).flatMap(([where, text]) =>
    secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${where}`),
  );
  expect(leaks).toEqual([]);
}

/** The field a BAD_USER_INPUT response names. */
export function badField(response: TollgateResponse<unknown>): unknown {
  expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response.errors)).toBe(
    'BAD_USER_INPUT',
  );
  return response.errors?.[0]?.extensions?.field;
}

/** A member of the gateway's first account (or another), inserted through the repository. */
export async function addMember(
  gateway: TestGateway,
  email: string,
  options: { accountId?: number; licenseType?: MemberRow['license_type'] } = {},
) {
  return insertMember(gateway.db, {
    accountId: options.accountId ?? gateway.account.id,
    email,
    name: email.split('@')[0]!,
    licenseType: options.licenseType ?? null,
    now: new Date().toISOString(),
  });
}
