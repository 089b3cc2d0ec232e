import {
  CreateEnvironmentDocument,
  CreateJobDocument,
  CreateProjectDocument,
  CreateServiceTokenDocument,
  type CreateServiceTokenInput,
  type PermissionGrantInput,
  type TollgateClient,
  type TollgateResponse,
} from '../../src/client/index.js';
import type { TestGateway } from './helpers.js';

/** Fails loudly when a set-up request did not work: the test would check nothing. */
export function required<T>(response: TollgateResponse<T>, what: string): T {
  if (response.errors || !response.data)
    throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

export type Category = 'development' | 'staging' | 'production' | 'other';

/** Set-up through the API as `client` (usually the account admin): each returns the new id. */
export function builders(client: TollgateClient) {
  return {
    async project(name: string): Promise<string> {
      return required(
        await client.request(CreateProjectDocument, { input: { name } }),
        'createProject',
      ).createProject!.id;
    },
    /** An environment of the category; development environments are of the development type. */
    async environment(
      projectId: string,
      category: Category,
      name: string = category,
    ): Promise<string> {
      const input = {
        projectId,
        name,
        type: category === 'development' ? ('development' as const) : ('deployment' as const),
        category,
        dbtVersion: '1.10',
      };
      return required(
        await client.request(CreateEnvironmentDocument, { input }),
        'createEnvironment',
      ).createEnvironment!.id;
    },
    async job(environmentId: string, name = 'build', steps = ['dbt build']): Promise<string> {
      return required(
        await client.request(CreateJobDocument, { input: { environmentId, name, steps } }),
        'createJob',
      ).createJob!.id;
    },
    async token(permissions: PermissionGrantInput[], input: Partial<CreateServiceTokenInput> = {}) {
      const response = await client.request(CreateServiceTokenDocument, {
        input: { name: 'scoped', permissions, ...input },
      });
      return required(response, 'createServiceToken').createServiceToken!;
    },
  };
}

/** A client holding a new token with these grants, made by the gateway's admin. */
export async function tokenWith(
  gateway: TestGateway,
  permissions: PermissionGrantInput[],
  name = 'scoped',
) {
  const created = await builders(gateway.client(gateway.adminToken)).token(permissions, { name });
  return {
    client: gateway.client(created.token),
    id: created.serviceToken.id,
    secret: created.token,
  };
}

/** A project with a development and a production environment, made by the gateway's admin. */
export async function projectWithEnvironments(gateway: TestGateway, name = 'analytics') {
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project(name);
  return {
    admin,
    project,
    development: await build.environment(project, 'development', 'Dev'),
    production: await build.environment(project, 'production', 'Prod'),
  };
}
