import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type App, createApp } from '../../src/app.js';
import { createAccountWithAdminToken } from '../../src/bootstrap.js';
import type { Db } from '../../src/db/database.js';
import { createSecretBox, type SecretBox } from '../../src/secrets.js';
import type { DeliverySettings } from '../../src/webhooks/worker.js';
import { createTestDb } from './database.js';

/** Delivery settings for tests: loopback receivers allowed explicitly, short waits. */
export const loopbackDelivery: Partial<DeliverySettings> = {
  pollIntervalMs: 50,
  baseDelayMs: 50,
  maxDelayMs: 200,
  maxAttempts: 3,
  outbound: { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'], timeoutMs: 1_000 },
};

/** A gateway listening on a loopback port, on a database of its own (or the one given). */
export async function listeningGateway(
  options: { db?: Db; secrets?: SecretBox; delivery?: Partial<DeliverySettings> | false } = {},
) {
  const db = options.db ?? (await createTestDb());
  const secrets = options.secrets ?? createSecretBox(randomBytes(32));
  const app: App = createApp({
    db,
    secrets,
    webhookDelivery:
      options.delivery === false ? undefined : (options.delivery ?? loopbackDelivery),
  });
  const server = createServer(app.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    db,
    secrets,
    app,
    url,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
    },
  };
}

export async function newAccount(db: Db, name = 'Acme') {
  return createAccountWithAdminToken(db, { name, plan: 'enterprise', now: new Date() });
}

export interface ReceivedHook {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly payload: { eventId: string; eventType: string; data: Record<string, unknown> };
}

/** A webhook receiver on loopback: answers with `status(n)` for the n-th request (from 1). */
export async function hookReceiver(status: (n: number) => number | 'hang' = () => 200) {
  const received: ReceivedHook[] = [];
  let count = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      count++;
      received.push({ headers: request.headers, body, payload: JSON.parse(body) });
      const answer = status(count);
      if (answer !== 'hang') response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error('The condition did not come true in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A directory with an executable named `dbt`, to put first on PATH. It prints its arguments and
 * the value of DBT_ENV_SECRET_PASSWORD (to check masking), copies the artifacts of
 * FAKE_DBT_FIXTURE into target/, and exits with FAKE_DBT_EXIT when its first argument is
 * FAKE_DBT_FAIL_ON (0 otherwise). With FAKE_DBT_HANG it starts a child that sleeps (its pid in
 * FAKE_DBT_PIDFILE) and waits for it: a step that only a cancel ends.
 */
export function fakeDbt(): { bin: string; projectDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'tollgate-runner-'));
  const bin = path.join(root, 'bin');
  const projectDir = path.join(root, 'project');
  mkdirSync(bin);
  mkdirSync(projectDir);
  writeFileSync(path.join(projectDir, 'dbt_project.yml'), 'name: fake\n');
  const script = `#!/bin/sh
echo "Running with dbt=1.10.0: dbt $*"
echo "profile password: $DBT_ENV_SECRET_PASSWORD"
echo "run $DBT_CLOUD_RUN_ID of job $DBT_CLOUD_JOB_ID"
if [ -n "$TOLLGATE_RUNNER_TOKEN" ]; then echo "LEAKED RUNNER TOKEN"; fi
mkdir -p target
if [ -n "$FAKE_DBT_FIXTURE" ]; then cp "$FAKE_DBT_FIXTURE"/*.json target/; fi
if [ -n "$FAKE_DBT_HANG" ]; then
  sleep 120 &
  echo $! > "$FAKE_DBT_PIDFILE"
  wait
fi
if [ "$1" = "$FAKE_DBT_FAIL_ON" ]; then
  echo "Completed with 1 error: Database Error in model orders"
  exit \${FAKE_DBT_EXIT:-1}
fi
echo "Done. PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3"
exit 0
`;
  writeFileSync(path.join(bin, 'dbt'), script);
  chmodSync(path.join(bin, 'dbt'), 0o755);
  return { bin, projectDir };
}
