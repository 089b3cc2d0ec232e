import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { commandWords, main, runOnce } from '../src/cli/runner.js';
import {
  CancelRunDocument,
  CreateCustomEnvVarDocument,
  CreateWebhookDocument,
  createTollgateClient,
  RunStepsDocument,
  TriggerRunDocument,
  WebhookDeliveriesDocument,
} from '../src/client/index.js';
import { verifyWebhookSignature } from '../src/webhooks/signature.js';
import { builders, required } from './support/builders.js';
import { document } from './support/helpers.js';
import { fixturePath } from './support/metadata.js';
import {
  eventually,
  fakeDbt,
  hookReceiver,
  listeningGateway,
  newAccount,
} from './support/runner-kit.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const secretValue = 'hunter2-correct-horse-battery';

/** A gateway on loopback, a project with a production job, a runner token, a subscribed receiver. */
async function setUp(steps = ['dbt seed', 'dbt build']) {
  const gateway = await listeningGateway();
  closers.push(gateway.close);
  const { adminToken } = await newAccount(gateway.db);
  const client = (token?: string) => createTollgateClient({ url: `${gateway.url}/graphql`, token });
  const admin = client(adminToken);
  const build = builders(admin);
  const project = await build.project('analytics');
  const environment = await build.environment(project, 'production');
  const job = await build.job(environment, 'nightly', steps);
  required(
    await admin.request(CreateCustomEnvVarDocument, {
      input: { projectId: project, name: 'DBT_ENV_SECRET_PASSWORD', value: secretValue },
    }),
    'createCustomEnvVar',
  );
  const receiver = await hookReceiver();
  closers.push(receiver.close);
  const hook = required(
    await admin.request(CreateWebhookDocument, {
      input: {
        name: 'relay',
        url: receiver.url,
        events: ['job.run.started', 'job.run.completed', 'job.run.errored'],
      },
    }),
    'createWebhook',
  ).createWebhook;
  const runner = await build.token([{ permissionSet: 'job_admin', projectIds: [project] }], {
    name: 'runner',
  });
  const dbt = fakeDbt();
  const runnerOptions = (env: Record<string, string> = {}) => ({
    gatewayUrl: gateway.url,
    token: runner.token,
    projectDir: dbt.projectDir,
    environmentIds: [environment],
    pollIntervalMs: 50,
    reportIntervalMs: 100,
    killGraceMs: 1_000,
    baseEnv: {
      ...process.env,
      PATH: `${dbt.bin}:${process.env.PATH}`,
      TOLLGATE_RUNNER_TOKEN: runner.token,
      FAKE_DBT_FIXTURE: fixturePath('ecommerce'),
      ...env,
    },
  });
  const trigger = async () =>
    required(await admin.request(TriggerRunDocument, { jobId: job }), 'triggerRun').triggerRun!.id;
  return {
    gateway,
    admin,
    adminToken,
    environment,
    job,
    receiver,
    hook,
    runnerOptions,
    trigger,
    dbt,
  };
}

