import { describe, expect, it } from 'vitest';
import {
  CreateServiceTokenDocument,
  DeleteEnvironmentDocument,
  DeleteSemanticLayerConfigDocument,
  ProjectSemanticLayerConfigDocument,
  SemanticLayerConfigDocument,
  SemanticLayerEnvironmentDocument,
  SetSemanticLayerConfigDocument,
} from '../src/client/index.js';
import { projectWithEnvironments, required } from './support/builders.js';
import { auditText, badField, dumpDatabase, expectNoSecret, rowCount } from './support/checks.js';
import { createTestGateway, errorCodes } from './support/helpers.js';

describe('semantic layer configuration', () => {
  it('serves one deployment environment of its project, and cannot be enabled without one', async () => {
    const gateway = await createTestGateway();
    const { admin, project, development, production } = await projectWithEnvironments(gateway);
    const elsewhere = await projectWithEnvironments(gateway, 'elsewhere');
    expect(
      (await admin.request(SemanticLayerConfigDocument, { projectId: project })).data
        ?.semanticLayerConfig,
    ).toBeNull();

    const refusals: [Record<string, unknown>, string][] = [
      [{ enabled: true }, 'input.environmentId'],
      [{ enabled: true, environmentId: development }, 'input.environmentId'],
      [{ enabled: true, environmentId: elsewhere.production }, 'input.environmentId'],
      [{ enabled: true, environmentId: '424242' }, 'input.environmentId'],
      [{ enabled: null, environmentId: production }, 'input.enabled'],
      [{ environmentId: production, username: '' }, 'input.username'],
      [{ environmentId: production, password: '' }, 'input.password'],
    ];
    for (const [input, field] of refusals) {
      expect(
        badField(
          await admin.request(SetSemanticLayerConfigDocument, { projectId: project, input }),
        ),
        JSON.stringify(input),
      ).toBe(field);
    }
    expect(await rowCount(gateway.db, 'semantic_layer_configs')).toBe(0);

    const created = required(
      await admin.request(SetSemanticLayerConfigDocument, {
        projectId: project,
        input: { enabled: true, environmentId: production, username: 'sl_user' },
      }),
      'set',
    ).setSemanticLayerConfig!;
    expect(created).toMatchObject({
      enabled: true,
      environmentId: production,
      username: 'sl_user',
      hasPassword: false,
    });
    expect(
      (await admin.request(SemanticLayerEnvironmentDocument, { projectId: project })).data
        ?.semanticLayerConfig?.environment,
    ).toMatchObject({
      id: production,
      type: 'deployment',
    });
    const disabled = required(
      await admin.request(SetSemanticLayerConfigDocument, {
        projectId: project,
        input: { enabled: false },
      }),
      'disable',
    ).setSemanticLayerConfig!;
    expect(disabled).toMatchObject({ id: created.id, enabled: false, environmentId: production });

    // Deleting the environment leaves the configuration without one.
    required(
      await admin.request(DeleteEnvironmentDocument, { id: production }),
      'delete environment',
    );
    expect(
      (await admin.request(ProjectSemanticLayerConfigDocument, { projectId: project })).data
        ?.project?.semanticLayerConfig,
    ).toMatchObject({
      environmentId: null,
      enabled: false,
    });
    expect(
      badField(
        await admin.request(SetSemanticLayerConfigDocument, {
          projectId: project,
          input: { enabled: true },
        }),
      ),
    ).toBe('input.environmentId');

    expect(
      (await admin.request(DeleteSemanticLayerConfigDocument, { projectId: project })).data
        ?.deleteSemanticLayerConfig?.id,
    ).toBe(created.id);
    expect(
      errorCodes(await admin.request(DeleteSemanticLayerConfigDocument, { projectId: project })),
    ).toEqual(['NOT_FOUND']);
  });

  it('is reachable by Semantic Layer Only tokens through the root field only, and isolated between accounts', async () => {
    const gateway = await createTestGateway();
    const { admin, project, production } = await projectWithEnvironments(gateway);
    required(
      await admin.request(SetSemanticLayerConfigDocument, {
        projectId: project,
        input: { enabled: true, environmentId: production },
      }),
      'set',
    );
    const token = gateway.client(
      required(
        await admin.request(CreateServiceTokenDocument, {
          input: {
            name: 'sl',
            permissions: [{ permissionSet: 'semantic_layer_only', projectIds: [project] }],
          },
        }),
        'token',
      ).createServiceToken!.token,
    );
    expect(
      (await token.request(SemanticLayerConfigDocument, { projectId: project })).data
        ?.semanticLayerConfig?.enabled,
    ).toBe(true);
    expect(
      (
        await token.request(SetSemanticLayerConfigDocument, {
          projectId: project,
          input: { username: 'svc' },
        })
      ).data?.setSemanticLayerConfig?.username,
    ).toBe('svc');
    const viaProject = await token.request(ProjectSemanticLayerConfigDocument, {
      projectId: project,
    });
    expect(viaProject.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'projects:read',
    });
    const viaEnvironment = await token.request(SemanticLayerEnvironmentDocument, {
      projectId: project,
    });
    expect(viaEnvironment.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'environments:read',
    });

    const other = await gateway.addAccount('Other', 'enterprise');
    const theirs = gateway.client(other.adminToken);
    expect(
      errorCodes(await theirs.request(SemanticLayerConfigDocument, { projectId: project })),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(await theirs.request(DeleteSemanticLayerConfigDocument, { projectId: project })),
    ).toEqual(['NOT_FOUND']);
    expect(await rowCount(gateway.db, 'semantic_layer_configs')).toBe(1);
  });

  it('never gives its secrets back', async () => {
    const gateway = await createTestGateway();
    const { admin, project, production } = await projectWithEnvironments(gateway);
    const responses = [
      await admin.request(SetSemanticLayerConfigDocument, {
        projectId: project,
        input: {
          enabled: true,
          environmentId: production,
          username: 'u',
          password: 'sl-password-Mm11',
          privateKey: 'sl-key-Mm12',
        },
      }),
      await admin.request(SemanticLayerConfigDocument, { projectId: project }),
    ];
    expect(responses[1]!.data).toMatchObject({
      semanticLayerConfig: { hasPassword: true, hasPrivateKey: true },
    });
    expectNoSecret(
      {
        api: JSON.stringify(responses),
        audit: await auditText(admin),
        database: await dumpDatabase(gateway.db),
      },
      ['sl-password-Mm11', 'sl-key-Mm12'],
    );
  });
});
