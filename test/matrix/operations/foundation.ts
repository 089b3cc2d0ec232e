import {
  AddServiceTokenGrantsDocument,
  CanDocument,
  CreateProjectDocument,
  CreateServiceTokenDocument,
  DeleteProjectDocument,
  PermissionSetsDocument,
  ProjectDocument,
  ProjectsDocument,
  RemoveServiceTokenGrantsDocument,
  RenameServiceTokenDocument,
  RevokeLeakedTokenDocument,
  RevokeServiceTokenDocument,
  RotateServiceTokenDocument,
  ServiceTokenDocument,
  ServiceTokenPolicyDocument,
  ServiceTokensDocument,
  SetServiceTokenAllowedCidrsDocument,
  SetServiceTokenGrantsDocument,
  UpdateProjectDocument,
  UpdateServiceTokenPolicyDocument,
  ViewerDocument,
  ViewerLifecycleDocument,
} from '../../../src/client/index.js';
import { required } from '../../support/builders.js';
import { type Fixture, type Operation, write } from '../framework.js';

async function throwaway(f: Fixture) {
  const created = await f.admin.request(CreateServiceTokenDocument, {
    input: {
      name: `throwaway ${f.unique()}`,
      permissions: [
        { permissionSet: 'metadata_only', allProjects: true },
        { permissionSet: 'job_admin', projectIds: [f.projects.A] },
      ],
    },
  });
  return required(created, 'createServiceToken').createServiceToken!;
}

async function throwawayToken(f: Fixture): Promise<string> {
  return (await throwaway(f)).serviceToken.id;
}

const tokensWrite = [write('service_tokens')];

export const foundationOperations: Operation[] = [
  { name: 'viewer', where: 'account', requires: [], run: (f) => f.token.request(ViewerDocument) },
  {
    name: 'permissionSets',
    where: 'account',
    requires: [],
    run: (f) => f.token.request(PermissionSetsDocument, {}),
  },
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
    run: (f, at) =>
      f.token.request(UpdateProjectDocument, {
        id: f.projects[at.project],
        input: { description: f.unique() },
      }),
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
        input: {
          name: `made ${f.unique()}`,
          permissions: [{ permissionSet: 'metadata_only', projectIds: [f.projects.A] }],
        },
      }),
  },
  {
    name: 'renameServiceToken',
    where: 'account',
    requires: [{ resource: 'service_tokens', action: 'write' }],
    run: async (f) =>
      f.token.request(RenameServiceTokenDocument, { id: await throwawayToken(f), name: 'renamed' }),
  },
  {
    name: 'revokeServiceToken',
    where: 'account',
    requires: [{ resource: 'service_tokens', action: 'write' }],
    run: async (f) => f.token.request(RevokeServiceTokenDocument, { id: await throwawayToken(f) }),
  },
  {
    name: 'viewer (lifecycle)',
    where: 'account',
    requires: [],
    run: (f) => f.token.request(ViewerLifecycleDocument),
  },
  {
    name: 'viewer.can',
    where: 'account',
    requires: [],
    run: (f) =>
      f.token.request(CanDocument, {
        resource: 'jobs',
        action: 'write',
        projectId: f.projects.A,
        environmentCategory: 'staging',
      }),
  },
  {
    name: 'serviceTokenPolicy',
    where: 'account',
    requires: [{ resource: 'service_tokens', action: 'read' }],
    run: (f) => f.token.request(ServiceTokenPolicyDocument),
  },
  {
    name: 'updateServiceTokenPolicy',
    where: 'account',
    requires: tokensWrite,
    run: (f) => f.token.request(UpdateServiceTokenPolicyDocument, { maxLifetimeSeconds: null }),
  },
  {
    name: 'rotateServiceToken (another)',
    where: 'account',
    requires: tokensWrite,
    run: async (f) =>
      f.token.request(RotateServiceTokenDocument, {
        id: await throwawayToken(f),
        graceSeconds: 60,
      }),
  },
  {
    name: 'rotateServiceToken (itself)',
    where: 'account',
    // Any token may rotate itself. The case's client keeps its secret: the grace window covers
    // the rest of the case.
    requires: [],
    audited: true,
    run: (f) => f.token.request(RotateServiceTokenDocument, { id: f.tokenId, graceSeconds: 3600 }),
  },
  {
    name: 'addServiceTokenGrants',
    where: 'account',
    requires: tokensWrite,
    run: async (f) =>
      f.token.request(AddServiceTokenGrantsDocument, {
        id: await throwawayToken(f),
        permissions: [{ permissionSet: 'readonly', projectIds: [f.projects.A] }],
      }),
  },
  {
    name: 'removeServiceTokenGrants',
    where: 'account',
    requires: tokensWrite,
    run: async (f) => {
      const { serviceToken } = await throwaway(f);
      return f.token.request(RemoveServiceTokenGrantsDocument, {
        id: serviceToken.id,
        grantIds: [serviceToken.grants[1]!.id],
      });
    },
  },
  {
    name: 'setServiceTokenGrants',
    where: 'account',
    requires: tokensWrite,
    run: async (f) =>
      f.token.request(SetServiceTokenGrantsDocument, {
        id: await throwawayToken(f),
        permissions: [{ permissionSet: 'metadata_only', projectIds: [f.projects.B] }],
      }),
  },
  {
    name: 'setServiceTokenAllowedCidrs',
    where: 'account',
    requires: tokensWrite,
    run: async (f) =>
      f.token.request(SetServiceTokenAllowedCidrsDocument, {
        id: await throwawayToken(f),
        allowedCidrs: ['10.0.0.0/8'],
      }),
  },
  {
    name: 'revokeLeakedToken (public)',
    where: 'account',
    requires: [],
    run: async (f) =>
      f.token.request(RevokeLeakedTokenDocument, { token: (await throwaway(f)).token }),
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
