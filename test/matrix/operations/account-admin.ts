import {
  AccountSettingsDocument,
  AuthProviderDocument,
  BillingDocument,
  CreateWebhookDocument,
  DeleteWebhookDocument,
  RotateWebhookSecretDocument,
  UpdateAccountSettingsDocument,
  UpdateAuthProviderDocument,
  UpdateBillingDocument,
  UpdateWebhookDocument,
  WebhookDocument,
  WebhooksDocument,
} from '../../../src/client/index.js';
import { required } from '../../support/builders.js';
import { type Fixture, type Operation, read, write } from '../framework.js';

async function throwawayWebhook(f: Fixture): Promise<string> {
  const created = await f.admin.request(CreateWebhookDocument, {
    input: {
      name: `throwaway ${f.unique()}`,
      url: 'https://hooks.example.com/dbt',
      events: ['job.run.completed'],
    },
  });
  return required(created, 'createWebhook').createWebhook.webhook.id;
}

export const accountAdminOperations: Operation[] = [
  // Account settings
  {
    name: 'accountSettings',
    where: 'account',
    requires: [read('account_settings')],
    run: (f) => f.token.request(AccountSettingsDocument),
  },
  {
    name: 'updateAccountSettings',
    where: 'account',
    requires: [write('account_settings')],
    run: (f) =>
      f.token.request(UpdateAccountSettingsDocument, {
        input: { runSlots: 1 + (Number(f.unique()) % 100), defaultDbtVersion: '1.10' },
      }),
  },
  // Auth provider
  {
    name: 'authProvider',
    where: 'account',
    requires: [read('auth_provider')],
    run: (f) => f.token.request(AuthProviderDocument),
  },
  {
    name: 'updateAuthProvider',
    where: 'account',
    requires: [write('auth_provider')],
    run: (f) =>
      f.token.request(UpdateAuthProviderDocument, {
        input: { type: 'saml', samlEntityId: `urn:example:${f.unique()}` },
      }),
  },
  // Billing
  {
    name: 'billing',
    where: 'account',
    requires: [read('billing')],
    run: (f) => f.token.request(BillingDocument),
  },
  {
    name: 'updateBilling',
    where: 'account',
    requires: [write('billing')],
    run: (f) =>
      f.token.request(UpdateBillingDocument, {
        input: { billingEmail: `billing${f.unique()}@example.com` },
      }),
  },
  // Webhooks
  {
    name: 'webhooks',
    where: 'account',
    requires: [read('webhooks')],
    run: (f) => f.token.request(WebhooksDocument, {}),
  },
  {
    name: 'webhook',
    where: 'account',
    requires: [read('webhooks')],
    run: async (f) => f.token.request(WebhookDocument, { id: await throwawayWebhook(f) }),
  },
  {
    name: 'createWebhook',
    where: 'account',
    requires: [write('webhooks')],
    run: (f) =>
      f.token.request(CreateWebhookDocument, {
        input: {
          name: `made ${f.unique()}`,
          url: 'https://hooks.example.com/dbt',
          events: ['job.run.started', 'job.run.errored'],
          // Jobs of the project the token reaches: another project's job is NOT_FOUND.
          jobIds: [f.jobs.A.production, f.jobs.A.staging],
        },
      }),
  },
  {
    name: 'updateWebhook',
    where: 'account',
    requires: [write('webhooks')],
    run: async (f) =>
      f.token.request(UpdateWebhookDocument, {
        id: await throwawayWebhook(f),
        input: { active: false },
      }),
  },
  {
    name: 'deleteWebhook',
    where: 'account',
    requires: [write('webhooks')],
    run: async (f) => f.token.request(DeleteWebhookDocument, { id: await throwawayWebhook(f) }),
  },
  {
    name: 'rotateWebhookSecret',
    where: 'account',
    requires: [write('webhooks')],
    run: async (f) =>
      f.token.request(RotateWebhookSecretDocument, { id: await throwawayWebhook(f) }),
  },
];
