import { describe, expect, it } from 'vitest';
import { builders } from '../support/builders.js';
import { createTestGateway, type TestGateway } from '../support/helpers.js';
import { restClient } from './support.js';

// The REST routes decide nothing: each runs an operation of the admin API, so a token is refused
// exactly where its GraphQL request would be, with the same permission named.

async function twoProjects(gateway: TestGateway) {
  const build = builders(gateway.client(gateway.adminToken));
  const a = await build.project('A');
  const b = await build.project('B');
  const environmentA = await build.environment(a, 'production');
  const environmentB = await build.environment(b, 'production');
  return {
    build,
    a,
    b,
    jobA: await build.job(environmentA, 'job of A'),
    jobB: await build.job(environmentB, 'job of B'),
  };
}

const base = (gateway: TestGateway) => `/api/v2/accounts/${gateway.account.id}`;

describe('authorization through REST equals GraphQL', () => {
  it('a Job Viewer token reads runs but cannot trigger: 403 in the envelope, naming runs:write', async () => {
    const gateway = await createTestGateway();
    const { build, jobA } = await twoProjects(gateway);
    const viewer = (await build.token([{ permissionSet: 'job_viewer', allProjects: true }])).token;
    const call = restClient(gateway, viewer);

    const refused = await call('POST', `${base(gateway)}/jobs/${jobA}/run/`, {});
    expect(refused.status).toBe(403);
    expect(refused.body.data).toBeNull();
    expect(refused.body.status).toMatchObject({ code: 403, is_success: false });
    expect(refused.body.status.developer_message).toContain('requiredPermission=runs:write');

    const graphql = await gateway.graphql(
      'mutation ($jobId: ID!) { triggerRun(jobId: $jobId) { id } }',
      { jobId: jobA },
      viewer,
    );
    expect(graphql.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'runs:write',
    });
    expect(refused.body.status.user_message).toBe(graphql.body.errors?.[0]?.message);

    // What it may do, it does.
    const jobs = await call('GET', `${base(gateway)}/jobs/`);
    expect(jobs.status).toBe(200);
    expect(jobs.body.data).toHaveLength(2);
    expect((await call('POST', `${base(gateway)}/jobs/${jobA}/rerun/`)).status).toBe(403);
    expect((await call('GET', `${base(gateway)}/service-tokens/`)).status).toBe(403);
  });

  it("a token scoped to project A gets 404 for B's jobs and runs, and sees only A's in lists", async () => {
    const gateway = await createTestGateway();
    const { build, a, b, jobA, jobB } = await twoProjects(gateway);
    const scoped = (await build.token([{ permissionSet: 'job_admin', projectIds: [a] }])).token;
    const call = restClient(gateway, scoped);
    const adminCall = restClient(gateway, gateway.adminToken);
    const runB = (await adminCall('POST', `${base(gateway)}/jobs/${jobB}/run/`)).body.data.id;

    for (const [method, path] of [
      ['GET', `/jobs/${jobB}/`],
      ['POST', `/jobs/${jobB}/run/`],
      ['POST', `/jobs/${jobB}/rerun/`],
      ['POST', `/jobs/${jobB}/`],
      ['GET', `/runs/${runB}/`],
      ['POST', `/runs/${runB}/cancel/`],
      ['GET', `/runs/${runB}/artifacts/`],
      ['GET', `/projects/${b}/`],
    ] as const) {
      const response = await call(
        method,
        `${base(gateway)}${path}`,
        method === 'POST' ? {} : undefined,
      );
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.status.is_success).toBe(false);
    }
    const graphql = await gateway.graphql(
      'query ($id: ID!) { job(id: $id) { id } }',
      { id: jobB },
      scoped,
    );
    expect(graphql.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const jobs = (await call('GET', `${base(gateway)}/jobs/`)).body.data;
    expect(jobs.map((job: { id: number }) => job.id)).toEqual([Number(jobA)]);
    expect((await call('GET', `${base(gateway)}/jobs/?project_id=${b}`)).body.data).toEqual([]);
    expect((await call('GET', `${base(gateway)}/runs/`)).body.data).toEqual([]);
    expect(
      (await call('GET', `${base(gateway)}/projects/`)).body.data.map(
        (p: { name: string }) => p.name,
      ),
    ).toEqual(['A']);
    // The run of B is still queued: the refused cancel changed nothing.
    expect((await adminCall('GET', `${base(gateway)}/runs/${runB}/`)).body.data.status).toBe(1);
  });

  it('another account in the path is 404, and a write there is not performed', async () => {
    const gateway = await createTestGateway();
    const { jobA } = await twoProjects(gateway);
    const call = restClient(gateway, gateway.adminToken);
    const other = gateway.account.id + 1;
    const response = await call('POST', `/api/v2/accounts/${other}/jobs/${jobA}/run/`);
    expect(response.status).toBe(404);
    expect(response.body.status.user_message).toBe(`Account ${other} not found.`);
    expect((await call('GET', `${base(gateway)}/runs/`)).body.extra.pagination.total_count).toBe(0);
  });

  it('no token, or a wrong one, is 401 with the envelope and WWW-Authenticate', async () => {
    const gateway = await createTestGateway();
    for (const call of [restClient(gateway, undefined), restClient(gateway, 'tgs_wrong')]) {
      const response = await call('GET', `${base(gateway)}/jobs/`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect(response.body).toMatchObject({
        status: { code: 401, is_success: false },
        data: null,
      });
    }
  });

  it("is counted by the token's rate limit like any request, and writes are audited", async () => {
    const gateway = await createTestGateway({ hardening: { tokenRequestsPerMinute: 4 } });
    const build = builders(gateway.client(gateway.adminToken));
    const project = await build.project('A');
    const job = await build.job(await build.environment(project, 'production'));
    const token = await build.token([{ permissionSet: 'job_admin', allProjects: true }]);
    const call = restClient(gateway, token.token);
    // A trigger checks the account first, then writes: two operations.
    expect((await call('POST', `${base(gateway)}/jobs/${job}/run/`)).status).toBe(200);
    expect((await call('GET', `${base(gateway)}/jobs/`)).status).toBe(200);
    expect((await call('GET', `${base(gateway)}/jobs/`)).status).toBe(200);
    const limited = await call('GET', `${base(gateway)}/jobs/`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.body.status).toMatchObject({ code: 429, is_success: false });

    const audit = await gateway.db
      .selectFrom('audit_log')
      .select(['action', 'target_type', 'outcome'])
      .where('action', '=', 'triggerRun')
      .execute();
    expect(audit).toEqual([{ action: 'triggerRun', target_type: 'Run', outcome: 'success' }]);
  });
});
