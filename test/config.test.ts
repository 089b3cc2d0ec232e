import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadStorageConfig } from '../src/config.js';
import { defaultHardening } from '../src/hardening/settings.js';

/** The problems loadConfig reports for `env`, one string per line. */
function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('the configuration', () => {
  it('has defaults for the embedded set-up', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      secretKey: undefined,
      host: '127.0.0.1',
      port: 4000,
      production: false,
      graphiql: true,
      trustedProxies: [],
      corsOrigins: [],
      bootstrapAccount: { name: 'Tollgate', plan: 'enterprise' },
      hardening: defaultHardening,
      observability: { logLevel: 'info', logFormat: 'pretty', metrics: undefined },
      identity: { allowedAddresses: [], exchangesPerMinute: 60 },
      webhooks: {
        maxAttempts: 6,
        outbound: { allowHttpToLocalhost: false, allowedAddresses: [], timeoutMs: 10_000 },
      },
      redis: undefined,
      tls: undefined,
      sessions: { idleMs: 2 * 60 * 60 * 1000, absoluteMs: 12 * 60 * 60 * 1000 },
    });
    // Set but empty (`PORT= npm start`) is the same as unset.
    expect(loadConfig({ PORT: '', TOLLGATE_MAX_DEPTH: ' ', TOLLGATE_GRAPHIQL: '' })).toEqual(
      config,
    );
  });

  it('reads every variable', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      TOLLGATE_DATA_DIR: '/var/lib/tollgate',
      TOLLGATE_DATABASE_URL: 'postgres://tollgate@db.internal:5432/tollgate',
      TOLLGATE_SECRET_KEY: key,
      HOST: '0.0.0.0',
      PORT: '0',
      NODE_ENV: 'production',
      TOLLGATE_GRAPHIQL: 'yes',
      TOLLGATE_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7',
      TOLLGATE_CORS_ORIGINS: 'https://console.example.com, http://localhost:5173',
      TOLLGATE_ACCOUNT_NAME: 'Acme',
      TOLLGATE_ACCOUNT_PLAN: 'team',
      TOLLGATE_ALLOW_GET: 'true',
      TOLLGATE_MAX_DEPTH: '5',
      TOLLGATE_MAX_ALIASES: '6',
      TOLLGATE_MAX_TOKENS: '7',
      TOLLGATE_MAX_DIRECTIVES: '8',
      TOLLGATE_MAX_ROOT_FIELDS: '9',
      TOLLGATE_MAX_COST: '10',
      TOLLGATE_MAX_SELECTION_FIELDS: '17',
      TOLLGATE_MAX_FIELDS: '18',
      TOLLGATE_REDIS_URL: 'redis://cache.internal:6379/2',
      TOLLGATE_REDIS_KEY_PREFIX: 'tollgate-eu',
      TOLLGATE_MAX_BODY_BYTES: '11',
      TOLLGATE_MAX_UPLOAD_BYTES: '12',
      TOLLGATE_TOKEN_REQUESTS_PER_MINUTE: '13',
      TOLLGATE_AUTH_FAILURES_PER_ADDRESS: '14',
      TOLLGATE_REQUEST_TIMEOUT_MS: '15',
      TOLLGATE_LOG_LEVEL: 'debug',
      TOLLGATE_METRICS_PORT: '9464',
      TOLLGATE_METRICS_HOST: '::1',
      TOLLGATE_IDENTITY_ALLOWED_ADDRESSES: '10.20.0.0/16',
      TOLLGATE_IDENTITY_EXCHANGES_PER_MINUTE: '16',
      TOLLGATE_WEBHOOK_ALLOW_HTTP_LOCALHOST: 'yes',
      TOLLGATE_WEBHOOK_ALLOWED_ADDRESSES: '127.0.0.1/32, 10.20.0.0/16',
      TOLLGATE_WEBHOOK_TIMEOUT_MS: '5000',
      TOLLGATE_WEBHOOK_MAX_ATTEMPTS: '3',
      TOLLGATE_PUBLIC_URL: 'https://tollgate.example.com',
      TOLLGATE_SESSION_IDLE_MINUTES: '30',
      TOLLGATE_SESSION_MAX_HOURS: '8',
    });
    expect(config).toEqual({
      dataDir: '/var/lib/tollgate',
      databaseUrl: 'postgres://tollgate@db.internal:5432/tollgate',
      secretKey: key,
      host: '0.0.0.0',
      port: 0,
      production: true,
      graphiql: true,
      trustedProxies: ['10.0.0.0/8', '192.0.2.7'],
      corsOrigins: ['https://console.example.com', 'http://localhost:5173'],
      bootstrapAccount: { name: 'Acme', plan: 'team' },
      hardening: {
        queryLimits: {
          maxDepth: 5,
          maxAliases: 6,
          maxTokens: 7,
          maxDirectives: 8,
          maxRootFields: 9,
          maxSelectionFields: 17,
          maxFields: 18,
          maxCost: 10,
        },
        allowGet: true,
        maxBodyBytes: 11,
        maxUploadBytes: 12,
        tokenRequestsPerMinute: 13,
        authFailuresPerAddress: 14,
        authFailureWindowMs: defaultHardening.authFailureWindowMs,
        requestTimeoutMs: 15,
      },
      // Production logs JSON unless told otherwise.
      observability: {
        logLevel: 'debug',
        logFormat: 'json',
        metrics: { host: '::1', port: 9464 },
      },
      identity: { allowedAddresses: ['10.20.0.0/16'], exchangesPerMinute: 16 },
      webhooks: {
        maxAttempts: 3,
        outbound: {
          allowHttpToLocalhost: true,
          allowedAddresses: ['127.0.0.1/32', '10.20.0.0/16'],
          timeoutMs: 5000,
        },
      },
      redis: { url: 'redis://cache.internal:6379/2', keyPrefix: 'tollgate-eu' },
      // TOLLGATE_TLS_CERT and _KEY are read from files: test/rest/https.test.ts covers them.
      tls: undefined,
      publicUrl: 'https://tollgate.example.com',
      sessions: { idleMs: 30 * 60 * 1000, absoluteMs: 8 * 60 * 60 * 1000 },
    });
    expect(loadConfig({ TOLLGATE_PRODUCTION: 'on' })).toMatchObject({
      production: true,
      graphiql: false,
    });
    expect(
      loadConfig({ NODE_ENV: 'production', TOLLGATE_LOG_FORMAT: 'pretty' }).observability,
    ).toMatchObject({ logFormat: 'pretty' });
  });

  it.each([
    [
      'TOLLGATE_TOKEN_REQUESTS_PER_MINUTE',
      'abc',
      'TOLLGATE_TOKEN_REQUESTS_PER_MINUTE must be a whole number ≥ 1 (got "abc")',
    ],
    ['TOLLGATE_MAX_DEPTH', '0', 'TOLLGATE_MAX_DEPTH must be a whole number ≥ 1 (got "0")'],
    ['TOLLGATE_MAX_COST', '1.5', 'TOLLGATE_MAX_COST must be a whole number ≥ 1 (got "1.5")'],
    [
      'TOLLGATE_REQUEST_TIMEOUT_MS',
      '-5',
      'TOLLGATE_REQUEST_TIMEOUT_MS must be a whole number ≥ 1 (got "-5")',
    ],
    ['PORT', '70000', 'PORT must be a whole number from 0 to 65535 (got "70000")'],
    ['PORT', 'http', 'PORT must be a whole number from 0 to 65535 (got "http")'],
    [
      'TOLLGATE_GRAPHIQL',
      'maybe',
      'TOLLGATE_GRAPHIQL must be true or false (also 1/0, yes/no, on/off) (got "maybe")',
    ],
    [
      'TOLLGATE_ALLOW_GET',
      'constructor',
      'TOLLGATE_ALLOW_GET must be true or false (also 1/0, yes/no, on/off) (got "constructor")',
    ],
    [
      'TOLLGATE_ACCOUNT_PLAN',
      'free',
      'TOLLGATE_ACCOUNT_PLAN must be "team" or "enterprise" (got "free")',
    ],
    [
      'TOLLGATE_ACCOUNT_NAME',
      'x'.repeat(256),
      `TOLLGATE_ACCOUNT_NAME must be a name of at most 255 characters (got "${'x'.repeat(256)}")`,
    ],
    ['HOST', 'my host', 'HOST must be a host name or IP address (got "my host")'],
    [
      'TOLLGATE_LOG_LEVEL',
      'verbose',
      'TOLLGATE_LOG_LEVEL must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (got "verbose")',
    ],
    ['TOLLGATE_LOG_FORMAT', 'xml', 'TOLLGATE_LOG_FORMAT must be "json" or "pretty" (got "xml")'],
    [
      'TOLLGATE_METRICS_PORT',
      '99999',
      'TOLLGATE_METRICS_PORT must be a whole number from 0 to 65535 (got "99999")',
    ],
    [
      'TOLLGATE_METRICS_PORT',
      '4000',
      'TOLLGATE_METRICS_PORT must be a port other than PORT\'s (got "4000")',
    ],
    [
      'TOLLGATE_TRUSTED_PROXIES',
      '10.0.0.0/8,proxy.internal',
      'TOLLGATE_TRUSTED_PROXIES must be comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.0/8,192.0.2.7 (got "10.0.0.0/8,proxy.internal")',
    ],
    // An origin is what a browser sends: no path, no trailing slash, no wildcard.
    ...['*', 'https://console.example.com/', 'console.example.com', 'ftp://files.example.com'].map(
      (value) => [
        'TOLLGATE_CORS_ORIGINS',
        `https://a.example,${value}`,
        `TOLLGATE_CORS_ORIGINS must be comma-separated origins, scheme and host (and port) only, e.g. https://console.example.com,http://localhost:5173 (got "https://a.example,${value}")`,
      ],
    ),
  ])(
    'refuses %s=%j in one line naming the variable and the accepted form',
    (name, value, message) => {
      expect(problems({ [name]: value })).toEqual([message]);
    },
  );

  it('never echoes a value that may be a secret', () => {
    const [database] = problems({ TOLLGATE_DATABASE_URL: 'mysql://root:hunter2@db/app' });
    expect(database).toBe(
      'TOLLGATE_DATABASE_URL must be a PostgreSQL URL, postgres://user@host:5432/database (the value is not shown)',
    );
    const [key] = problems({ TOLLGATE_SECRET_KEY: 'c2hvcnQga2V5' });
    expect(key).toBe(
      'TOLLGATE_SECRET_KEY must be 32 bytes in base64 (44 characters; openssl rand -base64 32 makes one) (the value is not shown)',
    );
  });

  it('reports every invalid variable at once, one line each', () => {
    const lines = problems({
      PORT: 'x',
      TOLLGATE_MAX_DEPTH: 'deep',
      TOLLGATE_ACCOUNT_PLAN: 'free',
      TOLLGATE_MAX_ALIASES: '3',
    });
    expect(lines.map((line) => line.split(' ')[0])).toEqual([
      'PORT',
      'TOLLGATE_ACCOUNT_PLAN',
      'TOLLGATE_MAX_DEPTH',
    ]);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('gives the command-line tools only what they need: a bad PORT does not stop them', () => {
    expect(loadStorageConfig({ PORT: 'x', TOLLGATE_DATA_DIR: 'somewhere' })).toEqual({
      dataDir: path.resolve('somewhere'),
      databaseUrl: undefined,
    });
    expect(() => loadStorageConfig({ TOLLGATE_DATABASE_URL: 'sqlite:///tmp/x' })).toThrow(
      /^TOLLGATE_DATABASE_URL must be a PostgreSQL URL/,
    );
  });
});

describe('the server with a bad environment', () => {
  it('prints one line per problem and exits non-zero, without a stack trace', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-config-'));
    try {
      const started = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: path.resolve(import.meta.dirname, '..'),
        env: {
          ...process.env,
          TOLLGATE_DATA_DIR: dataDir,
          PORT: '0',
          TOLLGATE_MAX_DEPTH: 'abc',
          TOLLGATE_GRAPHIQL: 'maybe',
        },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(started.signal).toBeNull();
      expect(started.status).toBe(1);
      expect(started.stdout).toBe('');
      expect(started.stderr).toBe(
        [
          'TOLLGATE_GRAPHIQL must be true or false (also 1/0, yes/no, on/off) (got "maybe")',
          'TOLLGATE_MAX_DEPTH must be a whole number ≥ 1 (got "abc")',
          '',
        ].join('\n'),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
