import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ClaimRunDocument,
  CreateWebhookDocument,
  createTollgateClient,
  TriggerRunDocument,
  WebhookDeliveriesDocument,
} from '../src/client/index.js';
import { createPostgresDb } from '../src/db/connect.js';
import { createSecretBox } from '../src/secrets.js';
import { verifyWebhookSignature, webhookSignature } from '../src/webhooks/signature.js';
import { createDeliveryWorker } from '../src/webhooks/worker.js';
import { builders, required, tokenWith } from './support/builders.js';
import { migratedPostgresDatabase, postgresFor } from './support/database.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';
import {
  eventually,
  hookReceiver,
  listeningGateway,
  loopbackDelivery,
  newAccount,
} from './support/runner-kit.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A webhook on `url` and one started run: one pending delivery. */
async function oneDelivery(gateway: TestGateway, url: string) {
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project(`p${randomBytes(3).toString('hex')}`);
  const environment = await build.environment(project, 'production');
  const job = await build.job(environment, 'nightly');
  const hook = required(
    await admin.request(CreateWebhookDocument, {
      input: { name: 'relay', url, events: ['job.run.started'] },
    }),
    'createWebhook',
  ).createWebhook;
  required(await admin.request(TriggerRunDocument, { jobId: job }), 'triggerRun');
  const runner = await tokenWith(gateway, [{ permissionSet: 'job_runner', projectIds: [project] }]);
  required(
    await runner.client.request(ClaimRunDocument, { input: { environmentIds: [environment] } }),
    'claimRun',
  );
  const log = async () =>
    required(await admin.request(WebhookDeliveriesDocument, { id: hook.webhook.id }), 'log')
      .webhook!.deliveries;
  return { hook, log };
}

const worker = (gateway: TestGateway, settings = loopbackDelivery) =>
  createDeliveryWorker({ db: gateway.db, secrets: gateway.secrets, settings });

describe('webhook delivery', () => {
  it('signs the body as dbt Cloud does, and retries the same body after a 500', async () => {
    const receiver = await hookReceiver((n) => (n === 1 ? 500 : 200));
    closers.push(receiver.close);
    const gateway = await createTestGateway();
    const { hook, log } = await oneDelivery(gateway, receiver.url);
    const sender = worker(gateway);
    expect(await sender.runOnce()).toBe(1);
    expect((await log()).edges[0]!.node).toMatchObject({
      status: 'pending',
      attempts: 1,
      statusCode: 500,
      lastError: 'The receiver answered 500.',
    });
    await eventually(async () => (await sender.runOnce()) === 1);
    const delivered = (await log()).edges[0]!.node;
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2, statusCode: 200 });
    expect(delivered.durationMs).toEqual(expect.any(Number));
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second!.body).toBe(first!.body);
    // What a receiver written for dbt Cloud does: HMAC-SHA256 of the raw body, hex, in Authorization.
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', hook.secret).update(first!.body).digest('hex');
    expect(first!.headers.authorization).toBe(expected);
    expect(verifyWebhookSignature(first!.body, hook.secret, first!.headers.authorization)).toBe(
      true,
    );
    expect(verifyWebhookSignature(first!.body, 'whsec_wrong', first!.headers.authorization)).toBe(
      false,
    );
    expect(first!.payload).toMatchObject({
      eventType: 'job.run.started',
      webhooksID: hook.webhook.id,
      data: { runStatus: 'Running', runStatusCode: 3, jobName: 'nightly' },
    });
    expect(delivered.payload).toBe(first!.body);
  });

  it('gives up after the attempt limit, and refuses targets outside the allowed addresses', async () => {
    const receiver = await hookReceiver(() => 503);
    closers.push(receiver.close);
    const gateway = await createTestGateway();
    const { log } = await oneDelivery(gateway, receiver.url);
    const sender = worker(gateway);
    await eventually(async () => {
      await sender.runOnce();
      return (await log()).edges[0]!.node.status === 'failed';
    });
    expect((await log()).edges[0]!.node).toMatchObject({
      status: 'failed',
      attempts: loopbackDelivery.maxAttempts,
      statusCode: 503,
    });
    expect(receiver.received).toHaveLength(loopbackDelivery.maxAttempts!);

    // Without the allowlist, a loopback target is never contacted.
    const other = await hookReceiver();
    closers.push(other.close);
    const refused = await oneDelivery(gateway, other.url);
    const strict = worker(gateway, {
      ...loopbackDelivery,
      outbound: { allowHttpToLocalhost: true, timeoutMs: 1_000 },
    });
    await strict.runOnce();
    expect((await refused.log()).edges[0]!.node).toMatchObject({
      status: 'failed',
      attempts: 1,
      statusCode: null,
      lastError: expect.stringMatching(/127\.0\.0\.1, a loopback address; refused/),
    });
    expect(other.received).toEqual([]);
  });

  it('resumes after a restart: pending retries and deliveries a stopped worker held', async () => {
    const receiver = await hookReceiver((n) => (n === 1 ? 500 : 200));
    closers.push(receiver.close);
    const gateway = await createTestGateway();
    const { log } = await oneDelivery(gateway, receiver.url);
    const before = worker(gateway);
    await before.runOnce();
    await before.stop();
    expect((await log()).edges[0]!.node.status).toBe('pending');
    // A new process (a new worker on the same database) picks it up.
    const after = worker(gateway);
    after.start();
    closers.push(() => after.stop());
    await eventually(async () => (await log()).edges[0]!.node.status === 'delivered');

    // A worker that died while holding a delivery: its lease runs out and another sends it.
    const second = await oneDelivery(gateway, receiver.url);
    await gateway.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'delivering',
        locked_by: 'worker_gone',
        locked_until: new Date(Date.now() - 1000).toISOString(),
      })
      .where('status', '=', 'pending')
      .execute();
    await eventually(async () => (await second.log()).edges[0]!.node.status === 'delivered');
    // The second run's start reached both webhooks (the first subscribes to every job): each
    // delivery arrived once, the retried one twice.
    const rows = await gateway.db
      .selectFrom('webhook_deliveries')
      .select(['event_id', 'status'])
      .execute();
    await eventually(async () => {
      const statuses = await gateway.db.selectFrom('webhook_deliveries').select('status').execute();
      return statuses.every((row) => row.status === 'delivered');
    });
    const ids = receiver.received.map((hit) => hit.payload.eventId);
    expect(ids).toHaveLength(rows.length + 1);
    expect(new Set(ids).size).toBe(rows.length);
  });
});

