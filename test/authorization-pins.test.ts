import { getNamedType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { permissionNeeded, requirementOf } from '../src/auth/requirements.js';
import {
  allowsInProject,
  allowsSomewhere,
  compileAccess,
  coversProject,
  readableProjects,
} from '../src/catalog/access.js';
import { escalationOf } from '../src/catalog/escalation.js';
import { normalizeGrants } from '../src/catalog/grants.js';
import { schema } from '../src/schema/index.js';
import { builders } from './support/builders.js';
import {
  createTestGateway,
  errorCodes,
  type RawResponse,
  type TestGateway,
} from './support/helpers.js';

// Tests that pin the promise "a secret grants exactly what it says" where a one-line change of
// the security core would otherwise pass unnoticed (issue 19): each guarded field of a request
// decided on its own, an unknown client address never let through an allowlist, grants on all
// projects and on some adding up, a read-only token's view without writes, and a grant whose
// project list is empty granting nothing.

async function createToken(
  gateway: TestGateway,
  name: string,
  permissions: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; secret: string }> {
  const response = await gateway.graphql(
    `mutation ($input: CreateServiceTokenInput!) {
      createServiceToken(input: $input) { token serviceToken { id } }
    }`,
    { input: { name, permissions, ...extra } },
    gateway.adminToken,
  );
  expect(response.body.errors).toBeUndefined();
  const created = response.body.data!.createServiceToken;
  return { id: created.serviceToken.id, secret: created.token };
}

/** Each aliased field's outcome: `ok`, or its error code. */
function outcomes(response: RawResponse, aliases: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    aliases.map((alias) => {
      const error = response.body.errors?.find((entry) => entry.path?.[0] === alias);
      return [alias, error ? error.extensions?.code : response.body.data?.[alias] ? 'ok' : null];
    }),
  );
}

async function twoProjects() {
  const gateway = await createTestGateway();
  const build = builders(gateway.client(gateway.adminToken));
  const a = await build.project('a');
  const b = await build.project('b');
  const jobA = await build.job(await build.environment(a, 'production'));
  const jobB = await build.job(await build.environment(b, 'production'));
  return { gateway, a, b, jobA, jobB };
}

describe('several guarded fields in one request are each decided on their own', () => {
  it('rotateServiceToken on the caller’s own token and on another, in either order', async () => {
    const gateway = await createTestGateway();
    const other = await createToken(gateway, 'other', [
      { permissionSet: 'job_viewer', allProjects: true },
    ]);
    for (const order of [
      ['own', 'other'],
      ['other', 'own'],
    ] as const) {
      const self = await createToken(gateway, `self ${order[0]}`, [
        { permissionSet: 'job_viewer', allProjects: true },
      ]);
      const ids = { own: self.id, other: other.id };
      const fields = order
        .map(
          (alias) =>
            `${alias}: rotateServiceToken(id: "${ids[alias]}", graceSeconds: 60) { token }`,
        )
        .join('\n');
      const response = await gateway.graphql(`mutation { ${fields} }`, {}, self.secret);
      expect(outcomes(response, order), order.join(' then ')).toEqual({
        own: 'ok',
        other: 'FORBIDDEN',
      });
      expect(
        response.body.errors?.find((error) => error.path?.[0] === 'other')?.extensions
          ?.requiredPermission,
      ).toBe('service_tokens:write');
    }
  });

  it('job and triggerRun on objects of two projects, in either order', async () => {
    const { gateway, a, jobA, jobB } = await twoProjects();
    const scoped = await createToken(gateway, 'a only', [
      { permissionSet: 'job_admin', projectIds: [a] },
    ]);
    const jobs = { inA: jobA, inB: jobB };
    for (const order of [
      ['inA', 'inB'],
      ['inB', 'inA'],
    ] as const) {
      const read = order.map((alias) => `${alias}: job(id: "${jobs[alias]}") { id }`).join('\n');
      expect(outcomes(await gateway.graphql(`{ ${read} }`, {}, scoped.secret), order)).toEqual({
        inA: 'ok',
        inB: 'NOT_FOUND',
      });
      const trigger = order
        .map((alias) => `${alias}: triggerRun(jobId: "${jobs[alias]}") { id }`)
        .join('\n');
      expect(
        outcomes(await gateway.graphql(`mutation { ${trigger} }`, {}, scoped.secret), order),
      ).toEqual({ inA: 'ok', inB: 'NOT_FOUND' });
    }
    const runs = await gateway.db.selectFrom('runs').select('job_id').execute();
    expect(runs.map((run) => String(run.job_id))).toEqual([jobA, jobA]);
  });
});

