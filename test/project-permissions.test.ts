import { describe, expect, it } from 'vitest';
import {
  CreateGroupDocument,
  CreateProjectDocument,
  GrantProjectPermissionDocument,
  type GrantProjectPermissionInput,
  GroupDocument,
  ProjectDocument,
  ProjectPermissionGrantsDocument,
  RevokeProjectPermissionDocument,
  RevokeServiceTokenDocument,
} from '../src/client/index.js';
import { required, tokenWith } from './support/builders.js';
import { lastAuditEntry, rowCounts } from './support/checks.js';
import { createTestGateway, errorCodes, type TestGateway } from './support/helpers.js';

const grantTables = [
  'service_token_grants',
  'service_token_grant_projects',
  'group_grants',
  'group_grant_projects',
] as const;

async function setUp(gateway: TestGateway) {
  const admin = gateway.client(gateway.adminToken);
  const project = async (name: string) =>
    required(await admin.request(CreateProjectDocument, { input: { name } }), 'project')
      .createProject!.id;
  return { admin, first: await project('first'), second: await project('second') };
}

async function grantsOn(gateway: TestGateway, projectId: string) {
  const listed = required(
    await gateway
      .client(gateway.adminToken)
      .request(ProjectPermissionGrantsDocument, { projectId }),
    'grants',
  );
  return listed.project!.permissionGrants;
}

