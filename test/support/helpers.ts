import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { type App, createApp, type IdentityOptions } from '../../src/app.js';
import type { SessionSettings } from '../../src/auth/session.js';
import { createAccountWithAdminToken } from '../../src/bootstrap.js';
import type { Plan } from '../../src/catalog/permission-sets.js';
import { createTollgateClient, type TollgateClient } from '../../src/client/index.js';
import type { Db } from '../../src/db/database.js';
import type { AccountRow } from '../../src/db/tables/accounts.js';
import type { Hardening } from '../../src/hardening/settings.js';
import type { Logger } from '../../src/observability/logger.js';
import type { Metrics } from '../../src/observability/metrics.js';
import type { ResponseCache } from '../../src/response-cache.js';
import { createSecretBox, type SecretBox } from '../../src/secrets.js';
import { createTestDb } from './database.js';

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
  readonly secrets: SecretBox;
  readonly app: App;
  readonly account: AccountRow;
  readonly adminToken: string;
  /** SQL statements executed so far (reset it to count a request's). */
  readonly queries: string[];
  /** A typed client over real HTTP semantics (yoga.fetch), as this token or anonymous. */
  client(token?: string): TollgateClient;
  /** The same for the metadata (Discovery) API at /discovery/graphql. */
  discovery(token?: string): TollgateClient;
  /** A raw GraphQL request, for documents the typed client does not carry. */
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    options?: RequestOptions,
  ): Promise<RawResponse>;
  /** Another account in the same database, with its own admin token. */
  addAccount(name: string, plan: Plan): Promise<{ account: AccountRow; adminToken: string }>;
}

export interface RequestOptions {
  readonly headers?: Record<string, string>;
  /** The socket's peer address the server sees (default 127.0.0.1). */
  readonly clientIp?: string;
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

/**
 * A fresh gateway per test: a fresh database (in-memory SQLite, or a PostgreSQL copy under
 * TEST_DATABASE_URL; see ./database.ts) with the real migrations, one account and its admin.
 */
export async function createTestGateway(
  options: {
    plan?: Plan;
    now?: () => Date;
    trustedProxies?: string[];
    production?: boolean;
    graphiql?: boolean;
    hardening?: Partial<Hardening>;
    logger?: Logger;
    metrics?: Metrics;
    identity?: IdentityOptions;
    /** Repeated identical Discovery reads served from this cache (default: none). */
    responseCache?: ResponseCache;
    sessions?: Partial<SessionSettings>;
    publicUrl?: string;
  } = {},
): Promise<TestGateway> {
  const queries: string[] = [];
  const db = await createTestDb({ onQuery: (sql) => queries.push(sql) });
  const now = options.now ?? (() => new Date());
  const addAccount = (name: string, plan: Plan) =>
    createAccountWithAdminToken(db, { name, plan, now: now() });
  const { account, adminToken } = await addAccount('Acme', options.plan ?? 'enterprise');
  const secrets = createSecretBox(randomBytes(32));
  const app = createApp({
    db,
    secrets,
    now,
    trustedProxies: options.trustedProxies,
    production: options.production,
    graphiql: options.graphiql,
    hardening: options.hardening,
    logger: options.logger,
    metrics: options.metrics,
    identity: options.identity,
    responseCache: options.responseCache,
    sessions: options.sessions,
    publicUrl: options.publicUrl,
  });
  const url = 'http://localhost/graphql';
  // What node:http would hand the server: the peer address of the socket.
  const fetchAs = (clientIp: string) => (input: string, init: RequestInit) =>
    app.fetch(input, init, { req: { socket: { remoteAddress: clientIp } } });
  return {
    db,
    secrets,
    app,
    account,
    adminToken,
    queries,
    client: (token) => createTollgateClient({ url, token, fetch: fetchAs('127.0.0.1') }),
    discovery: (token) =>
      createTollgateClient({
        url: 'http://localhost/discovery/graphql',
        token,
        fetch: fetchAs('127.0.0.1'),
      }),
    async graphql(query, variables, token, { headers = {}, clientIp = '127.0.0.1' } = {}) {
      const response = await fetchAs(clientIp)(url, {
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
export function errorCodes(response: {
  errors?: readonly { extensions?: Record<string, unknown> }[];
}): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

/** An ad-hoc document for the typed client (results untyped), for queries the client does not carry. */
export function document<TVariables = Record<string, unknown>>(
  source: string,
): TypedDocumentNode<any, TVariables> {
  return parse(source) as TypedDocumentNode<any, TVariables>;
}
