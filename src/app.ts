import { createServerAdapter, type ServerAdapter } from '@whatwg-node/server';
import type { GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { createYoga, isAsyncIterable, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { auditFailedWrites } from './audit.js';
import { addressSet, parseCidr } from './auth/ip-addresses.js';
import { guardSchema } from './auth/rules.js';
import { createUsageRecorder } from './auth/usage.js';
import { createContext, type Context, type ContextDependencies } from './context.js';
import { migrationsAreCurrent, type Db } from './db/database.js';
import { schema } from './schema/index.js';
import { createRateLimiter } from './rate-limit.js';
import type { SecretBox } from './secrets.js';

export interface AppOptions {
  readonly db: Db;
  /** Seals secrets stored in the database (see src/secrets.ts). */
  readonly secrets: SecretBox;
  /** GraphiQL at /graphql. */
  readonly graphiql?: boolean;
  /** The clock; tests inject one. */
  readonly now?: () => Date;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For is believed. None by default. */
  readonly trustedProxies?: readonly string[];
  /** How often at most a token's last use is written (default a minute). */
  readonly usageIntervalMs?: number;
}

/** A fetch handler (tests call `app.fetch`) that node:http can also serve. */
export type App = ServerAdapter<Record<string, unknown>, any> & {
  /** Writes pending token usage and stops timers; call before closing the database. */
  close(): Promise<void>;
  /** Writes pending token usage now. */
  flushUsage(): Promise<void>;
};

export const tokenExpirationHeader = 'Tollgate-Token-Expiration';

/**
 * Tells clients when their token expires, on every authenticated response: a header, and
 * `extensions.tokenExpiresAt` in the result, so a client can warn itself in time.
 */
function tokenExpiryPlugin(expiries: WeakMap<Request, string>): Plugin<Context> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          const expiresAt = args.contextValue.principal?.token.expires_at;
          if (expiresAt && !isAsyncIterable(result)) {
            setResult({ ...result, extensions: { ...result.extensions, tokenExpiresAt: expiresAt } });
          }
        },
      };
    },
    onResponse({ request, response }) {
      const expiresAt = expiries.get(request);
      if (expiresAt) response.headers.set(tokenExpirationHeader, expiresAt);
    },
  };
}

let adminSchema: GraphQLSchema | undefined;

/**
 * The admin schema with its shield rules, plus auditing of every refused or failed mutation.
 * Built once per process: it depends on code only.
 */
function guardedAdminSchema(): GraphQLSchema {
  if (!adminSchema) {
    const guarded = guardSchema(schema);
    const mutations = Object.keys(guarded.getMutationType()?.getFields() ?? {});
    adminSchema = applyMiddleware(guarded, {
      Mutation: Object.fromEntries(mutations.map((name) => [name, auditFailedWrites])),
    });
  }
  return adminSchema;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** The gateway: /graphql, /healthz (liveness) and /readyz (database reachable, migrations current). */
export function createApp({
  db,
  secrets,
  graphiql = false,
  now = () => new Date(),
  trustedProxies = [],
  usageIntervalMs,
}: AppOptions): App {
  const proxies = trustedProxies.map((entry) => {
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`Not an IP address or CIDR range: "${entry}"`);
    return cidr;
  });
  const usage = createUsageRecorder(db, { intervalMs: usageIntervalMs });
  const dependencies: ContextDependencies = {
    db,
    secrets,
    usage,
    leakReports: createRateLimiter({ limit: 10, windowMs: 60_000 }),
    now,
    isTrustedProxy: proxies.length > 0 ? addressSet(proxies) : null,
  };
  const expiries = new WeakMap<Request, string>();
  const context = async (initial: YogaInitialContext) => {
    const created = await createContext(dependencies, initial);
    const expiresAt = created.principal?.token.expires_at;
    if (expiresAt) expiries.set(initial.request, expiresAt);
    return created;
  };

  const admin = createYoga<Record<string, unknown>, Context>({
    schema: guardedAdminSchema(),
    context,
    plugins: [tokenExpiryPlugin(expiries)],
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: graphiql
      ? {
          title: 'Tollgate',
          headers: JSON.stringify({ Authorization: 'Bearer <paste the token here>' }),
          defaultQuery: '{\n  viewer {\n    name\n    grants { permissionSet { id name } allProjects projectIds }\n    account { name plan }\n  }\n}\n',
        }
      : false,
  });

  const adapter = createServerAdapter(async (request: Request, serverContext: Record<string, unknown>) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/graphql') return admin.fetch(request, serverContext);
    if (pathname === '/healthz') return json({ status: 'ok' });
    if (pathname === '/readyz') {
      const ready = await migrationsAreCurrent(db).catch(() => false);
      return json({ status: ready ? 'ready' : 'not ready' }, ready ? 200 : 503);
    }
    return json({ error: 'Not found. The GraphQL API is at /graphql.' }, 404);
  });
  return Object.assign(adapter, { close: () => usage.close(), flushUsage: () => usage.flush() });
}