describe('project permissions', () => {
  it('list which tokens and groups hold which sets on a project, grants on every project included', async () => {
    const gateway = await createTestGateway();
    const { admin, first, second } = await setUp(gateway);
    const other = await gateway.addAccount('Globex', 'enterprise');
    await tokenWith(gateway, [{ permissionSet: 'job_admin', projectIds: [first] }], 'ci');
    await tokenWith(
      gateway,
      [
        {
          permissionSet: 'analyst',
          projectIds: [first, second],
          writableEnvironmentCategories: ['staging'],
        },
      ],
      'dev',
    );
    const revoked = await tokenWith(
      gateway,
      [{ permissionSet: 'job_viewer', projectIds: [first] }],
      'old',
    );
    await admin.request(RevokeServiceTokenDocument, { id: revoked.id });
    await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [second] }], 'elsewhere');
    await admin.request(CreateGroupDocument, {
      input: {
        name: 'Readers',
        permissions: [{ permissionSet: 'stakeholder', allProjects: true }],
      },
    });
    await admin.request(CreateGroupDocument, {
      input: {
        name: 'Second only',
        permissions: [{ permissionSet: 'job_viewer', projectIds: [second] }],
      },
    });
    await gateway.client(other.adminToken).request(CreateGroupDocument, {
      input: { name: 'Theirs', permissions: [{ permissionSet: 'admin', allProjects: true }] },
    });

    const grants = await grantsOn(gateway, first);
    expect(
      grants.map((grant) => [
        grant.holder.kind,
        grant.holder.name,
        grant.permissionSet.id,
        grant.allProjects,
        grant.writableEnvironmentCategories,
      ]),
    ).toEqual([
      ['SERVICE_TOKEN', 'Bootstrap admin', 'account_admin', true, []],
      ['SERVICE_TOKEN', 'ci', 'job_admin', false, []],
      ['SERVICE_TOKEN', 'dev', 'analyst', false, ['staging']],
      ['GROUP', 'Readers', 'stakeholder', true, []],
    ]);
    expect(grants.every((grant) => /^(token|group)-grant-\d+$/.test(grant.grantId))).toBe(true);
    expect(new Set(grants.map((grant) => grant.grantId)).size).toBe(grants.length);

    // Another account's project is not found, and its holders never appear here.
    const theirProject = required(
      await gateway
        .client(other.adminToken)
        .request(CreateProjectDocument, { input: { name: 'x' } }),
      'p',
    ).createProject!.id;
    expect(
      errorCodes(await admin.request(ProjectPermissionGrantsDocument, { projectId: theirProject })),
    ).toEqual(['NOT_FOUND']);
  });

  it('grant to a token takes effect on its next request, and revoking takes it away', async () => {
    const gateway = await createTestGateway();
    const { admin, first, second } = await setUp(gateway);
    const outsider = await tokenWith(
      gateway,
      [{ permissionSet: 'metadata_only', projectIds: [second] }],
      'outsider',
    );
    expect(errorCodes(await outsider.client.request(ProjectDocument, { id: first }))).toEqual([
      'NOT_FOUND',
    ]);

    const granted = await admin.request(GrantProjectPermissionDocument, {
      projectId: first,
      input: { serviceTokenId: outsider.id, permissionSet: 'job_viewer' },
    });
    expect(granted.data?.grantProjectPermission).toMatchObject({
      holder: { kind: 'SERVICE_TOKEN', id: outsider.id, name: 'outsider' },
      permissionSet: { id: 'job_viewer' },
      allProjects: false,
    });
    expect((await outsider.client.request(ProjectDocument, { id: first })).data?.project?.id).toBe(
      first,
    );

    const entry = await lastAuditEntry(gateway.db);
    expect(entry).toMatchObject({
      action: 'grantProjectPermission',
      outcome: 'success',
      target_type: 'ServiceToken',
      target_id: outsider.id,
      project_id: Number(first),
    });
    expect(JSON.parse(entry.details)).toEqual({
      grantId: granted.data!.grantProjectPermission.grantId,
      permissionSet: 'job_viewer',
      before: [
        {
          permissionSet: 'metadata_only',
          projectIds: [Number(second)],
          writableEnvironmentCategories: [],
        },
      ],
      after: [
        {
          permissionSet: 'metadata_only',
          projectIds: [Number(second)],
          writableEnvironmentCategories: [],
        },
        {
          permissionSet: 'job_viewer',
          projectIds: [Number(first)],
          writableEnvironmentCategories: [],
        },
      ],
    });

    // A second project joins the same grant rather than adding a twin; granting it again is refused.
    const again = await admin.request(GrantProjectPermissionDocument, {
      projectId: second,
      input: { serviceTokenId: outsider.id, permissionSet: 'job_viewer' },
    });
    expect(again.data?.grantProjectPermission.grantId).toBe(
      granted.data!.grantProjectPermission.grantId,
    );
    const twice = await admin.request(GrantProjectPermissionDocument, {
      projectId: second,
      input: { serviceTokenId: outsider.id, permissionSet: 'job_viewer' },
    });
    expect(twice.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.permissionSet',
    });

    const revoked = await admin.request(RevokeProjectPermissionDocument, {
      projectId: first,
      grantId: granted.data!.grantProjectPermission.grantId,
    });
    expect(revoked.data?.revokeProjectPermission.permissionSet.id).toBe('job_viewer');
    expect(errorCodes(await outsider.client.request(ProjectDocument, { id: first }))).toEqual([
      'NOT_FOUND',
    ]);
    expect((await outsider.client.request(ProjectDocument, { id: second })).data?.project?.id).toBe(
      second,
    );

    // Taking out the last project deletes the grant.
    await admin.request(RevokeProjectPermissionDocument, {
      projectId: second,
      grantId: granted.data!.grantProjectPermission.grantId,
    });
    const left = await gateway.db
      .selectFrom('service_token_grants')
      .select('permission_set')
      .where('service_token_id', '=', Number(outsider.id))
      .execute();
    expect(left).toEqual([{ permission_set: 'metadata_only' }]);
  });

  it('grant to and revoke from groups', async () => {
    const gateway = await createTestGateway();
    const { admin, first } = await setUp(gateway);
    const group = required(
      await admin.request(CreateGroupDocument, { input: { name: 'Developers' } }),
      'group',
    ).createGroup;
    const granted = required(
      await admin.request(GrantProjectPermissionDocument, {
        projectId: first,
        input: {
          groupId: group.id,
          permissionSet: 'developer',
          writableEnvironmentCategories: ['development', 'staging'],
        },
      }),
      'grant',
    ).grantProjectPermission;
    expect(granted).toMatchObject({
      holder: { kind: 'GROUP', id: group.id, name: 'Developers' },
      writableEnvironmentCategories: ['development', 'staging'],
    });
    expect((await admin.request(GroupDocument, { id: group.id })).data?.group?.grants).toEqual([
      {
        permissionSet: { id: 'developer' },
        allProjects: false,
        projectIds: [first],
        writableEnvironmentCategories: ['development', 'staging'],
      },
    ]);
    expect((await lastAuditEntry(gateway.db)).target_type).toBe('Group');
    await admin.request(RevokeProjectPermissionDocument, {
      projectId: first,
      grantId: granted.grantId,
    });
    expect((await admin.request(GroupDocument, { id: group.id })).data?.group?.grants).toEqual([]);
  });

  it('refuse bad input naming the field, writing nothing', async () => {
    const gateway = await createTestGateway();
    const { admin, first } = await setUp(gateway);
    const other = await gateway.addAccount('Globex', 'enterprise');
    const theirs = await tokenWith({ ...gateway, adminToken: other.adminToken }, [
      { permissionSet: 'job_viewer', allProjects: true },
    ]);
    const target = await tokenWith(gateway, [
      { permissionSet: 'metadata_only', allProjects: true },
    ]);
    const gone = await tokenWith(gateway, [{ permissionSet: 'metadata_only', allProjects: true }]);
    await admin.request(RevokeServiceTokenDocument, { id: gone.id });
    const before = await rowCounts(gateway.db, grantTables);

    const refusals: [GrantProjectPermissionInput, string, string][] = [
      [
        { serviceTokenId: target.id, permissionSet: 'account_viewer' },
        'BAD_USER_INPUT',
        'input.permissionSet',
      ],
      [{ permissionSet: 'job_viewer' }, 'BAD_USER_INPUT', 'input.serviceTokenId'],
      [
        { serviceTokenId: target.id, groupId: '1', permissionSet: 'job_viewer' },
        'BAD_USER_INPUT',
        'input.serviceTokenId',
      ],
      [
        {
          serviceTokenId: target.id,
          permissionSet: 'job_admin',
          writableEnvironmentCategories: ['staging'],
        },
        'BAD_USER_INPUT',
        'input.writableEnvironmentCategories',
      ],
      [
        { serviceTokenId: gone.id, permissionSet: 'job_viewer' },
        'BAD_USER_INPUT',
        'input.serviceTokenId',
      ],
      [
        { serviceTokenId: 'x', permissionSet: 'job_viewer' },
        'BAD_USER_INPUT',
        'input.serviceTokenId',
      ],
      [{ serviceTokenId: theirs.id, permissionSet: 'job_viewer' }, 'NOT_FOUND', ''],
      [{ groupId: '9999', permissionSet: 'job_viewer' }, 'NOT_FOUND', ''],
    ];
    for (const [input, code, field] of refusals) {
      const response = await admin.request(GrantProjectPermissionDocument, {
        projectId: first,
        input,
      });
      expect(errorCodes(response), JSON.stringify(input)).toEqual([code]);
      if (field) expect(response.errors?.[0]?.extensions?.field, JSON.stringify(input)).toBe(field);
    }
    expect(
      errorCodes(
        await admin.request(GrantProjectPermissionDocument, {
          projectId: '9999',
          input: { serviceTokenId: target.id, permissionSet: 'job_viewer' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);

    // The plan's rules apply as for service tokens.
    const team = await createTestGateway({ plan: 'team' });
    const teamProject = (await setUp(team)).first;
    const teamToken = await tokenWith(team, [{ permissionSet: 'readonly', allProjects: true }]);
    const notOnTeam = await team.client(team.adminToken).request(GrantProjectPermissionDocument, {
      projectId: teamProject,
      input: { serviceTokenId: teamToken.id, permissionSet: 'analyst' },
    });
    expect(notOnTeam.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.permissionSet',
    });

    const revokes: [string, string, string][] = [
      ['not-a-grant', 'BAD_USER_INPUT', 'grantId'],
      ['token-grant-1', 'BAD_USER_INPUT', 'grantId'], // the bootstrap admin's grant covers every project
      ['token-grant-9999', 'NOT_FOUND', ''],
      [
        `token-grant-${(await gateway.db.selectFrom('service_token_grants').select('id').where('service_token_id', '=', Number(theirs.id)).executeTakeFirstOrThrow()).id}`,
        'NOT_FOUND',
        '',
      ],
    ];
    for (const [grantId, code, field] of revokes) {
      const response = await admin.request(RevokeProjectPermissionDocument, {
        projectId: first,
        grantId,
      });
      expect(errorCodes(response), grantId).toEqual([code]);
      if (field) expect(response.errors?.[0]?.extensions?.field).toBe(field);
    }
    expect(await rowCounts(gateway.db, grantTables)).toEqual(before);
  });

  it('refuse to grant more than the caller holds', async () => {
    const gateway = await createTestGateway();
    const { first, second } = await setUp(gateway);
    const holder = await tokenWith(
      gateway,
      [{ permissionSet: 'metadata_only', allProjects: true }],
      'holder',
    );
    const before = await rowCounts(gateway.db, grantTables);

    // security_admin may write permissions, but holds nothing of what job_viewer reads in a project.
    const security = await tokenWith(gateway, [{ permissionSet: 'security_admin' }]);
    const refused = await security.client.request(GrantProjectPermissionDocument, {
      projectId: first,
      input: { serviceTokenId: holder.id, permissionSet: 'job_viewer' },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'custom_env_vars:read',
      projectId: first,
    });
    expect(await lastAuditEntry(gateway.db)).toMatchObject({
      action: 'grantProjectPermission',
      outcome: 'denied',
      project_id: Number(first),
    });

    // An admin of one project hands out what it holds there, and cannot reach another project.
    const projectAdmin = await tokenWith(gateway, [
      { permissionSet: 'admin', projectIds: [first] },
    ]);
    const allowed = await projectAdmin.client.request(GrantProjectPermissionDocument, {
      projectId: first,
      input: {
        serviceTokenId: holder.id,
        permissionSet: 'analyst',
        writableEnvironmentCategories: ['all'],
      },
    });
    expect(allowed.errors).toBeUndefined();
    expect(
      errorCodes(
        await projectAdmin.client.request(GrantProjectPermissionDocument, {
          projectId: second,
          input: { serviceTokenId: holder.id, permissionSet: 'job_viewer' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    // A job admin may not touch permissions at all.
    const jobAdmin = await tokenWith(gateway, [{ permissionSet: 'job_admin', allProjects: true }]);
    const noWrite = await jobAdmin.client.request(GrantProjectPermissionDocument, {
      projectId: first,
      input: { serviceTokenId: holder.id, permissionSet: 'job_viewer' },
    });
    expect(noWrite.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'permissions:write',
    });

    const after = await rowCounts(gateway.db, grantTables);
    // Only the admin's analyst grant was added: one grant row and its project (the tokens made
    // for this test add their own rows).
    expect(after.service_token_grants).toBe(before.service_token_grants! + 3 + 1);
    expect(after.service_token_grant_projects).toBe(before.service_token_grant_projects! + 1 + 1);
  });
});

describe('permission grants in project lists', () => {
  it('load in a fixed number of queries however many projects there are', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const query =
      '{ projects { edges { node { id permissionGrants { grantId holder { name } } } } } }';
    const addProjects = async (from: number, count: number) => {
      for (let index = from; index < from + count; index++) {
        const id = required(
          await admin.request(CreateProjectDocument, { input: { name: `p${index}` } }),
          'project',
        ).createProject!.id;
        await tokenWith(gateway, [{ permissionSet: 'job_viewer', projectIds: [id] }], `t${index}`);
      }
    };
    const measure = async () => {
      gateway.queries.length = 0;
      const response = await gateway.graphql(query, {}, gateway.adminToken);
      expect(response.body.errors).toBeUndefined();
      return {
        queries: gateway.queries.length,
        projects: response.body.data!.projects.edges.length,
      };
    };
    await addProjects(0, 2);
    const few = await measure();
    await addProjects(2, 8);
    const many = await measure();
    expect(many.projects).toBe(10);
    expect(many.queries).toBe(few.queries);
  });
});
