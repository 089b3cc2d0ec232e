import { describe, expect, it } from 'vitest';
import { builders } from '../support/builders.js';
import { createTestGateway, type TestGateway } from '../support/helpers.js';
import { fixtureArtifacts, uploadArtifacts } from '../support/metadata.js';
import { type RestCall, restClient } from './support.js';

// What Airflow's DbtCloudRunJobOperator, Dagster, Prefect and a GitHub Action do: trigger a job,
// poll the run until it is complete, read its artifacts; and what operators do by hand.

async function setUp(gateway: TestGateway) {
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project('analytics');
  const production = await build.environment(project, 'production', 'Production');
  const staging = await build.environment(project, 'staging', 'Staging');
  const nightly = await build.job(production, 'Nightly build');
  const hourly = await build.job(staging, 'hourly refresh', ['dbt run']);
  const jobAdmin = await build.token([{ permissionSet: 'job_admin', projectIds: [project] }]);
  return { admin, project, production, staging, nightly, hourly, jobAdmin: jobAdmin.token };
}

/** Moves a run as a runner reports it, through the admin API. */
async function report(gateway: TestGateway, runId: number, status: string, errorMessage?: string) {
  const response = await gateway.graphql(
    'mutation ($id: ID!, $status: RunStatus!, $errorMessage: String) { updateRunStatus(id: $id, status: $status, errorMessage: $errorMessage) { id status } }',
    { id: String(runId), status, errorMessage },
    gateway.adminToken,
  );
  expect(response.body.errors).toBeUndefined();
}

const base = (gateway: TestGateway) => `/api/v2/accounts/${gateway.account.id}`;

