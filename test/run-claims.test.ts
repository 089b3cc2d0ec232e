import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ClaimRunDocument,
  ClaimRunWithVariablesDocument,
  CreateCustomEnvVarDocument,
  CreateWebhookDocument,
  createTollgateClient,
  ReportRunStepDocument,
  RunStepsDocument,
  TriggerRunDocument,
  WebhookDeliveriesDocument,
} from '../src/client/index.js';
import { createPostgresDb } from '../src/db/connect.js';
import { maxReportedLogBytes } from '../src/schema/runner.js';
import { createSecretBox } from '../src/secrets.js';
import { builders, required, tokenWith } from './support/builders.js';
import { migratedPostgresDatabase, postgresFor } from './support/database.js';
import { createTestGateway, errorCodes, type TestGateway } from './support/helpers.js';
import { listeningGateway, newAccount } from './support/runner-kit.js';

async function world(gateway: TestGateway) {
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project('analytics');
  const other = await build.project('other');
  const staging = await build.environment(project, 'staging');
  const production = await build.environment(project, 'production');
  const stagingJob = await build.job(staging, 'ci');
  const productionJob = await build.job(production, 'nightly');
  const trigger = async (job: string) =>
    required(await admin.request(TriggerRunDocument, { jobId: job }), 'triggerRun').triggerRun!.id;
  return { admin, build, project, other, staging, production, stagingJob, productionJob, trigger };
}

