// One server of the benchmark, in its own process so the load generator does not share its
// event loop: `gateway` is the full Tollgate app (`gateway-cached`: with its response cache on;
// `gateway-unrecorded`: without recording the permissions tokens use, which
// bench/permission-usage.ts compares against); `stock` serves the same Pothos schema and data
// with stock graphql-yoga, no authentication, no shield rules, no audit middleware; `compiled` is
// the same stock server with graphql-jit (`useGraphQlJit`), the compiled execution the gateway
// uses: what guarding costs is the gap between it and the gateway.

import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { createSqliteDb } from '../src/db/connect.js';
import { memoryResponseCache } from '../src/response-cache.js';
import { createSecretBox } from '../src/secrets.js';
import { type BaselineMode, createBaseline } from './baseline.js';

const [mode, dbFile, adminToken] = process.argv.slice(2);
const modes = ['gateway', 'gateway-cached', 'gateway-unrecorded', 'stock', 'compiled'] as const;
if (!modes.includes(mode as never) || !dbFile || !adminToken) {
  throw new Error(`usage: server.ts ${modes.join('|')} <db file> <admin token>`);
}
const db = createSqliteDb(dbFile);
const secrets = createSecretBox(randomBytes(32));

let handler: RequestListener;
if (mode === 'gateway' || mode === 'gateway-cached' || mode === 'gateway-unrecorded') {
  handler = createApp({
    db,
    secrets,
    responseCache: mode === 'gateway-cached' ? memoryResponseCache() : undefined,
    permissionUsage: mode !== 'gateway-unrecorded',
  }).requestListener;
} else {
  const { admin, discovery } = await createBaseline(mode as BaselineMode, db, secrets, adminToken);
  handler = (request, response) =>
    (request.url?.startsWith('/discovery/') ? discovery : admin)(request, response);
}

const server = createServer(handler);
server.listen(0, '127.0.0.1', () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
// The load generator asks for this process's CPU time around each measurement: CPU per request
// is far less sensitive than throughput to other work on a shared machine.
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  console.log(`cpu ${user + system}`);
});
