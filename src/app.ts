import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import {
  createYoga,
  isAsyncIterable,
  type Plugin,
  type YogaInitialContext,
  type YogaServerInstance,
} from 'graphql-yoga';
import { auditFailedWrites } from './audit.js';
import { type Caller, identifyCaller, type NodeServerContext } from './auth/caller.js';
import type { IdentityExchange } from './auth/identity-exchange.js';
import { createIssuerKeys, outboundGet } from './auth/identity-keys.js';
import { addressSet, parseCidr } from './auth/ip-addresses.js';
import { createSignIn } from './auth/oidc-sign-in.js';
import {
  createPermissionUsageRecorder,
  type PermissionUsageRecorder,
} from './auth/permission-usage.js';
import { callerToken } from './auth/principal.js';
import { guardSchema } from './auth/rules.js';
import { defaultSessionSettings, type SessionSettings } from './auth/session.js';
import { createTokenPolicyWorker } from './auth/token-policy.js';
import { createUsageRecorder } from './auth/usage.js';
import {
  type ConsoleFiles,
  createConsoleFiles,
  graphiqlPages,
  graphiqlRedirectPlugin,
} from './console.js';
import { type Context, type ContextDependencies, createContext } from './context.js';
import type { Db } from './db/database.js';
import { migrationsAreCurrent } from './db/migrator.js';
import { discoverySchema } from './discovery/index.js';
import { errorResponse } from './errors.js';
import { bodyLimitPlugin } from './hardening/body-limit.js';
import { corsOptions } from './hardening/cors.js';
import { errorResponsesPlugin } from './hardening/error-responses.js';
import { inputErrorsPlugin } from './hardening/input-errors.js';
import { introspectionPlugin } from './hardening/introspection.js';
import { queryLimitPlugins } from './hardening/query-limits.js';
import { defaultHardening, type Hardening } from './hardening/settings.js';
import { type TransportOptions, transportPlugin } from './hardening/transport.js';
import {
  callerKey,
  createUploadHandler,
  headersOf,
  type PlacedFile,
  placeFiles,
  sendResponse,
  uploadsKey,
} from './hardening/upload.js';
import { type Logger, silentLogger, yogaLogger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import { createRequestObserver } from './observability/requests.js';
import type { OutboundPolicy } from './outbound/safe-fetch.js';
import { memoryRateLimitStore, type RateLimitStore } from './rate-limit.js';
import { dataVersionPlugin, type ResponseCache, responseCachePlugin } from './response-cache.js';
import { createRestApi, restPrefix } from './rest/index.js';
import { schema } from './schema/index.js';
import type { SecretBox } from './secrets.js';
import { createDeliveryWorker, type DeliverySettings } from './webhooks/worker.js';

export interface AppOptions {
  readonly db: Db;
  /** Seals secrets stored in the database (see src/secrets.ts). */
  readonly secrets: SecretBox;
  /** Browsers opening /graphql or /discovery/graphql are sent to the console's GraphiQL. */
  readonly graphiql?: boolean;
  /** The clock; tests inject one. */
  readonly now?: () => Date;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For is believed. None by default. */
  readonly trustedProxies?: readonly string[];
  /** How often at most a token's last use is written (default a minute). */
  readonly usageIntervalMs?: number;
  /** Production: no introspection or GraphiQL for anonymous callers. */
  readonly production?: boolean;
  readonly hardening?: Partial<Hardening>;
  /** The web console's static files at `/` (default: the build in web/dist). */
  readonly console?: ConsoleFiles;
  /** One line per request and the server's messages (default: none). */
  readonly logger?: Logger;
  /** Request counts and durations for the metrics endpoint (default: not collected). */
  readonly metrics?: Metrics;
  /** Origins whose pages may call the APIs cross-origin (default: none). */
  readonly corsOrigins?: readonly string[];
  /**
   * Where rate limits are counted (default: this process's memory); instances behind one load
   * balancer share Redis or the database (`openRateLimitStore`). Closed by `close()`.
   */
  readonly rateLimits?: RateLimitStore;
  /** Sends webhook deliveries from the outbox while the app runs (default: not started). */
  readonly webhookDelivery?: Partial<DeliverySettings>;
  /** Exchanging CI identity tokens (src/auth/identity-exchange.ts); its outbound policy also reaches sign-in providers. */
  readonly identity?: IdentityOptions;
  /**
   * Serves repeated identical Discovery reads from this cache (src/response-cache.ts; default:
   * none). Closed by `close()`.
   */
  readonly responseCache?: ResponseCache;
  /**
   * Advance the database's data version after every mutation (default: when `responseCache` is
   * set). Every instance of a deployment must, if any caches: a write on one instance must be
   * seen by the next read on any other.
   */
  readonly advanceDataVersion?: boolean;
  /**
   * Records which permissions tokens use, for least privilege: on by default; false turns it off
   * (the benchmark of its cost); a recorder of the caller's replaces the app's own.
   */
  readonly permissionUsage?: boolean | PermissionUsageRecorder;
  /**
   * Applies the accounts' least-privilege policy (usage retention, revoking unused tokens,
   * expiry warnings) every `intervalMs` while the app runs (default: not started).
   */
  readonly tokenPolicy?: { readonly intervalMs?: number };
  /** The origin people reach the gateway at, for sign-in callbacks (default: each request's). */
  readonly publicUrl?: string;
  /** Idle and absolute lifetimes of members' sessions (default 2 h and 12 h). */
  readonly sessions?: Partial<SessionSettings>;
}

export interface IdentityOptions {
  /** How issuers' documents are fetched: internal addresses allowed, http to localhost (tests). */
  readonly outbound?: OutboundPolicy;
  /** Exchanges per client address per minute (default 60). */
  readonly exchangesPerMinute?: number;
}

/** The key cache and limits of identity token exchanges: one per app. */
export function createIdentityExchange(
  options: IdentityOptions,
  now: () => Date,
  rateLimits: RateLimitStore = memoryRateLimitStore(),
): IdentityExchange {
  const outbound = options.outbound ?? {};
  return {
    keys: createIssuerKeys({ get: outboundGet(outbound), now }),
    limiter: rateLimits.limiter('identity-exchanges', {
      limit: options.exchangesPerMinute ?? 60,
      windowMs: 60_000,
    }),
    allowInsecureIssuers: outbound.allowHttpToLocalhost ?? false,
  };
}

/**
 * The gateway: a node:http request listener, and the same routes as a fetch function (tests call
 * `app.fetch(url, init, serverContext)`). Each route goes straight to its handler, without a
 * second adapter layer in between.
 */
export interface App {
  readonly requestListener: (request: IncomingMessage, response: ServerResponse) => void;
  fetch(
    url: string,
    init?: RequestInit,
    serverContext?: Record<string, unknown>,
  ): Promise<Response>;
  /** Writes pending token usage and stops timers; call before closing the database. */
  close(): Promise<void>;
  /** Writes pending token usage (last use and permissions used) now. */
  flushUsage(): Promise<void>;
}

export const tokenExpirationHeader = 'Tollgate-Token-Expiration';

/**
 * Identifies the caller before anything else, so that a bad token, a refused address or a rate
 * limit answers at once (401, 403, 429), and so that validation already knows who is asking.
 */
function identifyPlugin(
  dependencies: ContextDependencies,
  callers: WeakMap<Request, Caller>,
  logger: Logger,
  requestIdOf: (serverContext: Record<string, unknown>) => string | undefined,
): Plugin<Context> {
  return {
    async onRequest({ request, serverContext, endResponse }) {
      if (request.method === 'OPTIONS') return;
      // An upload was identified on its headers, before its body was read: not twice.
      const known = (serverContext as Record<string, unknown>)[callerKey] as Caller | undefined;
      if (known) {
        callers.set(request, known);
        return;
      }
      try {
        callers.set(
          request,
          await identifyCaller(dependencies, request, serverContext as NodeServerContext),
        );
      } catch (error) {
        if (error instanceof GraphQLError) {
          endResponse(errorResponse(error));
          return;
        }
        // A failure of ours (the database is down): logged here, masked for the client.
        logger.error(
          { err: error, requestId: requestIdOf(serverContext as Record<string, unknown>) },
          'Could not identify the caller',
        );
        endResponse(
          errorResponse(
            new GraphQLError('Unexpected error.', {
              extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } },
            }),
          ),
        );
      }
    },
  };
}

