import { describe, expect, it } from 'vitest';
import {
  type PermissionGrantInput,
  ServiceTokenPermissionUsageDocument,
} from '../src/client/index.js';
import { builders, required, tokenWith } from './support/builders.js';
import { createTestGateway, type RawResponse, type TestGateway } from './support/helpers.js';

// Authorization is decided once per request and field path, not once per row. These pin what
// that must never become: one field's answer reused for another field, another row's project,
// another token or another request. Each request below mixes objects or fields whose answers
// differ, in both orders, so that an answer carried over from the first would show.

/** Two projects, each with a production environment and a job in it. */
async function twoProjects(gateway: TestGateway) {
  const build = builders(gateway.client(gateway.adminToken));
  const a = await build.project('A');
  const b = await build.project('B');
  const jobA = await build.job(await build.environment(a, 'production', 'Prod A'));
  const jobB = await build.job(await build.environment(b, 'production', 'Prod B'));
  return { a, b, jobA, jobB };
}

/** The error code at a path of the response (`ok` when no error is there). */
function codeAt(response: RawResponse, path: readonly (string | number)[]): unknown {
  const error = response.body.errors?.find(
    (entry) => JSON.stringify(entry.path) === JSON.stringify(path),
  );
  return error ? error.extensions?.code : 'ok';
}

/** Grants giving one permission set in A and another in B. */
const split = (a: string, inA: string, b: string, inB: string): PermissionGrantInput[] => [
  { permissionSet: inA as PermissionGrantInput['permissionSet'], projectIds: [a] },
  { permissionSet: inB as PermissionGrantInput['permissionSet'], projectIds: [b] },
];

describe('one field on rows of two projects in one list', () => {
  it('Job.environment is allowed on the job in A and refused on the job in B, in either order', async () => {
    const gateway = await createTestGateway();
    const { a, b, jobA, jobB } = await twoProjects(gateway);
    // job_viewer reads environments; job_runner reads jobs but not environments.
    const token = await tokenWith(gateway, split(a, 'job_viewer', b, 'job_runner'));
    for (const direction of ['asc', 'desc']) {
      const response = await gateway.graphql(
        `{ jobs(orderBy: { field: id, direction: ${direction} }) { items { id environment { id } } } }`,
        {},
        token.secret,
      );
      const items = response.body.data!.jobs.items as { id: string }[];
      expect(items.map((job) => job.id).sort()).toEqual([jobA, jobB].sort());
      const rowOf = (id: string) => items.findIndex((job) => job.id === id);
      expect(codeAt(response, ['jobs', 'items', rowOf(jobA), 'environment']), direction).toBe('ok');
      expect(codeAt(response, ['jobs', 'items', rowOf(jobB), 'environment']), direction).toBe(
        'FORBIDDEN',
      );
      expect(response.body.data?.jobs.items[rowOf(jobA)].environment).not.toBeNull();
      expect(response.body.data?.jobs.items[rowOf(jobB)].environment).toBeNull();
    }
  });

  it('two guarded fields of each project row: each field and each row decided on its own', async () => {
    const gateway = await createTestGateway();
    const { a, b } = await twoProjects(gateway);
    // job_viewer reads jobs but not data platform configurations; database_admin reads both.
    const query = `{ projects(first: 10) { edges { node { id
      jobs(first: 5) { totalCount }
      config: dataPlatformConfig { id }
      again: jobs(first: 1) { totalCount } } } } }`;
    const expectations = [
      { grants: split(a, 'job_viewer', b, 'database_admin'), refusedIn: a, allowedIn: b },
      { grants: split(a, 'database_admin', b, 'job_viewer'), refusedIn: b, allowedIn: a },
    ];
    for (const { grants, refusedIn, allowedIn } of expectations) {
      const token = await tokenWith(gateway, grants);
      const response = await gateway.graphql(query, {}, token.secret);
      const rows = (response.body.data!.projects.edges as { node: { id: string } }[]).map(
        (edge) => edge.node.id,
      );
      expect(rows.sort()).toEqual([a, b].sort());
      const at = (project: string, field: string) =>
        codeAt(response, ['projects', 'edges', rows.indexOf(project), 'node', field]);
      expect(at(refusedIn, 'config')).toBe('FORBIDDEN');
      expect(at(allowedIn, 'config')).toBe('ok');
      for (const project of [a, b]) {
        expect(at(project, 'jobs')).toBe('ok');
        expect(at(project, 'again')).toBe('ok');
      }
      expect(
        response.body.errors?.find((error) => error.path?.includes('config'))?.extensions,
      ).toMatchObject({ requiredPermission: 'data_platform_configs:read', projectId: refusedIn });
    }
  });
});

