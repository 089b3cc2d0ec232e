import { auditedWrite } from '../audit.js';
import { jobScope, parentProject } from '../auth/scopes.js';
import { readableProjects } from '../catalog/access.js';
import { principalOf } from '../context.js';
import { findRunArtifactFile, listRunArtifactFiles } from '../db/run-artifact-files.js';
import {
  countRunsMatching,
  findLatestRunOfJob,
  type RunSearch,
  searchRuns,
} from '../db/run-search.js';
import type { RunRow } from '../db/tables/deployments.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { ListSortDirection, offsetArgs, offsetPage } from './job-queries.js';
import { queueRun, Run, RunStatusEnum } from './run.js';
import { DateTime } from './scalars.js';

// What dbt Cloud's REST API asks of runs beyond run.ts: the account-wide list with its filters
// (`GET …/runs/`), the rerun of a job (`POST …/jobs/{id}/rerun/`), and the artifact files a run
// received (`GET …/runs/{id}/artifacts/[path]`).

export const RunList = builder
  .objectRef<{ items: readonly RunRow[]; totalCount: number }>('RunList')
  .implement({
    description: 'One offset page of runs and how many match in all.',
    fields: (t) => ({
      items: t.expose('items', { type: [Run], nullable: false, authz: 'parent' }),
      totalCount: t.exposeInt('totalCount', { nullable: false }),
    }),
  });

const RunListFilter = builder.inputType('RunListFilter', {
  description: 'Every filter given must hold.',
  fields: (t) => ({
    projectId: t.id(),
    environmentId: t.id(),
    jobId: t.id(),
    statuses: t.field({ type: [RunStatusEnum], description: 'Runs in any of these statuses.' }),
    finishedAfter: t.field({ type: DateTime, description: 'Finished at or after.' }),
    finishedBefore: t.field({ type: DateTime, description: 'Finished at or before.' }),
  }),
});

const RunOrderField = builder.enumType('RunOrderField', {
  values: ['id', 'created_at', 'started_at', 'finished_at'] as const,
});

const RunOrder = builder.inputType('RunOrder', {
  fields: (t) => ({
    field: t.field({ type: RunOrderField, required: true }),
    direction: t.field({ type: ListSortDirection, defaultValue: 'asc' }),
  }),
});

const optionalId = (value: string | number | null | undefined, field: string) =>
  value == null ? null : parseId(value, field);

builder.queryField('runs', (t) =>
  t.field({
    type: RunList,
    nullable: false,
    description:
      'Runs of every project this token may read runs in, filtered, ordered (by id unless told) and paged by offset.',
    args: {
      ...offsetArgs,
      filter: t.arg({ type: RunListFilter }),
      orderBy: t.arg({ type: RunOrder }),
    },
    authz: { resource: 'runs', action: 'read', project: 'any' },
    resolve: async (_root, args, context) => {
      const { account, access } = principalOf(context);
      const { limit, offset } = offsetPage(args);
      const filter = args.filter;
      const search: RunSearch = {
        accountId: account.id,
        visibleProjects: readableProjects(access, 'runs'),
        projectId: optionalId(filter?.projectId, 'filter.projectId'),
        environmentId: optionalId(filter?.environmentId, 'filter.environmentId'),
        jobId: optionalId(filter?.jobId, 'filter.jobId'),
        statuses: filter?.statuses ?? null,
        finishedAfter: filter?.finishedAfter?.toISOString() ?? null,
        finishedBefore: filter?.finishedBefore?.toISOString() ?? null,
      };
      const order = {
        field: args.orderBy?.field ?? 'id',
        direction: args.orderBy?.direction ?? 'asc',
      };
      const [items, totalCount] = await Promise.all([
        searchRuns(context.db, search, order, limit, offset),
        countRunsMatching(context.db, search),
      ]);
      return { items, totalCount };
    },
  }),
);