describe('trigger and poll, as Airflow and the other orchestrators do', () => {
  it('triggers with no body, polls the run through queued, running and success', async () => {
    const gateway = await createTestGateway();
    const { nightly, jobAdmin } = await setUp(gateway);
    const call: RestCall = restClient(gateway, jobAdmin);

    const triggered = await call('POST', `${base(gateway)}/jobs/${nightly}/run/`);
    expect(triggered.status).toBe(200);
    expect(triggered.body.status).toEqual({
      code: 200,
      is_success: true,
      user_message: 'Success!',
      developer_message: '',
    });
    const run = triggered.body.data;
    expect(run).toMatchObject({
      job_definition_id: Number(nightly),
      status: 1,
      status_humanized: 'Queued',
      in_progress: true,
      is_complete: false,
      href: `http://localhost${base(gateway)}/runs/${run.id}/`,
    });

    const poll = async () =>
      (
        await call(
          'GET',
          `${base(gateway)}/runs/${run.id}/?include_related=['trigger', 'job', 'run_steps']`,
        )
      ).body.data;
    expect((await poll()).status).toBe(1);
    await report(gateway, run.id, 'running');
    const running = await poll();
    expect(running).toMatchObject({ status: 3, is_running: true, in_progress: true });
    expect(running.started_at).not.toBeNull();
    await report(gateway, run.id, 'success');
    const done = await poll();
    expect(done).toMatchObject({
      status: 10,
      status_humanized: 'Success',
      is_complete: true,
      is_success: true,
      is_error: false,
      in_progress: false,
      trigger: { cause: 'API' },
      job: { id: Number(nightly), name: 'Nightly build', execute_steps: ['dbt build'] },
      run_steps: [],
    });
    expect(done.finished_at).not.toBeNull();
    expect(typeof done.duration).toBe('number');
  });

  it("lists the steps a runner reported as run_steps, with dbt's status codes and their logs", async () => {
    const gateway = await createTestGateway();
    const { nightly, production, jobAdmin } = await setUp(gateway);
    const call = restClient(gateway, jobAdmin);
    const run = (await call('POST', `${base(gateway)}/jobs/${nightly}/run/`)).body.data;
    const claimed = await gateway.graphql(
      'mutation ($environmentIds: [ID!]!) { claimRun(input: { environmentIds: $environmentIds }) { run { id } commands } }',
      { environmentIds: [production] },
      jobAdmin,
    );
    expect(claimed.body.errors).toBeUndefined();
    const claim = claimed.body.data?.claimRun;
    expect(claim?.run.id).toBe(String(run.id));
    const reportStep = async (input: Record<string, unknown>) => {
      const reported = await gateway.graphql(
        'mutation ($runId: ID!, $input: ReportRunStepInput!) { reportRunStep(runId: $runId, input: $input) { step { index status } } }',
        { runId: String(run.id), input },
        jobAdmin,
      );
      expect(reported.body.errors).toBeUndefined();
    };
    await reportStep({ index: 1, status: 'running', log: 'Running with dbt=1.8.0\n' });
    await reportStep({
      index: 1,
      status: 'error',
      log: 'Database Error in model orders\n',
      errorMessage: 'Database Error',
    });

    const { body } = await call(
      'GET',
      `${base(gateway)}/runs/${run.id}/?include_related=run_steps`,
    );
    expect(body.data.run_steps).toHaveLength(claim?.commands.length ?? -1);
    expect(body.data.run_steps[0]).toMatchObject({
      run_id: run.id,
      index: 1,
      status: 20,
      status_humanized: 'Error',
      status_message: 'Database Error',
      logs: expect.stringContaining('Database Error in model orders'),
    });
    // Without include_related the steps are not asked for.
    const plain = await call('GET', `${base(gateway)}/runs/${run.id}/`);
    expect(plain.body.data).not.toHaveProperty('run_steps');
  });

  it('reports an error run as complete and not successful, with its message', async () => {
    const gateway = await createTestGateway();
    const { nightly, jobAdmin } = await setUp(gateway);
    const call = restClient(gateway, jobAdmin, 'Bearer');
    const run = (
      await call('POST', `${base(gateway)}/jobs/${nightly}/run/`, {
        cause: 'Triggered by a GitHub Action',
        git_branch: 'main',
        git_sha: 'abc1234',
      })
    ).body.data;
    expect(run).toMatchObject({ git_branch: 'main', git_sha: 'abc1234' });
    await report(gateway, run.id, 'running');
    await report(gateway, run.id, 'error', 'Database Error in model orders');
    const done = (await call('GET', `${base(gateway)}/runs/${run.id}/`)).body.data;
    expect(done).toMatchObject({
      status: 20,
      status_humanized: 'Error',
      is_complete: true,
      is_error: true,
      is_success: false,
      status_message: 'Database Error in model orders',
    });
  });

  it('cancels a queued run; a finished run cannot be cancelled', async () => {
    const gateway = await createTestGateway();
    const { nightly, jobAdmin } = await setUp(gateway);
    const call = restClient(gateway, jobAdmin);
    const run = (await call('POST', `${base(gateway)}/jobs/${nightly}/run/`)).body.data;
    const cancelled = await call('POST', `${base(gateway)}/runs/${run.id}/cancel/`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({
      status: 30,
      is_cancelled: true,
      is_complete: true,
    });
    const again = await call('POST', `${base(gateway)}/runs/${run.id}/cancel/`);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      status: {
        code: 400,
        is_success: false,
        user_message: 'A cancelled run cannot become cancelled.',
      },
      data: null,
    });
  });

  it('reruns a job: a retry of its failed run, with the same commit', async () => {
    const gateway = await createTestGateway();
    const { nightly, jobAdmin } = await setUp(gateway);
    const call = restClient(gateway, jobAdmin);
    const failed = (
      await call('POST', `${base(gateway)}/jobs/${nightly}/run/`, { git_sha: 'deadbeef' })
    ).body.data;
    await report(gateway, failed.id, 'running');
    await report(gateway, failed.id, 'error');
    const rerun = await call('POST', `${base(gateway)}/jobs/${nightly}/rerun/`);
    expect(rerun.status).toBe(200);
    expect(rerun.body.data).toMatchObject({ status: 1, git_sha: 'deadbeef' });
    const withTrigger = (
      await call('GET', `${base(gateway)}/runs/${rerun.body.data.id}/?include_related=trigger`)
    ).body.data;
    expect(withTrigger.trigger.cause).toBe(`Retry of run ${failed.id}`);
    // The latest run did not fail: a plain new run.
    const plain = (await call('POST', `${base(gateway)}/jobs/${nightly}/rerun/`)).body.data;
    const plainTrigger = (
      await call('GET', `${base(gateway)}/runs/${plain.id}/?include_related=trigger`)
    ).body.data.trigger;
    expect(plainTrigger.cause).toBe('Rerun via API');
  });
});

