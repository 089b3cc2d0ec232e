import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  AuditLogDocument,
  CancelRunDocument,
  CreateEnvironmentDocument,
  CreateJobDocument,
  CreateProjectDocument,
  CreateServiceTokenDocument,
  DeleteEnvironmentDocument,
  EnvironmentDocument,
  JobDocument,
  JobRunsDocument,
  type PermissionGrantInput,
  ProjectEnvironmentsDocument,
  RunDocument,
  TriggerRunDocument,
  UpdateEnvironmentDocument,
  UpdateJobDocument,
  UpdateRunStatusDocument,
} from '../src/client/index.js';
import { builders, required, tokenWith as scopedToken } from './support/builders.js';
import { createTestGateway, errorCodes, manualClock, type TestGateway } from './support/helpers.js';

async function setUp(gateway: TestGateway) {
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project('analytics');
  const staging = await build.environment(project, 'staging', 'Staging');
  const production = await build.environment(project, 'production', 'Production');
  return {
    admin,
    project,
    staging,
    production,
    stagingJob: await build.job(staging, 'staging build'),
    productionJob: await build.job(production, 'nightly'),
  };
}

async function tokenWith(gateway: TestGateway, permissions: PermissionGrantInput[]) {
  return (await scopedToken(gateway, permissions)).client;
}

