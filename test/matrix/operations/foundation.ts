import {
  CreateProjectDocument,
  CreateServiceTokenDocument,
  DeleteProjectDocument,
  PermissionSetsDocument,
  ProjectDocument,
  ProjectsDocument,
  RenameServiceTokenDocument,
  RevokeServiceTokenDocument,
  ServiceTokenDocument,
  ServiceTokensDocument,
  UpdateProjectDocument,
  ViewerDocument,
} from '../../../src/client/index.js';
import { required } from '../fixture.js';
import type { Fixture, Operation } from '../framework.js';

async function throwawayToken(f: Fixture): Promise<string> {
  const created = await f.admin.request(CreateServiceTokenDocument, {
    input: { name: `throwaway ${f.unique()}`, permissions: [{ permissionSet: 'metadata_only', allProjects: true }] },
  });
  return required(created, 'createServiceToken').createServiceToken!.serviceToken.id;
}

export const foundationOperations: Operation[] = [
  { name: 'viewer', where: 'account', requires: [], run: (f) => f.token.request(ViewerDocument) },
  { name: 'permissionSets', where: 'account', requires: [], run: (f) => f.token.request(PermissionSetsDocument, {}) },
  {
    name: 'projects',
    where: 'account',
    requires: [{ resource: 'projects', action: 'read' }],
    run: (f) => f.token.request(ProjectsDocument, {}),
  },
  {
    name: 'project',
    where: 'project',
    requires: [{ resource: 'projects', action: 'read' }],
    run: (f, at) => f.token.request(ProjectDocument, { id: f.projects[at.project] }),
  },
  {
    name: 'updateProject',
    where: 'project',
    requires: [{ resource: 'projects', action: 'write' }],
    run: (f, at) => f.token.request(UpdateProjectDocument, { id: f.projects[at.project], input: { description: f.unique() } }),
  },
  {
    name: 'createProject',
    where: 'account',
    requires: [{ resource: 'project_creation', action: 'write' }],
    run: (f) => f.token.request(CreateProjectDocument, { input: { name: `made ${f.unique()}` } }),
  },
  {
    name: 'serviceTokens',
    where: 'account',
    requires: [{ resource: 'service_tokens', action: 'read' }],
    run: (f) => f.token.request(ServiceTokensDocument, {}),
  },
  {
    name: 'serviceToken',
    where: 'account',
    requires: [{ resource: 'service_tokens', action: 'read' }],
    run: async (f) => f.token.request(ServiceTokenDocument, { id: await throwawayToken(f) }),
  },
  {
    name: 'createServiceToken',
    where: 'account',
    requires: [{ resource: 'service_tokens', action: 'write' }],
    run: (f) =>
      f.token.request(CreateServiceTokenDocument, {
        input: { name: `made ${f.unique()}`, permissions: [{ permissionSet: 'metadata_only', projectIds: [f.projects.A] }] },
      }),
  },
  {
    name: 'renameServiceToken',
    where: 'account',
    requires: [{ resource: 'service_tokens', action: 'write' }],
    run: async (f) => f.token.request(RenameServiceTokenDocument, { id: await throwawayToken(f), name: 'renamed' }),
  },
  {
    name: 'revokeServiceToken',
    where: 'account',
    requires: [{ resource: 'service_tokens', action: 'write' }],
    run: async (f) => f.token.request(RevokeServiceTokenDocument, { id: await throwawayToken(f) }),
  },
  {
    name: 'deleteProject',
    where: 'project',
    requires: [{ resource: 'projects', action: 'write' }],
    // A project of the grant cannot be made on the fly, so this one deletes the case's own.
    last: true,
    run: (f, at) => f.token.request(DeleteProjectDocument, { id: f.projects[at.project] }),
  },
];
