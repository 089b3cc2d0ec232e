import { readableProjects } from '../catalog/access.js';
import { principalOf } from '../context.js';
import { countJobsMatching, type JobSearch, searchJobs } from '../db/job-search.js';
import type { JobRow } from '../db/tables/deployments.js';
import { badUserInput } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { Job } from './job.js';

// The account-wide job list dbt Cloud's REST API offers (`GET …/jobs/`): filters, an order and
// offset pages across every project the token may read jobs in. The per-project connections of
// job.ts stay the admin API's keyset way; this list exists for clients that page by offset.

/** The most items an offset list returns at once (dbt Cloud's own limit). */
export const maxListLimit = 100;

export const JobList = builder
  .objectRef<{ items: readonly JobRow[]; totalCount: number }>('JobList')
  .implement({
    description: 'One offset page of jobs and how many match in all.',
    fields: (t) => ({
      items: t.expose('items', { type: [Job], nullable: false, authz: 'parent' }),
      totalCount: t.exposeInt('totalCount', { nullable: false }),
    }),
  });

const JobListFilter = builder.inputType('JobListFilter', {
  description: 'Every filter given must hold.',
  fields: (t) => ({
    projectId: t.id(),
    environmentId: t.id(),
    nameContains: t.string({ description: 'A substring of the name, in any case.' }),
  }),
});

const JobOrderField = builder.enumType('JobOrderField', {
  values: ['id', 'name', 'created_at', 'updated_at'] as const,
});

const SortOrder = builder.enumType('ListSortDirection', {
  values: ['asc', 'desc'] as const,
});

const JobOrder = builder.inputType('JobOrder', {
  fields: (t) => ({
    field: t.field({ type: JobOrderField, required: true }),
    direction: t.field({ type: SortOrder, defaultValue: 'asc' }),
  }),
});

/** `limit`/`offset` of an offset list, checked: BAD_USER_INPUT outside 0…maxListLimit and ≥ 0. */
export function offsetPage(args: { limit?: number | null; offset?: number | null }): {
  limit: number;
  offset: number;
} {
  const limit = args.limit ?? maxListLimit;
  const offset = args.offset ?? 0;
  if (limit < 0 || limit > maxListLimit)
    throw badUserInput(`limit must be between 0 and ${maxListLimit}.`, 'limit');
  if (offset < 0) throw badUserInput('offset must be 0 or more.', 'offset');
  return { limit, offset };
}

export const offsetArgs = builder.args((t) => ({
  limit: t.int({ description: `How many items (default and at most ${maxListLimit}).` }),
  offset: t.int({ description: 'How many matching items to skip (default 0).' }),
}));

export { SortOrder as ListSortDirection };

builder.queryField('jobs', (t) =>
  t.field({
    type: JobList,
    nullable: false,
    description:
      'Jobs of every project this token may read jobs in, filtered, ordered (by id unless told) and paged by offset.',
    args: {
      ...offsetArgs,
      filter: t.arg({ type: JobListFilter }),
      orderBy: t.arg({ type: JobOrder }),
    },
    authz: { resource: 'jobs', action: 'read', project: 'any' },
    resolve: async (_root, args, context) => {
      const { account, access } = principalOf(context);
      const { limit, offset } = offsetPage(args);
      const search: JobSearch = {
        accountId: account.id,
        visibleProjects: readableProjects(access, 'jobs'),
        projectId:
          args.filter?.projectId == null
            ? null
            : parseId(args.filter.projectId, 'filter.projectId'),
        environmentId:
          args.filter?.environmentId == null
            ? null
            : parseId(args.filter.environmentId, 'filter.environmentId'),
        nameContains: args.filter?.nameContains ?? null,
      };
      const order = {
        field: args.orderBy?.field ?? 'id',
        direction: args.orderBy?.direction ?? 'asc',
      };
      const [items, totalCount] = await Promise.all([
        searchJobs(context.db, search, order, limit, offset),
        countJobsMatching(context.db, search),
      ]);
      return { items, totalCount };
    },
  }),
);
