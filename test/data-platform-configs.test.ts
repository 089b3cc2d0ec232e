import { describe, expect, it } from 'vitest';
import {
  CreateProjectDocument,
  DeleteDataPlatformConfigDocument,
  ProjectDataPlatformConfigDocument,
  SetDataPlatformConfigDocument,
} from '../src/client/index.js';
import { required } from './support/builders.js';
import { auditText, badField, dumpDatabase, expectNoSecret, rowCount } from './support/checks.js';
import { createTestGateway, errorCodes } from './support/helpers.js';

describe('data platform configurations', () => {
  it('are created, changed and deleted through one upsert per project', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const project = required(
      await admin.request(CreateProjectDocument, { input: { name: 'p' } }),
      'project',
    ).createProject!.id;
    expect(
      (await admin.request(ProjectDataPlatformConfigDocument, { projectId: project })).data?.project
        ?.dataPlatformConfig,
    ).toBeNull();

    const created = required(
      await admin.request(SetDataPlatformConfigDocument, {
        projectId: project,
        input: {
          adapterType: 'snowflake',
          host: 'acme.eu-central-1',
          database: 'RAW',
          warehouse: 'WH',
          role: 'DBT',
        },
      }),
      'create',
    ).setDataPlatformConfig!;
    expect(created).toMatchObject({
      adapterType: 'snowflake',
      threads: 4,
      targetName: 'default',
      port: null,
      hasPrivateKey: false,
    });

    const changed = required(
      await admin.request(SetDataPlatformConfigDocument, {
        projectId: project,
        input: { threads: 16, role: null, targetName: 'prod' },
      }),
      'update',
    ).setDataPlatformConfig!;
    expect(changed).toMatchObject({
      id: created.id,
      host: 'acme.eu-central-1',
      database: 'RAW',
      role: null,
      threads: 16,
      targetName: 'prod',
    });
    expect(await rowCount(gateway.db, 'data_platform_configs')).toBe(1);

    expect(
      (await admin.request(DeleteDataPlatformConfigDocument, { projectId: project })).data
        ?.deleteDataPlatformConfig?.id,
    ).toBe(created.id);
    expect(
      (await admin.request(ProjectDataPlatformConfigDocument, { projectId: project })).data?.project
        ?.dataPlatformConfig,
    ).toBeNull();
    expect(
      errorCodes(await admin.request(DeleteDataPlatformConfigDocument, { projectId: project })),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(
        await admin.request(SetDataPlatformConfigDocument, {
          projectId: '4444',
          input: { threads: 1 },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
  });

  it('stay one per project when two requests create at once', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const project = required(
      await admin.request(CreateProjectDocument, { input: { name: 'p' } }),
      'project',
    ).createProject!.id;
    const [first, second] = await Promise.all(
      ['redshift', 'postgres'].map((adapterType) =>
        admin.request(SetDataPlatformConfigDocument, {
          projectId: project,
          input: { adapterType: adapterType as 'redshift', host: 'db' },
        }),
      ),
    );
    expect([first!.errors, second!.errors]).toEqual([undefined, undefined]);
    expect(first!.data?.setDataPlatformConfig?.id).toBe(second!.data?.setDataPlatformConfig?.id);
    expect(await rowCount(gateway.db, 'data_platform_configs')).toBe(1);
  });

  it('refuse bad input naming the field and write nothing', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const project = required(
      await admin.request(CreateProjectDocument, { input: { name: 'p' } }),
      'project',
    ).createProject!.id;
    const refusedOnCreate: [Record<string, unknown>, string][] = [
      [{ host: 'x.example.com' }, 'input.adapterType'],
      [{ adapterType: 'postgres' }, 'input.host'],
      [{ adapterType: 'postgres', host: 'postgres://x' }, 'input.host'],
      [{ adapterType: 'postgres', host: 'x', port: -1 }, 'input.port'],
      [{ adapterType: 'postgres', host: 'x', threads: 0 }, 'input.threads'],
      [{ adapterType: 'postgres', host: 'x', threads: 65 }, 'input.threads'],
      [{ adapterType: 'postgres', host: 'x', targetName: 'has space' }, 'input.targetName'],
      [{ adapterType: 'postgres', host: 'x', privateKey: '' }, 'input.privateKey'],
      [{ adapterType: null, host: 'x' }, 'input.adapterType'],
    ];
    for (const [input, field] of refusedOnCreate) {
      expect(
        badField(await admin.request(SetDataPlatformConfigDocument, { projectId: project, input })),
        JSON.stringify(input),
      ).toBe(field);
    }
    expect(await rowCount(gateway.db, 'data_platform_configs')).toBe(0);

    required(
      await admin.request(SetDataPlatformConfigDocument, {
        projectId: project,
        input: { adapterType: 'postgres', host: 'db' },
      }),
      'create',
    );
    expect(
      badField(
        await admin.request(SetDataPlatformConfigDocument, {
          projectId: project,
          input: { threads: 100, host: 'ok' },
        }),
      ),
    ).toBe('input.threads');
    expect(
      (await admin.request(ProjectDataPlatformConfigDocument, { projectId: project })).data?.project
        ?.dataPlatformConfig,
    ).toMatchObject({
      host: 'db',
      threads: 4,
    });
  });

  it('are isolated between accounts and never give their secret back', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const other = await gateway.addAccount('Other', 'enterprise');
    const theirs = gateway.client(other.adminToken);
    const theirProject = required(
      await theirs.request(CreateProjectDocument, { input: { name: 'theirs' } }),
      'project',
    ).createProject!.id;
    required(
      await theirs.request(SetDataPlatformConfigDocument, {
        projectId: theirProject,
        input: { adapterType: 'trino', host: 't' },
      }),
      'set',
    );
    expect(
      errorCodes(
        await admin.request(ProjectDataPlatformConfigDocument, { projectId: theirProject }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(
        await admin.request(SetDataPlatformConfigDocument, {
          projectId: theirProject,
          input: { threads: 2 },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(
        await admin.request(DeleteDataPlatformConfigDocument, { projectId: theirProject }),
      ),
    ).toEqual(['NOT_FOUND']);

    const project = required(
      await admin.request(CreateProjectDocument, { input: { name: 'p' } }),
      'project',
    ).createProject!.id;
    const secret = '{"type":"service_account","private_key":"dpc-secret-Kq19"}';
    const set = await admin.request(SetDataPlatformConfigDocument, {
      projectId: project,
      input: { adapterType: 'bigquery', host: 'acme-analytics', privateKey: secret },
    });
    expect(set.data?.setDataPlatformConfig?.hasPrivateKey).toBe(true);
    const read = await admin.request(ProjectDataPlatformConfigDocument, { projectId: project });
    expectNoSecret(
      {
        api: JSON.stringify([set, read]),
        audit: await auditText(admin),
        database: await dumpDatabase(gateway.db),
      },
      ['dpc-secret-Kq19'],
    );
  });
});
