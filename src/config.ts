import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';
import { parseCidr } from './auth/ip-addresses.js';
import { type Plan, plans } from './catalog/permission-sets.js';
import { defaultHardening, type Hardening } from './hardening/settings.js';
import {
  type LogFormat,
  type LogLevel,
  logFormats,
  logLevels,
} from './observability/log-settings.js';

/** Where the data lives: all the command-line tools need from the environment. */
export interface StorageConfig {
  /** Where the embedded SQLite database (and, unless given, the secret key) lives. */
  readonly dataDir: string;
  /** A PostgreSQL connection string; unset: the embedded SQLite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
}

/** Everything the gateway reads from the environment, validated once at start-up. */
export interface Config extends StorageConfig {
  /** 32 bytes, base64: the key sealing stored secrets. Unset: a key file in the data directory. */
  readonly secretKey: string | undefined;
  readonly host: string;
  readonly port: number;
  /** NODE_ENV=production or TOLLGATE_PRODUCTION=true: no introspection or GraphiQL for anonymous callers. */
  readonly production: boolean;
  /** GraphiQL at /graphql: on in development, off in production unless asked for. */
  readonly graphiql: boolean;
  /** Proxies whose X-Forwarded-For header is believed for the client's address. */
  readonly trustedProxies: readonly string[];
  /** Origins (`https://host[:port]`) whose web pages may call the APIs; none by default. */
  readonly corsOrigins: readonly string[];
  /**
   * The origin people reach the gateway at (`https://tollgate.example.com`), for single sign-on
   * callbacks behind a proxy that terminates TLS; unset: the origin of each request.
   */
  readonly publicUrl: string | undefined;
  /** Lifetimes of people's sessions (src/auth/session.ts). */
  readonly sessions: { readonly idleMs: number; readonly absoluteMs: number };
  /** Name and plan of the account the first start creates. */
  readonly bootstrapAccount: { readonly name: string; readonly plan: Plan };
  readonly hardening: Hardening;
  /** Logs and the metrics endpoint (src/observability). */
  readonly observability: ObservabilityConfig;
  /** Rate limits counted in Redis, shared by every instance; unset: the database or memory. */
  readonly redis: { readonly url: string; readonly keyPrefix: string } | undefined;
  /** Webhook delivery (src/webhooks): where targets may be, how long and how often to try. */
  readonly webhooks: WebhookDeliveryConfig;
  /** Exchanging CI identity tokens for service tokens. */
  readonly identity: IdentityConfig;
  /** Serve HTTPS with this certificate and key (PEM); undefined: plain HTTP. */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
}

/** How the delivery worker reaches webhook targets (see src/outbound/safe-fetch.ts). */
export interface WebhookDeliveryConfig {
  readonly maxAttempts: number;
  readonly outbound: {
    /** Plain http to localhost/127.0.0.1/[::1] targets (their address must still be allowed). */
    readonly allowHttpToLocalhost: boolean;
    /** Internal addresses (CIDRs) targets may resolve to; none by default. */
    readonly allowedAddresses: readonly string[];
    readonly timeoutMs: number;
  };
}

/** What the exchange of CI identity tokens may reach, and how often an address may try. */
export interface IdentityConfig {
  /** Internal addresses (CIDRs) an issuer may resolve to: a self-hosted GitLab on 10.x, say. */
  readonly allowedAddresses: readonly string[];
  readonly exchangesPerMinute: number;
}

/** How the gateway logs, and where (if anywhere) it serves its Prometheus metrics. */
export interface ObservabilityConfig {
  readonly logLevel: LogLevel;
  /** `json`: one JSON object per line (production); `pretty`: one readable line (development). */
  readonly logFormat: LogFormat;
  /** The metrics listener; undefined: no metrics endpoint. Never the public port. */
  readonly metrics: { readonly host: string; readonly port: number } | undefined;
}

/** The environment refused: one line per variable, each naming it and the form it accepts. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

// Each schema's issue message is the accepted form; `parse` adds the variable and the value.

/** Unset, empty and blank are the same: the default applies. Values are trimmed. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }, schema);
}

function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  const accepted =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number ≥ ${min}`
      : `a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d{1,16}$/, accepted)
    .transform(Number)
    .pipe(z.number().min(min, accepted).max(max, accepted));
}

const flagValues: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
};
const flag = z
  .string()
  .refine(
    (value) => Object.hasOwn(flagValues, value.toLowerCase()),
    'true or false (also 1/0, yes/no, on/off)',
  )
  .transform((value) => flagValues[value.toLowerCase()]!);

const postgresUrl = z.string().refine((value) => {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'a PostgreSQL URL, postgres://user@host:5432/database');

const redisUrl = z.string().refine((value) => {
  try {
    return ['redis:', 'rediss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'a Redis URL, redis://[:password@]host:6379[/db] (rediss:// for TLS)');

const secretKey = z
  .string()
  .refine(
    (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32,
    '32 bytes in base64 (44 characters; openssl rand -base64 32 makes one)',
  );

const trustedProxies = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .refine(
    (entries) => entries.every((entry) => parseCidr(entry) !== null),
    'comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.0/8,192.0.2.7',
  );

/** An origin exactly as a browser sends it: scheme, host and port only, no path or slash. */
function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === entry;
  } catch {
    return false;
  }
}

