import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApp, discoveryEndpoint } from './app.js';
import { adminTokenFileName, bootstrapIfEmpty, writeAdminTokenFile } from './bootstrap.js';
import { configOrExit, loadConfig } from './config.js';
import { openDatabase, poolStatsOf } from './db/connect.js';
import { migrateToLatest } from './db/migrator.js';
import { openRateLimitStore } from './db/rate-limits.js';
import { matchSecretKeyFingerprint } from './db/secret-key-fingerprint.js';
import { countActiveServiceTokens } from './db/service-tokens.js';
import { dataFileNames, makeDataDirPrivate } from './hardening/data-files.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { serveMetrics } from './observability/metrics-server.js';
import { openResponseCache } from './response-cache.js';
import {
  createSecretBox,
  loadSecretKey,
  secretKeyFingerprint,
  secretKeyMismatch,
} from './secrets.js';

const config = configOrExit(() => loadConfig(), 1);
const logger = createLogger({
  level: config.observability.logLevel,
  format: config.observability.logFormat,
});
// The secret key file lives in the data directory even when the database is PostgreSQL. Made
// private (0700, files 0600, umask 077) before the database is opened in it.
try {
  makeDataDirPrivate(config.dataDir, dataFileNames(adminTokenFileName));
} catch (error) {
  logger.fatal(
    `Cannot make the data directory ${config.dataDir} (TOLLGATE_DATA_DIR) private: ${(error as Error).message}`,
  );
  process.exit(1);
}
const db = openDatabase(config);
await migrateToLatest(db);
const created = await bootstrapIfEmpty(db, config.bootstrapAccount, new Date());
// In production the terminal is a log collector's input: the token goes to an owner-only file.
const tokenFile =
  created && config.production
    ? writeAdminTokenFile(config.dataDir, created.adminToken)
    : undefined;

const secretKey = loadSecretKey(config.dataDir, config.secretKey);
// Instances sharing a database must share the key, or each seals what the others cannot open.
if (!(await matchSecretKeyFingerprint(db, secretKeyFingerprint(secretKey), new Date()))) {
  process.stderr.write(`${secretKeyMismatch}\n`);
  process.exit(1);
}
const secrets = createSecretBox(secretKey);
const rateLimits = await openRateLimitStore(db, config, (error) =>
  logger.warn({ err: error }, 'Rate-limit store unavailable; counting in this process meanwhile'),
).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
// Repeated identical Discovery reads: shared through Redis when there is one, else in memory.
const responseCache = await openResponseCache(config.redis).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
const metrics = config.observability.metrics
  ? createMetrics({
      countActiveTokens: () => countActiveServiceTokens(db, new Date().toISOString()),
      poolStats: () => poolStatsOf(db),
      processMetrics: true,
    })
  : undefined;
const metricsServer =
  metrics && config.observability.metrics
    ? await serveMetrics(metrics, config.observability.metrics, logger).catch((error: Error) => {
        logger.fatal(
          `The metrics endpoint cannot listen on ${config.observability.metrics!.host}:${config.observability.metrics!.port} (TOLLGATE_METRICS_HOST, TOLLGATE_METRICS_PORT): ${error.message}`,
        );
        process.exit(1);
      })
    : undefined;
if (metricsServer) logger.info({ url: metricsServer.url }, `Metrics at ${metricsServer.url}`);
const app = createApp({
  db,
  secrets,
  graphiql: config.graphiql,
  trustedProxies: config.trustedProxies,
  corsOrigins: config.corsOrigins,
  publicUrl: config.publicUrl,
  sessions: config.sessions,
  production: config.production,
  hardening: config.hardening,
  logger,
  metrics,
  rateLimits,
  responseCache,
  webhookDelivery: config.webhooks,
  // Every instance applies the accounts' token policies; each step is safe to run concurrently.
  tokenPolicy: {},
  identity: {
    outbound: { allowedAddresses: config.identity.allowedAddresses },
    exchangesPerMinute: config.identity.exchangesPerMinute,
  },
});
// Slow or stalled clients cannot hold connections open: the whole request, headers included,
// must arrive within the timeout.
const serverOptions = {
  requestTimeout: config.hardening.requestTimeoutMs,
  headersTimeout: Math.min(config.hardening.requestTimeoutMs, 20_000),
  // How often Node looks for requests past their timeout (its default, 30 s, would let a
  // stalled request live up to twice as long as allowed).
  connectionsCheckingInterval: Math.min(config.hardening.requestTimeoutMs / 2, 5_000),
};
// HTTPS when given a certificate (TOLLGATE_TLS_CERT, TOLLGATE_TLS_KEY): several dbt Cloud
// clients only speak https://.
const server = config.tls
  ? createHttpsServer({ ...serverOptions, ...config.tls }, app.requestListener)
  : createServer(serverOptions, app.requestListener);
const scheme = config.tls ? 'https' : 'http';
server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  const url = `${scheme}://${config.host}:${port}/graphql`;
  const tryIt = [
    `Try it:   curl -s ${url} -H 'Authorization: Bearer <token>' -H 'Content-Type: application/json' \\`,
    `            -d '{"query":"{ viewer { name account { name plan } } }"}'`,
    ...(config.graphiql
      ? [
          `GraphiQL: sign in to the console at ${scheme}://${config.host}:${port}/ with the token and open GraphiQL (the header is pre-filled).`,
        ]
      : []),
  ];
  if (created && tokenFile) {
    // Production: only where the token is. Only its hash is stored; the file is its one copy.
    console.log(
      [
        `First start: created the account "${created.account.name}" (${created.account.plan} plan) and an Account Admin token.`,
        `The token is in ${tokenFile} (readable by this user only). Store it elsewhere, then delete the file.`,
        '',
        ...tryIt,
        '',
      ].join('\n'),
    );
  } else if (created) {
    // Development: the only time this secret is ever shown, as only its hash is stored. Written
    // to the terminal, never through the logger: a log collector must not receive a token.
    console.log(
      [
        `First start: created the account "${created.account.name}" (${created.account.plan} plan) and an Account Admin token.`,
        'Store it now; it will not be shown again:',
        '',
        `    ${created.adminToken}`,
        '',
        ...tryIt,
        '',
      ].join('\n'),
    );
  }
  logger.info({ url }, `Tollgate is serving ${url}`);
  logger.info(
    { url: `${scheme}://${config.host}:${port}${discoveryEndpoint}` },
    `The metadata (Discovery) API is at ${scheme}://${config.host}:${port}${discoveryEndpoint}`,
  );
  logger.info(
    { url: `${scheme}://${config.host}:${port}/api/v2/` },
    `dbt Cloud's REST API is at ${scheme}://${config.host}:${port}/api/v2/ and /api/v3/`,
  );
});

let stopping = false;

/**
 * Stops accepting connections, lets requests in flight finish (keep-alive connections are
 * closed as soon as they fall idle), writes pending token usage, closes the database, exits.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: finishing in-flight requests, then closing the database.`);
  const closeIdle = setInterval(() => server.closeIdleConnections(), 100);
  // A request that never finishes must not keep a stopping server alive forever.
  setTimeout(() => {
    logger.error('Requests still running after the shutdown grace period; exiting anyway.');
    process.exit(1);
  }, config.hardening.requestTimeoutMs + 5_000).unref();
  server.close(async () => {
    clearInterval(closeIdle);
    await metricsServer?.close();
    await app.close();
    await db.destroy();
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
