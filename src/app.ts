import { createServerAdapter, type ServerAdapter } from '@whatwg-node/server';
import type { GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { createGraphQLError, createYoga, type Plugin } from 'graphql-yoga';
import { auditFailedWrites } from './audit.js';
import { addressSet, parseCidr } from './auth/ip-addresses.js';
import { guardSchema } from './auth/rules.js';
import { createContext, type Context, type ContextDependencies } from './context.js';
import { migrationsAreCurrent, type Db } from './db/database.js';
import { discoverySchema } from './metadata/schema/index.js';
import { schema } from './schema/index.js';
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
  /** The largest multipart request (dbt artifacts uploaded to a run), in bytes; 256 MB by default. */
  readonly maxUploadBytes?: number;
}

/** yoga's own default for a request body: what a JSON request may weigh. */
const maxJsonBodyBytes = 25_000_000;

/**
 * Multipart requests (artifact uploads) may be larger than JSON ones. yoga enforces the larger
 * limit on every body as it streams; this refuses a declared oversize JSON body before it is read.
 */
function jsonBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request }) {
      const type = request.headers.get('content-type') ?? '';
      const length = Number(request.headers.get('content-length') ?? 0);
      if (!type.startsWith('multipart/form-data') && length > limit) {
        throw createGraphQLError('Request body too large', { extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } } });
      }
    },
  };
}

/** A fetch handler (tests call `app.fetch`) that node:http can also serve. */
export type App = ServerAdapter<Record<string, unknown>, any>;

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

let guardedDiscovery: GraphQLSchema | undefined;

/** The Discovery (metadata) schema with its shield rules; query-only, so nothing to audit. */
function guardedDiscoverySchema(): GraphQLSchema {
  guardedDiscovery ??= guardSchema(discoverySchema);
  return guardedDiscovery;
}

/** Where the Discovery API is served: dbt's own type names, apart from the admin schema. */
export const discoveryEndpoint = '/discovery/graphql';

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** The gateway: /graphql, /discovery/graphql (the metadata API), /healthz (liveness) and /readyz (database reachable, migrations current). */
export function createApp({
  db,
  secrets,
  graphiql = false,
  now = () => new Date(),
  trustedProxies = [],
  maxUploadBytes = 256_000_000,
}: AppOptions): App {
  const proxies = trustedProxies.map((entry) => {
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`Not an IP address or CIDR range: "${entry}"`);
    return cidr;
  });
  const dependencies: ContextDependencies = { db, secrets, now, isTrustedProxy: proxies.length > 0 ? addressSet(proxies) : null };

  const admin = createYoga<Record<string, unknown>, Context>({
    schema: guardedAdminSchema(),
    context: (initial) => createContext(dependencies, initial),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maxRequestBodySize: Math.max(maxUploadBytes, maxJsonBodyBytes),
    plugins: [jsonBodyLimit(maxJsonBodyBytes)],
    graphiql: graphiql
      ? {
          title: 'Tollgate',
          headers: JSON.stringify({ Authorization: 'Bearer <paste the token here>' }),
          defaultQuery: '{\n  viewer {\n    name\n    grants { permissionSet { id name } allProjects projectIds }\n    account { name plan }\n  }\n}\n',
        }
      : false,
  });

  const discovery = createYoga<Record<string, unknown>, Context>({
    schema: guardedDiscoverySchema(),
    context: (initial) => createContext(dependencies, initial),
    graphqlEndpoint: discoveryEndpoint,
    landingPage: false,
    graphiql: graphiql
      ? {
          title: 'Tollgate Discovery API',
          headers: JSON.stringify({ Authorization: 'Bearer <paste the token here>' }),
          defaultQuery: '{\n  environment(id: 1) {\n    dbtProjectName\n    applied {\n      models(first: 10) { totalCount edges { node { uniqueId executionInfo { lastRunStatus } } } }\n    }\n  }\n}\n',
        }
      : false,
  });

  return createServerAdapter(async (request: Request, serverContext: Record<string, unknown>) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/graphql') return admin.fetch(request, serverContext);
    if (pathname === discoveryEndpoint) return discovery.fetch(request, serverContext);
    if (pathname === '/healthz') return json({ status: 'ok' });
    if (pathname === '/readyz') {
      const ready = await migrationsAreCurrent(db).catch(() => false);
      return json({ status: ready ? 'ready' : 'not ready' }, ready ? 200 : 503);
    }
    return json({ error: `Not found. The GraphQL API is at /graphql, the metadata (Discovery) API at ${discoveryEndpoint}.` }, 404);
  });
}