// No wildcard: a reflected or `*` origin is what this setting exists to avoid.
const corsOrigins = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .refine(
    (entries) => entries.every(isOrigin),
    'comma-separated origins, scheme and host (and port) only, e.g. https://console.example.com,http://localhost:5173',
  );

const limits = defaultHardening.queryLimits;

/** Every variable the gateway reads, with its default for the embedded set-up. */
const environment = z.object({
  TOLLGATE_DATA_DIR: optional(z.string().default('./data')),
  TOLLGATE_DATABASE_URL: optional(postgresUrl.optional()),
  TOLLGATE_SECRET_KEY: optional(secretKey.optional()),
  HOST: optional(z.string().regex(/^\S+$/, 'a host name or IP address').default('127.0.0.1')),
  PORT: optional(wholeNumber(0, 65535).default(4000)),
  NODE_ENV: optional(z.string().optional()),
  TOLLGATE_PRODUCTION: optional(flag.default(false)),
  TOLLGATE_GRAPHIQL: optional(flag.optional()),
  TOLLGATE_TRUSTED_PROXIES: optional(trustedProxies.default([])),
  TOLLGATE_CORS_ORIGINS: optional(corsOrigins.default([])),
  TOLLGATE_SESSION_IDLE_MINUTES: optional(wholeNumber(1, 7 * 24 * 60).default(120)),
  TOLLGATE_SESSION_MAX_HOURS: optional(wholeNumber(1, 30 * 24).default(12)),
  TOLLGATE_PUBLIC_URL: optional(
    z
      .string()
      .refine(
        isOrigin,
        'an origin, scheme and host (and port) only, e.g. https://tollgate.example.com',
      )
      .optional(),
  ),
  TOLLGATE_ACCOUNT_NAME: optional(
    z.string().max(255, 'a name of at most 255 characters').default('Tollgate'),
  ),
  TOLLGATE_ACCOUNT_PLAN: optional(
    z.enum(plans, { error: plans.map((plan) => `"${plan}"`).join(' or ') }).default('enterprise'),
  ),
  TOLLGATE_ALLOW_GET: optional(flag.default(false)),
  TOLLGATE_MAX_DEPTH: optional(wholeNumber(1).default(limits.maxDepth)),
  TOLLGATE_MAX_ALIASES: optional(wholeNumber(1).default(limits.maxAliases)),
  TOLLGATE_MAX_TOKENS: optional(wholeNumber(1).default(limits.maxTokens)),
  TOLLGATE_MAX_DIRECTIVES: optional(wholeNumber(1).default(limits.maxDirectives)),
  TOLLGATE_MAX_ROOT_FIELDS: optional(wholeNumber(1).default(limits.maxRootFields)),
  TOLLGATE_MAX_SELECTION_FIELDS: optional(wholeNumber(1).default(limits.maxSelectionFields!)),
  TOLLGATE_MAX_FIELDS: optional(wholeNumber(1).default(limits.maxFields!)),
  TOLLGATE_MAX_COST: optional(wholeNumber(1).default(limits.maxCost)),
  TOLLGATE_MAX_BODY_BYTES: optional(wholeNumber(1).default(defaultHardening.maxBodyBytes)),
  TOLLGATE_MAX_UPLOAD_BYTES: optional(wholeNumber(1).default(defaultHardening.maxUploadBytes)),
  TOLLGATE_TOKEN_REQUESTS_PER_MINUTE: optional(
    wholeNumber(1).default(defaultHardening.tokenRequestsPerMinute),
  ),
  TOLLGATE_AUTH_FAILURES_PER_ADDRESS: optional(
    wholeNumber(1).default(defaultHardening.authFailuresPerAddress),
  ),
  TOLLGATE_REQUEST_TIMEOUT_MS: optional(wholeNumber(1).default(defaultHardening.requestTimeoutMs)),
  TOLLGATE_LOG_LEVEL: optional(
    z
      .enum(logLevels, { error: `one of ${logLevels.map((level) => `"${level}"`).join(', ')}` })
      .default('info'),
  ),
  TOLLGATE_LOG_FORMAT: optional(z.enum(logFormats, { error: '"json" or "pretty"' }).optional()),
  TOLLGATE_METRICS_PORT: optional(wholeNumber(0, 65535).optional()),
  TOLLGATE_METRICS_HOST: optional(
    z.string().regex(/^\S+$/, 'a host name or IP address').default('127.0.0.1'),
  ),
  TOLLGATE_REDIS_URL: optional(redisUrl.optional()),
  TOLLGATE_REDIS_KEY_PREFIX: optional(
    z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)')
      .default('tollgate'),
  ),
  TOLLGATE_WEBHOOK_ALLOW_HTTP_LOCALHOST: optional(flag.default(false)),
  TOLLGATE_WEBHOOK_ALLOWED_ADDRESSES: optional(trustedProxies.default([])),
  TOLLGATE_WEBHOOK_TIMEOUT_MS: optional(wholeNumber(100, 60_000).default(10_000)),
  TOLLGATE_WEBHOOK_MAX_ATTEMPTS: optional(wholeNumber(1, 20).default(6)),
  TOLLGATE_IDENTITY_ALLOWED_ADDRESSES: optional(trustedProxies.default([])),
  TOLLGATE_IDENTITY_EXCHANGES_PER_MINUTE: optional(wholeNumber(1).default(60)),
  TOLLGATE_TLS_CERT: optional(z.string().optional()),
  TOLLGATE_TLS_KEY: optional(z.string().optional()),
});