describe('artifacts', () => {
  it('lists the uploaded files and serves each as uploaded; run_results.json carries the run id', async () => {
    const gateway = await createTestGateway();
    const { nightly, jobAdmin } = await setUp(gateway);
    const call = restClient(gateway, jobAdmin);
    const run = (await call('POST', `${base(gateway)}/jobs/${nightly}/run/`)).body.data;
    const files = fixtureArtifacts('ecommerce');
    const uploaded = await uploadArtifacts(gateway, jobAdmin, String(run.id), files);
    expect(uploaded.errors).toBeUndefined();

    const list = await call('GET', `${base(gateway)}/runs/${run.id}/artifacts/`);
    expect(list.status).toBe(200);
    const expected = [
      files.catalog && 'catalog.json',
      'manifest.json',
      files.runResults && 'run_results.json',
      files.sources && 'sources.json',
    ].filter(Boolean);
    expect(list.body.data).toEqual(expected);

    const manifest = await call('GET', `${base(gateway)}/runs/${run.id}/artifacts/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toBe('application/json');
    expect(manifest.text).toBe(Buffer.from(files.manifest!).toString('utf8'));

    const results = await call(
      'GET',
      `${base(gateway)}/runs/${run.id}/artifacts/run_results.json?step=1`,
    );
    expect(results.status).toBe(200);
    expect(results.body.metadata.env.DBT_CLOUD_RUN_ID).toBe(String(run.id));
    expect(results.body.results.length).toBe(
      JSON.parse(Buffer.from(files.runResults!).toString('utf8')).results.length,
    );

    const missing = await call('GET', `${base(gateway)}/runs/${run.id}/artifacts/index.html`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: { code: 404, is_success: false }, data: null });
  });

  it('a run without uploads has no artifacts', async () => {
    const gateway = await createTestGateway();
    const { nightly, jobAdmin } = await setUp(gateway);
    const call = restClient(gateway, jobAdmin);
    const run = (await call('POST', `${base(gateway)}/jobs/${nightly}/run/`)).body.data;
    expect((await call('GET', `${base(gateway)}/runs/${run.id}/artifacts`)).body.data).toEqual([]);
  });
});

describe('run lists', () => {
  it('filters by job, status (codes in every list spelling) and finished_at range; pages with extra', async () => {
    let now = new Date('2026-11-27T12:00:00.000Z');
    const gateway = await createTestGateway({ now: () => now });
    const { nightly, hourly, jobAdmin } = await setUp(gateway);
    const call = restClient(gateway, jobAdmin);
    const trigger = async (job: string) =>
      (await call('POST', `${base(gateway)}/jobs/${job}/run/`)).body.data.id as number;
    const succeeded = await trigger(nightly);
    await report(gateway, succeeded, 'running');
    await report(gateway, succeeded, 'success');
    now = new Date('2026-11-28T12:00:00.000Z');
    const failed = await trigger(nightly);
    await report(gateway, failed, 'running');
    await report(gateway, failed, 'error');
    const queued = await trigger(hourly);

    const ids = async (query: string) => {
      const response = await call('GET', `${base(gateway)}/runs/?${query}`);
      expect(response.status).toBe(200);
      return response.body.data.map((run: { id: number }) => run.id);
    };
    expect(await ids('order_by=id')).toEqual([succeeded, failed, queued]);
    expect(await ids(`job_definition_id=${nightly}&order_by=-id`)).toEqual([failed, succeeded]);
    expect(await ids('status=10')).toEqual([succeeded]);
    for (const spelling of [
      'status__in=10&status__in=20',
      'status__in=10,20',
      'status__in=[10,20]',
      "status__in=['10', '20']",
      'status__in=["success","error"]',
    ])
      expect(await ids(spelling)).toEqual([succeeded, failed]);
    expect(await ids('status__in=[1,2,3]')).toEqual([queued]);
    expect(await ids('status=2')).toEqual([]);
    expect(await ids('finished_at__range=["2026-11-28","2026-11-29"]')).toEqual([failed]);
    expect(await ids('finished_at__range=2026-11-27T00:00:00Z,2026-11-27T23:59:59Z')).toEqual([
      succeeded,
    ]);

    const paged = await call('GET', `${base(gateway)}/runs/?limit=1&offset=1&order_by=-id`);
    expect(paged.body.data.map((run: { id: number }) => run.id)).toEqual([failed]);
    expect(paged.body.extra).toEqual({
      filters: { limit: 1, offset: 1, account_id: gateway.account.id },
      order_by: '-id',
      pagination: { count: 1, total_count: 3 },
    });
    const related = await call(
      'GET',
      `${base(gateway)}/runs/?include_related=job&include_related=trigger`,
    );
    expect(related.body.data[0].job.name).toBe('Nightly build');
    expect(related.body.data[0].trigger.cause).toBe('API');

    const tooMany = await call('GET', `${base(gateway)}/runs/?limit=101`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.status.user_message).toBe('limit must be at most 100.');
    const badStatus = await call('GET', `${base(gateway)}/runs/?status__in=7`);
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.data).toBeNull();
  });
});

describe('jobs', () => {
  it('lists with filters and order, creates, updates and reads a job with its latest runs', async () => {
    const gateway = await createTestGateway();
    const { project, production, staging, nightly, hourly, jobAdmin } = await setUp(gateway);
    const call = restClient(gateway, jobAdmin);
    const names = async (query: string) =>
      (await call('GET', `${base(gateway)}/jobs/?${query}`)).body.data.map(
        (job: { name: string }) => job.name,
      );
    expect(await names(`project_id=${project}`)).toEqual(['Nightly build', 'hourly refresh']);
    expect(await names(`environment_id=${staging}`)).toEqual(['hourly refresh']);
    expect(await names('name__icontains=NIGHTLY')).toEqual(['Nightly build']);
    expect(await names('name__icontains=%')).toEqual([]);
    expect(await names('order_by=-name')).toEqual(['hourly refresh', 'Nightly build']);
    // How Airflow finds a job by project, environment and job name.
    const v3 = `/api/v3/accounts/${gateway.account.id}`;
    const projects = await call('GET', `${v3}/projects/?name__icontains=ANALY`);
    expect(projects.body.data.map((p: { id: number }) => p.id)).toEqual([Number(project)]);
    expect(
      (await call('GET', `${v3}/projects/?name__icontains=zzz`)).body.extra.pagination,
    ).toEqual({
      count: 0,
      total_count: 0,
    });
    const environments = await call(
      'GET',
      `${v3}/projects/${project}/environments/?name__icontains=stag`,
    );
    expect(environments.body.data.map((e: { id: number }) => e.id)).toEqual([Number(staging)]);

    const created = await call('POST', `${base(gateway)}/jobs/`, {
      account_id: gateway.account.id,
      project_id: Number(project),
      environment_id: Number(production),
      name: 'Weekly docs',
      execute_steps: ['dbt docs generate'],
      triggers: { schedule: true, github_webhook: false, git_provider_webhook: false },
      schedule: { cron: '0 6 * * 1' },
      settings: { threads: 8, target_name: 'prod' },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: 'Weekly docs',
      environment_id: Number(production),
      execute_steps: ['dbt docs generate'],
      triggers: { schedule: true },
      schedule: { cron: '0 6 * * 1' },
      job_type: 'scheduled',
    });
    const updated = await call('POST', `${base(gateway)}/jobs/${created.body.data.id}`, {
      name: 'Weekly documentation',
      triggers: { schedule: false },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      name: 'Weekly documentation',
      triggers: { schedule: false },
    });

    const run = (await call('POST', `${base(gateway)}/jobs/${hourly}/run/`)).body.data;
    const job = await call(
      'GET',
      `${base(gateway)}/jobs/${hourly}/?include_related=most_recent_run,most_recent_completed_run`,
    );
    expect(job.body.data.most_recent_run).toMatchObject({ id: run.id, status: 1 });
    expect(job.body.data.most_recent_completed_run).toBeNull();
    const plain = await call('GET', `${base(gateway)}/jobs/${nightly}/`);
    expect(plain.body.data).not.toHaveProperty('most_recent_run');
  });
});
