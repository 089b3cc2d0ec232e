import { describe, expect, it } from 'vitest';
import type { Grant } from '../src/catalog/access.js';
import { effectivePermissions } from '../src/catalog/explain.js';
import {
  CreateGroupDocument,
  CreateServiceTokenDocument,
  GrantProjectPermissionDocument,
  SetServiceTokenGrantsDocument,
  UpdateGroupDocument,
} from '../src/client/index.js';
import { builders, required } from './support/builders.js';
import { createTestGateway } from './support/helpers.js';

const grant = (
  permissionSet: Grant['permissionSet'],
  projectIds: number[] | null,
  writable: Grant['writableEnvironmentCategories'] = [],
): Grant => ({
  permissionSet,
  projectIds,
  writableEnvironmentCategories: writable,
});

describe('effectivePermissions (catalog)', () => {
  it('lists account-level resources once, project-level ones on every project and per project', () => {
    const entries = effectivePermissions([
      grant('account_viewer', null),
      grant('analyst', [7], ['staging', 'production']),
    ]);
    expect(entries.filter((entry) => entry.resource === 'audit_logs')).toEqual([
      {
        resource: 'audit_logs',
        projectId: null,
        read: true,
        write: false,
        writableEnvironmentCategories: [],
      },
    ]);
    // account_viewer reads jobs on every project; analyst on project 7 adds category write there.
    expect(entries.filter((entry) => entry.resource === 'jobs')).toEqual([
      {
        resource: 'jobs',
        projectId: null,
        read: true,
        write: false,
        writableEnvironmentCategories: [],
      },
      {
        resource: 'jobs',
        projectId: 7,
        read: true,
        write: false,
        writableEnvironmentCategories: ['staging', 'production'],
      },
    ]);
    expect(entries.some((entry) => entry.resource === 'webhooks')).toBe(false);
  });

  it('lists no categories where the grants write everywhere', () => {
    const entries = effectivePermissions([
      grant('job_admin', [3]),
      grant('analyst', [3], ['staging']),
    ]);
    expect(entries.find((entry) => entry.resource === 'runs' && entry.projectId === 3)).toEqual({
      resource: 'runs',
      projectId: 3,
      read: true,
      write: true,
      writableEnvironmentCategories: [],
    });
  });
});

describe('grants in the audit log', () => {
  it('are recorded in one format for tokens, groups and project permissions', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const project = await builders(admin).project('analytics');
    const projectId = Number(project);
    const details = async (action: string) => {
      const row = await gateway.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', action)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      return JSON.parse(row.details);
    };
    const analystOnProject = {
      permissionSet: 'analyst',
      projectIds: [projectId],
      writableEnvironmentCategories: ['staging'],
    };
    const viewerEverywhere = {
      permissionSet: 'job_viewer',
      projectIds: 'all',
      writableEnvironmentCategories: [],
    };

    const token = required(
      await admin.request(CreateServiceTokenDocument, {
        input: {
          name: 'ci',
          permissions: [
            {
              permissionSet: 'analyst',
              projectIds: [project],
              writableEnvironmentCategories: ['staging'],
            },
            { permissionSet: 'job_viewer', allProjects: true },
          ],
        },
      }),
      'createServiceToken',
    ).createServiceToken!.serviceToken;
    expect(await details('createServiceToken')).toEqual({
      name: 'ci',
      permissions: [analystOnProject, viewerEverywhere],
      expiresAt: null,
    });

    required(
      await admin.request(SetServiceTokenGrantsDocument, {
        id: token.id,
        permissions: [{ permissionSet: 'job_viewer', allProjects: true }],
      }),
      'set',
    );
    expect(await details('setServiceTokenGrants')).toEqual({
      before: [analystOnProject, viewerEverywhere],
      after: [viewerEverywhere],
    });

    const group = required(
      await admin.request(CreateGroupDocument, {
        input: {
          name: 'Readers',
          permissions: [{ permissionSet: 'job_viewer', allProjects: true }],
        },
      }),
      'createGroup',
    ).createGroup;
    expect(await details('createGroup')).toEqual({
      name: 'Readers',
      permissions: [viewerEverywhere],
    });

    required(
      await admin.request(UpdateGroupDocument, {
        id: group.id,
        input: {
          permissions: [
            {
              permissionSet: 'analyst',
              projectIds: [project],
              writableEnvironmentCategories: ['staging'],
            },
          ],
        },
      }),
      'updateGroup',
    );
    expect((await details('updateGroup')).permissions).toEqual({
      before: [viewerEverywhere],
      after: [analystOnProject],
    });

    required(
      await admin.request(GrantProjectPermissionDocument, {
        projectId: project,
        input: { groupId: group.id, permissionSet: 'job_viewer' },
      }),
      'grantProjectPermission',
    );
    expect((await details('grantProjectPermission')).after).toEqual([
      analystOnProject,
      { permissionSet: 'job_viewer', projectIds: [projectId], writableEnvironmentCategories: [] },
    ]);
  });
});