describe('a request whose client address is unknown', () => {
  const viewer = (gateway: TestGateway, secret: string) =>
    // In-process fetch with no socket: the server cannot know the client's address.
    gateway.app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });

  it('is refused for a token with an address allowlist, never let through', async () => {
    const gateway = await createTestGateway();
    const open = await createToken(gateway, 'open', [
      { permissionSet: 'job_viewer', allProjects: true },
    ]);
    const listed = await createToken(
      gateway,
      'listed',
      [{ permissionSet: 'job_viewer', allProjects: true }],
      { allowedCidrs: ['0.0.0.0/0', '::/0'] },
    );
    expect((await viewer(gateway, open.secret)).status).toBe(200);
    const refused = await viewer(gateway, listed.secret);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as RawResponse['body']).errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ip_restricted',
    });
  });

  it('is refused when the account has IP restrictions', async () => {
    const gateway = await createTestGateway();
    await gateway.graphql(
      'mutation { createIpRestriction(input: { kind: allow, cidr: "0.0.0.0/0" }) { id } }',
      {},
      gateway.adminToken,
    );
    expect((await viewer(gateway, gateway.adminToken)).status).toBe(403);
    expect(
      (
        await gateway.graphql('{ viewer { id } }', {}, gateway.adminToken, {
          clientIp: '192.0.2.1',
        })
      ).status,
    ).toBe(200);
  });
});

describe('a union across scopes', () => {
  it('Job Viewer on every project plus Job Admin on A writes in A, and only reads elsewhere', async () => {
    const { gateway, a, jobA, jobB } = await twoProjects();
    const union = await createToken(gateway, 'union', [
      { permissionSet: 'job_viewer', allProjects: true },
      { permissionSet: 'job_admin', projectIds: [a] },
    ]);
    const rename = (id: string) =>
      gateway.graphql(
        'mutation ($id: ID!) { updateJob(id: $id, input: { name: "renamed" }) { name } }',
        { id },
        union.secret,
      );
    expect((await rename(jobA)).body.data?.updateJob).toEqual({ name: 'renamed' });
    const inB = await rename(jobB);
    expect(inB.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'jobs:write',
    });
    expect(
      (await gateway.graphql(`{ job(id: "${jobB}") { name } }`, {}, union.secret)).body.data,
    ).toEqual({ job: { name: 'build' } });
    // The same union computed directly: neither grant hides the other.
    const access = compileAccess([
      { permissionSet: 'job_viewer', projectIds: null, writableEnvironmentCategories: [] },
      { permissionSet: 'job_admin', projectIds: [1], writableEnvironmentCategories: [] },
    ]);
    expect(allowsInProject(access, 'jobs', 'write', { projectId: 1 })).toBe(true);
    expect(allowsInProject(access, 'jobs', 'write', { projectId: 2 })).toBe(false);
    expect(allowsInProject(access, 'jobs', 'read', { projectId: 2 })).toBe(true);
  });
});

