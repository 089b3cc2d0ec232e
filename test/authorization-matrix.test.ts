import { expect, it } from 'vitest';
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
  type PermissionSetId,
  type TollgateResponse,
} from '../src/client/index.js';
import { createTestGateway } from './helpers.js';
import { describeWithShared } from './shared.js';
import { specAssignments, specCell, type SpecSet } from './spec.js';

type Outcome = 'allowed' | `FORBIDDEN ${string}` | 'NOT_FOUND';

/** What the spec says a token holding only `set` gets for `resource`/`action`. */
function expected(set: SpecSet, resource: string, action: 'read' | 'write', onOtherProject = false): Outcome {
  if (onOtherProject && set.level === 'project') return 'NOT_FOUND';
  const cell = specCell(resource, set.id);
  const allowed = action === 'read' ? cell !== '-' : cell === 'W';
  return allowed ? 'allowed' : `FORBIDDEN ${resource}:${action}`;
}

function outcome(response: TollgateResponse<unknown>): Outcome | string {
  const error = response.errors?.[0];
  if (!error) return response.data ? 'allowed' : 'no data and no error';
  const code = error.extensions?.code;
  if (code === 'FORBIDDEN') return `FORBIDDEN ${error.extensions?.requiredPermission}`;
  return String(code);
}

describeWithShared('authorization matrix: every permission set × every foundation field', () => {
  const assignments = specAssignments();

  it('covers every assignable set on both plans', () => {
    // 20 sets on enterprise, 5 on team (readonly and stakeholder share a column but are both tested).
    expect(assignments).toHaveLength(25);
  });

  it.each(assignments.map(({ set, plan }) => [set.id, plan, set] as const))('%s on the %s plan', async (_id, plan, set) => {
    const gateway = await createTestGateway({ plan });
    const admin = gateway.client(gateway.adminToken);
    const projectA = (await admin.request(CreateProjectDocument, { input: { name: 'A' } })).data!.createProject!.id;
    const projectB = (await admin.request(CreateProjectDocument, { input: { name: 'B' } })).data!.createProject!.id;
    const onA = set.level === 'project' ? { projectIds: [projectA] } : {};
    const created = await admin.request(CreateServiceTokenDocument, {
      input: { name: `only ${set.id}`, permissions: [{ permissionSet: set.id as PermissionSetId, ...onA }] },
    });
    expect(created.errors).toBeUndefined();
    const token = gateway.client(created.data!.createServiceToken!.token);
    const other = (
      await admin.request(CreateServiceTokenDocument, {
        input: { name: 'other', permissions: [{ permissionSet: 'metadata_only', allProjects: true }] },
      })
    ).data!.createServiceToken!.serviceToken.id;

    const results: Record<string, [actual: string, expected: Outcome]> = {};
    const check = async (name: string, response: Promise<TollgateResponse<unknown>>, want: Outcome) => {
      results[name] = [outcome(await response), want];
    };

    await check('viewer', token.request(ViewerDocument), 'allowed');
    await check('permissionSets', token.request(PermissionSetsDocument, {}), 'allowed');

    const projects = await token.request(ProjectsDocument, {});
    results.projects = [outcome(projects), expected(set, 'projects', 'read')];
    if (projects.data?.projects) {
      const visible = projects.data.projects.edges.map((edge) => edge.node.id);
      results['projects: which'] = [visible.join(','), (set.level === 'account' ? [projectA, projectB] : [projectA]).join(',') as Outcome];
    }
    await check('project(A)', token.request(ProjectDocument, { id: projectA }), expected(set, 'projects', 'read'));
    await check('project(B)', token.request(ProjectDocument, { id: projectB }), expected(set, 'projects', 'read', true));
    await check(
      'updateProject(A)',
      token.request(UpdateProjectDocument, { id: projectA, input: { description: 'changed' } }),
      expected(set, 'projects', 'write'),
    );
    await check(
      'updateProject(B)',
      token.request(UpdateProjectDocument, { id: projectB, input: { description: 'changed' } }),
      expected(set, 'projects', 'write', true),
    );
    await check('createProject', token.request(CreateProjectDocument, { input: { name: 'C' } }), expected(set, 'project_creation', 'write'));

    await check('serviceTokens', token.request(ServiceTokensDocument, {}), expected(set, 'service_tokens', 'read'));
    await check('serviceToken', token.request(ServiceTokenDocument, { id: other }), expected(set, 'service_tokens', 'read'));
    await check(
      'createServiceToken',
      token.request(CreateServiceTokenDocument, {
        input: { name: 'made by it', permissions: [{ permissionSet: 'metadata_only', projectIds: [projectA] }] },
      }),
      expected(set, 'service_tokens', 'write'),
    );
    await check(
      'renameServiceToken',
      token.request(RenameServiceTokenDocument, { id: other, name: 'renamed' }),
      expected(set, 'service_tokens', 'write'),
    );
    await check('revokeServiceToken', token.request(RevokeServiceTokenDocument, { id: other }), expected(set, 'service_tokens', 'write'));

    await check('deleteProject(B)', token.request(DeleteProjectDocument, { id: projectB }), expected(set, 'projects', 'write', true));
    await check('deleteProject(A)', token.request(DeleteProjectDocument, { id: projectA }), expected(set, 'projects', 'write'));

    const mismatches = Object.entries(results).filter(([, [actual, want]]) => actual !== want);
    expect(Object.fromEntries(mismatches)).toEqual({});
    expect(Object.keys(results).length).toBeGreaterThanOrEqual(15);
  });
});
