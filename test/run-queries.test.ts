import { describe, expect, it } from 'vitest';
import { builders, tokenWith } from './support/builders.js';
import { createTestGateway, errorCodes, type TestGateway } from './support/helpers.js';
import { fixtureArtifacts, uploadArtifacts } from './support/metadata.js';

// The admin API's account-wide job and run lists, rerunJob, a run's uploaded artifact files, and
// tokens created without grants: what dbt Cloud's REST API runs (test/rest/ calls them as REST).

async function twoProjects(gateway: TestGateway) {
  const build = builders(gateway.client(gateway.adminToken));
  const a = await build.project('A');
  const b = await build.project('B');
  const jobA = await build.job(await build.environment(a, 'production'), 'nightly A');
  const jobB = await build.job(await build.environment(b, 'production'), 'nightly B');
  const trigger = async (jobId: string) =>
    (
      await gateway.graphql(
        'mutation ($jobId: ID!) { triggerRun(jobId: $jobId) { id } }',
        { jobId },
        gateway.adminToken,
      )
    ).body.data!.triggerRun.id as string;
  return { build, a, b, jobA, jobB, runA: await trigger(jobA), runB: await trigger(jobB) };
}

const jobsQuery =
  'query ($filter: JobListFilter, $orderBy: JobOrder, $limit: Int, $offset: Int) { jobs(filter: $filter, orderBy: $orderBy, limit: $limit, offset: $offset) { totalCount items { id name } } }';
const runsQuery =
  'query ($filter: RunListFilter, $orderBy: RunOrder, $limit: Int, $offset: Int) { runs(filter: $filter, orderBy: $orderBy, limit: $limit, offset: $offset) { totalCount items { id jobId status } } }';
const rerun = 'mutation ($jobId: ID!) { rerunJob(jobId: $jobId) { id cause status } }';
const artifacts =
  'query ($id: ID!) { run(id: $id) { artifacts { path size } artifact(path: "manifest.json") { path content } } }';

describe('jobs and runs (account-wide lists)', () => {
  it('lists across the projects the token may read, filtered, ordered and paged by offset', async () => {
    const gateway = await createTestGateway();
    const { a, jobA, jobB, runA, runB } = await twoProjects(gateway);
    const all = await gateway.graphql(
      jobsQuery,
      { orderBy: { field: 'name', direction: 'desc' } },
      gateway.adminToken,
    );
    expect(all.body.data!.jobs).toEqual({
      totalCount: 2,
      items: [
        { id: jobB, name: 'nightly B' },
        { id: jobA, name: 'nightly A' },
      ],
    });
    const page = await gateway.graphql(jobsQuery, { limit: 1, offset: 1 }, gateway.adminToken);
    expect(page.body.data!.jobs).toEqual({
      totalCount: 2,
      items: [{ id: jobB, name: 'nightly B' }],
    });
    const filtered = await gateway.graphql(
      runsQuery,
      { filter: { projectId: a, statuses: ['queued'] } },
      gateway.adminToken,
    );
    expect(filtered.body.data!.runs).toEqual({
      totalCount: 1,
      items: [{ id: runA, jobId: jobA, status: 'queued' }],
    });
    const newest = await gateway.graphql(
      runsQuery,
      { orderBy: { field: 'id', direction: 'desc' } },
      gateway.adminToken,
    );
    expect(newest.body.data!.runs.items.map((run: { id: string }) => run.id)).toEqual([runB, runA]);
    const tooMany = await gateway.graphql(jobsQuery, { limit: 101 }, gateway.adminToken);
    expect(errorCodes(tooMany.body)).toEqual(['BAD_USER_INPUT']);
  });

  it("a token scoped to one project sees only that project's jobs and runs", async () => {
    const gateway = await createTestGateway();
    const { a, b, jobA, runA } = await twoProjects(gateway);
    const scoped = await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [a] }]);
    const jobs = await gateway.graphql(jobsQuery, {}, scoped.secret);
    expect(jobs.body.data!.jobs.items.map((job: { id: string }) => job.id)).toEqual([jobA]);
    const runs = await gateway.graphql(runsQuery, {}, scoped.secret);
    expect(runs.body.data!.runs.items.map((run: { id: string }) => run.id)).toEqual([runA]);
    const other = await gateway.graphql(runsQuery, { filter: { projectId: b } }, scoped.secret);
    expect(other.body.data!.runs).toEqual({ totalCount: 0, items: [] });
  });

  it('refuses a token without jobs or runs read (FORBIDDEN naming it) and no token (UNAUTHENTICATED)', async () => {
    const gateway = await createTestGateway();
    await twoProjects(gateway);
    const billing = await tokenWith(gateway, [{ permissionSet: 'billing_admin' }]);
    const jobs = await gateway.graphql(jobsQuery, {}, billing.secret);
    expect(jobs.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'jobs:read',
    });
    const runs = await gateway.graphql(runsQuery, {}, billing.secret);
    expect(runs.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'runs:read',
    });
    for (const query of [jobsQuery, runsQuery]) {
      const anonymous = await gateway.graphql(query, {});
      expect(anonymous.status).toBe(401);
      expect(errorCodes(anonymous.body)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('rerunJob', () => {
  it('queues a run; retries the latest when it failed', async () => {
    const gateway = await createTestGateway();
    const { jobA, runA } = await twoProjects(gateway);
    const first = await gateway.graphql(rerun, { jobId: jobA }, gateway.adminToken);
    expect(first.body.data!.rerunJob).toMatchObject({ cause: 'Rerun via API', status: 'queued' });
    await gateway.graphql(
      'mutation ($id: ID!) { a: updateRunStatus(id: $id, status: running) { id } }',
      { id: first.body.data!.rerunJob.id },
      gateway.adminToken,
    );
    await gateway.graphql(
      'mutation ($id: ID!) { updateRunStatus(id: $id, status: error) { id } }',
      { id: first.body.data!.rerunJob.id },
      gateway.adminToken,
    );
    const retry = await gateway.graphql(rerun, { jobId: jobA }, gateway.adminToken);
    expect(retry.body.data!.rerunJob.cause).toBe(`Retry of run ${first.body.data!.rerunJob.id}`);
    expect(runA).not.toBe(first.body.data!.rerunJob.id);
  });

  it('refuses a Job Viewer (runs:write), another project (NOT_FOUND) and no token', async () => {
    const gateway = await createTestGateway();
    const { a, jobA, jobB } = await twoProjects(gateway);
    const viewer = await tokenWith(gateway, [{ permissionSet: 'job_viewer', allProjects: true }]);
    const refused = await gateway.graphql(rerun, { jobId: jobA }, viewer.secret);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'runs:write',
    });
    const scoped = await tokenWith(gateway, [{ permissionSet: 'job_admin', projectIds: [a] }]);
    expect(errorCodes((await gateway.graphql(rerun, { jobId: jobB }, scoped.secret)).body)).toEqual(
      ['NOT_FOUND'],
    );
    expect(errorCodes((await gateway.graphql(rerun, { jobId: jobA })).body)).toEqual([
      'UNAUTHENTICATED',
    ]);
    const audit = await gateway.db
      .selectFrom('audit_log')
      .select(['outcome'])
      .where('action', '=', 'rerunJob')
      .execute();
    // The refusal is recorded as denied, the unknown job as failed; the anonymous call never ran.
    expect(audit.map((entry) => entry.outcome).sort()).toEqual(['denied', 'failed']);
  });
});