/**
 * Tells clients when their token expires, on every authenticated response: a header, and
 * `extensions.tokenExpiresAt` in the result, so a client can warn itself in time.
 */
function tokenExpiryPlugin(callers: WeakMap<Request, Caller>): Plugin<Context> {
  return {
    onExecute({ args }) {
      const expiresAt = callerToken(args.contextValue.principal)?.expires_at;
      if (!expiresAt) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result))
            setResult({
              ...result,
              extensions: { ...result.extensions, tokenExpiresAt: expiresAt },
            });
        },
      };
    },
    onResponse({ request, response }) {
      const expiresAt = callerToken(callers.get(request)?.principal)?.expires_at;
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

let guardedDiscovery: GraphQLSchema | undefined;

/** The Discovery (metadata) schema with its shield rules; query-only, so nothing to audit. */
function guardedDiscoverySchema(): GraphQLSchema {
  guardedDiscovery ??= guardSchema(discoverySchema);
  return guardedDiscovery;
}

/** The admin API. */
export const adminEndpoint = '/graphql';
/** The one route that takes multipart bodies (dbt artifacts uploaded to a run), and only for that. */
export const uploadEndpoint = '/graphql/upload';
/** The metadata API: dbt's own type names, apart from the admin schema. */
export const discoveryEndpoint = '/discovery/graphql';

const uploadMutation = 'uploadRunArtifacts';

/**
 * Keeps the upload route's larger body limit for uploads: any other operation sent there is
 * refused, so it cannot be used to get around the JSON route's limit.
 */
const uploadOnlyPlugin: Plugin<Context> = {
  onExecute({ args }) {
    const document = args.document as DocumentNode;
    const operations = document.definitions.filter(
      (definition): definition is OperationDefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION,
    );
    const onlyUploads = operations.every(
      (operation) =>
        operation.operation === 'mutation' &&
        operation.selectionSet.selections.every(
          (selection) => selection.kind === Kind.FIELD && selection.name.value === uploadMutation,
        ),
    );
    if (!onlyUploads) {
      throw new GraphQLError(
        `${uploadEndpoint} takes only ${uploadMutation}; send other operations to ${adminEndpoint}.`,
        {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        },
      );
    }
  },
};

/** Puts the files the upload handler received into the variables of its operation. */
const uploadedFilesPlugin: Plugin<Context> = {
  onParams({ params, setParams, context }) {
    const placed = (context as Record<string, unknown>)[uploadsKey] as PlacedFile[] | undefined;
    if (placed) setParams({ ...params, variables: placeFiles(params.variables, placed) });
  },
};
/** A failure of ours behind a REST route: logged, and answered in dbt's envelope. */
function restFailure(): Response {
  return json(
    {
      status: {
        code: 500,
        is_success: false,
        user_message: 'Unexpected error.',
        developer_message: 'INTERNAL_SERVER_ERROR',
      },
      data: null,
    },
    500,
  );
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * The gateway: the admin API (/graphql, and /graphql/upload for artifact uploads), the metadata
 * API (/discovery/graphql), /healthz (liveness) and /readyz (database reachable, migrations current).
 */
export function createApp({
  db,
  secrets,
  graphiql = false,
  now = () => new Date(),
  trustedProxies = [],
  usageIntervalMs,
  production = false,
  hardening: overrides = {},
  console: consoleFiles = createConsoleFiles(),
  logger = silentLogger(),
  metrics,
  corsOrigins = [],
  rateLimits = memoryRateLimitStore(),
  webhookDelivery,
  identity = {},
  responseCache,
  advanceDataVersion = responseCache !== undefined,
  permissionUsage: recordPermissionUsage = true,
  tokenPolicy,
  sessions = {},
  publicUrl,
}: AppOptions): App {
  const hardening: Hardening = { ...defaultHardening, ...overrides };
  const proxies = trustedProxies.map((entry) => {
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`Not an IP address or CIDR range: "${entry}"`);
    return cidr;
  });
  const usage = createUsageRecorder(db, {
    intervalMs: usageIntervalMs,
    onError: (error) => logger.error({ err: error }, 'Could not record token usage'),
  });
  const permissionUsage =
    typeof recordPermissionUsage === 'object'
      ? recordPermissionUsage
      : recordPermissionUsage
        ? createPermissionUsageRecorder(db, {
            intervalMs: usageIntervalMs,
            onError: (error) => logger.error({ err: error }, 'Could not record permission usage'),
          })
        : null;
  const dependencies: ContextDependencies = {
    db,
    permissionUsage,
    secrets,
    usage,
    leakReports: rateLimits.limiter('leak-reports', { limit: 10, windowMs: 60_000 }),
    authFailures: rateLimits.limiter('auth-failures', {
      limit: hardening.authFailuresPerAddress,
      windowMs: hardening.authFailureWindowMs,
    }),
    tokenRequests: rateLimits.limiter('tokens', {
      limit: hardening.tokenRequestsPerMinute,
      windowMs: 60_000,
    }),
    identity: createIdentityExchange(identity, now, rateLimits),
    now,
    isTrustedProxy: proxies.length > 0 ? addressSet(proxies) : null,
    sessions: { ...defaultSessionSettings, ...sessions },
    publicUrl,
  };
  const signIn = createSignIn({
    db,
    secrets,
    oidc: { outbound: identity.outbound ?? {}, keys: dependencies.identity.keys },
    sessions: dependencies.sessions,
    now,
    isTrustedProxy: dependencies.isTrustedProxy,
    starts: rateLimits.limiter('sign-in-starts', { limit: 30, windowMs: 60_000 }),
    publicUrl,
  });
  // Webhook deliveries leave from every instance that runs the worker; the outbox's claims keep
  // two instances from sending one delivery twice.
  const deliveryWorker = webhookDelivery
    ? createDeliveryWorker({ db, secrets, settings: webhookDelivery, logger, now })
    : undefined;
  deliveryWorker?.start();
  const tokenPolicyWorker = tokenPolicy
    ? createTokenPolicyWorker({
        db,
        now,
        intervalMs: tokenPolicy.intervalMs,
        onError: (error) => logger.error({ err: error }, 'Could not apply the token policies'),
      })
    : undefined;
  tokenPolicyWorker?.start();
  const callers = new WeakMap<Request, Caller>();
  const callerOf = (request: Request): Caller =>
    callers.get(request) ?? { principal: null, clientIp: null };
  const context = (initial: YogaInitialContext) =>
    createContext(dependencies, callerOf(initial.request));
  const observer = createRequestObserver({
    logger,
    metrics,
    callerOf: (request) => {
      const caller = callerOf(request);
      return { tokenId: callerToken(caller.principal)?.id, clientIp: caller.clientIp };
    },
    endpoints: new Map([
      [adminEndpoint, 'admin'],
      [uploadEndpoint, 'upload'],
      [discoveryEndpoint, 'discovery'],
    ]),
  });

  const cors = corsOptions({
    origins: corsOrigins,
    allowGet: hardening.allowGet,
    exposedHeaders: [tokenExpirationHeader, 'retry-after', 'x-request-id'],
  });

  /** One GraphQL route: the same identification, limits, execution and introspection everywhere. */
  const route = (options: {
    schema: GraphQLSchema;
    endpoint: string;
    transport: Omit<TransportOptions, 'allowGet' | 'graphiql'>;
    maxBodyBytes: number;
    plugins?: Plugin<Context>[];
    /** The console's GraphiQL page browsers are redirected to; none: GET text/html is refused. */
    graphiqlPage?: string;
    /** Repeated identical queries answered from the response cache. */
    cached?: boolean;
  }): YogaServerInstance<Record<string, unknown>, Context> =>
    createYoga<Record<string, unknown>, Context>({
      schema: options.schema,
      context,
      // Compiled execution (graphql-jit): the same resolvers and rules, without the interpreter's
      // per-field overhead. Compiled plans are cached per parsed document (yoga's parse cache is
      // bounded), and the whole test suite runs through it.
      plugins: [
        observer.plugin(options.endpoint),
        ...(options.graphiqlPage ? [graphiqlRedirectPlugin(options.graphiqlPage)] : []),
        transportPlugin({
          ...options.transport,
          allowGet: hardening.allowGet,
          graphiql: options.graphiqlPage !== undefined,
        }),
        bodyLimitPlugin(options.maxBodyBytes),
        identifyPlugin(dependencies, callers, logger, observer.requestIdOf),
        ...queryLimitPlugins(hardening.queryLimits, options.schema),
        ...(options.plugins ?? []),
        inputErrorsPlugin(),
        useGraphQlJit(),
        introspectionPlugin({ production, callerOf }),
        tokenExpiryPlugin(callers),
        errorResponsesPlugin({ production }),
        ...(advanceDataVersion ? [dataVersionPlugin(db)] : []),
        // Last: every check above runs on a cached read too.
        ...(options.cached && responseCache
          ? [responseCachePlugin({ db, cache: responseCache, scope: options.endpoint })]
          : []),
      ],
      logging: yogaLogger(logger),
      cors,
      // Never an error's original or stack in production, whatever NODE_ENV says.
      maskedErrors: production ? { isDev: false } : true,
      // Enforced by bodyLimitPlugin, with yoga's answers and without its per-request streams.
      maxRequestBodySize: false,
      batching: false,
      graphqlEndpoint: options.endpoint,
      landingPage: false,
      graphiql: false,
    });

  const routes = new Map<string, YogaServerInstance<Record<string, unknown>, Context>>([
    [
      adminEndpoint,
      route({
        schema: guardedAdminSchema(),
        endpoint: adminEndpoint,
        transport: { multipart: false },
        maxBodyBytes: hardening.maxBodyBytes,
        graphiqlPage: graphiql ? graphiqlPages.admin : undefined,
      }),
    ],
    [
      uploadEndpoint,
      route({
        schema: guardedAdminSchema(),
        endpoint: uploadEndpoint,
        // Only the upload handler's JSON requests reach it: it has read the multipart body.
        transport: { multipart: false },
        maxBodyBytes: hardening.maxBodyBytes,
        plugins: [uploadOnlyPlugin, uploadedFilesPlugin],
      }),
    ],
    [
      discoveryEndpoint,
      route({
        schema: guardedDiscoverySchema(),
        endpoint: discoveryEndpoint,
        transport: { multipart: false },
        maxBodyBytes: hardening.maxBodyBytes,
        graphiqlPage: graphiql ? graphiqlPages.discovery : undefined,
        // The metadata API only: its answers depend on nothing but the data and the caller's
        // access. The admin API also shows what changes without a mutation (a token's last use,
        // webhook deliveries, rate-limit state).
        cached: true,
      }),
    ],
  ]);

  const uploadRoute = routes.get(uploadEndpoint)!;
  const upload = createUploadHandler({
    maxUploadBytes: hardening.maxUploadBytes,
    maxBodyBytes: hardening.maxBodyBytes,
    identify: (headers, serverContext) =>
      identifyCaller(
        dependencies,
        new Request(`http://localhost${uploadEndpoint}`, { headers }),
        serverContext as NodeServerContext,
      ),
    execute: async (request, serverContext) => uploadRoute.fetch(request, serverContext),
  });
  // dbt Cloud's REST API: each route runs persisted operations through the admin route above,
  // as the client (its headers, its socket), so the same rules, limits, rate limits and audit apply.
  const adminRoute = routes.get(adminEndpoint)!;
  const rest = createRestApi({
    maxBodyBytes: hardening.maxBodyBytes,
    runOperation: async (request, call, serverContext) =>
      adminRoute.fetch(
        new URL(adminEndpoint, request.url).toString(),
        { method: 'POST', headers: request.headers, body: JSON.stringify(call) },
        serverContext,
      ),
  });
  const restHandler = async (request: Request, serverContext: Record<string, unknown>) => {
    try {
      return await rest.handle(request, serverContext);
    } catch (error) {
      logger.error(
        { err: error, requestId: observer.requestIdOf(serverContext) },
        'REST request failed',
      );
      return restFailure();
    }
  };
  /** A node request to the REST API: as a fetch Request, with its socket as the server context. */
  const restListener = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    }
    const method = request.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const answer = await restHandler(
      new Request(new URL(request.url ?? '/', 'http://localhost'), {
        method,
        headers,
        // The REST handler reads at most TOLLGATE_MAX_BODY_BYTES of it.
        ...(hasBody
          ? { body: Readable.toWeb(request) as ReadableStream<Uint8Array>, duplex: 'half' }
          : {}),
      } as RequestInit),
      { req: request },
    );
    const body = Buffer.from(await answer.arrayBuffer());
    response.writeHead(answer.status, Object.fromEntries(answer.headers)).end(body);
  };

  const signInHandler = async (request: Request, serverContext: Record<string, unknown>) => {
    try {
      return await signIn.handle(request, serverContext as NodeServerContext);
    } catch (error) {
      logger.error(
        { err: error, requestId: observer.requestIdOf(serverContext) },
        'Sign-in failed',
      );
      return new Response('Sign-in failed: unexpected error.', {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
  };
  /** A node request to the sign-in routes: their bodies are empty, the host names the callback. */
  const signInListener = async (request: IncomingMessage, response: ServerResponse) => {
    const answer = await signInHandler(
      new Request(new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`), {
        method: request.method ?? 'GET',
        headers: headersOf(request),
      }),
      { req: request },
    );
    const headers: Record<string, string | string[]> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'set-cookie') headers[name] = value;
    });
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    response.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
  };

  /** Liveness and readiness: not GraphQL, no token. */
  async function health(pathname: string): Promise<{ status: number; body: unknown }> {
    if (pathname === '/healthz') return { status: 200, body: { status: 'ok' } };
    if (pathname === '/readyz') {
      const ready = await migrationsAreCurrent(db).catch(() => false);
      return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not ready' } };
    }
    return {
      status: 404,
      body: {
        error: `Not found. The GraphQL API is at ${adminEndpoint}, the metadata (Discovery) API at ${discoveryEndpoint}.`,
      },
    };
  }

  return {
    requestListener: observer.listener((request, response) => {
      const yoga = routes.get((request.url ?? '/').split('?')[0]!);
      if (yoga === uploadRoute && request.method === 'POST') {
        const incoming = {
          url: `http://${request.headers.host ?? 'localhost'}${request.url}`,
          method: 'POST',
          headers: headersOf(request),
          body: () => request,
        };
        upload(incoming, { req: request })
          .then((answer) => sendResponse(answer, response, !request.complete))
          .catch((error: unknown) => {
            logger.error(
              { err: error, requestId: observer.requestIdOf({ req: request }) },
              'Could not handle an upload',
            );
            if (!response.headersSent) response.writeHead(500, { connection: 'close' });
            response.end();
          });
        return;
      }
      if (yoga) {
        void yoga.handle(request, response);
        return;
      }
      const pathname = (request.url ?? '/').split('?')[0]!;
      if (pathname.startsWith(restPrefix)) {
        void restListener(request, response);
        return;
      }
      if (signIn.handles(pathname)) {
        void signInListener(request, response);
        return;
      }
      const page = consoleFiles.respond(request.method ?? 'GET', pathname);
      if (page) {
        response.writeHead(page.status, page.headers).end(page.body);
        return;
      }
      void health(pathname).then(({ status, body }) => {
        response
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(body));
      });
    }),
    fetch: observer.fetch(async (url, init, serverContext) => {
      const { pathname } = new URL(url);
      const yoga = routes.get(pathname);
      if (yoga === uploadRoute && (init?.method ?? 'GET').toUpperCase() === 'POST') {
        let request: Request;
        try {
          request = new Request(url, init);
        } catch {
          return json(
            { errors: [{ message: 'Malformed request.', extensions: { code: 'BAD_REQUEST' } }] },
            400,
          );
        }
        return upload(
          {
            url,
            method: 'POST',
            headers: request.headers,
            body: () => (request.body ? Readable.fromWeb(request.body as never) : null),
          },
          serverContext ?? {},
        );
      }
      if (yoga) return yoga.fetch(url, init ?? {}, serverContext);
      if (pathname.startsWith(restPrefix))
        return restHandler(new Request(url, init), serverContext ?? {});
      if (signIn.handles(pathname))
        return signInHandler(new Request(url, init), serverContext ?? {});
      const page = consoleFiles.respond(init?.method ?? 'GET', pathname);
      if (page)
        return new Response(page.body.byteLength > 0 ? page.body : null, {
          status: page.status,
          headers: page.headers,
        });
      const { status, body } = await health(pathname);
      return json(body, status);
    }),
    async close() {
      await deliveryWorker?.stop();
      await tokenPolicyWorker?.stop();
      await usage.close();
      await permissionUsage?.close();
      await rateLimits.close();
      await responseCache?.close();
    },
    flushUsage: async () => {
      await Promise.all([usage.flush(), permissionUsage?.flush()]);
    },
  };
}
