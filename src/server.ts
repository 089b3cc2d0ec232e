import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApp, discoveryEndpoint } from './app.js';
import { bootstrapIfEmpty } from './bootstrap.js';
import { configOrExit, loadConfig } from './config.js';
import { openDatabase, poolStatsOf } from './db/connect.js';
import { migrateToLatest } from './db/migrator.js';
import { countActiveServiceTokens } from './db/service-tokens.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { serveMetrics } from './observability/metrics-server.js';
import { createSecretBox, loadSecretKey } from './secrets.js';

const config = configOrExit(() => loadConfig(), 1);
const logger = createLogger({
  level: config.observability.logLevel,
  format: config.observability.logFormat,
});
// The secret key file lives in the data directory even when the database is PostgreSQL.
mkdirSync(config.dataDir, { recursive: true });
const db = openDatabase(config);
await migrateToLatest(db);
const created = await bootstrapIfEmpty(db, config.bootstrapAccount, new Date());

const secrets = createSecretBox(loadSecretKey(config.dataDir, config.secretKey));
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
  production: config.production,
  hardening: config.hardening,
  logger,
  metrics,
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
  if (created) {
    // The only time this secret is ever shown: only its hash is stored. Written to the terminal,
    // never through the logger: a log collector must not receive a token.
    console.log(
      [
        `First start: created the account "${created.account.name}" (${created.account.plan} plan) and an Account Admin token.`,
        'Store it now; it will not be shown again:',
        '',
        `    ${created.adminToken}`,
        '',
        `Try it:   curl -s ${url} -H 'Authorization: Bearer <token>' -H 'Content-Type: application/json' \\`,
        `            -d '{"query":"{ viewer { name account { name plan } } }"}'`,
        ...(config.graphiql
          ? [
              `GraphiQL: sign in to the console at ${scheme}://${config.host}:${port}/ with the token and open GraphiQL (the header is pre-filled).`,
            ]
          : []),
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
