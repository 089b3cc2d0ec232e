import { describe, expect, it } from 'vitest';
import {
  CreateWebhookDocument,
  type CreateWebhookInput,
  DeleteJobDocument,
  DeleteWebhookDocument,
  RotateWebhookSecretDocument,
  UpdateWebhookDocument,
  WebhookDocument,
  WebhooksDocument,
} from '../src/client/index.js';
import { builders, required } from './support/builders.js';
import { dumpDatabase, rowCounts } from './support/checks.js';
import { createTestGateway, errorCodes, type TestGateway } from './support/helpers.js';

async function job(gateway: TestGateway, token = gateway.adminToken): Promise<string> {
  const build = builders(gateway.client(token));
  const project = await build.project(`p${Math.random()}`);
  return build.job(await build.environment(project, 'production'), 'nightly');
}

const valid: CreateWebhookInput = {
  name: 'Slack relay',
  url: 'https://hooks.example.com/dbt?key=abc123',
  events: ['job.run.completed'],
};

describe('webhooks', () => {
  it('return the signing secret once, store it sealed, and never show it again', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const created = required(
      await admin.request(CreateWebhookDocument, { input: valid }),
      'createWebhook',
    ).createWebhook;
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.webhook).toMatchObject({
      name: 'Slack relay',
      url: valid.url,
      events: ['job.run.completed'],
      allJobs: true,
      jobIds: [],
      active: true,
    });

    const audit = JSON.stringify(
      (await gateway.graphql('{ auditLog { edges { node { details } } } }', {}, gateway.adminToken))
        .body,
    );
    const reads = JSON.stringify([
      await admin.request(WebhookDocument, { id: created.webhook.id }),
      await admin.request(WebhooksDocument, {}),
      audit,
    ]);
    expect(reads).not.toContain(created.secret);
    // The audit log keeps where the hook points, without the query string that may hold a key.
    expect(audit).toContain('https://hooks.example.com/dbt');
    expect(audit).not.toContain('abc123');
    const dump = await dumpDatabase(gateway.db);
    expect(dump).not.toContain(created.secret);
    expect(dump).not.toContain(created.secret.slice(6));
    const stored = await gateway.db
      .selectFrom('webhooks')
      .select('secret')
      .executeTakeFirstOrThrow();
    expect(gateway.secrets.open(stored.secret)).toBe(created.secret);

    const rotated = required(
      await admin.request(RotateWebhookSecretDocument, { id: created.webhook.id }),
      'rotate',
    ).rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const restored = await gateway.db
      .selectFrom('webhooks')
      .select('secret')
      .executeTakeFirstOrThrow();
    expect(gateway.secrets.open(restored.secret)).toBe(rotated.secret);
    expect(await dumpDatabase(gateway.db)).not.toContain(rotated.secret);
  });

  it('round-trip: jobs of the account, every job, update and delete', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const [first, second] = [await job(gateway), await job(gateway)];
    const created = required(
      await admin.request(CreateWebhookDocument, {
        input: {
          ...valid,
          url: 'http://localhost:8080/hook',
          events: ['job.run.errored', 'job.run.started', 'job.run.errored'],
          jobIds: [second, first],
          active: false,
        },
      }),
      'createWebhook',
    ).createWebhook.webhook;
    expect(created).toMatchObject({
      url: 'http://localhost:8080/hook',
      events: ['job.run.started', 'job.run.errored'],
      allJobs: false,
      jobIds: [first, second],
      active: false,
    });

    const updated = await admin.request(UpdateWebhookDocument, {
      id: created.id,
      input: { name: 'Pager', url: 'http://127.0.0.1/x', active: true, jobIds: [] },
    });
    expect(updated.data?.updateWebhook).toMatchObject({
      name: 'Pager',
      url: 'http://127.0.0.1/x',
      active: true,
      allJobs: true,
      jobIds: [],
    });
    const narrowed = await admin.request(UpdateWebhookDocument, {
      id: created.id,
      input: { jobIds: [first] },
    });
    expect(narrowed.data?.updateWebhook).toMatchObject({
      allJobs: false,
      jobIds: [first],
      events: ['job.run.started', 'job.run.errored'],
    });

    // Deleting the only listed job must not widen the subscription to every job.
    await admin.request(DeleteJobDocument, { id: first });
    expect((await admin.request(WebhookDocument, { id: created.id })).data?.webhook).toMatchObject({
      allJobs: false,
      jobIds: [],
    });

    expect((await admin.request(WebhooksDocument, {})).data?.webhooks.totalCount).toBe(1);
    await admin.request(DeleteWebhookDocument, { id: created.id });
    expect(errorCodes(await admin.request(WebhookDocument, { id: created.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(await rowCounts(gateway.db, ['webhooks', 'webhook_jobs'])).toEqual({
      webhooks: 0,
      webhook_jobs: 0,
    });
  });

  it('refuse bad URLs, events and jobs naming the field, writing nothing', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    const theirJob = await job(gateway, other.adminToken);
    const admin = gateway.client(gateway.adminToken);
    const existing = required(
      await admin.request(CreateWebhookDocument, { input: valid }),
      'createWebhook',
    ).createWebhook.webhook;
    const before = await rowCounts(gateway.db, ['webhooks', 'webhook_jobs']);

    const refusals: [Partial<CreateWebhookInput>, string, string?][] = [
      [{ url: 'http://hooks.example.com/dbt' }, 'input.url'],
      [{ url: 'ftp://hooks.example.com/dbt' }, 'input.url'],
      [{ url: 'hooks.example.com/dbt' }, 'input.url'],
      [{ url: 'https://user:password@hooks.example.com/' }, 'input.url'],
      [{ url: `https://hooks.example.com/${'a'.repeat(2100)}` }, 'input.url'],
      [{ events: [] }, 'input.events'],
      [{ events: ['job.run.finished'] }, 'input.events'],
      [{ jobIds: [theirJob] }, 'input.jobIds', 'NOT_FOUND'],
      [{ jobIds: ['9999'] }, 'input.jobIds', 'NOT_FOUND'],
      [{ jobIds: ['-1'] }, 'input.jobIds'],
      [{ name: ' ' }, 'input.name'],
    ];
    for (const [change, field, code = 'BAD_USER_INPUT'] of refusals) {
      const create = await admin.request(CreateWebhookDocument, { input: { ...valid, ...change } });
      expect(errorCodes(create), JSON.stringify(change).slice(0, 80)).toEqual([code]);
      expect(create.errors?.[0]?.extensions?.field).toBe(field);
      const update = await admin.request(UpdateWebhookDocument, { id: existing.id, input: change });
      expect(update.errors?.[0]?.extensions?.field, JSON.stringify(change).slice(0, 80)).toBe(
        field,
      );
    }
    expect(await rowCounts(gateway.db, ['webhooks', 'webhook_jobs'])).toEqual(before);
    expect((await admin.request(WebhookDocument, { id: existing.id })).data?.webhook).toMatchObject(
      { name: 'Slack relay', url: valid.url, allJobs: true },
    );
  });

  it('of other accounts are NOT_FOUND and never listed', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    const theirs = required(
      await gateway.client(other.adminToken).request(CreateWebhookDocument, { input: valid }),
      'createWebhook',
    ).createWebhook;
    const admin = gateway.client(gateway.adminToken);
    const id = theirs.webhook.id;
    expect(errorCodes(await admin.request(WebhookDocument, { id }))).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(await admin.request(UpdateWebhookDocument, { id, input: { active: false } })),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await admin.request(RotateWebhookSecretDocument, { id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await admin.request(DeleteWebhookDocument, { id }))).toEqual(['NOT_FOUND']);
    expect((await admin.request(WebhooksDocument, {})).data?.webhooks.totalCount).toBe(0);
    const stored = await gateway.db
      .selectFrom('webhooks')
      .select(['active', 'secret'])
      .executeTakeFirstOrThrow();
    expect(stored.active).toBe(1);
    expect(gateway.secrets.open(stored.secret)).toBe(theirs.secret);
  });
});