const postgresUp = await postgresFor('the webhook delivery test on PostgreSQL');

describe.skipIf(!postgresUp)('webhook delivery from two gateways on PostgreSQL', () => {
  it('sends every delivery exactly once', async () => {
    // Two gateways, each with its own pool, on one database.
    const url = await migratedPostgresDatabase();
    const first = createPostgresDb(url);
    const second = createPostgresDb(url);
    const secrets = createSecretBox(randomBytes(32));
    const receiver = await hookReceiver();
    closers.push(receiver.close);
    const delivery = { ...loopbackDelivery, pollIntervalMs: 10 };
    const a = await listeningGateway({ db: first, secrets, delivery });
    const b = await listeningGateway({ db: second, secrets, delivery });
    try {
      const { adminToken } = await newAccount(first);
      const client = createTollgateClient({ url: `${a.url}/graphql`, token: adminToken });
      const build = builders(client);
      const project = await build.project('analytics');
      const environment = await build.environment(project, 'production');
      const job = await build.job(environment, 'nightly');
      for (let i = 0; i < 3; i++)
        required(
          await client.request(CreateWebhookDocument, {
            input: { name: `relay ${i}`, url: receiver.url, events: ['job.run.started'] },
          }),
          'createWebhook',
        );
      const runner = await build.token([{ permissionSet: 'job_runner', projectIds: [project] }]);
      const runnerClient = createTollgateClient({ url: `${b.url}/graphql`, token: runner.token });
      for (let i = 0; i < 8; i++) {
        required(await client.request(TriggerRunDocument, { jobId: job }), 'triggerRun');
        required(
          await runnerClient.request(ClaimRunDocument, {
            input: { environmentIds: [environment] },
          }),
          'claimRun',
        );
      }
      const expected = 8 * 3;
      await eventually(async () => {
        const { count } = await first
          .selectFrom('webhook_deliveries')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('status', '=', 'delivered')
          .executeTakeFirstOrThrow();
        return Number(count) === expected;
      }, 30_000);
      // Give a duplicate the time to arrive if one were on its way.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = receiver.received.map((hit) => hit.payload.eventId);
      expect(ids).toHaveLength(expected);
      expect(new Set(ids).size).toBe(expected);
      const attempts = await first.selectFrom('webhook_deliveries').select('attempts').execute();
      expect(attempts.every((row) => row.attempts === 1)).toBe(true);
      for (const hit of receiver.received)
        expect(hit.headers.authorization).toMatch(/^[0-9a-f]{64}$/);
      expect(webhookSignature('x', 'y')).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await a.close();
      await b.close();
      await first.destroy();
      await second.destroy();
    }
  });
});
