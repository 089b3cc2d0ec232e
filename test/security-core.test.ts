import { describe, expect, it } from 'vitest';
import { collectRequirements } from '../src/auth/requirements.js';
import {
  allowsInProject,
  allowsSomewhere,
  compileAccess,
  coversProject,
  readableProjects,
} from '../src/catalog/access.js';
import {
  type PermissionGrantInput,
  SetServiceTokenAllowedCidrsDocument,
} from '../src/client/index.js';
import { schema } from '../src/schema/index.js';
import { builders, required, tokenWith } from './support/builders.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';

// The promise a token gateway lives on, pinned where small realistic bugs would break it
// unnoticed (see bench/mutants.ts): each guarded field decided on its own, an unknown address
// refused, grants combined across scopes, introspection as narrow as the grants, and an empty
// project list reaching nothing.

/** Two projects, each with a production environment and a job. */
async function twoProjects(gateway: TestGateway) {
  const build = builders(gateway.client(gateway.adminToken));
  const a = await build.project('A');
  const b = await build.project('B');
  const jobA = await build.job(await build.environment(a, 'production', 'Prod A'));
  const jobB = await build.job(await build.environment(b, 'production', 'Prod B'));
  return { a, b, jobA, jobB };
}

function byAlias(response: Awaited<ReturnType<TestGateway['graphql']>>) {
  const errors = new Map(
    (response.body.errors ?? []).map((error) => [String(error.path?.[0]), error.extensions?.code]),
  );
  return (alias: string) => ({
    data: response.body.data?.[alias] ?? null,
    code: errors.get(alias),
  });
}

describe('several guarded fields in one request', () => {
  it('rotating the caller itself and another token: each decided on its own', async () => {
    const gateway = await createTestGateway();
    const other = await tokenWith(
      gateway,
      [{ permissionSet: 'job_viewer', allProjects: true }],
      'other',
    );
    const caller = await tokenWith(
      gateway,
      [{ permissionSet: 'job_viewer', allProjects: true }],
      'caller',
    );
    const response = await gateway.graphql(
      `mutation ($self: ID!, $other: ID!) {
        mine: rotateServiceToken(id: $self, graceSeconds: 60) { serviceToken { id } }
        theirs: rotateServiceToken(id: $other, graceSeconds: 60) { serviceToken { id } }
      }`,
      { self: caller.id, other: other.id },
      caller.secret,
    );
    const field = byAlias(response);
    expect(field('mine').data?.serviceToken.id).toBe(caller.id);
    expect(field('theirs')).toEqual({ data: null, code: 'FORBIDDEN' });
    // And in the other order: a refusal is not reused for the caller's own token either.
    const reversed = await gateway.graphql(
      `mutation ($self: ID!, $other: ID!) {
        theirs: rotateServiceToken(id: $other, graceSeconds: 60) { serviceToken { id } }
        mine: rotateServiceToken(id: $self, graceSeconds: 60) { token }
      }`,
      { self: caller.id, other: other.id },
      caller.secret,
    );
    expect(byAlias(reversed)('theirs').code).toBe('FORBIDDEN');
  });

  it('objects of two projects: the one outside the grants is NOT_FOUND, for reads and writes', async () => {
    const gateway = await createTestGateway();
    const { a, jobA, jobB } = await twoProjects(gateway);
    const token = await tokenWith(gateway, [{ permissionSet: 'job_admin', projectIds: [a] }]);
    const read = byAlias(
      await gateway.graphql(
        'query ($a: ID!, $b: ID!) { a: job(id: $a) { id } b: job(id: $b) { id } }',
        { a: jobA, b: jobB },
        token.secret,
      ),
    );
    expect(read('a').data?.id).toBe(jobA);
    expect(read('b')).toEqual({ data: null, code: 'NOT_FOUND' });

    const write = byAlias(
      await gateway.graphql(
        'mutation ($a: ID!, $b: ID!) { a: triggerRun(jobId: $a) { id } b: triggerRun(jobId: $b) { id } }',
        { a: jobA, b: jobB },
        token.secret,
      ),
    );
    expect(write('a').data?.id).toBeDefined();
    expect(write('b')).toEqual({ data: null, code: 'NOT_FOUND' });
  });
});

