import {
  CreateGroupDocument,
  CreateServiceTokenDocument,
  GrantProjectPermissionDocument,
  type PermissionGrantInput,
  ProjectPermissionGrantsDocument,
  RevokeProjectPermissionDocument,
} from '../../../src/client/index.js';
import { required } from '../../support/builders.js';
import { type Fixture, type Location, type Operation, read, write } from '../framework.js';

async function throwawayToken(f: Fixture, permissions: PermissionGrantInput[]): Promise<string> {
  const created = await f.admin.request(CreateServiceTokenDocument, {
    input: { name: `holder ${f.unique()}`, permissions },
  });
  return required(created, 'createServiceToken').createServiceToken!.serviceToken.id;
}

/** A grant of metadata_only on the location's project only, and its grantId as the API shows it. */
async function throwawayGrant(f: Fixture, at: Location): Promise<string> {
  const projectId = f.projects[at.project];
  const tokenId = await throwawayToken(f, [
    { permissionSet: 'metadata_only', projectIds: [projectId] },
  ]);
  const listed = required(
    await f.admin.request(ProjectPermissionGrantsDocument, { projectId }),
    'permissionGrants',
  );
  return listed.project!.permissionGrants.find(
    (grant) => grant.holder.kind === 'SERVICE_TOKEN' && grant.holder.id === tokenId,
  )!.grantId;
}

// Granting metadata_only needs what it hands out: metadata read on the project (no escalation).
export const projectPermissionOperations: Operation[] = [
  {
    name: 'project.permissionGrants',
    where: 'project',
    requires: [read('projects'), read('permissions')],
    run: (f, at) =>
      f.token.request(ProjectPermissionGrantsDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'grantProjectPermission (token)',
    where: 'project',
    requires: [write('permissions'), read('metadata')],
    run: async (f, at) =>
      f.token.request(GrantProjectPermissionDocument, {
        projectId: f.projects[at.project],
        input: {
          serviceTokenId: await throwawayToken(f, [
            { permissionSet: 'readonly', allProjects: true },
          ]),
          permissionSet: 'metadata_only',
        },
      }),
  },
  {
    name: 'grantProjectPermission (group)',
    where: 'project',
    requires: [write('permissions'), read('metadata')],
    run: async (f, at) => {
      const group = required(
        await f.admin.request(CreateGroupDocument, { input: { name: `holder ${f.unique()}` } }),
        'createGroup',
      );
      return f.token.request(GrantProjectPermissionDocument, {
        projectId: f.projects[at.project],
        input: { groupId: group.createGroup.id, permissionSet: 'metadata_only' },
      });
    },
  },
  {
    name: 'revokeProjectPermission',
    where: 'project',
    requires: [write('permissions')],
    run: async (f, at) =>
      f.token.request(RevokeProjectPermissionDocument, {
        projectId: f.projects[at.project],
        grantId: await throwawayGrant(f, at),
      }),
  },
];