describe('claimRun', () => {
  it('hands each queued run to exactly one of many concurrent claims (SQLite)', async () => {
    const gateway = await createTestGateway();
    const w = await world(gateway);
    const runs = await Promise.all(Array.from({ length: 5 }, () => w.trigger(w.productionJob)));
    const runners = await Promise.all(
      [1, 2].map(() =>
        tokenWith(gateway, [{ permissionSet: 'job_runner', projectIds: [w.project] }]),
      ),
    );
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        runners[i % 2]!.client.request(ClaimRunDocument, {
          input: { environmentIds: [w.production] },
        }),
      ),
    );
    for (const claim of claims) expect(claim.errors).toBeUndefined();
    const claimed = claims.flatMap((claim) => (claim.data?.claimRun ? [claim.data.claimRun] : []));
    expect(claimed.map((c) => c.run.id).sort()).toEqual([...runs].sort());
    expect(claimed.every((c) => c.run.status === 'running' && c.commands[0] === 'dbt build')).toBe(
      true,
    );
    const steps = required(await w.admin.request(RunStepsDocument, { id: runs[0]! }), 'run').run!;
    expect(steps.steps).toEqual([
      expect.objectContaining({ index: 1, name: 'dbt build', status: 'queued' }),
    ]);
  });

  it('claims only runs in environments the token may write runs in, and checks listed environments', async () => {
    const gateway = await createTestGateway();
    const w = await world(gateway);
    const otherEnvironment = await w.build.environment(w.other, 'production');
    const productionRun = await w.trigger(w.productionJob);
    const analyst = await tokenWith(gateway, [
      {
        permissionSet: 'analyst',
        projectIds: [w.project],
        writableEnvironmentCategories: ['staging'],
      },
    ]);
    // Nothing queued in staging; the production run is not the analyst's to take.
    expect(
      (await analyst.client.request(ClaimRunDocument, { input: { environmentIds: [w.staging] } }))
        .data?.claimRun,
    ).toBeNull();
    const refused = await analyst.client.request(ClaimRunDocument, {
      input: { environmentIds: [w.production] },
    });
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors?.[0]?.extensions?.requiredPermission).toBe('runs:write');
    expect(
      errorCodes(
        await analyst.client.request(ClaimRunDocument, {
          input: { environmentIds: [otherEnvironment] },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    const stagingRun = await w.trigger(w.stagingJob);
    const claimed = await analyst.client.request(ClaimRunDocument, {
      input: { environmentIds: [w.staging] },
    });
    expect(claimed.data?.claimRun?.run.id).toBe(stagingRun);

    const metadataOnly = await tokenWith(gateway, [
      { permissionSet: 'metadata_only', projectIds: [w.project] },
    ]);
    const forbidden = await metadataOnly.client.request(ClaimRunDocument, {
      input: { environmentIds: [w.production] },
    });
    expect(errorCodes(forbidden)).toEqual(['FORBIDDEN']);
    expect(forbidden.errors?.[0]?.extensions?.requiredPermission).toBe('runs:write');
    expect(
      errorCodes(
        await gateway
          .client()
          .request(ClaimRunDocument, { input: { environmentIds: [w.production] } }),
      ),
    ).toEqual(['UNAUTHENTICATED']);
    const { run } = required(await w.admin.request(RunStepsDocument, { id: productionRun }), 'run');
    expect(run?.status).toBe('queued');
  });

  it('gives the custom variables (secrets opened) only to a token that may read them', async () => {
    const gateway = await createTestGateway();
    const w = await world(gateway);
    required(
      await w.admin.request(CreateCustomEnvVarDocument, {
        input: { projectId: w.project, name: 'DBT_ENV_SECRET_KEY', value: 's3cr3t-value' },
      }),
      'createCustomEnvVar',
    );
    required(
      await w.admin.request(CreateCustomEnvVarDocument, {
        input: { projectId: w.project, name: 'DBT_TARGET_SCHEMA', value: 'analytics' },
      }),
      'createCustomEnvVar',
    );
    await w.trigger(w.productionJob);
    await w.trigger(w.productionJob);
    const jobAdmin = await tokenWith(gateway, [
      { permissionSet: 'job_admin', projectIds: [w.project] },
    ]);
    const withVariables = await jobAdmin.client.request(ClaimRunWithVariablesDocument, {
      input: { environmentIds: [w.production] },
    });
    expect(withVariables.errors).toBeUndefined();
    expect(withVariables.data?.claimRun?.environmentVariables).toEqual([
      { name: 'DBT_ENV_SECRET_KEY', value: 's3cr3t-value', isSecret: true },
      { name: 'DBT_TARGET_SCHEMA', value: 'analytics', isSecret: false },
    ]);
    const jobRunner = await tokenWith(gateway, [
      { permissionSet: 'job_runner', projectIds: [w.project] },
    ]);
    const withheld = await jobRunner.client.request(ClaimRunWithVariablesDocument, {
      input: { environmentIds: [w.production] },
    });
    expect(withheld.data?.claimRun?.run.status).toBe('running');
    expect(withheld.data?.claimRun?.environmentVariables).toBeNull();
    expect(errorCodes(withheld)).toEqual(['FORBIDDEN']);
    expect(withheld.errors?.[0]?.extensions?.requiredPermission).toBe('custom_env_vars:read');
  });
});

describe('reportRunStep', () => {
  it('takes reports from the claiming token only, masks secrets server-side, bounds each report', async () => {
    const gateway = await createTestGateway();
    const w = await world(gateway);
    required(
      await w.admin.request(CreateCustomEnvVarDocument, {
        input: { projectId: w.project, name: 'DBT_ENV_SECRET_KEY', value: 'abcdef-secret' },
      }),
      'createCustomEnvVar',
    );
    const runId = await w.trigger(w.productionJob);
    const runner = await tokenWith(gateway, [
      { permissionSet: 'job_runner', projectIds: [w.project] },
    ]);
    required(
      await runner.client.request(ClaimRunDocument, { input: { environmentIds: [w.production] } }),
      'claimRun',
    );

    const started = required(
      await runner.client.request(ReportRunStepDocument, {
        runId,
        input: { index: 1, status: 'running', log: 'connecting with abcdef-' },
      }),
      'report',
    ).reportRunStep;
    expect(started).toMatchObject({ runStatus: 'running', step: { status: 'running' } });
    // The secret arrives split over two reports and is masked all the same.
    const next = required(
      await runner.client.request(ReportRunStepDocument, {
        runId,
        input: { index: 1, log: 'secret done\n' },
      }),
      'report',
    ).reportRunStep;
    expect(next.step.logs).toBe('connecting with ***** done\n');

    const tooBig = await runner.client.request(ReportRunStepDocument, {
      runId,
      input: { index: 1, log: 'x'.repeat(maxReportedLogBytes + 1) },
    });
    expect(errorCodes(tooBig)).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await runner.client.request(ReportRunStepDocument, {
          runId,
          input: { index: 9, log: 'x' },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    // Another token with runs write did not claim it.
    expect(
      errorCodes(
        await w.admin.request(ReportRunStepDocument, { runId, input: { index: 1, log: 'x' } }),
      ),
    ).toEqual(['BAD_USER_INPUT']);

    const viewer = await tokenWith(gateway, [
      { permissionSet: 'job_viewer', projectIds: [w.project] },
    ]);
    const forbidden = await viewer.client.request(ReportRunStepDocument, {
      runId,
      input: { index: 1, log: 'x' },
    });
    expect(errorCodes(forbidden)).toEqual(['FORBIDDEN']);
    expect(forbidden.errors?.[0]?.extensions?.requiredPermission).toBe('runs:write');
    const elsewhere = await tokenWith(gateway, [
      { permissionSet: 'job_admin', projectIds: [w.other] },
    ]);
    expect(
      errorCodes(
        await elsewhere.client.request(ReportRunStepDocument, { runId, input: { index: 1 } }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(
        await gateway.client().request(ReportRunStepDocument, { runId, input: { index: 1 } }),
      ),
    ).toEqual(['UNAUTHENTICATED']);
  });
});

describe('Webhook.deliveries', () => {
  it('is read with webhooks read: FORBIDDEN naming it, NOT_FOUND in another account, UNAUTHENTICATED', async () => {
    const gateway = await createTestGateway();
    const w = await world(gateway);
    const hook = required(
      await w.admin.request(CreateWebhookDocument, {
        input: { name: 'h', url: 'https://hooks.example.com/x', events: ['job.run.started'] },
      }),
      'createWebhook',
    ).createWebhook.webhook;
    const runner = await tokenWith(gateway, [
      { permissionSet: 'job_runner', projectIds: [w.project] },
    ]);
    await w.trigger(w.productionJob);
    required(
      await runner.client.request(ClaimRunDocument, { input: { environmentIds: [w.production] } }),
      'claimRun',
    );
    const log = required(await w.admin.request(WebhookDeliveriesDocument, { id: hook.id }), 'log')
      .webhook!.deliveries;
    expect(log.totalCount).toBe(1);
    expect(log.edges[0]!.node).toMatchObject({ eventType: 'job.run.started', status: 'pending' });

    const forbidden = await runner.client.request(WebhookDeliveriesDocument, { id: hook.id });
    expect(errorCodes(forbidden)).toEqual(['FORBIDDEN']);
    expect(forbidden.errors?.[0]?.extensions?.requiredPermission).toBe('webhooks:read');
    const { adminToken: stranger } = await gateway.addAccount('Other', 'enterprise');
    expect(
      errorCodes(
        await gateway.client(stranger).request(WebhookDeliveriesDocument, { id: hook.id }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(await gateway.client().request(WebhookDeliveriesDocument, { id: hook.id })),
    ).toEqual(['UNAUTHENTICATED']);
  });
});

const postgresUp = await postgresFor('the claim race on PostgreSQL');

describe.skipIf(!postgresUp)('claimRun on PostgreSQL', () => {
  it('hands each run to one claim when two gateways race on one database', async () => {
    // Two gateways, each with its own pool, on one database.
    const url = await migratedPostgresDatabase();
    const first = createPostgresDb(url);
    const second = createPostgresDb(url);
    const secrets = createSecretBox(randomBytes(32));
    const a = await listeningGateway({ db: first, secrets, delivery: false });
    const b = await listeningGateway({ db: second, secrets, delivery: false });
    try {
      const { adminToken } = await newAccount(first);
      const client = (url: string, token: string) =>
        createTollgateClient({ url: `${url}/graphql`, token });
      const build = builders(client(a.url, adminToken));
      const project = await build.project('analytics');
      const environment = await build.environment(project, 'production');
      const job = await build.job(environment, 'nightly');
      const runs: string[] = [];
      for (let i = 0; i < 6; i++)
        runs.push(
          required(await client(a.url, adminToken).request(TriggerRunDocument, { jobId: job }), 't')
            .triggerRun!.id,
        );
      const runner = await build.token([{ permissionSet: 'job_runner', projectIds: [project] }]);
      const claims = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          client(i % 2 ? a.url : b.url, runner.token).request(ClaimRunDocument, {
            input: { environmentIds: [environment] },
          }),
        ),
      );
      for (const claim of claims) expect(claim.errors).toBeUndefined();
      const ids = claims.flatMap((claim) =>
        claim.data?.claimRun ? [claim.data.claimRun.run.id] : [],
      );
      expect(ids.sort()).toEqual([...runs].sort());
    } finally {
      await a.close();
      await b.close();
      await first.destroy();
      await second.destroy();
    }
  });
});
