import {
  CancelRunDocument,
  CreateEnvironmentDocument,
  CreateJobDocument,
  DeleteEnvironmentDocument,
  DeleteJobDocument,
  EnvironmentDocument,
  JobDocument,
  JobRunsDocument,
  ProjectEnvironmentsDocument,
  ProjectJobsDocument,
  ProjectRunsDocument,
  RunDocument,
  TriggerRunDocument,
  UpdateEnvironmentDocument,
  UpdateJobDocument,
  UpdateRunStatusDocument,
} from '../../../src/client/index.js';
import { required } from '../../support/builders.js';
import { document } from '../../support/helpers.js';
import {
  type EnvironmentLocation,
  type Fixture,
  type Operation,
  read,
  write,
} from '../framework.js';

async function throwawayEnvironment(f: Fixture, at: EnvironmentLocation): Promise<string> {
  const response = await f.admin.request(CreateEnvironmentDocument, {
    input: {
      projectId: f.projects[at.project],
      name: `throwaway ${f.unique()}`,
      type: at.category === 'development' ? 'development' : 'deployment',
      category: at.category,
      dbtVersion: '1.10',
    },
  });
  return required(response, 'createEnvironment').createEnvironment!.id;
}

async function throwawayJob(f: Fixture, at: EnvironmentLocation): Promise<string> {
  const response = await f.admin.request(CreateJobDocument, {
    input: {
      environmentId: f.environments[at.project][at.category],
      name: `throwaway ${f.unique()}`,
      steps: ['dbt run'],
    },
  });
  return required(response, 'createJob').createJob!.id;
}

async function throwawayRun(f: Fixture, at: EnvironmentLocation): Promise<string> {
  const response = await f.admin.request(TriggerRunDocument, {
    jobId: f.jobs[at.project][at.category],
  });
  return required(response, 'triggerRun').triggerRun!.id;
}

const jobWithEnvironment = document<{ id: string }>(
  'query ($id: ID!) { job(id: $id) { id environment { id category } } }',
);
const runWithJob = document<{ id: string }>(
  'query ($id: ID!) { run(id: $id) { id job { id name } } }',
);
const runWithTrigger = document<{ id: string }>(
  'query ($id: ID!) { run(id: $id) { id triggeredBy { id name } } }',
);
const jobList = document('query { jobs(limit: 5) { totalCount items { id } } }');
const runList = document(
  'query { runs(limit: 5, filter: { statuses: [queued] }) { totalCount items { id } } }',
);
const rerunJob = document<{ jobId: string }>(
  'mutation ($jobId: ID!) { rerunJob(jobId: $jobId) { id } }',
);
const runArtifacts = document<{ id: string }>(
  'query ($id: ID!) { run(id: $id) { id artifacts { path } artifact(path: "manifest.json") { path } } }',
);
const environmentWithJobs = document<{ id: string }>(
  'query ($id: ID!) { environment(id: $id) { id jobs { totalCount } } }',
);

