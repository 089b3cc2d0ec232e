import { describe, expect, it } from 'vitest';
import {
  CreateServiceTokenDocument,
  DevelopSessionDocument,
  EndDevelopSessionDocument,
  type PermissionSetId,
  ProjectDevelopSessionsDocument,
  StartDevelopSessionDocument,
} from '../src/client/index.js';
import { projectWithEnvironments, required } from './support/builders.js';
import { badField, rowCount } from './support/checks.js';
import { createTestGateway, errorCodes, manualClock, type TestGateway } from './support/helpers.js';

async function tokenOf(gateway: TestGateway, permissionSet: PermissionSetId, projectIds: string[]) {
  const admin = gateway.client(gateway.adminToken);
  const created = required(
    await admin.request(CreateServiceTokenDocument, {
      input: { name: permissionSet, permissions: [{ permissionSet, projectIds }] },
    }),
    'token',
  );
  return {
    client: gateway.client(created.createServiceToken!.token),
    id: created.createServiceToken!.serviceToken.id,
  };
}

describe('develop sessions', () => {
  it('start on a branch in a development environment, end once, and list newest first', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const { project, development } = await projectWithEnvironments(gateway);
    const developer = await tokenOf(gateway, 'developer', [project]);

    const first = required(
      await developer.client.request(StartDevelopSessionDocument, {
        projectId: project,
        input: { environmentId: development, branch: 'feature/orders' },
      }),
      'start',
    ).startDevelopSession!;
    expect(first).toMatchObject({
      branch: 'feature/orders',
      environmentId: development,
      active: true,
      endedAt: null,
      startedByTokenId: developer.id,
    });
    clock.advance(60_000);
    const second = required(
      await developer.client.request(StartDevelopSessionDocument, {
        projectId: project,
        input: { environmentId: development, branch: 'main' },
      }),
      'start',
    ).startDevelopSession!;
    const ended = required(
      await developer.client.request(EndDevelopSessionDocument, { id: first.id }),
      'end',
    ).endDevelopSession!;
    expect(ended).toMatchObject({ active: false, endedAt: '2026-11-27T12:01:00.000Z' });
    expect(
      badField(await developer.client.request(EndDevelopSessionDocument, { id: first.id })),
    ).toBe('id');

    const all = (
      await developer.client.request(ProjectDevelopSessionsDocument, { projectId: project })
    ).data!.project!.developSessions!;
    expect(all.edges.map((edge) => edge.node.id)).toEqual([second.id, first.id]);
    const active = (
      await developer.client.request(ProjectDevelopSessionsDocument, {
        projectId: project,
        activeOnly: true,
      })
    ).data!.project!.developSessions!;
    expect([active.totalCount, active.edges[0]?.node.id]).toEqual([1, second.id]);
    expect(
      (await developer.client.request(DevelopSessionDocument, { id: second.id })).data
        ?.developSession?.branch,
    ).toBe('main');
  });

  it('refuse deployment environments, other projects and bad branches, writing nothing', async () => {
    const gateway = await createTestGateway();
    const { admin, project, development, production } = await projectWithEnvironments(gateway);
    const elsewhere = await projectWithEnvironments(gateway, 'elsewhere');
    const refusals: [Record<string, string>, string][] = [
      [{ environmentId: production, branch: 'main' }, 'input.environmentId'],
      [{ environmentId: elsewhere.development, branch: 'main' }, 'input.environmentId'],
      [{ environmentId: '31337', branch: 'main' }, 'input.environmentId'],
      [{ environmentId: development, branch: '' }, 'input.branch'],
      [{ environmentId: development, branch: 'bad branch' }, 'input.branch'],
      [{ environmentId: development, branch: 'a~1' }, 'input.branch'],
    ];
    for (const [input, field] of refusals) {
      expect(
        badField(
          await admin.request(StartDevelopSessionDocument, {
            projectId: project,
            input: input as never,
          }),
        ),
        JSON.stringify(input),
      ).toBe(field);
    }
    expect(await rowCount(gateway.db, 'develop_sessions')).toBe(0);
    expect(errorCodes(await admin.request(DevelopSessionDocument, { id: '5' }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await admin.request(EndDevelopSessionDocument, { id: '5' }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('are only for sets that may develop: reading needs develop too, and other projects and accounts are NOT_FOUND', async () => {
    const gateway = await createTestGateway();
    const { admin, project, development } = await projectWithEnvironments(gateway);
    const session = required(
      await admin.request(StartDevelopSessionDocument, {
        projectId: project,
        input: { environmentId: development, branch: 'main' },
      }),
      'start',
    ).startDevelopSession!;
    // Job Admin reads and writes most of the project, but has no develop cell at all.
    const jobAdmin = await tokenOf(gateway, 'job_admin', [project]);
    for (const response of [
      await jobAdmin.client.request(DevelopSessionDocument, { id: session.id }),
      await jobAdmin.client.request(ProjectDevelopSessionsDocument, { projectId: project }),
    ]) {
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        requiredPermission: 'develop:read',
      });
    }
    const refused = await jobAdmin.client.request(StartDevelopSessionDocument, {
      projectId: project,
      input: { environmentId: development, branch: 'x' },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'develop:write',
    });

    const elsewhere = await projectWithEnvironments(gateway, 'elsewhere');
    const analystElsewhere = await tokenOf(gateway, 'analyst', [elsewhere.project]);
    expect(
      errorCodes(await analystElsewhere.client.request(DevelopSessionDocument, { id: session.id })),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(
        await analystElsewhere.client.request(EndDevelopSessionDocument, { id: session.id }),
      ),
    ).toEqual(['NOT_FOUND']);

    const other = await gateway.addAccount('Other', 'enterprise');
    expect(
      errorCodes(
        await gateway.client(other.adminToken).request(DevelopSessionDocument, { id: session.id }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      (await admin.request(DevelopSessionDocument, { id: session.id })).data?.developSession
        ?.active,
    ).toBe(true);
  });
});
