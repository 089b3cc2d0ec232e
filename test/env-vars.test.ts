import { describe, expect, it } from 'vitest';
import {
  ClearCustomEnvVarOverrideDocument,
  CreateCustomEnvVarDocument,
  CreateServiceTokenDocument,
  CustomEnvVarDocument,
  DeleteCustomEnvVarDocument,
  DeleteEnvironmentDocument,
  ProjectCustomEnvVarsDocument,
  SetCustomEnvVarOverrideDocument,
  UpdateCustomEnvVarDocument,
} from '../src/client/index.js';
import { projectWithEnvironments, required } from './support/builders.js';
import { auditText, badField, dumpDatabase, expectNoSecret, rowCount } from './support/checks.js';
import { createTestGateway, errorCodes } from './support/helpers.js';

describe('custom environment variables', () => {
  it('have a project default and per-environment overrides', async () => {
    const gateway = await createTestGateway();
    const { admin, project, development, production } = await projectWithEnvironments(gateway);
    const created = required(
      await admin.request(CreateCustomEnvVarDocument, {
        input: { projectId: project, name: 'DBT_TARGET_SCHEMA', value: 'analytics' },
      }),
      'create',
    ).createCustomEnvVar!;
    expect(created).toMatchObject({
      name: 'DBT_TARGET_SCHEMA',
      isSecret: false,
      value: 'analytics',
      hasValue: true,
      overrides: [],
    });

    required(
      await admin.request(SetCustomEnvVarOverrideDocument, {
        id: created.id,
        environmentId: production,
        value: 'prod',
      }),
      'override',
    );
    const overridden = required(
      await admin.request(SetCustomEnvVarOverrideDocument, {
        id: created.id,
        environmentId: development,
        value: 'dbt_dev',
      }),
      'override',
    ).setCustomEnvVarOverride!;
    expect(
      overridden.overrides.map(({ environmentId, value }) => ({ environmentId, value })),
    ).toEqual([
      { environmentId: development, value: 'dbt_dev' },
      { environmentId: production, value: 'prod' },
    ]);
    const replaced = required(
      await admin.request(SetCustomEnvVarOverrideDocument, {
        id: created.id,
        environmentId: production,
        value: 'prod2',
      }),
      'replace',
    ).setCustomEnvVarOverride!;
    expect(
      replaced.overrides.find((override) => override.environmentId === production)?.value,
    ).toBe('prod2');
    expect(await rowCount(gateway.db, 'custom_env_var_overrides')).toBe(2);

    const cleared = required(
      await admin.request(ClearCustomEnvVarOverrideDocument, {
        id: created.id,
        environmentId: development,
      }),
      'clear',
    ).clearCustomEnvVarOverride!;
    expect(cleared.overrides.map((override) => override.environmentId)).toEqual([production]);
    expect(
      badField(
        await admin.request(ClearCustomEnvVarOverrideDocument, {
          id: created.id,
          environmentId: development,
        }),
      ),
    ).toBe('environmentId');

    const noDefault = required(
      await admin.request(UpdateCustomEnvVarDocument, { id: created.id, value: null }),
      'update',
    ).updateCustomEnvVar!;
    expect(noDefault).toMatchObject({ value: null, hasValue: false });

    // Deleting an environment takes its overrides; deleting the variable takes the rest.
    required(
      await admin.request(DeleteEnvironmentDocument, { id: production }),
      'delete environment',
    );
    expect(
      (await admin.request(CustomEnvVarDocument, { id: created.id })).data?.customEnvVar?.overrides,
    ).toEqual([]);
    required(
      await admin.request(SetCustomEnvVarOverrideDocument, {
        id: created.id,
        environmentId: development,
        value: 'x',
      }),
      'override',
    );
    const deleted = required(
      await admin.request(DeleteCustomEnvVarDocument, { id: created.id }),
      'delete',
    ).deleteCustomEnvVar!;
    expect(deleted.overrides).toHaveLength(1);
    expect(await rowCount(gateway.db, 'custom_env_var_overrides')).toBe(0);
    expect(errorCodes(await admin.request(CustomEnvVarDocument, { id: created.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      errorCodes(await admin.request(UpdateCustomEnvVarDocument, { id: created.id, value: 'x' })),
    ).toEqual(['NOT_FOUND']);
  });

  it('refuse bad names, values and environments naming the field, and write nothing', async () => {
    const gateway = await createTestGateway();
    const { admin, project, production } = await projectWithEnvironments(gateway);
    const elsewhere = await projectWithEnvironments(gateway, 'elsewhere');
    const variable = required(
      await admin.request(CreateCustomEnvVarDocument, {
        input: { projectId: project, name: 'DBT_KEEP', value: 'v' },
      }),
      'create',
    ).createCustomEnvVar!;

    for (const name of [
      'MY_VAR',
      'dbt_lower',
      'DBT_',
      'DBT_HAS SPACE',
      'DBT_CLOUD_RUN_ID',
      'DBT_ENV_SECRET_',
      'DBT_ENV_SECRET',
      'DBT_KEEP',
    ]) {
      expect(
        badField(
          await admin.request(CreateCustomEnvVarDocument, { input: { projectId: project, name } }),
        ),
        name,
      ).toBe('input.name');
    }
    expect(
      badField(
        await admin.request(CreateCustomEnvVarDocument, {
          input: { projectId: project, name: 'DBT_BIG', value: 'x'.repeat(5000) },
        }),
      ),
    ).toBe('input.value');
    expect(await rowCount(gateway.db, 'custom_env_vars')).toBe(1);

    // The environment must be one of the variable's project; another project's reads like a missing one.
    for (const environmentId of [elsewhere.production, '987654']) {
      const response = await admin.request(SetCustomEnvVarOverrideDocument, {
        id: variable.id,
        environmentId,
        value: 'x',
      });
      expect(badField(response)).toBe('environmentId');
      expect(response.errors?.[0]?.message).toBe(
        `Environment ${environmentId} is not an environment of this project.`,
      );
    }
    expect(
      badField(
        await admin.request(SetCustomEnvVarOverrideDocument, {
          id: variable.id,
          environmentId: production,
          value: 'y'.repeat(5000),
        }),
      ),
    ).toBe('value');
    expect(await rowCount(gateway.db, 'custom_env_var_overrides')).toBe(0);
    expect(
      errorCodes(
        await admin.request(CreateCustomEnvVarDocument, {
          input: { projectId: '55555', name: 'DBT_X' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
  });

  it('keep secret values write-only: null on read, sealed at rest, absent from the audit log', async () => {
    const gateway = await createTestGateway();
    const { admin, project, production } = await projectWithEnvironments(gateway);
    const secret = required(
      await admin.request(CreateCustomEnvVarDocument, {
        input: { projectId: project, name: 'DBT_ENV_SECRET_GIT_TOKEN', value: 'ghp_default-Sec1' },
      }),
      'create',
    ).createCustomEnvVar!;
    expect(secret).toMatchObject({ isSecret: true, value: null, hasValue: true });
    const responses = [
      secret,
      await admin.request(SetCustomEnvVarOverrideDocument, {
        id: secret.id,
        environmentId: production,
        value: 'ghp_override-Sec2',
      }),
      await admin.request(UpdateCustomEnvVarDocument, { id: secret.id, value: 'ghp_updated-Sec3' }),
      await admin.request(ProjectCustomEnvVarsDocument, { projectId: project }),
      await admin.request(CustomEnvVarDocument, { id: secret.id }),
    ];
    const read = (await admin.request(CustomEnvVarDocument, { id: secret.id })).data!.customEnvVar!;
    expect(read.overrides).toEqual([
      expect.objectContaining({ environmentId: production, value: null }),
    ]);

    const stored = await gateway.db
      .selectFrom('custom_env_var_overrides')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(stored.value).toBeNull();
    expect(gateway.secrets.open(stored.value_sealed!)).toBe('ghp_override-Sec2');
    expectNoSecret(
      {
        api: JSON.stringify(responses),
        audit: await auditText(admin),
        database: await dumpDatabase(gateway.db),
      },
      ['ghp_default-Sec1', 'ghp_override-Sec2', 'ghp_updated-Sec3'],
    );
  });

  it('list without a query per variable, and stay within their project and account', async () => {
    const gateway = await createTestGateway();
    const { admin, project, development, production } = await projectWithEnvironments(gateway);
    const queriesForList = async () => {
      gateway.queries.length = 0;
      const response = await admin.request(ProjectCustomEnvVarsDocument, { projectId: project });
      expect(response.errors).toBeUndefined();
      return gateway.queries.length;
    };
    const addVariables = async (names: string[]) => {
      for (const name of names) {
        const id = required(
          await admin.request(CreateCustomEnvVarDocument, { input: { projectId: project, name } }),
          'create',
        ).createCustomEnvVar!.id;
        for (const environmentId of [development, production]) {
          required(
            await admin.request(SetCustomEnvVarOverrideDocument, {
              id,
              environmentId,
              value: name,
            }),
            'override',
          );
        }
      }
    };
    await addVariables(['DBT_A', 'DBT_B']);
    const few = await queriesForList();
    await addVariables(['DBT_C', 'DBT_D', 'DBT_E', 'DBT_F']);
    expect(await queriesForList()).toBe(few);

    const other = await gateway.addAccount('Other', 'enterprise');
    const theirs = gateway.client(other.adminToken);
    expect(
      errorCodes(await theirs.request(ProjectCustomEnvVarsDocument, { projectId: project })),
    ).toEqual(['NOT_FOUND']);
    const first = (await admin.request(ProjectCustomEnvVarsDocument, { projectId: project })).data!
      .project!.customEnvVars!;
    expect(first.totalCount).toBe(6);
    const anId = first.edges[0]!.node.id;
    expect(errorCodes(await theirs.request(CustomEnvVarDocument, { id: anId }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await theirs.request(DeleteCustomEnvVarDocument, { id: anId }))).toEqual([
      'NOT_FOUND',
    ]);

    // A job viewer reads variables (custom_env_vars R) but may not change them.
    const viewer = gateway.client(
      required(
        await admin.request(CreateServiceTokenDocument, {
          input: {
            name: 'v',
            permissions: [{ permissionSet: 'job_viewer', projectIds: [project] }],
          },
        }),
        'token',
      ).createServiceToken!.token,
    );
    const seen = (await viewer.request(CustomEnvVarDocument, { id: anId })).data?.customEnvVar;
    expect(seen).toMatchObject({ name: 'DBT_A', value: null, hasValue: false });
    expect(seen?.overrides.map((override) => override.value)).toEqual(['DBT_A', 'DBT_A']);
    const refused = await viewer.request(SetCustomEnvVarOverrideDocument, {
      id: anId,
      environmentId: production,
      value: 'x',
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'custom_env_vars:write',
    });
  });
});