/** Variables whose value must not be echoed into logs. */
const secretVariables = new Set([
  'TOLLGATE_SECRET_KEY',
  'TOLLGATE_DATABASE_URL',
  'TOLLGATE_REDIS_URL',
]);

/** The names the gateway reads, for documentation and tests. */
export const configVariables = Object.keys(
  environment.shape,
) as readonly (keyof typeof environment.shape)[];

function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = new Map<string, string>();
  for (const issue of result.error.issues) {
    const name = String(issue.path[0]);
    if (problems.has(name)) continue;
    const shown = secretVariables.has(name)
      ? 'the value is not shown'
      : `got ${JSON.stringify(env[name])}`;
    problems.set(name, `${name} must be ${issue.message} (${shown})`);
  }
  throw new ConfigError([...problems.values()]);
}

/** Where the data lives; throws ConfigError when TOLLGATE_DATA_DIR or TOLLGATE_DATABASE_URL is invalid. */
export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const vars = parse(
    environment.pick({ TOLLGATE_DATA_DIR: true, TOLLGATE_DATABASE_URL: true }),
    env,
  );
  return { dataDir: path.resolve(vars.TOLLGATE_DATA_DIR), databaseUrl: vars.TOLLGATE_DATABASE_URL };
}

/** A PEM file's text, or the problem with it as a configuration line. */
function pemFile(variable: string, file: string, kind: string): string | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    return {
      problem: `${variable} must be a readable file (got ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    };
  }
  if (!text.includes('-----BEGIN '))
    return {
      problem: `${variable} must be a PEM file holding ${kind} (got ${JSON.stringify(file)})`,
    };
  return text;
}

/**
 * The certificate and key for HTTPS, read and checked as a pair (a key that is not the
 * certificate's would only fail at the first connection); both or neither.
 */
function tlsFiles(certFile: string | undefined, keyFile: string | undefined): Config['tls'] {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined)
    throw new ConfigError([
      `${certFile === undefined ? 'TOLLGATE_TLS_CERT' : 'TOLLGATE_TLS_KEY'} must be set too: HTTPS needs both TOLLGATE_TLS_CERT and TOLLGATE_TLS_KEY (got only ${certFile === undefined ? 'TOLLGATE_TLS_KEY' : 'TOLLGATE_TLS_CERT'})`,
    ]);
  const cert = pemFile('TOLLGATE_TLS_CERT', certFile, 'a certificate');
  const key = pemFile('TOLLGATE_TLS_KEY', keyFile, 'a private key');
  const problems = [cert, key].flatMap((file) => (typeof file === 'string' ? [] : [file.problem]));
  if (problems.length > 0) throw new ConfigError(problems);
  try {
    createSecureContext({ cert: cert as string, key: key as string });
  } catch {
    // The message of the TLS library may quote key material: it is not repeated.
    throw new ConfigError([
      `TOLLGATE_TLS_KEY must be the private key of the certificate in TOLLGATE_TLS_CERT, both PEM (got ${JSON.stringify(keyFile)} and ${JSON.stringify(certFile)})`,
    ]);
  }
  return { cert: cert as string, key: key as string };
}

/** Reads the whole configuration; throws ConfigError listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const vars = parse(environment, env);
  const production = vars.NODE_ENV === 'production' || vars.TOLLGATE_PRODUCTION;
  const metricsPort = vars.TOLLGATE_METRICS_PORT;
  // The metrics listener is separate so that it is never public by accident: the API's port is
  // refused whatever the host (the same port on another address is one typo away from public).
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === vars.PORT)
    throw new ConfigError([
      `TOLLGATE_METRICS_PORT must be a port other than PORT's (got ${JSON.stringify(env.TOLLGATE_METRICS_PORT)})`,
    ]);
  const tls = tlsFiles(vars.TOLLGATE_TLS_CERT, vars.TOLLGATE_TLS_KEY);
  return {
    tls,
    dataDir: path.resolve(vars.TOLLGATE_DATA_DIR),
    databaseUrl: vars.TOLLGATE_DATABASE_URL,
    secretKey: vars.TOLLGATE_SECRET_KEY,
    host: vars.HOST,
    port: vars.PORT,
    production,
    graphiql: vars.TOLLGATE_GRAPHIQL ?? !production,
    trustedProxies: vars.TOLLGATE_TRUSTED_PROXIES,
    corsOrigins: vars.TOLLGATE_CORS_ORIGINS,
    publicUrl: vars.TOLLGATE_PUBLIC_URL,
    sessions: {
      idleMs: vars.TOLLGATE_SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: vars.TOLLGATE_SESSION_MAX_HOURS * 3_600_000,
    },
    bootstrapAccount: { name: vars.TOLLGATE_ACCOUNT_NAME, plan: vars.TOLLGATE_ACCOUNT_PLAN },
    hardening: {
      queryLimits: {
        maxDepth: vars.TOLLGATE_MAX_DEPTH,
        maxAliases: vars.TOLLGATE_MAX_ALIASES,
        maxTokens: vars.TOLLGATE_MAX_TOKENS,
        maxDirectives: vars.TOLLGATE_MAX_DIRECTIVES,
        maxRootFields: vars.TOLLGATE_MAX_ROOT_FIELDS,
        maxSelectionFields: vars.TOLLGATE_MAX_SELECTION_FIELDS,
        maxFields: vars.TOLLGATE_MAX_FIELDS,
        maxCost: vars.TOLLGATE_MAX_COST,
      },
      allowGet: vars.TOLLGATE_ALLOW_GET,
      maxBodyBytes: vars.TOLLGATE_MAX_BODY_BYTES,
      maxUploadBytes: vars.TOLLGATE_MAX_UPLOAD_BYTES,
      tokenRequestsPerMinute: vars.TOLLGATE_TOKEN_REQUESTS_PER_MINUTE,
      authFailuresPerAddress: vars.TOLLGATE_AUTH_FAILURES_PER_ADDRESS,
      authFailureWindowMs: defaultHardening.authFailureWindowMs,
      requestTimeoutMs: vars.TOLLGATE_REQUEST_TIMEOUT_MS,
    },
    observability: {
      logLevel: vars.TOLLGATE_LOG_LEVEL,
      logFormat: vars.TOLLGATE_LOG_FORMAT ?? (production ? 'json' : 'pretty'),
      metrics:
        metricsPort === undefined
          ? undefined
          : { host: vars.TOLLGATE_METRICS_HOST, port: metricsPort },
    },
    redis: vars.TOLLGATE_REDIS_URL
      ? { url: vars.TOLLGATE_REDIS_URL, keyPrefix: vars.TOLLGATE_REDIS_KEY_PREFIX }
      : undefined,
    webhooks: {
      maxAttempts: vars.TOLLGATE_WEBHOOK_MAX_ATTEMPTS,
      outbound: {
        allowHttpToLocalhost: vars.TOLLGATE_WEBHOOK_ALLOW_HTTP_LOCALHOST,
        allowedAddresses: vars.TOLLGATE_WEBHOOK_ALLOWED_ADDRESSES,
        timeoutMs: vars.TOLLGATE_WEBHOOK_TIMEOUT_MS,
      },
    },
    identity: {
      allowedAddresses: vars.TOLLGATE_IDENTITY_ALLOWED_ADDRESSES,
      exchangesPerMinute: vars.TOLLGATE_IDENTITY_EXCHANGES_PER_MINUTE,
    },
  };
}

/**
 * The configuration, or — when the environment is refused — its problems on stderr, one per
 * line, and exit with `exitCode`. An operator's typo is not a crash: no stack trace.
 */
export function configOrExit<T>(load: () => T, exitCode: number): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(exitCode);
  }
}
