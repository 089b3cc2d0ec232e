import { sql } from 'kysely';
import { CreateServiceTokenDocument, type PermissionGrantInput } from '../src/client/index.js';
import type { Database, Member } from '../src/db/database.js';
import { insertMember } from '../src/db/members.js';
import type { TestGateway } from './helpers.js';
import { required } from './matrix/fixture.js';

/** Rows in a table, for checking that a refused write wrote nothing. */
export async function rowCount(gateway: TestGateway, table: keyof Database): Promise<number> {
  const { n } = await gateway.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

/** Row counts of several tables at once. */
export async function rowCounts(gateway: TestGateway, tables: readonly (keyof Database)[]): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await rowCount(gateway, table)] as const)));
}

/** Every value of every table, as one string: where a leaked secret would show. */
export async function dumpDatabase(gateway: TestGateway): Promise<string> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(gateway.db);
  const dumps = await Promise.all(
    tables.rows.map(async ({ name }) => JSON.stringify((await sql`select * from ${sql.table(name)}`.execute(gateway.db)).rows)),
  );
  return dumps.join('\n');
}

/** The newest audit entry of the gateway's database. */
export async function lastAuditEntry(gateway: TestGateway) {
  return gateway.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
}

/** A member of the gateway's first account (or another), inserted through the repository. */
export async function addMember(gateway: TestGateway, email: string, options: { accountId?: number; licenseType?: Member['license_type'] } = {}) {
  return insertMember(gateway.db, {
    accountId: options.accountId ?? gateway.account.id,
    email,
    name: email.split('@')[0]!,
    licenseType: options.licenseType ?? null,
    now: new Date().toISOString(),
  });
}

/** A client holding a new token with these grants, made by the admin. */
export async function tokenWith(gateway: TestGateway, permissions: PermissionGrantInput[], name = 'scoped') {
  const created = required(
    await gateway.client(gateway.adminToken).request(CreateServiceTokenDocument, { input: { name, permissions } }),
    'createServiceToken',
  ).createServiceToken!;
  return { client: gateway.client(created.token), id: created.serviceToken.id, secret: created.token };
}
