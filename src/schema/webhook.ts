import { randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { auditedWrite } from '../audit.js';
import { coversProject } from '../catalog/access.js';
import { type Context, principalOf } from '../context.js';
import type { Db } from '../db/database.js';
import { findJobsByIds } from '../db/jobs.js';
import type { WebhookRow } from '../db/tables/deployments.js';
import {
  countWebhooks,
  deleteWebhook,
  insertWebhook,
  listWebhooks,
  updateWebhook,
  type WebhookFields,
} from '../db/webhooks.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { validName, validUrl } from '../validation.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { DateTime } from './scalars.js';

/**
 * The events a webhook may subscribe to: job run events spelled as dbt Cloud spells them, and
 * `token.expiring`, raised by the least-privilege policy some days before a token expires.
 */
export const webhookEvents = [
  'job.run.started',
  'job.run.completed',
  'job.run.errored',
  'token.expiring',
] as const;
export const maxJobsPerWebhook = 1000;

export const Webhook = builder.objectRef<WebhookRow>('Webhook').implement({
  description:
    'A subscription to job run events (and token.expiring). Its signing secret is shown once, at creation or rotation.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    url: t.exposeString('url', { nullable: false }),
    events: t.stringList({
      nullable: false,
      description: `Among ${webhookEvents.map((event) => `"${event}"`).join(', ')}.`,
      authz: 'parent',
      resolve: (webhook) => webhook.events.split(','),
    }),
    allJobs: t.boolean({
      nullable: false,
      description: 'Subscribed to every job of the account.',
      authz: 'parent',
      resolve: (webhook) => webhook.all_jobs === 1,
    }),
    jobIds: t.idList({
      nullable: false,
      description: 'The jobs subscribed to when not allJobs.',
      authz: 'parent',
      resolve: (webhook, _args, context) => context.loaders.jobIdsOfWebhook.load(webhook.id),
    }),
    active: t.boolean({
      nullable: false,
      authz: 'parent',
      resolve: (webhook) => webhook.active === 1,
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
  }),
});

const WebhookConnection = connectionType(Webhook, 'Webhook');

async function webhookOfAccount(id: string | number, context: Context): Promise<WebhookRow> {
  const webhook = await context.loaders.webhook.load(parseId(id, 'id'));
  if (!webhook) throw notFound(`Webhook ${id}`);
  return webhook;
}

builder.queryFields((t) => ({
  webhooks: t.field({
    type: WebhookConnection,
    nullable: false,
    args: pageArgs,
    authz: { resource: 'webhooks', action: 'read' },
    resolve: (_root, args, context) => {
      const { account } = principalOf(context);
      return resolveConnection(
        args,
        (page) => listWebhooks(context.db, account.id, page),
        () => countWebhooks(context.db, account.id),
      );
    },
  }),
  webhook: t.field({
    type: Webhook,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'webhooks', action: 'read' },
    resolve: (_root, { id }, context) => webhookOfAccount(id, context),
  }),
}));

/** A new signing secret from the CSPRNG: 32 random bytes. */
function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function validEvents(events: readonly string[], field: string): string {
  const unknown = events.find((event) => !(webhookEvents as readonly string[]).includes(event));
  if (unknown !== undefined)
    throw badUserInput(
      `Unknown event "${unknown}"; events are ${webhookEvents.join(', ')}.`,
      field,
    );
  if (events.length === 0) throw badUserInput('A webhook needs at least one event.', field);
  return webhookEvents.filter((event) => events.includes(event)).join(',');
}

/**
 * Job ids of the input, checked to be jobs the calling token reaches: of the account, in a
 * project one of its grants covers. Any other id is NOT_FOUND, the same answer whether the job
 * does not exist, belongs to another account or lies in a project the token cannot see, so a
 * webhook is no oracle for what exists elsewhere.
 */
async function validJobIds(
  db: Db,
  context: Context,
  ids: readonly (string | number)[],
  field: string,
): Promise<number[]> {
  const { account, access } = principalOf(context);
  const jobIds = [...new Set(ids.map((id) => parseId(id, field)))].sort((a, b) => a - b);
  if (jobIds.length > maxJobsPerWebhook)
    throw badUserInput(`A webhook may name at most ${maxJobsPerWebhook} jobs.`, field);
  const reachable = new Set(
    (await findJobsByIds(db, account.id, jobIds))
      .filter((job) => coversProject(access, job.project_id))
      .map((job) => job.id),
  );
  const missing = jobIds.find((id) => !reachable.has(id));
  if (missing !== undefined) {
    const { message, extensions } = notFound(`Job ${missing}`);
    throw new GraphQLError(message, { extensions: { ...extensions, field } });
  }
  return jobIds;
}

/** Where a webhook points, for the audit log: without the query string, which may carry a credential. */
function auditedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    url: t.string({ required: true, description: 'https; http only for localhost or 127.0.0.1.' }),
    events: t.stringList({ required: true, description: webhookEvents.join(', ') }),
    jobIds: t.idList({
      description: 'Jobs of the account to subscribe to; empty or left out: every job.',
    }),
    active: t.boolean({ description: 'Default true.' }),
  }),
});

