import { describe, expect, it } from 'vitest';
import {
  CreateProjectDocument,
  CreateServiceTokenDocument,
  DeleteProjectDocument,
  ProjectDocument,
  ProjectsDocument,
  UpdateProjectDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { createTestGateway, errorCodes, manualClock } from './support/helpers.js';

describe('projects', () => {
  it('round-trips create, read, update and delete', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const admin = gateway.client(gateway.adminToken);

    const created = (
      await admin.request(CreateProjectDocument, {
        input: { name: ' Analytics ', description: 'dbt' },
      })
    ).data!.createProject!;
    expect(created).toMatchObject({ name: 'Analytics', description: 'dbt' });
    clock.advance(60_000);
    const updated = await admin.request(UpdateProjectDocument, {
      id: created.id,
      input: { name: 'Analytics v2' },
    });
    expect(updated.data?.updateProject).toMatchObject({ name: 'Analytics v2', description: 'dbt' });

    const read = (await admin.request(ProjectDocument, { id: created.id })).data!.project!;
    expect(read.createdAt).toBe('2026-11-27T12:00:00.000Z');
    expect(read.updatedAt).toBe('2026-11-27T12:01:00.000Z');

    expect(
      (await admin.request(DeleteProjectDocument, { id: created.id })).data?.deleteProject?.name,
    ).toBe('Analytics v2');
    expect(errorCodes(await admin.request(ProjectDocument, { id: created.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await admin.request(DeleteProjectDocument, { id: created.id }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('refuses bad input with BAD_USER_INPUT and writes nothing', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const first = (await admin.request(CreateProjectDocument, { input: { name: 'dup' } })).data!
      .createProject!;
    const other = (await admin.request(CreateProjectDocument, { input: { name: 'other' } })).data!
      .createProject!;

    for (const response of [
      await admin.request(CreateProjectDocument, { input: { name: 'dup' } }),
      await admin.request(CreateProjectDocument, { input: { name: '   ' } }),
      await admin.request(CreateProjectDocument, { input: { name: 'x'.repeat(256) } }),
      await admin.request(UpdateProjectDocument, { id: other.id, input: { name: 'dup' } }),
      await admin.request(UpdateProjectDocument, { id: other.id, input: { name: '' } }),
      await admin.request(ProjectDocument, { id: 'abc' }),
      await admin.request(ProjectDocument, { id: '-1' }),
    ]) {
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    const names = (await admin.request(ProjectsDocument, {})).data!.projects!.edges.map(
      (edge) => edge.node.name,
    );
    expect(names).toEqual([first.name, other.name]);
    expect(errorCodes(await admin.request(ProjectDocument, { id: '999999' }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('are isolated between accounts: foreign ids are NOT_FOUND and lists never show them', async () => {
    const gateway = await createTestGateway();
    const mine = gateway.client(gateway.adminToken);
    const other = await gateway.addAccount('Other', 'team');
    const theirs = gateway.client(other.adminToken);
    const theirProject = (
      await theirs.request(CreateProjectDocument, { input: { name: 'secret' } })
    ).data!.createProject!;
    await mine.request(CreateProjectDocument, { input: { name: 'ours' } });

    expect(errorCodes(await mine.request(ProjectDocument, { id: theirProject.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      errorCodes(
        await mine.request(UpdateProjectDocument, { id: theirProject.id, input: { name: 'x' } }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await mine.request(DeleteProjectDocument, { id: theirProject.id }))).toEqual([
      'NOT_FOUND',
    ]);
    const listed = (await mine.request(ProjectsDocument, {})).data!.projects!;
    expect(listed.edges.map((edge) => edge.node.name)).toEqual(['ours']);
    expect(listed.totalCount).toBe(1);
    expect(
      (await theirs.request(ProjectDocument, { id: theirProject.id })).data?.project?.name,
    ).toBe('secret');
    expect((await mine.request(ViewerDocument)).data?.viewer.account.name).toBe('Acme');
  });

  it('deleting a project removes it from grants that named it', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const a = (await admin.request(CreateProjectDocument, { input: { name: 'a' } })).data!
      .createProject!.id;
    const b = (await admin.request(CreateProjectDocument, { input: { name: 'b' } })).data!
      .createProject!.id;
    const { token } = (
      await admin.request(CreateServiceTokenDocument, {
        input: {
          name: 'scoped',
          permissions: [{ permissionSet: 'job_admin', projectIds: [a, b] }],
        },
      })
    ).data!.createServiceToken!;
    await admin.request(DeleteProjectDocument, { id: a });
    const viewer = (await gateway.client(token).request(ViewerDocument)).data!.viewer;
    expect(viewer.grants[0]!.projectIds).toEqual([b]);
    const visible = (
      await gateway.client(token).request(ProjectsDocument, {})
    ).data!.projects!.edges.map((edge) => edge.node.id);
    expect(visible).toEqual([b]);
  });
});