describe('environments', () => {
  it('round-trip, refuse bad input writing nothing, and delete with their jobs and runs', async () => {
    const gateway = await createTestGateway();
    const { admin, project, staging, stagingJob } = await setUp(gateway);
    await admin.request(TriggerRunDocument, { jobId: stagingJob });

    const updated = await admin.request(UpdateEnvironmentDocument, {
      id: staging,
      input: { name: 'QA', dbtVersion: '1.9.0-latest' },
    });
    expect(updated.data?.updateEnvironment).toMatchObject({
      name: 'QA',
      dbtVersion: '1.9.0-latest',
      category: 'staging',
    });

    const bad = [
      {
        projectId: project,
        name: 'Dev',
        type: 'development' as const,
        category: 'production' as const,
        dbtVersion: '1.10',
      },
      {
        projectId: project,
        name: 'Prod 2',
        type: 'deployment' as const,
        category: 'development' as const,
        dbtVersion: '1.10',
      },
      {
        projectId: project,
        name: 'Odd',
        type: 'deployment' as const,
        category: 'other' as const,
        dbtVersion: 'one point ten',
      },
      {
        projectId: project,
        name: 'QA',
        type: 'deployment' as const,
        category: 'other' as const,
        dbtVersion: '1.10',
      },
      {
        projectId: project,
        name: '  ',
        type: 'deployment' as const,
        category: 'other' as const,
        dbtVersion: '1.10',
      },
    ];
    for (const input of bad)
      expect(
        errorCodes(await admin.request(CreateEnvironmentDocument, { input })),
        input.name,
      ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await admin.request(UpdateEnvironmentDocument, {
          id: staging,
          input: { category: 'development' },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await admin.request(CreateEnvironmentDocument, {
          input: { ...bad[0]!, category: 'development', projectId: '9999' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    const listed = await admin.request(ProjectEnvironmentsDocument, { projectId: project });
    expect(listed.data?.project?.environments?.edges.map((edge) => edge.node.name)).toEqual([
      'QA',
      'Production',
    ]);

    await admin.request(DeleteEnvironmentDocument, { id: staging });
    expect(errorCodes(await admin.request(EnvironmentDocument, { id: staging }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await admin.request(JobDocument, { id: stagingJob }))).toEqual(['NOT_FOUND']);
    const leftovers = await gateway.db
      .selectFrom('runs')
      .select('id')
      .where('job_id', '=', Number(stagingJob))
      .execute();
    expect(leftovers).toEqual([]);
  });
});

describe('jobs', () => {
  it('validate steps, schedules and triggers', async () => {
    const gateway = await createTestGateway();
    const { admin, staging, stagingJob } = await setUp(gateway);
    const created = await admin.request(CreateJobDocument, {
      input: {
        environmentId: staging,
        name: 'hourly',
        steps: [' dbt seed ', 'dbt build --select tag:hourly'],
        schedule: '0 * * * 1-5',
        triggers: { schedule: true, pullRequest: true },
      },
    });
    expect(created.data?.createJob).toMatchObject({
      steps: ['dbt seed', 'dbt build --select tag:hourly'],
      schedule: '0 * * * 1-5',
      triggers: { schedule: true, pullRequest: true, merge: false },
    });
    const refusals: [object, string][] = [
      [{ steps: [] }, 'input.steps'],
      [{ steps: ['rm -rf /'] }, 'input.steps'],
      [{ steps: ['dbt run\ndbt test'] }, 'input.steps'],
      [{ steps: ['dbt run'], schedule: '61 * * * *' }, 'input.schedule'],
      [{ steps: ['dbt run'], schedule: '* * *' }, 'input.schedule'],
      [{ steps: ['dbt run'], schedule: '5-1 * * * *' }, 'input.schedule'],
      [{ steps: ['dbt run'], triggers: { schedule: true } }, 'input.schedule'],
      [{ steps: ['dbt run'], name: '' }, 'input.name'],
    ];
    for (const [change, field] of refusals) {
      const response = await admin.request(CreateJobDocument, {
        input: { environmentId: staging, name: 'x', steps: ['dbt run'], ...change },
      });
      expect(errorCodes(response), JSON.stringify(change)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.extensions?.field).toBe(field);
    }
    const cleared = await admin.request(UpdateJobDocument, {
      id: stagingJob,
      input: { schedule: null },
    });
    expect(cleared.data?.updateJob?.schedule).toBeNull();
    const count = await gateway.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
  });

  it('move between environments only with write in both, and never to another project', async () => {
    const gateway = await createTestGateway();
    const { admin, project, production, stagingJob, productionJob } = await setUp(gateway);
    const analyst = await tokenWith(gateway, [
      {
        permissionSet: 'analyst',
        projectIds: [project],
        writableEnvironmentCategories: ['staging'],
      },
    ]);

    expect(
      (await analyst.request(UpdateJobDocument, { id: stagingJob, input: { name: 'renamed' } }))
        .data?.updateJob?.name,
    ).toBe('renamed');
    const move = await analyst.request(UpdateJobDocument, {
      id: stagingJob,
      input: { environmentId: production },
    });
    expect(move.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'jobs:write',
    });
    expect(
      errorCodes(
        await analyst.request(UpdateJobDocument, { id: productionJob, input: { name: 'x' } }),
      ),
    ).toEqual(['FORBIDDEN']);

    const other = required(
      await admin.request(CreateProjectDocument, { input: { name: 'other' } }),
      'project',
    ).createProject!.id;
    const elsewhere = required(
      await admin.request(CreateEnvironmentDocument, {
        input: {
          projectId: other,
          name: 'Prod',
          type: 'deployment',
          category: 'production',
          dbtVersion: '1.10',
        },
      }),
      'environment',
    ).createEnvironment!.id;
    expect(
      errorCodes(
        await admin.request(UpdateJobDocument, {
          id: stagingJob,
          input: { environmentId: elsewhere },
        }),
      ),
      // As for a missing environment: another project's environment is never a target.
    ).toEqual(['NOT_FOUND']);
    const moved = await admin.request(UpdateJobDocument, {
      id: stagingJob,
      input: { environmentId: production },
    });
    expect(moved.data?.updateJob?.environmentId).toBe(production);
  });
});

describe('runs', () => {
  it('go queued → running → success with timings, refuse other transitions, and keep history newest first', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const { admin, productionJob } = await setUp(gateway);
    const runner = await tokenWith(gateway, [{ permissionSet: 'job_runner', allProjects: true }]);

    const first = (
      await runner.request(TriggerRunDocument, {
        jobId: productionJob,
        input: { cause: 'deploy', gitSha: 'abc1234' },
      })
    ).data!.triggerRun!;
    expect(first).toMatchObject({
      status: 'queued',
      cause: 'deploy',
      gitSha: 'abc1234',
      startedAt: null,
    });
    expect(first.triggeredByTokenId).not.toBeNull();
    clock.advance(2_000);
    expect(
      (await runner.request(UpdateRunStatusDocument, { id: first.id, status: 'running' })).data
        ?.updateRunStatus?.status,
    ).toBe('running');
    clock.advance(90_500);
    const done = (
      await runner.request(UpdateRunStatusDocument, { id: first.id, status: 'success' })
    ).data!.updateRunStatus!;
    expect(done).toMatchObject({
      status: 'success',
      startedAt: '2026-11-27T12:00:02.000Z',
      finishedAt: '2026-11-27T12:01:32.500Z',
      durationSeconds: 90.5,
    });
    expect(errorCodes(await runner.request(CancelRunDocument, { id: first.id }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      errorCodes(await runner.request(UpdateRunStatusDocument, { id: first.id, status: 'queued' })),
    ).toEqual(['BAD_USER_INPUT']);

    const second = (await runner.request(TriggerRunDocument, { jobId: productionJob })).data!
      .triggerRun!;
    expect(
      (await runner.request(CancelRunDocument, { id: second.id })).data?.cancelRun?.status,
    ).toBe('cancelled');
    expect(
      errorCodes(
        await runner.request(TriggerRunDocument, {
          jobId: productionJob,
          input: { gitSha: 'not-a-sha' },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await runner.request(RunDocument, { id: '987654' }))).toEqual(['NOT_FOUND']);

    const history = await admin.request(JobRunsDocument, { jobId: productionJob });
    expect(history.data?.job?.runs?.edges.map((edge) => edge.node.status)).toEqual([
      'cancelled',
      'success',
    ]);
    const successes = await admin.request(JobRunsDocument, {
      jobId: productionJob,
      statuses: ['success'],
    });
    expect(successes.data?.job?.runs?.totalCount).toBe(1);
  });
});

describe('grants', () => {
  it('add up across grants on a project, and never reach further', async () => {
    const gateway = await createTestGateway();
    const { admin, project, stagingJob, productionJob } = await setUp(gateway);
    const other = required(
      await admin.request(CreateProjectDocument, { input: { name: 'other' } }),
      'project',
    ).createProject!.id;
    const token = await tokenWith(gateway, [
      { permissionSet: 'job_viewer', projectIds: [project] },
      {
        permissionSet: 'analyst',
        projectIds: [project],
        writableEnvironmentCategories: ['production'],
      },
      { permissionSet: 'metadata_only', projectIds: [other] },
    ]);
    expect(
      (await token.request(UpdateJobDocument, { id: productionJob, input: { description: 'ok' } }))
        .data?.updateJob,
    ).toBeTruthy();
    expect(
      errorCodes(
        await token.request(UpdateJobDocument, { id: stagingJob, input: { description: 'no' } }),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      (await token.request(TriggerRunDocument, { jobId: productionJob })).data?.triggerRun?.status,
    ).toBe('queued');
    expect(errorCodes(await token.request(TriggerRunDocument, { jobId: stagingJob }))).toEqual([
      'FORBIDDEN',
    ]);
    const onOther = await token.request(ProjectEnvironmentsDocument, { projectId: other });
    expect(onOther.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'projects:read',
    });
  });
});

describe('audit log', () => {
  it('records successful and refused writes with actor, target, project and address, and never a secret', async () => {
    const gateway = await createTestGateway();
    const { admin, project, stagingJob } = await setUp(gateway);
    const viewer = await tokenWith(gateway, [{ permissionSet: 'job_viewer', allProjects: true }]);
    await viewer.request(TriggerRunDocument, { jobId: stagingJob });
    const created = await admin.request(CreateServiceTokenDocument, {
      input: {
        name: 'deploy',
        permissions: [{ permissionSet: 'job_admin', projectIds: [project] }],
      },
    });
    const secret = created.data!.createServiceToken!.token;

    const log = (await admin.request(AuditLogDocument, {})).data!.auditLog!;
    const [latest, denied] = log.edges.map((edge) => edge.node);
    expect(latest).toMatchObject({
      action: 'createServiceToken',
      outcome: 'success',
      targetType: 'ServiceToken',
      clientIp: '127.0.0.1',
    });
    expect(denied).toMatchObject({
      action: 'triggerRun',
      outcome: 'denied',
      details: { code: 'FORBIDDEN', requiredPermission: 'runs:write' },
    });
    expect(denied!.projectId).toBe(project);
    const actions = log.edges.map((edge) => edge.node.action);
    expect(actions).toEqual(
      expect.arrayContaining(['createProject', 'createEnvironment', 'createJob']),
    );
    expect(JSON.stringify(log)).not.toContain(secret);
  });

  it('is append-only in the database itself', async () => {
    const gateway = await createTestGateway();
    await setUp(gateway);
    await expect(sql`update audit_log set action = 'x'`.execute(gateway.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log`.execute(gateway.db)).rejects.toThrow(/append-only/);
  });
});
