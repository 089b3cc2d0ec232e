import { describe, expect, it } from 'vitest';
import { builders } from '../support/builders.js';
import { createTestGateway } from '../support/helpers.js';
import { restClient } from './support.js';

// The dbt Labs Terraform provider's exact sequence for a dbtcloud_service_token: create it with
// name and state only, set its permissions, read it and its permissions, rename it, delete it
// (after which it reads as state 2, which the provider takes for "gone").

describe('service tokens as the Terraform provider manages them', () => {
  it('create → permissions → read → rename → delete', async () => {
    const gateway = await createTestGateway();
    const build = builders(gateway.client(gateway.adminToken));
    const project = await build.project('analytics');
    const call = restClient(gateway, gateway.adminToken);
    const base = `/api/v3/accounts/${gateway.account.id}/service-tokens`;

    const created = await call('POST', `${base}/`, {
      account_id: gateway.account.id,
      name: 'terraform',
      state: 1,
    });
    expect(created.status).toBe(201);
    const token = created.body.data;
    expect(token).toMatchObject({ name: 'terraform', state: 1, account_id: gateway.account.id });
    expect(token.token_string).toMatch(/^tgs_/);
    expect(token.uid).toBe(`tgs_…${token.token_string.slice(-4)}`);

    // With no permissions yet, the new token can do nothing.
    const bare = restClient(gateway, token.token_string);
    expect((await bare('GET', `/api/v2/accounts/${gateway.account.id}/projects/`)).status).toBe(
      403,
    );

    const permissions = [
      {
        account_id: gateway.account.id,
        service_token_id: token.id,
        permission_set: 'git_admin',
        all_projects: true,
      },
      {
        account_id: gateway.account.id,
        service_token_id: token.id,
        permission_set: 'job_admin',
        all_projects: false,
        project_id: Number(project),
      },
      {
        permission_set: 'developer',
        all_projects: true,
        writable_environment_categories: ['development', 'staging'],
      },
    ];
    const set = await call('POST', `${base}/${token.id}/permissions/`, permissions);
    expect(set.status).toBe(200);
    const expected = [
      {
        permission_set: 'git_admin',
        all_projects: true,
        project_id: null,
        writable_environment_categories: [],
      },
      {
        permission_set: 'job_admin',
        all_projects: false,
        project_id: Number(project),
        writable_environment_categories: [],
      },
      {
        permission_set: 'developer',
        all_projects: true,
        project_id: null,
        writable_environment_categories: ['development', 'staging'],
      },
    ];
    const comparable = (list: Record<string, unknown>[]) =>
      list
        .map(
          ({
            permission_set,
            all_projects,
            project_id,
            writable_environment_categories,
            service_token_id,
          }) => {
            expect(service_token_id).toBe(token.id);
            return { permission_set, all_projects, project_id, writable_environment_categories };
          },
        )
        .sort((x, y) => String(x.permission_set).localeCompare(String(y.permission_set)));
    expect(comparable(set.body.data)).toEqual(
      comparable(expected.map((p) => ({ ...p, service_token_id: token.id }))),
    );

    const read = await call('GET', `${base}/${token.id}/`);
    expect(read.body.data).toMatchObject({ id: token.id, name: 'terraform', state: 1 });
    expect(read.body.data).not.toHaveProperty('token_string');
    const readPermissions = await call('GET', `${base}/${token.id}/permissions/`);
    expect(comparable(readPermissions.body.data)).toEqual(comparable(set.body.data));
    // The permissions are real: the token now sees the project.
    expect(
      (await bare('GET', `/api/v2/accounts/${gateway.account.id}/projects/`)).body.data,
    ).toHaveLength(1);

    const renamed = await call('POST', `${base}/${token.id}/`, {
      id: token.id,
      account_id: gateway.account.id,
      uid: token.uid,
      name: 'terraform (renamed)',
      state: 1,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: 'terraform (renamed)', state: 1 });

    const listed = await call('GET', `${base}/?state=1`);
    expect(listed.body.data.map((t: { name: string }) => t.name)).toEqual([
      'Bootstrap admin',
      'terraform (renamed)',
    ]);

    const deleted = await call('DELETE', `${base}/${token.id}/`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data.state).toBe(2);
    expect((await call('GET', `${base}/${token.id}/`)).body.data.state).toBe(2);
    expect((await call('GET', `${base}/?state=1`)).body.data).toHaveLength(1);
    expect(
      (await call('GET', `${base}/?state=2`)).body.data.map((t: { id: number }) => t.id),
    ).toEqual([token.id]);
    expect((await bare('GET', '/api/v2/accounts/')).status).toBe(401);
  });

  it('creates with permission_grants in one call; refuses grants beyond its own like the admin API', async () => {
    const gateway = await createTestGateway();
    const build = builders(gateway.client(gateway.adminToken));
    const project = await build.project('analytics');
    const call = restClient(gateway, gateway.adminToken);
    const base = `/api/v3/accounts/${gateway.account.id}/service-tokens/`;
    const created = await call('POST', base, {
      name: 'ci',
      permission_grants: [{ permission_set: 'job_admin', project_id: Number(project) }],
    });
    expect(created.status).toBe(201);
    expect(created.body.data.permissions).toMatchObject([
      { permission_set: 'job_admin', project_id: Number(project), all_projects: false },
    ]);

    // A token administrator that holds only job_admin on the project cannot hand out more.
    const limited = await build.token([{ permissionSet: 'account_admin' }]);
    const jobAdminOnly = await build.token([{ permissionSet: 'job_admin', projectIds: [project] }]);
    const asJobAdmin = restClient(gateway, jobAdminOnly.token);
    const refused = await asJobAdmin('POST', base, { name: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.body.status.developer_message).toContain(
      'requiredPermission=service_tokens:write',
    );
    const unknownSet = await restClient(gateway, limited.token)('POST', base, {
      name: 'y',
      permission_grants: [{ permission_set: 'no_such_set', all_projects: true }],
    });
    expect(unknownSet.status).toBe(400);
    expect(unknownSet.body.data).toBeNull();
  });
});