describe('an unknown client address', () => {
  it('is refused for a token with an address allowlist (in-process fetch, no socket)', async () => {
    const gateway = await createTestGateway();
    const token = await tokenWith(gateway, [{ permissionSet: 'job_viewer', allProjects: true }]);
    required(
      await gateway.client(gateway.adminToken).request(SetServiceTokenAllowedCidrsDocument, {
        id: token.id,
        // Loopback is allowed too: an unknown address must not pass for it (in-process calls
        // have no socket, and no address is not 127.0.0.1).
        allowedCidrs: ['10.0.0.0/8', '127.0.0.0/8'],
      }),
      'allowlist',
    );
    const request = () =>
      gateway.app.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.secret}` },
        body: JSON.stringify({ query: '{ viewer { id } }' }),
      });
    const unknown = await request();
    expect(unknown.status).toBe(403);
    const body = (await unknown.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ip_restricted',
    });
    // From inside the range it works: the refusal above is the address's.
    const inside = await gateway.graphql('{ viewer { id } }', {}, token.secret, {
      clientIp: '10.1.2.3',
    });
    expect(inside.body.data?.viewer.id).toBe(token.id);
    const loopback = await gateway.graphql('{ viewer { id } }', {}, token.secret, {
      clientIp: '127.0.0.1',
    });
    expect(loopback.body.data?.viewer.id).toBe(token.id);
  });
});

describe('grants across scopes', () => {
  it('combine: Job Viewer everywhere and Job Admin on A write in A, and only read in B', async () => {
    const gateway = await createTestGateway();
    const { a, jobA, jobB } = await twoProjects(gateway);
    const grants: PermissionGrantInput[] = [
      { permissionSet: 'job_viewer', allProjects: true },
      { permissionSet: 'job_admin', projectIds: [a] },
    ];
    const token = await tokenWith(gateway, grants);
    const write = byAlias(
      await gateway.graphql(
        'mutation ($a: ID!, $b: ID!) { a: triggerRun(jobId: $a) { id } b: triggerRun(jobId: $b) { id } }',
        { a: jobA, b: jobB },
        token.secret,
      ),
    );
    expect(write('a').data?.id).toBeDefined();
    expect(write('b')).toEqual({ data: null, code: 'FORBIDDEN' });
    const read = await gateway.graphql(
      'query ($b: ID!) { job(id: $b) { id } }',
      { b: jobB },
      token.secret,
    );
    expect(read.body.data?.job?.id).toBe(jobB);
  });
});

describe('lists across projects', () => {
  it('show only the projects whose grants read the listed resource', async () => {
    const gateway = await createTestGateway();
    const { a, b, jobA } = await twoProjects(gateway);
    // Metadata Only reaches B (so B is among the granted projects) but reads no jobs or projects.
    const grants: PermissionGrantInput[] = [
      { permissionSet: 'job_viewer', projectIds: [a] },
      { permissionSet: 'metadata_only', projectIds: [b] },
    ];
    const token = await tokenWith(gateway, grants);
    const listed = await gateway.graphql(
      '{ jobs { items { id } totalCount } projects(first: 10) { edges { node { id } } } }',
      {},
      token.secret,
    );
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data?.jobs).toEqual({ items: [{ id: jobA }], totalCount: 1 });
    expect(listed.body.data?.projects.edges).toEqual([{ node: { id: a } }]);
    const access = compileAccess(
      grants.map((grant) => ({
        permissionSet: grant.permissionSet,
        projectIds: (grant.projectIds ?? []).map(Number),
        writableEnvironmentCategories: [],
      })),
    );
    expect(readableProjects(access, 'jobs')).toEqual([Number(a)]);
  });
});

describe('per-token introspection', () => {
  it('of a read-only token lists no write it cannot make', async () => {
    const gateway = await createTestGateway();
    const token = await tokenWith(gateway, [
      { permissionSet: 'stakeholder', allProjects: true },
      { permissionSet: 'account_viewer' },
    ]);
    const response = await gateway.graphql(
      '{ __schema { mutationType { fields { name } } } }',
      {},
      token.secret,
    );
    const listed = (response.body.data?.__schema.mutationType?.fields ?? []).map(
      (field: { name: string }) => field.name,
    );
    // Only mutations any token may call (on itself, or with no permission at all) remain.
    const open = new Set(
      collectRequirements(schema)
        .filter(
          (field) =>
            field.typeName === 'Mutation' &&
            ['public', 'authenticated', 'account-or-self'].includes(field.requirement.kind),
        )
        .map((field) => field.fieldName),
    );
    expect(listed.filter((name: string) => !open.has(name))).toEqual([]);
    // The admin's view has the writes, so the check above is not vacuous.
    const admin = await gateway.graphql(
      '{ __schema { mutationType { fields { name } } } }',
      {},
      gateway.adminToken,
    );
    const adminListed = admin.body.data?.__schema.mutationType.fields.map(
      (field: { name: string }) => field.name,
    );
    expect(adminListed).toEqual(
      expect.arrayContaining(['createJob', 'triggerRun', 'createServiceToken']),
    );
  });
});

describe('a grant with an empty project list', () => {
  it('reaches no project and allows nothing anywhere', () => {
    const access = compileAccess([
      { permissionSet: 'job_admin', projectIds: [], writableEnvironmentCategories: [] },
    ]);
    expect(access.coversEveryProject).toBe(false);
    expect(coversProject(access, 1)).toBe(false);
    expect(allowsInProject(access, 'jobs', 'read', { projectId: 1 })).toBe(false);
    expect(allowsSomewhere(access, 'jobs', 'read')).toBe(false);
    expect(readableProjects(access, 'jobs')).toEqual([]);
  });
});
