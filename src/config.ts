import path from 'node:path';
import type { Plan } from './catalog/permission-sets.js';
import { hardeningFromEnv, type Hardening } from './hardening/settings.js';

/** Everything the gateway reads from the environment, validated once at start-up. */
export interface Config {
  /** Where the embedded SQLite database (and, unless given, the secret key) lives. */
  readonly dataDir: string;
  /** A PostgreSQL connection string; unset: the embedded SQLite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
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
  /** Name and plan of the account the first start creates. */
  readonly bootstrapAccount: { readonly name: string; readonly plan: Plan };
  readonly hardening: Hardening;
}

function flag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, not "${value}".`);
}

/** Reads the configuration; throws a message naming the variable when one is invalid. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}".`);
  const plan = env.TOLLGATE_ACCOUNT_PLAN ?? 'enterprise';
  if (plan !== 'team' && plan !== 'enterprise') {
    throw new Error(`TOLLGATE_ACCOUNT_PLAN must be "team" or "enterprise", not "${plan}".`);
  }
  const production = env.NODE_ENV === 'production' || flag(env.TOLLGATE_PRODUCTION, 'TOLLGATE_PRODUCTION') === true;
  return {
    dataDir: path.resolve(env.TOLLGATE_DATA_DIR ?? './data'),
    secretKey: env.TOLLGATE_SECRET_KEY || undefined,
    databaseUrl: env.TOLLGATE_DATABASE_URL || undefined,
    host: env.HOST ?? '127.0.0.1',
    port,
    production,
    graphiql: flag(env.TOLLGATE_GRAPHIQL, 'TOLLGATE_GRAPHIQL') ?? !production,
    trustedProxies: (env.TOLLGATE_TRUSTED_PROXIES ?? '').split(',').map((entry) => entry.trim()).filter(Boolean),
    bootstrapAccount: { name: env.TOLLGATE_ACCOUNT_NAME ?? 'Tollgate', plan },
    hardening: hardeningFromEnv(env, flag(env.TOLLGATE_ALLOW_GET, 'TOLLGATE_ALLOW_GET') ?? false),
  };
}
