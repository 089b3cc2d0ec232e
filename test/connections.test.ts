import { describe, expect, it } from 'vitest';
import {
  ConnectionDocument,
  ConnectionsDocument,
  CreateConnectionDocument,
  type CreateConnectionInput,
  CreateProjectDocument,
  CreateServiceTokenDocument,
  DeleteConnectionDocument,
  ProjectLinksDocument,
  UpdateConnectionDocument,
  UpdateProjectSettingsDocument,
} from '../src/client/index.js';
import { required } from './support/builders.js';
import { auditText, badField, dumpDatabase, expectNoSecret, rowCount } from './support/checks.js';
import { createTestGateway, errorCodes, manualClock } from './support/helpers.js';

const snowflake: CreateConnectionInput = {
  name: 'Snowflake prod',
  adapterType: 'snowflake',
  host: 'acme-eu.eu-west-1',
  database: 'ANALYTICS',
  warehouse: 'TRANSFORMING',
  role: 'TRANSFORMER',
  oauthClientId: 'client-123',
};

describe('connections', () => {
  it('round-trip create, read, list, update and delete', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const admin = gateway.client(gateway.adminToken);

    const created = required(
      await admin.request(CreateConnectionDocument, {
        input: { ...snowflake, name: ' Snowflake prod ' },
      }),
      'create',
    ).createConnection!;
    expect(created).toMatchObject({
      ...snowflake,
      port: null,
      hasOauthClientSecret: false,
      hasPrivateKey: false,
    });
    clock.advance(1000);
    const updated = required(
      await admin.request(UpdateConnectionDocument, {
        id: created.id,
        input: { warehouse: null, port: 443, oauthClientSecret: 's3cr3t-value' },
      }),
      'update',
    ).updateConnection!;
    expect(updated).toMatchObject({
      warehouse: null,
      port: 443,
      database: 'ANALYTICS',
      hasOauthClientSecret: true,
    });
    expect(updated.updatedAt).not.toBe(created.updatedAt);

    const second = required(
      await admin.request(CreateConnectionDocument, {
        input: { name: 'Postgres', adapterType: 'postgres', host: 'db.internal', port: 5432 },
      }),
      'create',
    ).createConnection!;
    const listed = (await admin.request(ConnectionsDocument, { first: 1 })).data!.connections!;
    expect(listed.totalCount).toBe(2);
    expect(listed.edges.map((edge) => edge.node.id)).toEqual([created.id]);
    const next = (await admin.request(ConnectionsDocument, { after: listed.pageInfo.endCursor }))
      .data!.connections!;
    expect(next.edges.map((edge) => edge.node.name)).toEqual(['Postgres']);

    const removedSecret = required(
      await admin.request(UpdateConnectionDocument, {
        id: created.id,
        input: { oauthClientSecret: null },
      }),
      'update',
    );
    expect(removedSecret.updateConnection!.hasOauthClientSecret).toBe(false);

    expect(
      (await admin.request(DeleteConnectionDocument, { id: second.id })).data?.deleteConnection
        ?.name,
    ).toBe('Postgres');
    expect(errorCodes(await admin.request(ConnectionDocument, { id: second.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await admin.request(DeleteConnectionDocument, { id: second.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      errorCodes(
        await admin.request(UpdateConnectionDocument, { id: '424242', input: { name: 'x' } }),
      ),
    ).toEqual(['NOT_FOUND']);
  });

  it('refuse bad input naming the field and write nothing', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const existing = required(
      await admin.request(CreateConnectionDocument, { input: snowflake }),
      'create',
    ).createConnection!;
    const auditBefore = await rowCount(gateway.db, 'audit_log');

    const refusals: [Partial<CreateConnectionInput>, string][] = [
      [{ name: '  ' }, 'input.name'],
      [{ name: snowflake.name }, 'input.name'],
      [{ host: 'https://acme.snowflakecomputing.com' }, 'input.host'],
      [{ host: 'has space' }, 'input.host'],
      [{ host: '' }, 'input.host'],
      [{ port: 0 }, 'input.port'],
      [{ port: 70000 }, 'input.port'],
      [{ database: ' ' }, 'input.database'],
      [{ warehouse: 'x'.repeat(256) }, 'input.warehouse'],
      [{ role: 'bad\nrole' }, 'input.role'],
      [{ oauthClientSecret: '   ' }, 'input.oauthClientSecret'],
      [{ privateKey: 'k'.repeat(20_000) }, 'input.privateKey'],
    ];
    for (const [change, field] of refusals) {
      const response = await admin.request(CreateConnectionDocument, {
        input: { ...snowflake, name: 'new one', ...change },
      });
      expect(badField(response), JSON.stringify(change)).toBe(field);
    }
    expect(
      badField(
        await admin.request(UpdateConnectionDocument, { id: existing.id, input: { host: 'a b' } }),
      ),
    ).toBe('input.host');
    expect(
      badField(
        await admin.request(UpdateConnectionDocument, { id: existing.id, input: { name: null } }),
      ),
    ).toBe('input.name');
    expect(badField(await admin.request(ConnectionDocument, { id: 'abc' }))).toBe('id');

    expect(await rowCount(gateway.db, 'connections')).toBe(1);
    const unchanged = (await admin.request(ConnectionDocument, { id: existing.id })).data!
      .connection!;
    expect(unchanged).toEqual(existing);
    // Refused writes are audited as failures; nothing else was added.
    const failures = await gateway.db
      .selectFrom('audit_log')
      .select('outcome')
      .where('id', '>', auditBefore)
      .execute();
    expect(failures.every((entry) => entry.outcome === 'failed')).toBe(true);
  });

  it('cannot be deleted while projects use them', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const connection = required(
      await admin.request(CreateConnectionDocument, { input: snowflake }),
      'create',
    ).createConnection!;
    const projects: string[] = [];
    for (const name of ['a', 'b']) {
      const project = required(
        await admin.request(CreateProjectDocument, { input: { name } }),
        'project',
      ).createProject!.id;
      required(
        await admin.request(UpdateProjectSettingsDocument, {
          id: project,
          input: { connectionId: connection.id },
        }),
        'link',
      );
      projects.push(project);
    }
    const refused = await admin.request(DeleteConnectionDocument, { id: connection.id });
    expect(badField(refused)).toBe('id');
    expect(refused.errors?.[0]?.message).toContain('used by 2 projects');

    required(
      await admin.request(UpdateProjectSettingsDocument, {
        id: projects[0]!,
        input: { connectionId: null },
      }),
      'unlink',
    );
    expect(
      (await admin.request(DeleteConnectionDocument, { id: connection.id })).errors?.[0]?.message,
    ).toContain('used by 1 project;');
    required(
      await admin.request(UpdateProjectSettingsDocument, {
        id: projects[1]!,
        input: { connectionId: null },
      }),
      'unlink',
    );
    expect(
      (await admin.request(DeleteConnectionDocument, { id: connection.id })).data?.deleteConnection
        ?.id,
    ).toBe(connection.id);
    expect(
      (await admin.request(ProjectLinksDocument, { id: projects[1]! })).data?.project?.connection,
    ).toBeNull();
  });

  it('are isolated between accounts: foreign ids are NOT_FOUND and lists never show them', async () => {
    const gateway = await createTestGateway();
    const mine = gateway.client(gateway.adminToken);
    const other = await gateway.addAccount('Other', 'enterprise');
    const theirs = gateway.client(other.adminToken);
    const theirConnection = required(
      await theirs.request(CreateConnectionDocument, { input: snowflake }),
      'create',
    ).createConnection!;
    required(
      await mine.request(CreateConnectionDocument, { input: { ...snowflake, name: 'ours' } }),
      'create',
    );

    expect(errorCodes(await mine.request(ConnectionDocument, { id: theirConnection.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      errorCodes(
        await mine.request(UpdateConnectionDocument, {
          id: theirConnection.id,
          input: { name: 'x' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(await mine.request(DeleteConnectionDocument, { id: theirConnection.id })),
    ).toEqual(['NOT_FOUND']);
    const listed = (await mine.request(ConnectionsDocument, {})).data!.connections!;
    expect(listed.edges.map((edge) => edge.node.name)).toEqual(['ours']);
    expect(listed.totalCount).toBe(1);

    // Linking another account's connection reads like linking one that does not exist.
    const project = required(
      await mine.request(CreateProjectDocument, { input: { name: 'p' } }),
      'project',
    ).createProject!.id;
    const link = await mine.request(UpdateProjectSettingsDocument, {
      id: project,
      input: { connectionId: theirConnection.id },
    });
    expect(badField(link)).toBe('input.connectionId');
    expect(link.errors?.[0]?.message).toBe(
      (
        await mine.request(UpdateProjectSettingsDocument, {
          id: project,
          input: { connectionId: '999999' },
        })
      ).errors?.[0]?.message.replace('999999', theirConnection.id),
    );
    expect(
      (await theirs.request(ConnectionDocument, { id: theirConnection.id })).data?.connection?.name,
    ).toBe(snowflake.name);
  });

  it('never give their secrets back: not in the API, the audit log, or the database in plain text', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const secrets = [
      'oauth-secret-Zq81',
      '-----BEGIN PRIVATE KEY-----connection-key-Pp07-----END PRIVATE KEY-----',
      'rotated-secret-Yy42',
    ];
    const created = required(
      await admin.request(CreateConnectionDocument, {
        input: { ...snowflake, oauthClientSecret: secrets[0], privateKey: secrets[1] },
      }),
      'create',
    ).createConnection!;
    const updated = await admin.request(UpdateConnectionDocument, {
      id: created.id,
      input: { oauthClientSecret: secrets[2] },
    });
    const viewer = required(
      await admin.request(CreateServiceTokenDocument, {
        input: { name: 'viewer', permissions: [{ permissionSet: 'admin', allProjects: true }] },
      }),
      'token',
    ).createServiceToken!.token;
    const read = await gateway.client(viewer).request(ConnectionsDocument, {});
    expect(read.data?.connections?.edges[0]?.node).toMatchObject({
      hasOauthClientSecret: true,
      hasPrivateKey: true,
    });

    const sealed = await gateway.db
      .selectFrom('connections')
      .select(['oauth_client_secret_sealed', 'private_key_sealed'])
      .executeTakeFirstOrThrow();
    expect(gateway.secrets.open(sealed.oauth_client_secret_sealed!)).toBe(secrets[2]);
    expect(gateway.secrets.open(sealed.private_key_sealed!)).toBe(secrets[1]);
    expectNoSecret(
      {
        create: JSON.stringify(created),
        update: JSON.stringify(updated),
        read: JSON.stringify(read),
        audit: await auditText(admin),
        database: await dumpDatabase(gateway.db),
      },
      secrets,
    );
  });
});