describe('per-token introspection', () => {
  it('shows a read-only token no field that needs a write', async () => {
    const gateway = await createTestGateway();
    const readOnly = await createToken(gateway, 'read only', [
      { permissionSet: 'readonly', allProjects: true },
    ]);
    const response = await gateway.graphql(
      '{ __schema { mutationType { fields { name } } types { name kind fields { name } } } }',
      {},
      readOnly.secret,
    );
    expect(response.body.errors).toBeUndefined();
    const view = response.body.data!.__schema;
    // Only what needs no permission of its own: exchanging a CI identity token (open to anyone,
    // as sign-in is), a leak report, and rotating itself.
    expect(view.mutationType.fields.map((field: { name: string }) => field.name).sort()).toEqual([
      'exchangeIdentityToken',
      'revokeLeakedToken',
      'rotateServiceToken',
    ]);
    const writes: string[] = [];
    let checked = 0;
    for (const type of view.types as { name: string; fields: { name: string }[] | null }[]) {
      const full = schema.getType(type.name);
      if (!full || !isObjectType(full) || type.name.startsWith('__')) continue;
      for (const { name } of type.fields ?? []) {
        const field = full.getFields()[name]!;
        checked++;
        if (permissionNeeded(requirementOf(field))?.action === 'write')
          writes.push(`${type.name}.${name}`);
        expect(getNamedType(field.type)).toBeDefined();
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(writes).toEqual([]);
  });
});

describe('a grant with an empty project list', () => {
  const empty = {
    permissionSet: 'job_admin' as const,
    projectIds: [] as number[],
    writableEnvironmentCategories: [],
  };

  it('compiles to no access at all, never to every project', () => {
    const access = compileAccess([empty]);
    expect(access.coversEveryProject).toBe(false);
    expect(coversProject(access, 1)).toBe(false);
    expect(allowsSomewhere(access, 'jobs', 'read')).toBe(false);
    expect(allowsInProject(access, 'jobs', 'read', { projectId: 1 })).toBe(false);
    expect(readableProjects(access, 'jobs')).toEqual([]);
    // Held, it lets its holder hand out no project.
    expect(escalationOf(access, [{ ...empty, projectIds: [1] }])).toMatchObject({ projectId: 1 });
    // Handed out, it gives no project: only the set's account-level cells, which a holder of the
    // same set on any one project already has.
    expect(escalationOf(compileAccess([]), [empty])).toMatchObject({ projectId: null });
    expect(escalationOf(compileAccess([{ ...empty, projectIds: [5] }]), [empty])).toBeNull();
    expect([...compileAccess([empty]).account.keys()]).toEqual([
      ...compileAccess([{ ...empty, projectIds: [5] }]).account.keys(),
    ]);
  });

  it('is refused as input, and a grant left with no project by a deleted project reaches nothing', async () => {
    expect(normalizeGrants('enterprise', [{ permissionSet: 'job_admin', projectIds: [] }])).toEqual(
      {
        problem: expect.objectContaining({ field: 'permissions[0].projectIds' }),
      },
    );
    const { gateway, a, b, jobB } = await twoProjects();
    const scoped = await createToken(gateway, 'a only', [
      { permissionSet: 'job_admin', projectIds: [a] },
    ]);
    const deleted = await gateway.graphql(
      'mutation ($id: ID!) { deleteProject(id: $id) { id } }',
      { id: a },
      gateway.adminToken,
    );
    expect(deleted.body.errors).toBeUndefined();
    const viewer = await gateway.graphql(
      '{ viewer { grants { allProjects projectIds } } }',
      {},
      scoped.secret,
    );
    expect(viewer.body.data?.viewer.grants).toEqual([{ allProjects: false, projectIds: [] }]);
    // Projects are read nowhere, so even the list of them is refused rather than "all".
    const projects = await gateway.graphql('{ projects { totalCount } }', {}, scoped.secret);
    expect(projects.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'projects:read',
    });
    const job = await gateway.graphql(`{ job(id: "${jobB}") { id } }`, {}, scoped.secret);
    expect(errorCodes(job.body)).toEqual(['NOT_FOUND']);
    const project = await gateway.graphql(`{ project(id: "${b}") { id } }`, {}, scoped.secret);
    expect(errorCodes(project.body)).toEqual(['NOT_FOUND']);
  });
});