describe('aliases of one field on two projects', () => {
  it('project(id) and its jobs: NOT_FOUND outside the grants, whichever alias comes first', async () => {
    const gateway = await createTestGateway();
    const { a, b } = await twoProjects(gateway);
    const token = await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [a] }]);
    for (const [first, second] of [
      [a, b],
      [b, a],
    ] as const) {
      const response = await gateway.graphql(
        'query ($first: ID!, $second: ID!) { one: project(id: $first) { jobs { totalCount } } two: project(id: $second) { jobs { totalCount } } }',
        { first, second },
        token.secret,
      );
      expect(codeAt(response, ['one'])).toBe(first === a ? 'ok' : 'NOT_FOUND');
      expect(codeAt(response, ['two'])).toBe(second === a ? 'ok' : 'NOT_FOUND');
      expect(response.body.data?.[first === a ? 'one' : 'two']?.jobs.totalCount).toBe(1);
    }
  });
});

describe('the same request from two tokens', () => {
  it('at the same time: each gets its own grants’ answer, never the other’s', async () => {
    const gateway = await createTestGateway();
    const { a, b, jobA, jobB } = await twoProjects(gateway);
    const onlyA = await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [a] }]);
    const onlyB = await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [b] }]);
    const query =
      'query ($a: ID!, $b: ID!) { inA: job(id: $a) { id environment { id } } inB: job(id: $b) { id environment { id } } }';
    const variables = { a: jobA, b: jobB };
    // Interleaved: both requests are in flight together, several times over.
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        gateway.graphql(query, variables, i % 2 === 0 ? onlyA.secret : onlyB.secret),
      ),
    );
    answers.forEach((response, i) => {
      const mine = i % 2 === 0 ? 'inA' : 'inB';
      const theirs = i % 2 === 0 ? 'inB' : 'inA';
      expect(codeAt(response, [mine])).toBe('ok');
      expect(response.body.data?.[mine]?.environment?.id).toBeDefined();
      expect(codeAt(response, [theirs])).toBe('NOT_FOUND');
      expect(response.body.data?.[theirs]).toBeNull();
    });
  });

  it('one after the other: the first token’s refusal does not carry over to the second', async () => {
    const gateway = await createTestGateway();
    const { a, jobA } = await twoProjects(gateway);
    const runner = await tokenWith(gateway, [{ permissionSet: 'job_runner', projectIds: [a] }]);
    const viewer = await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [a] }]);
    const query = 'query ($id: ID!) { job(id: $id) { id environment { id } } }';
    const refused = await gateway.graphql(query, { id: jobA }, runner.secret);
    expect(codeAt(refused, ['job', 'environment'])).toBe('FORBIDDEN');
    const allowed = await gateway.graphql(query, { id: jobA }, viewer.secret);
    expect(codeAt(allowed, ['job', 'environment'])).toBe('ok');
    expect(allowed.body.data?.job.environment.id).toBeDefined();
    // And back: the allowance does not carry over either.
    const again = await gateway.graphql(query, { id: jobA }, runner.secret);
    expect(codeAt(again, ['job', 'environment'])).toBe('FORBIDDEN');
  });
});

describe('permission usage under remembered allowances', () => {
  it('records each project a list’s rows were allowed in, once per request', async () => {
    const gateway = await createTestGateway();
    const { a, b } = await twoProjects(gateway);
    const token = await tokenWith(gateway, split(a, 'job_viewer', b, 'job_viewer'));
    // Two jobs per project: the second row of each project is answered from the remembered
    // allowance, which must not lose the project's record.
    const build = builders(gateway.client(gateway.adminToken));
    await build.job(await build.environment(a, 'development', 'Dev A'));
    await build.job(await build.environment(b, 'development', 'Dev B'));
    const response = await gateway.graphql(
      '{ jobs { items { id environment { id } } } }',
      {},
      token.secret,
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.jobs.items).toHaveLength(4);
    await gateway.app.flushUsage();
    const used = required(
      await gateway
        .client(gateway.adminToken)
        .request(ServiceTokenPermissionUsageDocument, { id: token.id, sinceDays: 1 }),
      'permissionUsage',
    ).serviceToken!.permissionUsage.used;
    expect(
      used.map((row) => [row.resource, row.action, row.projectId, row.useCount]).sort(),
    ).toEqual(
      [
        ['environments', 'read', a, 1],
        ['environments', 'read', b, 1],
        ['jobs', 'read', null, 1],
      ].sort(),
    );
  });
});
