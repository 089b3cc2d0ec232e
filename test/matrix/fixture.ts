import {
  CreateEnvironmentDocument,
  CreateJobDocument,
  CreateProjectDocument,
  CreateServiceTokenDocument,
  TriggerRunDocument,
  type PermissionSetId,
  type TollgateResponse,
  type WritableEnvironmentCategory,
} from '../../src/client/index.js';
import { createTestGateway } from '../helpers.js';
import { categories, type Case, type Category, type Fixture, type ProjectKey } from './framework.js';

/** Fails loudly when the admin's set-up request did not work: the case would test nothing. */
export function required<T>(response: TollgateResponse<T>, what: string): T {
  if (response.errors || !response.data) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** A fresh gateway with projects A and B, an environment, job and run of each category in each. */
export async function createFixture(testCase: Case): Promise<Fixture> {
  const gateway = await createTestGateway({ plan: testCase.plan });
  const admin = gateway.client(gateway.adminToken);
  let counter = 0;
  const unique = () => `${++counter}`;

  const projects = {} as Record<ProjectKey, string>;
  const environments = {} as Record<ProjectKey, Record<Category, string>>;
  const jobs = {} as Record<ProjectKey, Record<Category, string>>;
  const runs = {} as Record<ProjectKey, Record<Category, string>>;
  for (const key of ['A', 'B'] as const) {
    projects[key] = required(await admin.request(CreateProjectDocument, { input: { name: key } }), 'createProject').createProject!.id;
    environments[key] = {} as Record<Category, string>;
    jobs[key] = {} as Record<Category, string>;
    runs[key] = {} as Record<Category, string>;
    for (const category of categories) {
      environments[key][category] = required(
        await admin.request(CreateEnvironmentDocument, {
          input: {
            projectId: projects[key],
            name: category,
            type: category === 'development' ? 'development' : 'deployment',
            category,
            dbtVersion: '1.10',
          },
        }),
        'createEnvironment',
      ).createEnvironment!.id;
      jobs[key][category] = required(
        await admin.request(CreateJobDocument, {
          input: { environmentId: environments[key][category], name: `${category} build`, steps: ['dbt build'] },
        }),
        'createJob',
      ).createJob!.id;
      runs[key][category] = required(await admin.request(TriggerRunDocument, { jobId: jobs[key][category] }), 'triggerRun').triggerRun!.id;
    }
  }

  const { set, writableEnvironmentCategories } = testCase;
  const created = required(
    await admin.request(CreateServiceTokenDocument, {
      input: {
        name: `only ${set.id}`,
        permissions: [
          {
            permissionSet: set.id as PermissionSetId,
            ...(set.level === 'project' ? { projectIds: [projects.A] } : {}),
            ...(writableEnvironmentCategories.length
              ? { writableEnvironmentCategories: writableEnvironmentCategories as WritableEnvironmentCategory[] }
              : {}),
          },
        ],
      },
    }),
    'createServiceToken',
  ).createServiceToken!;

  return {
    gateway,
    admin,
    token: gateway.client(created.token),
    discovery: gateway.discovery(created.token),
    secret: created.token,
    tokenId: created.serviceToken.id,
    projects,
    environments,
    jobs,
    runs,
    unique,
  };
}
