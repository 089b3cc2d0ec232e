import { describe, expect, it } from 'vitest';
import {
  AddGroupMemberDocument,
  CreateGroupDocument,
  CreateProjectDocument,
  DeleteGroupDocument,
  GroupDocument,
  GroupMembersDocument,
  GroupsDocument,
  MemberGroupsDocument,
  type PermissionGrantInput,
  RemoveGroupMemberDocument,
  ServiceTokensDocument,
  UpdateGroupDocument,
} from '../src/client/index.js';
import { required, tokenWith } from './support/builders.js';
import { addMember, lastAuditEntry, rowCounts } from './support/checks.js';
import { createTestGateway, errorCodes, type TestGateway } from './support/helpers.js';

const groupTables = ['groups', 'group_grants', 'group_grant_projects', 'group_members'] as const;

async function project(
  gateway: TestGateway,
  name: string,
  token = gateway.adminToken,
): Promise<string> {
  return required(
    await gateway.client(token).request(CreateProjectDocument, { input: { name } }),
    'project',
  ).createProject!.id;
}

describe('groups', () => {
  it('round-trip with grants under the service-token rules, members, and deletion', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const analytics = await project(gateway, 'analytics');
    const created = await admin.request(CreateGroupDocument, {
      input: {
        name: ' Analysts ',
        permissions: [
          {
            permissionSet: 'analyst',
            projectIds: [analytics, analytics],
            writableEnvironmentCategories: ['staging', 'development'],
          },
          { permissionSet: 'account_viewer' },
        ],
      },
    });
    const group = created.data!.createGroup;
    expect(group).toMatchObject({
      name: 'Analysts',
      grants: [
        {
          permissionSet: { id: 'analyst' },
          allProjects: false,
          projectIds: [analytics],
          writableEnvironmentCategories: ['development', 'staging'],
        },
        {
          permissionSet: { id: 'account_viewer' },
          allProjects: true,
          projectIds: [],
          writableEnvironmentCategories: [],
        },
      ],
    });
    expect(JSON.parse((await lastAuditEntry(gateway.db)).details)).toMatchObject({
      name: 'Analysts',
      permissions: [{ permissionSet: 'analyst' }, { projectIds: 'all' }],
    });

    const ada = await addMember(gateway, 'ada@example.com');
    const bob = await addMember(gateway, 'bob@example.com');
    await admin.request(AddGroupMemberDocument, { groupId: group.id, memberId: String(ada.id) });
    await admin.request(AddGroupMemberDocument, { groupId: group.id, memberId: String(bob.id) });
    await admin.request(AddGroupMemberDocument, { groupId: group.id, memberId: String(bob.id) });
    expect(
      (await admin.request(GroupMembersDocument, { id: group.id })).data?.group?.members.map(
        (member) => member.email,
      ),
    ).toEqual(['ada@example.com', 'bob@example.com']);
    await admin.request(RemoveGroupMemberDocument, { groupId: group.id, memberId: String(ada.id) });
    expect(
      (await admin.request(MemberGroupsDocument, { id: String(ada.id) })).data?.member?.groups,
    ).toEqual([]);
    const notIn = await admin.request(RemoveGroupMemberDocument, {
      groupId: group.id,
      memberId: String(ada.id),
    });
    expect(errorCodes(notIn)).toEqual(['BAD_USER_INPUT']);

    const updated = await admin.request(UpdateGroupDocument, {
      id: group.id,
      input: {
        name: 'Readers',
        permissions: [{ permissionSet: 'stakeholder', allProjects: true }],
      },
    });
    expect(updated.data?.updateGroup).toMatchObject({
      name: 'Readers',
      grants: [{ permissionSet: { id: 'stakeholder' }, allProjects: true }],
    });
    expect(JSON.parse((await lastAuditEntry(gateway.db)).details).permissions.before).toHaveLength(
      2,
    );
    const renamedOnly = await admin.request(UpdateGroupDocument, {
      id: group.id,
      input: { name: 'Stakeholders' },
    });
    expect(renamedOnly.data?.updateGroup.grants).toHaveLength(1);

    const listed = await admin.request(GroupsDocument, {});
    expect(listed.data?.groups.edges.map((edge) => edge.node.name)).toEqual(['Stakeholders']);
    await admin.request(DeleteGroupDocument, { id: group.id });
    expect(errorCodes(await admin.request(GroupDocument, { id: group.id }))).toEqual(['NOT_FOUND']);
    expect(await rowCounts(gateway.db, groupTables)).toEqual({
      groups: 0,
      group_grants: 0,
      group_grant_projects: 0,
      group_members: 0,
    });
  });

  it('refuse bad names and bad grants naming the field, writing nothing', async () => {
    const gateway = await createTestGateway({ plan: 'team' });
    const other = await gateway.addAccount('Globex', 'enterprise');
    const admin = gateway.client(gateway.adminToken);
    const analytics = await project(gateway, 'analytics');
    const theirs = await project(gateway, 'theirs', other.adminToken);
    required(await admin.request(CreateGroupDocument, { input: { name: 'Taken' } }), 'group');
    const before = await rowCounts(gateway.db, groupTables);

    const refusals: [string, PermissionGrantInput[], string][] = [
      ['  ', [], 'input.name'],
      ['Taken', [], 'input.name'],
      [
        'G',
        [{ permissionSet: 'analyst', projectIds: [analytics] }],
        'input.permissions[0].permissionSet',
      ], // not on team plans
      ['G', [{ permissionSet: 'job_admin' }], 'input.permissions[0].projectIds'],
      [
        'G',
        [{ permissionSet: 'account_admin', projectIds: [analytics] }],
        'input.permissions[0].projectIds',
      ],
      [
        'G',
        [{ permissionSet: 'job_admin', projectIds: ['9999'] }],
        'input.permissions[0].projectIds',
      ],
      [
        'G',
        [{ permissionSet: 'job_admin', projectIds: [theirs] }],
        'input.permissions[0].projectIds',
      ],
      ['G', [{ permissionSet: 'job_admin', projectIds: ['x'] }], 'input.permissions[0].projectIds'],
      [
        'G',
        [
          { permissionSet: 'member', allProjects: true },
          {
            permissionSet: 'job_admin',
            allProjects: true,
            writableEnvironmentCategories: ['staging'],
          },
        ],
        'input.permissions[1].writableEnvironmentCategories',
      ],
    ];
    for (const [name, permissions, field] of refusals) {
      const response = await admin.request(CreateGroupDocument, { input: { name, permissions } });
      expect(errorCodes(response), `${name} ${JSON.stringify(permissions)}`).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(
        response.errors?.[0]?.extensions?.field,
        `${name} ${JSON.stringify(permissions)}`,
      ).toBe(field);
    }
    const taken = required(
      await admin.request(CreateGroupDocument, { input: { name: 'Other' } }),
      'group',
    ).createGroup;
    const renamed = await admin.request(UpdateGroupDocument, {
      id: taken.id,
      input: { name: 'Taken' },
    });
    expect(renamed.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
    });
    expect(await rowCounts(gateway.db, groupTables)).toEqual({
      ...before,
      groups: before.groups! + 1,
    });
  });

  it('hand out no more than the caller holds, and change nothing for service tokens', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const analytics = await project(gateway, 'analytics');
    const security = (await tokenWith(gateway, [{ permissionSet: 'security_admin' }])).client;

    // A security admin manages groups, but cannot put in a group what it does not hold itself
    // (job_admin reads connections, account-wide, which security_admin does not).
    const escalating = await security.request(CreateGroupDocument, {
      input: {
        name: 'Job admins',
        permissions: [{ permissionSet: 'job_admin', projectIds: [analytics] }],
      },
    });
    expect(escalating.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'connections:read',
    });
    expect(await rowCounts(gateway.db, ['groups'])).toEqual({ groups: 0 });
    const own = await security.request(CreateGroupDocument, {
      input: { name: 'Security', permissions: [{ permissionSet: 'security_admin' }] },
    });
    expect(own.errors).toBeUndefined();
    expect((await lastAuditEntry(gateway.db)).outcome).toBe('success');

    // A grant the group already has may stay when someone else edits the group...
    const admins = required(
      await admin.request(CreateGroupDocument, {
        input: { name: 'Admins', permissions: [{ permissionSet: 'account_admin' }] },
      }),
      'group',
    ).createGroup;
    const kept = await security.request(UpdateGroupDocument, {
      id: admins.id,
      input: {
        name: 'Owners',
        permissions: [{ permissionSet: 'account_admin' }, { permissionSet: 'security_admin' }],
      },
    });
    expect(kept.errors).toBeUndefined();
    // ...but a new one beyond the caller is refused and nothing changes.
    const added = await security.request(UpdateGroupDocument, {
      id: admins.id,
      input: {
        permissions: [{ permissionSet: 'account_admin' }, { permissionSet: 'billing_admin' }],
      },
    });
    expect(added.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'billing:read',
    });
    expect(
      (await admin.request(GroupDocument, { id: admins.id })).data?.group?.grants.map(
        (grant) => grant.permissionSet.id,
      ),
    ).toEqual(['account_admin', 'security_admin']);
    expect(await lastAuditEntry(gateway.db)).toMatchObject({
      action: 'updateGroup',
      outcome: 'denied',
    });

    // Group grants describe people; the security admin token still cannot write service tokens.
    expect(errorCodes(await security.request(ServiceTokensDocument, {}))).toEqual([]);
    const write = await gateway.graphql(
      'mutation { revokeServiceToken(id: "1") { id } }',
      {},
      (await tokenWith(gateway, [{ permissionSet: 'security_admin' }])).secret,
    );
    expect(errorCodes(write.body)).toEqual(['FORBIDDEN']);
  });

  it('of other accounts are NOT_FOUND and never listed', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    const theirs = required(
      await gateway
        .client(other.adminToken)
        .request(CreateGroupDocument, { input: { name: 'Theirs' } }),
      'group',
    ).createGroup;
    const admin = gateway.client(gateway.adminToken);
    const ada = await addMember(gateway, 'ada@example.com');
    expect(errorCodes(await admin.request(GroupDocument, { id: theirs.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await admin.request(GroupMembersDocument, { id: theirs.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      errorCodes(
        await admin.request(UpdateGroupDocument, { id: theirs.id, input: { name: 'Mine' } }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await admin.request(DeleteGroupDocument, { id: theirs.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      errorCodes(
        await admin.request(AddGroupMemberDocument, {
          groupId: theirs.id,
          memberId: String(ada.id),
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect((await admin.request(GroupsDocument, {})).data?.groups.totalCount).toBe(0);
    expect(await rowCounts(gateway.db, ['groups', 'group_members'])).toEqual({
      groups: 1,
      group_members: 0,
    });
  });
});

describe('group lists', () => {
  it('load grants, members and their groups in a fixed number of queries however many groups there are', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const analytics = await project(gateway, 'analytics');
    const addGroups = async (from: number, count: number) => {
      for (let index = from; index < from + count; index++) {
        const group = required(
          await admin.request(CreateGroupDocument, {
            input: {
              name: `g${index}`,
              permissions: [{ permissionSet: 'job_viewer', projectIds: [analytics] }],
            },
          }),
          'group',
        ).createGroup;
        const member = await addMember(gateway, `m${index}@example.com`);
        await admin.request(AddGroupMemberDocument, {
          groupId: group.id,
          memberId: String(member.id),
        });
      }
    };
    const query =
      '{ groups { edges { node { name grants { permissionSet { id } projectIds } members { email groups { name } } } } } }';
    const measure = async () => {
      gateway.queries.length = 0;
      const response = await gateway.graphql(query, {}, gateway.adminToken);
      expect(response.body.errors).toBeUndefined();
      return { queries: gateway.queries.length, groups: response.body.data!.groups.edges.length };
    };
    await addGroups(0, 2);
    const few = await measure();
    await addGroups(2, 8);
    const many = await measure();
    expect(many.groups).toBe(10);
    expect(many.queries).toBe(few.queries);
  });
});