const UpdateWebhookInput = builder.inputType('UpdateWebhookInput', {
  description: 'Fields left out are unchanged; `jobIds: []` subscribes to every job.',
  fields: (t) => ({
    name: t.string(),
    url: t.string(),
    events: t.stringList(),
    jobIds: t.idList(),
    active: t.boolean(),
  }),
});

interface WebhookSecretShape {
  readonly webhook: WebhookRow;
  readonly secret: string;
}

function secretPayload(name: string) {
  return builder.objectRef<WebhookSecretShape>(name).implement({
    fields: (t) => ({
      webhook: t.expose('webhook', { type: Webhook, nullable: false, authz: 'parent' }),
      secret: t.exposeString('secret', {
        nullable: false,
        description: 'The signing secret. Store it now: it cannot be shown again.',
      }),
    }),
  });
}

const CreateWebhookPayload = secretPayload('CreateWebhookPayload');
const RotateWebhookSecretPayload = secretPayload('RotateWebhookSecretPayload');

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayload,
    nullable: false,
    args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
    authz: { resource: 'webhooks', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const { account } = principalOf(context);
      const name = validName(input.name, 'input.name', 'A webhook name');
      const url = validUrl(input.url, 'input.url', { allowLocalHttp: true });
      const events = validEvents(input.events, 'input.events');
      const secret = generateWebhookSecret();
      return auditedWrite(context, 'createWebhook', async (trx) => {
        const jobIds = await validJobIds(trx, context, input.jobIds ?? [], 'input.jobIds');
        const webhook = await insertWebhook(trx, {
          account_id: account.id,
          name,
          url,
          events,
          all_jobs: jobIds.length === 0 ? 1 : 0,
          active: input.active === false ? 0 : 1,
          secret: context.secrets.seal(secret),
          jobIds,
          now: context.now().toISOString(),
        });
        const details = {
          name,
          url: auditedUrl(url),
          events: events.split(','),
          jobIds,
          active: webhook.active === 1,
        };
        return {
          result: { webhook, secret },
          target: { type: 'Webhook', id: webhook.id, details },
        };
      });
    },
  }),
  updateWebhook: t.field({
    type: Webhook,
    nullable: false,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateWebhookInput, required: true }),
    },
    authz: { resource: 'webhooks', action: 'write' },
    resolve: async (_root, { id, input }, context) => {
      const webhook = await webhookOfAccount(id, context);
      const changes: Partial<WebhookFields> = {
        ...(input.name == null
          ? {}
          : { name: validName(input.name, 'input.name', 'A webhook name') }),
        ...(input.url == null
          ? {}
          : { url: validUrl(input.url, 'input.url', { allowLocalHttp: true }) }),
        ...(input.events == null ? {} : { events: validEvents(input.events, 'input.events') }),
        ...(input.active == null ? {} : { active: input.active ? 1 : 0 }),
      };
      return auditedWrite(context, 'updateWebhook', async (trx) => {
        const jobIds =
          input.jobIds == null
            ? undefined
            : await validJobIds(trx, context, input.jobIds, 'input.jobIds');
        if (jobIds !== undefined) changes.all_jobs = jobIds.length === 0 ? 1 : 0;
        const updated = await updateWebhook(trx, webhook.id, {
          ...changes,
          jobIds,
          now: context.now().toISOString(),
        });
        const details = {
          ...changes,
          ...(changes.url === undefined ? {} : { url: auditedUrl(changes.url) }),
          ...(jobIds === undefined ? {} : { jobIds }),
        };
        return { result: updated, target: { type: 'Webhook', id: webhook.id, details } };
      });
    },
  }),
  deleteWebhook: t.field({
    type: Webhook,
    nullable: false,
    description: 'Deletes the webhook; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'webhooks', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const webhook = await webhookOfAccount(id, context);
      return auditedWrite(context, 'deleteWebhook', async (trx) => {
        await deleteWebhook(trx, webhook.id);
        return {
          result: webhook,
          target: { type: 'Webhook', id: webhook.id, details: { name: webhook.name } },
        };
      });
    },
  }),
  rotateWebhookSecret: t.field({
    type: RotateWebhookSecretPayload,
    nullable: false,
    description:
      'Replaces the signing secret; the new one is returned here, once. The old one stops being used.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'webhooks', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const webhook = await webhookOfAccount(id, context);
      const secret = generateWebhookSecret();
      return auditedWrite(context, 'rotateWebhookSecret', async (trx) => {
        const updated = await updateWebhook(trx, webhook.id, {
          secret: context.secrets.seal(secret),
          now: context.now().toISOString(),
        });
        return {
          result: { webhook: updated, secret },
          target: { type: 'Webhook', id: webhook.id, details: { name: webhook.name } },
        };
      });
    },
  }),
}));
