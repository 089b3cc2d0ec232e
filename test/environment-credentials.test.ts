import { describe, expect, it } from 'vitest';
import {
  CreateEnvironmentDocument,
  CreateServiceTokenDocument,
  DeleteEnvironmentCredentialsDocument,
  DeleteEnvironmentDocument,
  EnvironmentCredentialsDocument,
  SetEnvironmentCredentialsDocument,
  type SetEnvironmentCredentialsInput,
} from '../src/client/index.js';
import { builders, required } from './support/builders.js';
import { auditText, badField, dumpDatabase, expectNoSecret, rowCount } from './support/checks.js';
import { createTestGateway, errorCodes, type TestGateway } from './support/helpers.js';

const pem =
  '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIcredential-key-Rt55\n-----END PRIVATE KEY-----\n';

async function setUp(gateway: TestGateway) {
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project('p');
  return {
    admin,
    project,
    environment: await build.environment(project, 'production', 'Production'),
  };
}

describe('environment credentials', () => {
  it('follow their auth type: required fields, and switching removes the secrets the new type does not use', async () => {
    const gateway = await createTestGateway();
    const { admin, environment } = await setUp(gateway);
    const set = (input: SetEnvironmentCredentialsInput) =>
      admin.request(SetEnvironmentCredentialsDocument, { environmentId: environment, input });

    const created = required(
      await set({
        authType: 'password',
        username: 'dbt_user',
        schema: 'analytics',
        password: 'pw-One-81',
      }),
      'create',
    ).setEnvironmentCredentials!;
    expect(created).toMatchObject({
      authType: 'password',
      username: 'dbt_user',
      schema: 'analytics',
      hasPassword: true,
      hasPrivateKey: false,
    });

    expect(badField(await set({ authType: 'key_pair' }))).toBe('input.privateKey');
    expect(badField(await set({ authType: 'key_pair', privateKey: 'not a pem' }))).toBe(
      'input.privateKey',
    );
    expect(badField(await set({ privateKey: pem }))).toBe('input.privateKey');
    const keyPair = required(
      await set({ authType: 'key_pair', privateKey: pem, privateKeyPassphrase: 'phrase-Two-82' }),
      'key pair',
    ).setEnvironmentCredentials!;
    expect(keyPair).toMatchObject({
      id: created.id,
      hasPassword: false,
      hasPrivateKey: true,
      hasPrivateKeyPassphrase: true,
    });
    const stored = await gateway.db
      .selectFrom('environment_credentials')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(stored.password_sealed).toBeNull();
    expect(gateway.secrets.open(stored.private_key_sealed!)).toBe(pem);

    const noPassphrase = required(await set({ privateKeyPassphrase: null }), 'clear')
      .setEnvironmentCredentials!;
    expect(noPassphrase).toMatchObject({ hasPrivateKey: true, hasPrivateKeyPassphrase: false });
    expect(badField(await set({ privateKey: null }))).toBe('input.privateKey');

    const oauth = required(await set({ authType: 'oauth', username: null }), 'oauth')
      .setEnvironmentCredentials!;
    expect(oauth).toMatchObject({
      authType: 'oauth',
      username: null,
      hasPrivateKey: false,
      hasPassword: false,
    });
    expect(badField(await set({ password: 'x' }))).toBe('input.password');
    expect(badField(await set({ authType: 'password', password: 'pw' }))).toBe('input.username');

    expect(
      badField(await set({ authType: 'service_account', privateKey: '{"type":"user"}' })),
    ).toBe('input.privateKey');
    const serviceAccount = required(
      await set({
        authType: 'service_account',
        privateKey: '{"type":"service_account","private_key":"sa-Three-83"}',
      }),
      'service account',
    ).setEnvironmentCredentials!;
    expect(serviceAccount).toMatchObject({ authType: 'service_account', hasPrivateKey: true });
    expect(await rowCount(gateway.db, 'environment_credentials')).toBe(1);
  });

  it('refuse bad input on creation naming the field, write nothing, and answer NOT_FOUND for unknown environments', async () => {
    const gateway = await createTestGateway();
    const { admin, environment } = await setUp(gateway);
    const refusals: [SetEnvironmentCredentialsInput, string][] = [
      [{ schema: 'analytics' }, 'input.authType'],
      [{ authType: 'oauth' }, 'input.schema'],
      [{ authType: 'oauth', schema: '1bad' }, 'input.schema'],
      [{ authType: 'oauth', schema: 'drop table;' }, 'input.schema'],
      [{ authType: 'password', schema: 's', password: 'p' }, 'input.username'],
      [{ authType: 'password', schema: 's', username: 'u' }, 'input.password'],
      [{ authType: 'password', schema: 's', username: ' ', password: 'p' }, 'input.username'],
      [{ authType: 'password', schema: 's', username: 'u', password: '  ' }, 'input.password'],
      [{ authType: 'oauth', schema: 's', privateKeyPassphrase: 'x' }, 'input.privateKeyPassphrase'],
    ];
    for (const [input, field] of refusals) {
      expect(
        badField(
          await admin.request(SetEnvironmentCredentialsDocument, {
            environmentId: environment,
            input,
          }),
        ),
        JSON.stringify(input),
      ).toBe(field);
    }
    expect(await rowCount(gateway.db, 'environment_credentials')).toBe(0);
    expect(
      (await admin.request(EnvironmentCredentialsDocument, { environmentId: environment })).data
        ?.environment?.credentials,
    ).toBeNull();
    expect(
      errorCodes(
        await admin.request(SetEnvironmentCredentialsDocument, {
          environmentId: '9999',
          input: { authType: 'oauth', schema: 's' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(
        await admin.request(DeleteEnvironmentCredentialsDocument, { environmentId: environment }),
      ),
    ).toEqual(['NOT_FOUND']);
  });

  it('are deleted, go with their environment, and are guarded per project and account', async () => {
    const gateway = await createTestGateway();
    const { admin, project, environment } = await setUp(gateway);
    const input = { authType: 'password' as const, username: 'u', schema: 's', password: 'p' };
    required(
      await admin.request(SetEnvironmentCredentialsDocument, { environmentId: environment, input }),
      'set',
    );
    expect(
      (await admin.request(DeleteEnvironmentCredentialsDocument, { environmentId: environment }))
        .data?.deleteEnvironmentCredentials,
    ).toBeTruthy();
    required(
      await admin.request(SetEnvironmentCredentialsDocument, { environmentId: environment, input }),
      'set',
    );
    required(
      await admin.request(DeleteEnvironmentDocument, { id: environment }),
      'delete environment',
    );
    expect(await rowCount(gateway.db, 'environment_credentials')).toBe(0);

    const second = required(
      await admin.request(CreateEnvironmentDocument, {
        input: {
          projectId: project,
          name: 'Dev',
          type: 'development',
          category: 'development',
          dbtVersion: '1.10',
        },
      }),
      'environment',
    ).createEnvironment!.id;
    required(
      await admin.request(SetEnvironmentCredentialsDocument, { environmentId: second, input }),
      'set',
    );
    const other = await gateway.addAccount('Other', 'enterprise');
    expect(
      errorCodes(
        await gateway
          .client(other.adminToken)
          .request(EnvironmentCredentialsDocument, { environmentId: second }),
      ),
    ).toEqual(['NOT_FOUND']);
    const stakeholder = gateway.client(
      required(
        await admin.request(CreateServiceTokenDocument, {
          input: {
            name: 's',
            permissions: [{ permissionSet: 'stakeholder', projectIds: [project] }],
          },
        }),
        'token',
      ).createServiceToken!.token,
    );
    expect(
      (await stakeholder.request(EnvironmentCredentialsDocument, { environmentId: second })).data
        ?.environment?.credentials,
    ).toMatchObject({
      hasPassword: true,
    });
    const refused = await stakeholder.request(SetEnvironmentCredentialsDocument, {
      environmentId: second,
      input: { schema: 'x' },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'environment_credentials:write',
    });
  });

  it('never give their secrets back', async () => {
    const gateway = await createTestGateway();
    const { admin, environment } = await setUp(gateway);
    const responses = [
      await admin.request(SetEnvironmentCredentialsDocument, {
        environmentId: environment,
        input: { authType: 'password', username: 'u', schema: 's', password: 'cred-password-Wx31' },
      }),
      await admin.request(SetEnvironmentCredentialsDocument, {
        environmentId: environment,
        input: {
          authType: 'key_pair',
          privateKey: pem,
          privateKeyPassphrase: 'cred-passphrase-Wx32',
        },
      }),
      await admin.request(EnvironmentCredentialsDocument, { environmentId: environment }),
      await admin.request(DeleteEnvironmentCredentialsDocument, { environmentId: environment }),
    ];
    expectNoSecret(
      {
        api: JSON.stringify(responses),
        audit: await auditText(admin),
        database: await dumpDatabase(gateway.db),
      },
      ['cred-password-Wx31', 'cred-passphrase-Wx32', 'credential-key-Rt55'],
    );
  });
});
