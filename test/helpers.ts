import { createApp, type App } from '../src/app.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import type { Plan } from '../src/catalog/permission-sets.js';
import { createTollgateClient, type TollgateClient } from '../src/client/index.js';
import { createSqliteDb, migrateToLatest, type Account, type Db } from '../src/db/database.js';

/** A clock tests move by hand. */
export function manualClock(start = new Date('2026-11-27T12:00:00.000Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(milliseconds: number) {
      current += milliseconds;
    },
  };
}

export interface TestGateway {
  readonly db: Db;
  readonly app: App;
  readonly account: Account;
  readonly adminToken: string;
  /** SQL statements executed so far (reset it to count a request's). */
  readonly queries: string[];
  /** A typed client over real HTTP semantics (yoga.fetch), as this token or anonymous. */
  client(token?: string): TollgateClient;
  /** A raw GraphQL request, for documents the typed client does not carry. */
  graphql(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<RawResponse>;
  /** Another account in the same database, with its own admin token. */
  addAccount(name: string, plan: Plan): Promise<{ account: Account; adminToken: string }>;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    data?: Record<string, any> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
    extensions?: Record<string, any>;
  };
}

/** A fresh gateway per test: in-memory SQLite, the real migrations, one account and its admin. */
export async function createTestGateway(options: { plan?: Plan; now?: () => Date } = {}): Promise<TestGateway> {
  const queries: string[] = [];
  const db = createSqliteDb(':memory:', { onQuery: (sql) => queries.push(sql) });
  await migrateToLatest(db);
  const now = options.now ?? (() => new Date());
  const addAccount = (name: string, plan: Plan) => createAccountWithAdminToken(db, { name, plan, now: now() });
  const { account, adminToken } = await addAccount('Acme', options.plan ?? 'enterprise');
  const app = createApp({ db, now });
  const url = 'http://localhost/graphql';
  return {
    db,
    app,
    account,
    adminToken,
    queries,
    client: (token) => createTollgateClient({ url, token, fetch: async (input, init) => app.fetch(input, init) }),
    async graphql(query, variables, token, headers = {}) {
      const response = await app.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    addAccount,
  };
}

/** The codes of a response's errors. */
export function errorCodes(response: { errors?: readonly { extensions?: Record<string, unknown> }[] }): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