describe('the runner', () => {
  it('runs a triggered job end to end: steps and logs on the run, artifacts in the Discovery API, signed webhooks', async () => {
    const { admin, adminToken, gateway, environment, receiver, hook, runnerOptions, trigger } =
      await setUp();
    const runId = await trigger();
    expect(await runOnce(runnerOptions())).toBe('success');

    const run = required(await admin.request(RunStepsDocument, { id: runId }), 'run').run!;
    expect(run.status).toBe('success');
    expect(run.steps.map((step) => [step.index, step.name, step.status])).toEqual([
      [1, 'dbt seed', 'success'],
      [2, 'dbt build', 'success'],
    ]);
    for (const step of run.steps) {
      expect(step.logs).toContain(`Running with dbt=1.10.0: dbt ${step.name.slice(4)}`);
      expect(step.logs).toContain(`run ${runId} of job`);
      expect(step.logs).toContain('profile password: *****');
      expect(step.logs).not.toContain(secretValue);
      expect(step.logs).not.toContain('LEAKED');
      expect(step.startedAt).not.toBeNull();
      expect(step.finishedAt).not.toBeNull();
    }

    // The artifacts went through the upload route into the environment's applied state.
    const discovery = createTollgateClient({
      url: `${gateway.url}/discovery/graphql`,
      token: adminToken,
    });
    const models = await discovery.request(
      document<{ id: number }>(
        'query ($id: BigInt!) { environment(id: $id) { applied { models(first: 100) { totalCount edges { node { name } } } } } }',
      ),
      { id: Number(environment) },
    );
    expect(models.errors).toBeUndefined();
    expect(models.data?.environment.applied.models.totalCount).toBeGreaterThan(0);

    // The receiver got started and completed, each signed as dbt Cloud signs.
    await eventually(() => receiver.received.length >= 2);
    expect(receiver.received.map((hit) => hit.payload.eventType).sort()).toEqual([
      'job.run.completed',
      'job.run.started',
    ]);
    for (const hit of receiver.received) {
      expect(verifyWebhookSignature(hit.body, hook.secret, hit.headers.authorization)).toBe(true);
      expect(hit.payload).toMatchObject({
        webhooksID: hook.webhook.id,
        accountId: expect.any(Number),
        eventId: expect.stringMatching(/^wev_/),
        timestamp: expect.any(String),
        data: { runId, environmentId: environment, jobName: 'nightly', projectName: 'analytics' },
      });
    }
    const completed = receiver.received.find(
      (hit) => hit.payload.eventType === 'job.run.completed',
    );
    expect(completed?.payload.data).toMatchObject({ runStatus: 'Success', runStatusCode: 10 });
    const log = await eventually(async () => {
      const deliveries = required(
        await admin.request(WebhookDeliveriesDocument, { id: hook.webhook.id }),
        'deliveries',
      ).webhook!.deliveries;
      return deliveries.edges.every((edge) => edge.node.status === 'delivered') &&
        deliveries.totalCount === 2
        ? deliveries
        : undefined;
    });
    expect(log.edges[0]!.node).toMatchObject({ statusCode: 200, attempts: 1, lastError: null });
  });

  it("sets error with the failing step's message, skips the rest, and signs errored", async () => {
    const { admin, receiver, runnerOptions, trigger } = await setUp([
      'dbt seed',
      'dbt build',
      'dbt test',
    ]);
    const runId = await trigger();
    expect(await runOnce(runnerOptions({ FAKE_DBT_FAIL_ON: 'build', FAKE_DBT_EXIT: '2' }))).toBe(
      'error',
    );
    const run = required(await admin.request(RunStepsDocument, { id: runId }), 'run').run!;
    expect(run.status).toBe('error');
    expect(run.errorMessage).toMatch(/^Step 2 \(dbt build\) failed: exited with status 2/);
    expect(run.errorMessage).toContain('Database Error in model orders');
    expect(run.steps.map((step) => step.status)).toEqual(['success', 'error', 'skipped']);
    expect(run.steps[1]!.errorMessage).toBe(run.errorMessage);
    await eventually(() => receiver.received.length >= 3);
    expect(receiver.received.map((hit) => hit.payload.eventType).sort()).toEqual([
      'job.run.completed',
      'job.run.errored',
      'job.run.started',
    ]);
    const errored = receiver.received.find((hit) => hit.payload.eventType === 'job.run.errored')!;
    expect(errored.payload.data).toMatchObject({ runStatus: 'Errored', runStatusCode: 20 });
  });

  it('stops the running step and its process group within seconds of a cancel', async () => {
    const { admin, runnerOptions, trigger, dbt } = await setUp(['dbt build', 'dbt test']);
    const runId = await trigger();
    const pidFile = `${dbt.projectDir}/sleeper.pid`;
    const lines: string[] = [];
    const running = runOnce({
      ...runnerOptions({ FAKE_DBT_HANG: '1', FAKE_DBT_PIDFILE: pidFile }),
      log: (line) => lines.push(line),
    });
    await eventually(() => existsSync(pidFile));
    const { readFileSync } = await import('node:fs');
    const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
    expect(() => process.kill(sleeper, 0)).not.toThrow();
    required(await admin.request(CancelRunDocument, { id: runId }), 'cancelRun');
    expect(await running, lines.join('\n')).toBe('cancelled');
    // The grandchild (the sleep dbt started) went with the group.
    await eventually(() => {
      try {
        process.kill(sleeper, 0);
        return false;
      } catch {
        return true;
      }
    }, 10_000);
    const run = required(await admin.request(RunStepsDocument, { id: runId }), 'run').run!;
    expect(run.status).toBe('cancelled');
    expect(run.steps.map((step) => step.status)).toEqual(['cancelled', 'skipped']);
  });

  it('runs without custom variables for a token that may not read them (Job Runner)', async () => {
    const gatewaySetup = await setUp(['dbt build']);
    const { admin, runnerOptions, trigger } = gatewaySetup;
    const project = required(
      await admin.request(document('query ($id: ID!) { environment(id: $id) { projectId } }'), {
        id: gatewaySetup.environment,
      }),
      'environment',
    ).environment.projectId as string;
    const jobRunner = await builders(admin).token(
      [{ permissionSet: 'job_runner', projectIds: [project] }],
      { name: 'job runner' },
    );
    const runId = await trigger();
    const lines: string[] = [];
    expect(
      await runOnce({
        ...runnerOptions(),
        token: jobRunner.token,
        log: (line) => lines.push(line),
      }),
    ).toBe('success');
    expect(lines.join('\n')).toMatch(/custom environment variables withheld.*custom_env_vars:read/);
    const run = required(await admin.request(RunStepsDocument, { id: runId }), 'run').run!;
    expect(run.steps[0]!.logs).toContain('profile password: \n');
    expect(run.steps[0]!.logs).not.toContain(secretValue);
  });
});

describe('the runner command', () => {
  it('splits commands into words without a shell', () => {
    expect(commandWords('dbt build --select "tag:nightly orders" --vars \'{"a": 1}\'')).toEqual([
      'dbt',
      'build',
      '--select',
      'tag:nightly orders',
      '--vars',
      '{"a": 1}',
    ]);
    expect(commandWords('dbt run; rm -rf /')).toEqual(['dbt', 'run;', 'rm', '-rf', '/']);
    expect(() => commandWords('dbt run --select "open')).toThrow(/unclosed quote/);
  });

  it('exits 2 on a wrong command line or environment, and reads the token only from the environment', async () => {
    const { projectDir } = fakeDbt();
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await main(['--project-dir', projectDir], {})).toBe(2);
      expect(await main(['--token', 'tgs_x', '--project-dir', projectDir], {})).toBe(2);
      expect(await main(['--poll-interval', 'soon'], { TOLLGATE_RUNNER_TOKEN: 't' })).toBe(2);
      expect(
        await main(['--project-dir', `${projectDir}/missing`], { TOLLGATE_RUNNER_TOKEN: 't' }),
      ).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toMatch(/TOLLGATE_RUNNER_TOKEN must hold/);
    expect(stderr.join('')).toMatch(/Unknown option '--token'/);
    expect(stderr.join('')).toMatch(/--poll-interval must be a number of seconds/);
  });
});
