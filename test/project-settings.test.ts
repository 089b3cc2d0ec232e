import { describe, expect, it } from 'vitest';
import {
  CreateConnectionDocument,
  CreateProjectDocument,
  CreateRepositoryDocument,
  CreateServiceTokenDocument,
  ProjectDocument,
  ProjectLinksDocument,
  UpdateProjectSettingsDocument,
} from '../src/client/index.js';
import { required } from './support/builders.js';
import { badField, rowCount } from './support/checks.js';
import {
  createTestGateway,
  document,
  errorCodes,
  manualClock,
  type TestGateway,
} from './support/helpers.js';

async function setUp(gateway: TestGateway, name = 'analytics') {
  const admin = gateway.client(gateway.adminToken);
  const project = required(
    await admin.request(CreateProjectDocument, { input: { name } }),
    'project',
  ).createProject!.id;
  const repository = required(
    await admin.request(CreateRepositoryDocument, {
      input: { projectId: project, gitUrl: `git@github.com:acme/${name}.git` },
    }),
    'repository',
  ).createRepository!.id;
  const connection = required(
    await admin.request(CreateConnectionDocument, {
      input: {
        name: `${name} warehouse`,
        adapterType: 'redshift',
        host: 'rs.example.com',
        port: 5439,
      },
    }),
    'connection',
  ).createConnection!.id;
  return { admin, project, repository, connection };
}

describe('project settings', () => {
  it('link a repository and a connection, set the subdirectory, and unlink with null', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const { admin, project, repository, connection } = await setUp(gateway);

    expect(
      (await admin.request(ProjectLinksDocument, { id: project })).data?.project,
    ).toMatchObject({
      dbtProjectSubdirectory: '',
      repository: null,
      connection: null,
    });
    clock.advance(5000);
    const updated = required(
      await admin.request(UpdateProjectSettingsDocument, {
        id: project,
        input: {
          repositoryId: repository,
          connectionId: connection,
          dbtProjectSubdirectory: ' transform/dbt/ ',
        },
      }),
      'update',
    ).updateProjectSettings!;
    expect(updated).toMatchObject({
      dbtProjectSubdirectory: 'transform/dbt',
      updatedAt: '2026-11-27T12:00:05.000Z',
    });
    expect(
      (await admin.request(ProjectLinksDocument, { id: project })).data?.project,
    ).toMatchObject({
      repository: { id: repository, gitUrl: 'git@github.com:acme/analytics.git' },
      connection: { id: connection, adapterType: 'redshift' },
    });

    // Fields left out stay; null unlinks.
    required(
      await admin.request(UpdateProjectSettingsDocument, {
        id: project,
        input: { connectionId: null },
      }),
      'unlink',
    );
    expect(
      (await admin.request(ProjectLinksDocument, { id: project })).data?.project,
    ).toMatchObject({
      dbtProjectSubdirectory: 'transform/dbt',
      repository: { id: repository },
      connection: null,
    });
    expect(
      errorCodes(
        await admin.request(UpdateProjectSettingsDocument, {
          id: '77777',
          input: { dbtProjectSubdirectory: 'x' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
  });

  it('refuse bad input naming the field and write nothing', async () => {
    const gateway = await createTestGateway();
    const { admin, project, repository } = await setUp(gateway);
    const other = await setUp(gateway, 'other');

    const refusals: [Record<string, unknown>, string][] = [
      [{ dbtProjectSubdirectory: '../outside' }, 'input.dbtProjectSubdirectory'],
      [{ dbtProjectSubdirectory: '/absolute' }, 'input.dbtProjectSubdirectory'],
      [{ dbtProjectSubdirectory: 'a//b' }, 'input.dbtProjectSubdirectory'],
      [{ dbtProjectSubdirectory: 'a/./b' }, 'input.dbtProjectSubdirectory'],
      [{ dbtProjectSubdirectory: 'has space' }, 'input.dbtProjectSubdirectory'],
      [{ repositoryId: other.repository }, 'input.repositoryId'],
      [{ repositoryId: '999999' }, 'input.repositoryId'],
      [{ repositoryId: 'x' }, 'input.repositoryId'],
      [{ connectionId: '999999' }, 'input.connectionId'],
      // One bad field refuses the whole change, the good ones included.
      [{ repositoryId: repository, dbtProjectSubdirectory: '..' }, 'input.dbtProjectSubdirectory'],
    ];
    for (const [input, field] of refusals) {
      expect(
        badField(await admin.request(UpdateProjectSettingsDocument, { id: project, input })),
        JSON.stringify(input),
      ).toBe(field);
    }
    expect(await rowCount(gateway.db, 'project_settings')).toBe(0);
    expect(
      (await admin.request(ProjectLinksDocument, { id: project })).data?.project,
    ).toMatchObject({ repository: null, dbtProjectSubdirectory: '' });
  });

  it('check each link for the object reached: a token reads the project but not what it does not hold', async () => {
    const gateway = await createTestGateway();
    const { admin, project, repository, connection } = await setUp(gateway);
    required(
      await admin.request(UpdateProjectSettingsDocument, {
        id: project,
        input: { repositoryId: repository, connectionId: connection },
      }),
      'link',
    );
    const viewer = gateway.client(
      required(
        await admin.request(CreateServiceTokenDocument, {
          input: { name: 'viewer', permissions: [{ permissionSet: 'account_viewer' }] },
        }),
        'token',
      ).createServiceToken!.token,
    );
    // Account Viewer: projects and repositories read, connections nothing.
    const walked = await viewer.request(ProjectLinksDocument, { id: project });
    expect(
      walked.errors?.map((error) => [error.path?.join('.'), error.extensions?.requiredPermission]),
    ).toEqual([['project.connection', 'connections:read']]);
    expect(walked.data?.project?.repository?.id).toBe(repository);
    expect(
      errorCodes(
        await viewer.request(UpdateProjectSettingsDocument, {
          id: project,
          input: { connectionId: null },
        }),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(await rowCount(gateway.db, 'project_settings')).toBe(1);
    expect((await admin.request(ProjectDocument, { id: project })).data?.project?.id).toBe(project);
  });

  it('load links in batches: the number of queries does not grow with the number of projects', async () => {
    const gateway = await createTestGateway();
    const listing = document(
      '{ projects { edges { node { id dbtProjectSubdirectory repository { id gitUrl } connection { id name } } } } }',
    );
    const admin = gateway.client(gateway.adminToken);
    const queriesFor = async () => {
      gateway.queries.length = 0;
      const response = await admin.request(listing);
      expect(response.errors).toBeUndefined();
      return { count: gateway.queries.length, projects: response.data.projects.edges.length };
    };
    for (const name of ['a', 'b']) {
      const { project, repository, connection } = await setUp(gateway, name);
      required(
        await admin.request(UpdateProjectSettingsDocument, {
          id: project,
          input: { repositoryId: repository, connectionId: connection },
        }),
        'link',
      );
    }
    const few = await queriesFor();
    for (const name of ['c', 'd', 'e', 'f']) {
      const { project, repository, connection } = await setUp(gateway, name);
      required(
        await admin.request(UpdateProjectSettingsDocument, {
          id: project,
          input: { repositoryId: repository, connectionId: connection },
        }),
        'link',
      );
    }
    const many = await queriesFor();
    expect([few.projects, many.projects]).toEqual([2, 6]);
    expect(many.count).toBe(few.count);
  });
});