builder.mutationField('rerunJob', (t) =>
  t.field({
    type: Run,
    nullable: false,
    description:
      'Queues a new run of the job. When its latest run ended in error, the new one retries it: same git branch and commit, and a cause naming the run it retries.',
    args: { jobId: t.arg.id({ required: true }) },
    authz: {
      resource: 'runs',
      action: 'write',
      project: (_root, { jobId }, context) => jobScope(jobId, context.loaders, 'jobId'),
    },
    resolve: async (_root, { jobId }, context) => {
      const job = (await context.loaders.job.load(parseId(jobId, 'jobId')))!;
      return auditedWrite(context, 'rerunJob', async (trx) => {
        const latest = await findLatestRunOfJob(trx, job.id);
        const retry = latest?.status === 'error' ? latest : undefined;
        return queueRun(
          trx,
          context,
          job,
          {
            cause: retry ? `Retry of run ${retry.id}` : 'Rerun via API',
            gitBranch: retry?.git_branch ?? null,
            gitSha: retry?.git_sha ?? null,
          },
          { retriedRunId: retry?.id ?? null },
        );
      });
    },
  }),
);

interface ArtifactFileShape {
  readonly run: RunRow;
  readonly path: string;
  readonly size: number;
  readonly created_at: string;
}

/**
 * dbt Cloud's runner exports DBT_CLOUD_RUN_ID (and the job's and project's ids) to dbt, and
 * clients find the run of a run_results.json by it; files uploaded by another runner may lack it.
 */
function withCloudIds(path: string, bytes: Buffer, run: RunRow): string {
  const text = bytes.toString('utf8');
  if (path !== 'run_results.json') return text;
  let parsed: { metadata?: { env?: Record<string, string> } };
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  parsed.metadata ??= {};
  parsed.metadata.env ??= {};
  const env = parsed.metadata.env;
  if (env.DBT_CLOUD_RUN_ID !== undefined) return text;
  env.DBT_CLOUD_RUN_ID = String(run.id);
  env.DBT_CLOUD_JOB_ID ??= String(run.job_id);
  env.DBT_CLOUD_PROJECT_ID ??= String(run.project_id);
  return JSON.stringify(parsed);
}

const RunArtifactFile = builder.objectRef<ArtifactFileShape>('RunArtifactFile').implement({
  description: 'A dbt artifact file uploaded for the run (uploadRunArtifacts), as uploaded.',
  fields: (t) => ({
    path: t.exposeString('path', { nullable: false, description: 'e.g. "manifest.json".' }),
    size: t.exposeInt('size', { nullable: false, description: 'Bytes.' }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    content: t.string({
      nullable: false,
      description:
        "The file's text. run_results.json carries metadata.env.DBT_CLOUD_RUN_ID (added when the upload lacked it).",
      authz: 'parent',
      resolve: async (file, _args, context) => {
        const stored = (await findRunArtifactFile(context.db, file.run.id, file.path))!;
        return withCloudIds(file.path, stored.bytes, file.run);
      },
    }),
  }),
});

const runArtifactsAuthz = {
  resource: 'runs',
  action: 'read',
  project: parentProject((run: RunRow) => run.project_id, 'Run'),
} as const;

builder.objectFields(Run, (t) => ({
  artifacts: t.field({
    type: [RunArtifactFile],
    nullable: false,
    description: 'The artifact files uploaded for the run, by path.',
    authz: runArtifactsAuthz,
    resolve: async (run, _args, context) =>
      (await listRunArtifactFiles(context.db, run.id)).map((file) => ({ ...file, run })),
  }),
  artifact: t.field({
    type: RunArtifactFile,
    description: 'One uploaded artifact file; null when the run has none at that path.',
    args: { path: t.arg.string({ required: true }) },
    authz: runArtifactsAuthz,
    resolve: async (run, { path }, context) => {
      const file = (await listRunArtifactFiles(context.db, run.id)).find(
        (stored) => stored.path === path,
      );
      return file ? { ...file, run } : null;
    },
  }),
}));
