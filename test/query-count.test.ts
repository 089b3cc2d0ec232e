import { describe, expect, it } from 'vitest';
import {
  CreateEnvironmentDocument,
  CreateJobDocument,
  CreateProjectDocument,
  ProjectsDocument,
} from '../src/client/index.js';
import { insertRun } from '../src/db/runs.js';
import { required } from './support/builders.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';

/** A project with `runs` runs spread over 5 jobs, made through the repository for speed. */
async function projectWithRuns(gateway: TestGateway, name: string, runs: number) {
  const admin = gateway.client(gateway.adminToken);
  const project = required(
    await admin.request(CreateProjectDocument, { input: { name } }),
    'project',
  ).createProject!.id;
  const environment = required(
    await admin.request(CreateEnvironmentDocument, {
      input: {
        projectId: project,
        name: 'Prod',
        type: 'deployment',
        category: 'production',
        dbtVersion: '1.10',
      },
    }),
    'environment',
  ).createEnvironment!.id;
  const jobs = [];
  for (let i = 0; i < 5; i++) {
    jobs.push(
      required(
        await admin.request(CreateJobDocument, {
          input: { environmentId: environment, name: `j${i}`, steps: ['dbt run'] },
        }),
        'job',
      ).createJob!.id,
    );
  }
  const now = new Date().toISOString();
  for (let i = 0; i < runs; i++) {
    await insertRun(gateway.db, {
      projectId: Number(project),
      environmentId: Number(environment),
      jobId: Number(jobs[i % jobs.length]),
      cause: 'test',
      triggeredByTokenId: null,
      gitBranch: null,
      gitSha: null,
      now,
    });
  }
  return project;
}

async function statementsFor(gateway: TestGateway, query: string): Promise<number> {
  gateway.queries.length = 0;
  const response = await gateway.graphql(query, {}, gateway.adminToken);
  expect(response.body.errors).toBeUndefined();
  return gateway.queries.length;
}

describe('SQL statements per request', () => {
  it('do not grow with the rows of a list, relations included', async () => {
    const gateway = await createTestGateway();
    const small = await projectWithRuns(gateway, 'small', 10);
    const large = await projectWithRuns(gateway, 'large', 1000);
    const list = (project: string, first: number) =>
      `{ project(id: "${project}") { runs(first: ${first}) { totalCount edges { node { id status job { id name environment { name } } environment { category } } } } } }`;
    const few = await statementsFor(gateway, list(small, 10));
    const many = await statementsFor(gateway, list(large, 1000));
    expect(many).toBe(few);
    // authenticate, project, runs page, count, jobs (batched), environments (batched)
    expect(few).toBe(6);

    const projects = await statementsFor(
      gateway,
      '{ projects(first: 1000) { edges { node { id name } } } }',
    );
    for (let i = 0; i < 50; i++)
      await gateway
        .client(gateway.adminToken)
        .request(CreateProjectDocument, { input: { name: `p${i}` } });
    expect(
      await statementsFor(gateway, '{ projects(first: 1000) { edges { node { id name } } } }'),
    ).toBe(projects);
    expect(
      (await gateway.client(gateway.adminToken).request(ProjectsDocument, { first: 1000 })).data
        ?.projects?.edges,
    ).toHaveLength(52);
  });
});
