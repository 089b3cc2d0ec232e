import type { WebhookDeliveryRow } from '../db/tables/runner.js';
import { countWebhookDeliveries, listWebhookDeliveries } from '../db/webhook-deliveries.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { DateTime } from './scalars.js';
import { Webhook } from './webhook.js';

const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: {
    pending: { description: 'Waiting for its first attempt or its next retry.' },
    delivering: { description: 'Being sent now.' },
    delivered: { description: 'The receiver answered 2xx.' },
    failed: {
      description: 'Given up: a 4xx or redirect answer, a refused target, or every attempt failed.',
    },
  } as const,
});

const WebhookDelivery = builder.objectRef<WebhookDeliveryRow>('WebhookDelivery').implement({
  description: 'One event sent (or to be sent) to a webhook, with the outcome of its attempts.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    eventId: t.exposeString('event_id', { nullable: false, description: "The body's eventId." }),
    eventType: t.exposeString('event_type', { nullable: false }),
    runId: t.exposeID('run_id'),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum, nullable: false }),
    attempts: t.exposeInt('attempts', { nullable: false }),
    statusCode: t.exposeInt('last_status_code', {
      description: "The receiver's HTTP status at the last attempt; null when none answered.",
    }),
    lastError: t.exposeString('last_error', {
      description: 'Why the last attempt failed (a timeout, a refused address, a status).',
    }),
    durationMs: t.exposeInt('last_duration_ms', { description: 'How long the last attempt took.' }),
    payload: t.exposeString('payload', {
      nullable: false,
      description: 'The JSON body, exactly as sent (signed with the webhook secret).',
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    lastAttemptAt: t.expose('last_attempt_at', { type: DateTime }),
    nextAttemptAt: t.expose('next_attempt_at', {
      type: DateTime,
      nullable: false,
      description: 'When a pending delivery is tried next.',
    }),
    finishedAt: t.expose('finished_at', { type: DateTime }),
  }),
});

const WebhookDeliveryConnection = connectionType(WebhookDelivery, 'WebhookDelivery');

builder.objectField(Webhook, 'deliveries', (t) =>
  t.field({
    type: WebhookDeliveryConnection,
    nullable: false,
    description: 'The delivery log, newest first.',
    args: pageArgs,
    authz: { resource: 'webhooks', action: 'read' },
    resolve: (webhook, args, context) =>
      resolveConnection(
        args,
        (page) => listWebhookDeliveries(context.db, webhook.id, page),
        () => countWebhookDeliveries(context.db, webhook.id),
      ),
  }),
);