describe("a run's artifact files", () => {
  it('lists and reads the uploaded files; another project and no token are refused', async () => {
    const gateway = await createTestGateway();
    const { a, runA, runB } = await twoProjects(gateway);
    const manifest = fixtureArtifacts('ecommerce').manifest!;
    expect(
      (await uploadArtifacts(gateway, gateway.adminToken, runA, { manifest })).errors,
    ).toBeUndefined();
    const read = await gateway.graphql(artifacts, { id: runA }, gateway.adminToken);
    expect(read.body.data!.run).toEqual({
      artifacts: [{ path: 'manifest.json', size: Buffer.from(manifest).byteLength }],
      artifact: { path: 'manifest.json', content: Buffer.from(manifest).toString('utf8') },
    });
    const scoped = await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [a] }]);
    expect(
      (await gateway.graphql(artifacts, { id: runA }, scoped.secret)).body.data!.run.artifacts,
    ).toHaveLength(1);
    expect(
      errorCodes((await gateway.graphql(artifacts, { id: runB }, scoped.secret)).body),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes((await gateway.graphql(artifacts, { id: runA })).body)).toEqual([
      'UNAUTHENTICATED',
    ]);
    const billing = await tokenWith(gateway, [{ permissionSet: 'billing_admin' }]);
    const forbidden = await gateway.graphql(artifacts, { id: runA }, billing.secret);
    expect(forbidden.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'runs:read',
    });
  });

  it('a refused upload stores no files', async () => {
    const gateway = await createTestGateway();
    const { runA } = await twoProjects(gateway);
    const refused = await uploadArtifacts(gateway, gateway.adminToken, runA, {
      manifest: '{"broken":',
    });
    expect(errorCodes(refused as never)).toEqual(['BAD_USER_INPUT']);
    const stored = await gateway.db.selectFrom('run_artifact_files').selectAll().execute();
    expect(stored).toEqual([]);
  });
});

describe('createServiceToken with allowNoGrants', () => {
  it('creates a token with no grants only when asked to; it can do nothing until given some', async () => {
    const gateway = await createTestGateway();
    const create =
      'mutation ($input: CreateServiceTokenInput!) { createServiceToken(input: $input) { token serviceToken { id grants { id } } } }';
    const refused = await gateway.graphql(
      create,
      { input: { name: 'none', permissions: [] } },
      gateway.adminToken,
    );
    expect(errorCodes(refused.body)).toEqual(['BAD_USER_INPUT']);
    const created = await gateway.graphql(
      create,
      { input: { name: 'none', permissions: [], allowNoGrants: true } },
      gateway.adminToken,
    );
    expect(created.body.data!.createServiceToken.serviceToken.grants).toEqual([]);
    const secret = created.body.data!.createServiceToken.token;
    const projects = await gateway.graphql('{ projects { totalCount } }', {}, secret);
    expect(projects.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewerOnly = await tokenWith(gateway, [
      { permissionSet: 'job_viewer', allProjects: true },
    ]);
    const notAllowed = await gateway.graphql(
      create,
      { input: { name: 'x', permissions: [], allowNoGrants: true } },
      viewerOnly.secret,
    );
    expect(notAllowed.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'service_tokens:write',
    });
  });
});