export const deploymentOperations: Operation[] = [
  // Environments
  {
    name: 'environment',
    where: 'environment',
    requires: [read('environments')],
    run: (f, at) =>
      f.token.request(EnvironmentDocument, { id: f.environments[at.project][at.category] }),
  },
  {
    name: 'project.environments',
    where: 'project',
    requires: [read('projects'), read('environments')],
    run: (f, at) =>
      f.token.request(ProjectEnvironmentsDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'createEnvironment',
    where: 'environment',
    requires: [write('environments')],
    run: (f, at) =>
      f.token.request(CreateEnvironmentDocument, {
        input: {
          projectId: f.projects[at.project],
          name: `made ${f.unique()}`,
          type: at.category === 'development' ? 'development' : 'deployment',
          category: at.category,
          dbtVersion: '1.9',
        },
      }),
  },
  {
    name: 'updateEnvironment',
    where: 'environment',
    requires: [write('environments')],
    run: (f, at) =>
      f.token.request(UpdateEnvironmentDocument, {
        id: f.environments[at.project][at.category],
        input: { dbtVersion: 'latest' },
      }),
  },
  {
    name: 'deleteEnvironment',
    where: 'environment',
    requires: [write('environments')],
    run: async (f, at) =>
      f.token.request(DeleteEnvironmentDocument, { id: await throwawayEnvironment(f, at) }),
  },
  // Jobs
  {
    name: 'job',
    where: 'environment',
    requires: [read('jobs')],
    run: (f, at) => f.token.request(JobDocument, { id: f.jobs[at.project][at.category] }),
  },
  {
    name: 'job.environment',
    where: 'environment',
    requires: [read('jobs'), read('environments')],
    run: (f, at) => f.token.request(jobWithEnvironment, { id: f.jobs[at.project][at.category] }),
  },
  {
    name: 'environment.jobs',
    where: 'environment',
    requires: [read('environments'), read('jobs')],
    run: (f, at) =>
      f.token.request(environmentWithJobs, { id: f.environments[at.project][at.category] }),
  },
  {
    name: 'project.jobs',
    where: 'project',
    requires: [read('projects'), read('jobs')],
    run: (f, at) => f.token.request(ProjectJobsDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'createJob',
    where: 'environment',
    requires: [write('jobs')],
    run: (f, at) =>
      f.token.request(CreateJobDocument, {
        input: {
          environmentId: f.environments[at.project][at.category],
          name: `made ${f.unique()}`,
          steps: ['dbt build'],
        },
      }),
  },
  {
    name: 'updateJob',
    where: 'environment',
    requires: [write('jobs')],
    run: (f, at) =>
      f.token.request(UpdateJobDocument, {
        id: f.jobs[at.project][at.category],
        input: { description: f.unique() },
      }),
  },
  {
    name: 'deleteJob',
    where: 'environment',
    requires: [write('jobs')],
    run: async (f, at) => f.token.request(DeleteJobDocument, { id: await throwawayJob(f, at) }),
  },
  // Runs
  {
    name: 'run',
    where: 'environment',
    requires: [read('runs')],
    run: (f, at) => f.token.request(RunDocument, { id: f.runs[at.project][at.category] }),
  },
  {
    name: 'run.job',
    where: 'environment',
    requires: [read('runs'), read('jobs')],
    run: (f, at) => f.token.request(runWithJob, { id: f.runs[at.project][at.category] }),
  },
  {
    name: 'run.triggeredBy',
    where: 'environment',
    requires: [read('runs'), read('service_tokens')],
    run: (f, at) => f.token.request(runWithTrigger, { id: f.runs[at.project][at.category] }),
  },
  {
    name: 'job.runs',
    where: 'environment',
    requires: [read('jobs'), read('runs')],
    run: (f, at) => f.token.request(JobRunsDocument, { jobId: f.jobs[at.project][at.category] }),
  },
  {
    name: 'project.runs',
    where: 'project',
    requires: [read('projects'), read('runs')],
    run: (f, at) => f.token.request(ProjectRunsDocument, { projectId: f.projects[at.project] }),
  },
  {
    name: 'triggerRun',
    where: 'environment',
    requires: [write('runs')],
    run: (f, at) => f.token.request(TriggerRunDocument, { jobId: f.jobs[at.project][at.category] }),
  },
  {
    name: 'cancelRun',
    where: 'environment',
    requires: [write('runs')],
    run: async (f, at) => f.token.request(CancelRunDocument, { id: await throwawayRun(f, at) }),
  },
  // What dbt Cloud's REST API runs (src/rest/): account-wide lists, reruns, artifact files.
  {
    name: 'jobs',
    where: 'account',
    requires: [read('jobs')],
    run: (f) => f.token.request(jobList, {}),
  },
  {
    name: 'runs',
    where: 'account',
    requires: [read('runs')],
    run: (f) => f.token.request(runList, {}),
  },
  {
    name: 'rerunJob',
    where: 'environment',
    requires: [write('runs')],
    run: (f, at) => f.token.request(rerunJob, { jobId: f.jobs[at.project][at.category] }),
  },
  {
    name: 'run.artifacts',
    where: 'environment',
    requires: [read('runs')],
    run: (f, at) => f.token.request(runArtifacts, { id: f.runs[at.project][at.category] }),
  },
  {
    name: 'updateRunStatus',
    where: 'environment',
    requires: [write('runs')],
    run: async (f, at) =>
      f.token.request(UpdateRunStatusDocument, {
        id: await throwawayRun(f, at),
        status: 'running',
      }),
  },
];
