import {
  type PermissionSetId,
  TriggerRunDocument,
  type WritableEnvironmentCategory,
} from '../../src/client/index.js';
import { builders, required } from '../support/builders.js';
import { createTestGateway } from '../support/helpers.js';
import {
  type Case,
  type Category,
  categories,
  type Fixture,
  type ProjectKey,
} from './framework.js';

/** A fresh gateway with projects A and B, an environment, job and run of each category in each. */
export async function createFixture(testCase: Case): Promise<Fixture> {
  const gateway = await createTestGateway({
    plan: testCase.plan,
    // exchangeIdentityToken's operation exchanges a token of an issuer on loopback.
    identity: { outbound: { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'] } },
  });
  const admin = gateway.client(gateway.adminToken);
  let counter = 0;
  const unique = () => `${++counter}`;

  const projects = {} as Record<ProjectKey, string>;
  const environments = {} as Record<ProjectKey, Record<Category, string>>;
  const jobs = {} as Record<ProjectKey, Record<Category, string>>;
  const runs = {} as Record<ProjectKey, Record<Category, string>>;
  const build = builders(admin);
  for (const key of ['A', 'B'] as const) {
    projects[key] = await build.project(key);
    environments[key] = {} as Record<Category, string>;
    jobs[key] = {} as Record<Category, string>;
    runs[key] = {} as Record<Category, string>;
    for (const category of categories) {
      environments[key][category] = await build.environment(projects[key], category);
      jobs[key][category] = await build.job(environments[key][category], `${category} build`);
      runs[key][category] = required(
        await admin.request(TriggerRunDocument, { jobId: jobs[key][category] }),
        'triggerRun',
      ).triggerRun!.id;
    }
  }

  const { set, writableEnvironmentCategories } = testCase;
  const created = await build.token(
    [
      {
        permissionSet: set.id as PermissionSetId,
        ...(set.level === 'project' ? { projectIds: [projects.A] } : {}),
        ...(writableEnvironmentCategories.length
          ? {
              writableEnvironmentCategories:
                writableEnvironmentCategories as WritableEnvironmentCategory[],
            }
          : {}),
      },
    ],
    { name: `only ${set.id}` },
  );

  return {
    gateway,
    admin,
    token: gateway.client(created.token),
    discovery: gateway.discovery(created.token),
    tokenId: created.serviceToken.id,
    tokenSecret: created.token,
    projects,
    environments,
    jobs,
    runs,
    unique,
  };
}
