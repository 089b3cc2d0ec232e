import { envelope, type OperationData, RestAnswer, type RouteContext } from './api.js';
import { errorEnvelope, type ListExtra } from './envelope.js';
import type { OperationName } from './operations.js';
import {
  arrayBody,
  bodyBoolean,
  bodyId,
  bodyString,
  includeRelated,
  intParam,
  listParam,
  objectBody,
  RestInputError,
  textParam,
} from './params.js';
import * as shape from './shapes.js';

// Every route of the REST API: its method and path, the operations it runs, the parameters it
// reads (for the OpenAPI document) and how it turns the operation's data into dbt's JSON.

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ParameterDoc {
  readonly name: string;
  readonly description: string;
  readonly type?: 'integer' | 'string' | 'array';
}

export interface Route {
  readonly method: Method;
  /** Below `/api/{version}/`, without slashes at either end; `{path+}` takes the rest. */
  readonly path: string;
  readonly versions: readonly ('v2' | 'v3')[];
  readonly summary: string;
  readonly operations: readonly OperationName[];
  readonly query?: readonly ParameterDoc[];
  /** The JSON body it reads, described (for the OpenAPI document). */
  readonly body?: string;
  /** Answers a list with `extra` (pagination). */
  readonly list?: boolean;
  /** Answers the raw file, not the envelope. */
  readonly raw?: boolean;
  /** The success status (default 200). */
  readonly status?: number;
  readonly handle: (context: RouteContext) => Promise<Response>;
}

/** dbt's limit: default and maximum 100 per page. */
export const maxLimit = 100;

const pageParameters: ParameterDoc[] = [
  {
    name: 'limit',
    description: `Items per page (default and at most ${maxLimit}).`,
    type: 'integer',
  },
  { name: 'offset', description: 'Items to skip (default 0).', type: 'integer' },
];

function page(context: RouteContext): { limit: number; offset: number } {
  return {
    limit: intParam(context.query, 'limit', { min: 0, max: maxLimit }) ?? maxLimit,
    offset: intParam(context.query, 'offset', { min: 0 }) ?? 0,
  };
}

function listAnswer(
  items: unknown[],
  totalCount: number,
  filters: Record<string, unknown>,
  orderBy: string | null,
): Response {
  const extra: ListExtra = {
    filters,
    order_by: orderBy,
    pagination: { count: items.length, total_count: totalCount },
  };
  return envelope(items, { extra });
}

interface ConnectionPage {
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly edges: readonly { readonly node: OperationData }[];
}

/** The admin API's pages hold at most this many items. */
const connectionPageSize = 1000;

/**
 * An offset page of a keyset (cursor) list: walks the cursor pages up to `offset + limit`, each
 * one an operation like any other, and cuts the requested slice out.
 */
async function offsetOfConnection(
  context: RouteContext,
  name: OperationName,
  variables: Record<string, unknown>,
  pick: (data: OperationData) => ConnectionPage,
  { limit, offset }: { limit: number; offset: number },
  keep?: (node: OperationData) => boolean,
): Promise<{ nodes: OperationData[]; totalCount: number }> {
  // A filter the admin API's list does not have (`name__icontains` on projects) reads every page.
  const wanted = keep ? Number.POSITIVE_INFINITY : offset + limit;
  const nodes: OperationData[] = [];
  let after: string | null = null;
  let totalCount = 0;
  do {
    const first = Math.min(connectionPageSize, Math.max(wanted - nodes.length, 1));
    const connection = pick(await context.run(name, { ...variables, first, after }));
    totalCount = connection.totalCount;
    nodes.push(...connection.edges.map((edge) => edge.node));
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after !== null && nodes.length < wanted);
  const kept = keep ? nodes.filter(keep) : nodes;
  return {
    nodes: kept.slice(offset, offset + limit),
    totalCount: keep ? kept.length : totalCount,
  };
}

/** `name__icontains`: a case-insensitive substring of the name, when given. */
function nameFilter(context: RouteContext): ((node: OperationData) => boolean) | undefined {
  const text = textParam(context.query, 'name__icontains')?.toLowerCase();
  return text === undefined ? undefined : (node) => String(node.name).toLowerCase().includes(text);
}

const nameParameter: ParameterDoc = {
  name: 'name__icontains',
  description: 'Only those whose name contains this, in any case.',
};

/** `order_by=-finished_at` → the field and direction, when the field is one of `fields`. */
function orderOf<Field extends string>(
  context: RouteContext,
  fields: readonly Field[],
): { field: Field; direction: 'asc' | 'desc' } | undefined {
  const raw = textParam(context.query, 'order_by');
  if (!raw) return undefined;
  const field = raw.replace(/^-/, '') as Field;
  if (!fields.includes(field))
    throw new RestInputError(
      `order_by must be one of ${fields.join(', ')} (- for descending).`,
      'order_by',
    );
  return { field, direction: raw.startsWith('-') ? 'desc' : 'asc' };
}

const id = (context: RouteContext, name: string) => context.params[name]!;

/** A run with what `include_related` asked for. */
function runWithRelated(
  value: OperationData,
  context: RouteContext,
  related: ReadonlySet<string>,
): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  if (related.has('job')) extra.job = value.job ? shape.job(value.job, context.accountId) : null;
  if (related.has('trigger')) extra.trigger = shape.trigger(value, context.accountId);
  // Steps are what a runner reported of each dbt command of the run; an unclaimed run has none.
  if (related.has('run_steps'))
    extra.run_steps = ((value.steps ?? []) as OperationData[]).map((step) =>
      shape.runStep(step, Number(value.id), context.accountId),
    );
  return shape.run(value, context.accountId, context.url.origin, extra);
}

const relatedRunParameter: ParameterDoc = {
  name: 'include_related',
  description:
    'Related objects to include: job, trigger, run_steps (repeated, comma-separated, a JSON array or a Python list).',
  type: 'array',
};

// ---------------------------------------------------------------------------------------------
// Accounts

async function accountList(context: RouteContext): Promise<Response> {
  const data = await context.run('RestAccount');
  return envelope([shape.account(data.viewer.account)]);
}

async function accountOne(context: RouteContext): Promise<Response> {
  const data = await context.run('RestAccount');
  return envelope(shape.account(data.viewer.account));
}

async function whoami(context: RouteContext): Promise<Response> {
  const data = await context.run('RestAccount');
  const accountId = Number(data.viewer.account.id);
  return envelope({
    user: null,
    service_token: {
      id: Number(data.viewer.id),
      name: data.viewer.name,
      uid: data.viewer.displayHint,
      account_id: accountId,
    },
    accounts: [shape.account(data.viewer.account)],
  });
}

// ---------------------------------------------------------------------------------------------
// Projects and environments

async function projectList(context: RouteContext): Promise<Response> {
  const paging = page(context);
  const { nodes, totalCount } = await offsetOfConnection(
    context,
    'RestProjects',
    {},
    (data) => data.projects,
    paging,
    nameFilter(context),
  );
  return listAnswer(
    nodes.map((node) => shape.project(node, context.accountId)),
    totalCount,
    { ...paging, account_id: context.accountId },
    'id',
  );
}

async function projectOne(context: RouteContext): Promise<Response> {
  const data = await context.run('RestProject', { id: id(context, 'project_id') });
  return envelope(shape.project(data.project, context.accountId));
}

async function environmentList(context: RouteContext): Promise<Response> {
  const paging = page(context);
  const projectId = id(context, 'project_id');
  const { nodes, totalCount } = await offsetOfConnection(
    context,
    'RestEnvironments',
    { projectId },
    (data) => data.project.environments,
    paging,
    nameFilter(context),
  );
  return listAnswer(
    nodes.map((node) => shape.environment(node, context.accountId)),
    totalCount,
    { ...paging, account_id: context.accountId, project_id: Number(projectId) },
    'id',
  );
}

async function environmentOne(context: RouteContext): Promise<Response> {
  const data = await context.run('RestEnvironment', { id: id(context, 'environment_id') });
  const found = data.environment;
  // Under /projects/{p}/, an environment of another project is not there.
  if (context.params.project_id && found.projectId !== context.params.project_id)
    notFound(`Environment ${context.params.environment_id}`);
  return envelope(shape.environment(found, context.accountId));
}

/** A 404 decided from the operation's own data (an object under another parent, a missing file). */
function notFound(label: string): never {
  throw new RestAnswer(errorEnvelope(404, `${label} not found.`, 'NOT_FOUND'));
}

// ---------------------------------------------------------------------------------------------
// Jobs

const jobOrderFields = ['id', 'name', 'created_at', 'updated_at'] as const;

async function jobList(context: RouteContext): Promise<Response> {
  const paging = page(context);
  const projectId = intParam(context.query, 'project_id', { min: 1 });
  const environmentId = intParam(context.query, 'environment_id', { min: 1 });
  const nameContains = textParam(context.query, 'name__icontains');
  const order = orderOf(context, jobOrderFields);
  const data = await context.run('RestJobs', {
    filter: { projectId, environmentId, nameContains },
    orderBy: order,
    ...paging,
  });
  return listAnswer(
    data.jobs.items.map((item: OperationData) => shape.job(item, context.accountId)),
    data.jobs.totalCount,
    {
      ...paging,
      account_id: context.accountId,
      ...(projectId === undefined ? {} : { project_id: projectId }),
      ...(environmentId === undefined ? {} : { environment_id: environmentId }),
      ...(nameContains === undefined ? {} : { name__icontains: nameContains }),
    },
    textParam(context.query, 'order_by') ?? 'id',
  );
}

async function jobOne(context: RouteContext): Promise<Response> {
  const related = includeRelated(context.query);
  const data = await context.run('RestJob', {
    id: id(context, 'job_id'),
    withRecent: related.has('most_recent_run'),
    withCompleted: related.has('most_recent_completed_run'),
  });
  const latest = (connection: { edges: { node: OperationData }[] } | null | undefined) => {
    const node = connection?.edges[0]?.node;
    return node ? shape.run(node, context.accountId, context.url.origin) : null;
  };
  const extra: Record<string, unknown> = {};
  if (related.has('most_recent_run')) extra.most_recent_run = latest(data.job.mostRecent);
  if (related.has('most_recent_completed_run'))
    extra.most_recent_completed_run = latest(data.job.mostRecentCompleted);
  return envelope(shape.job(data.job, context.accountId, extra));
}

/** The job fields of a dbt job body, as the admin API's job input. */
function jobInput(body: Record<string, unknown>): Record<string, unknown> {
  const steps = body.execute_steps;
  if (steps != null && (!Array.isArray(steps) || steps.some((step) => typeof step !== 'string')))
    throw new RestInputError('execute_steps must be a list of dbt commands.', 'execute_steps');
  const triggers = (body.triggers ?? {}) as Record<string, unknown>;
  const schedule = (body.schedule ?? {}) as Record<string, unknown>;
  const cron = schedule.cron ?? (schedule.date as Record<string, unknown> | undefined)?.cron;
  const pullRequest =
    bodyBoolean(triggers, 'github_webhook') || bodyBoolean(triggers, 'git_provider_webhook');
  return {
    name: bodyString(body, 'name'),
    description: bodyString(body, 'description'),
    steps: steps ?? undefined,
    schedule: typeof cron === 'string' ? cron : undefined,
    triggers: {
      schedule: bodyBoolean(triggers, 'schedule'),
      pullRequest:
        triggers.github_webhook == null && triggers.git_provider_webhook == null
          ? undefined
          : pullRequest,
      merge: bodyBoolean(triggers, 'on_merge'),
    },
  };
}

async function jobCreate(context: RouteContext): Promise<Response> {
  const body = await objectBody(context.request);
  const environmentId = bodyId(body, 'environment_id');
  if (!environmentId) throw new RestInputError('environment_id is required.', 'environment_id');
  const data = await context.run('RestCreateJob', {
    input: { environmentId, ...jobInput(body) },
  });
  return envelope(shape.job(data.createJob, context.accountId), { status: 201 });
}

async function jobUpdate(context: RouteContext): Promise<Response> {
  const body = await objectBody(context.request);
  const data = await context.run('RestUpdateJob', {
    id: id(context, 'job_id'),
    input: { environmentId: bodyId(body, 'environment_id'), ...jobInput(body) },
  });
  return envelope(shape.job(data.updateJob, context.accountId));
}

// ---------------------------------------------------------------------------------------------
// Runs

/** What a trigger body may hold; every field is optional and unknown keys are ignored. */
const triggerFields = [
  'cause',
  'git_sha',
  'git_branch',
  'azure_pull_request_id',
  'github_pull_request_id',
  'gitlab_merge_request_id',
  'schema_override',
  'dbt_version_override',
  'threads_override',
  'target_name_override',
  'generate_docs_override',
  'timeout_seconds_override',
  'steps_override',
] as const;

async function jobTrigger(context: RouteContext): Promise<Response> {
  const body = await objectBody(context.request);
  const cause = bodyString(body, 'cause');
  const data = await context.run('RestTriggerRun', {
    jobId: id(context, 'job_id'),
    input: {
      cause: cause?.trim() ? cause : 'API',
      gitBranch: bodyString(body, 'git_branch'),
      gitSha: bodyString(body, 'git_sha'),
    },
  });
  return envelope(shape.run(data.triggerRun, context.accountId, context.url.origin));
}

async function jobRerun(context: RouteContext): Promise<Response> {
  const data = await context.run('RestRerunJob', { jobId: id(context, 'job_id') });
  return envelope(shape.run(data.rerunJob, context.accountId, context.url.origin));
}

const runOrderFields = ['id', 'created_at', 'started_at', 'finished_at'] as const;

/** `status` and `status__in` as the admin API's statuses; dbt's codes or their names. */
function statusFilter(context: RouteContext): shape.RunStatusName[] | undefined {
  const given = [...listParam(context.query, 'status'), ...listParam(context.query, 'status__in')];
  if (given.length === 0) return undefined;
  return given.flatMap((value) => {
    const statuses = shape.statusesOfCode(value);
    if (!statuses)
      throw new RestInputError(
        `"${value}" is not a run status: 1 queued, 2 starting, 3 running, 10 success, 20 error, 30 cancelled.`,
        'status__in',
      );
    return statuses;
  });
}

/** A bound of `finished_at__range`: a date (midnight UTC) or a date and time. */
function rangeBound(value: string): string {
  const date = new Date(/^\d{4}-\d\d-\d\d$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()))
    throw new RestInputError(`"${value}" is not a date or date and time.`, 'finished_at__range');
  return date.toISOString();
}

async function runList(context: RouteContext): Promise<Response> {
  const paging = page(context);
  const related = includeRelated(context.query);
  const range = listParam(context.query, 'finished_at__range');
  if (range.length !== 0 && range.length !== 2)
    throw new RestInputError(
      'finished_at__range takes two values: from and to.',
      'finished_at__range',
    );
  const statuses = statusFilter(context);
  const jobId = intParam(context.query, 'job_definition_id', { min: 1 });
  const projectId = intParam(context.query, 'project_id', { min: 1 });
  const environmentId = intParam(context.query, 'environment_id', { min: 1 });
  const order = orderOf(context, runOrderFields);
  // A status filter that can match nothing ("starting" only) answers an empty page.
  const filter = {
    jobId,
    projectId,
    environmentId,
    statuses: statuses?.length === 0 ? undefined : statuses,
    finishedAfter: range[0] ? rangeBound(range[0]) : undefined,
    finishedBefore: range[1] ? rangeBound(range[1]) : undefined,
  };
  const data =
    statuses?.length === 0
      ? { runs: { items: [], totalCount: 0 } }
      : await context.run('RestRuns', {
          filter,
          orderBy: order,
          ...paging,
          withJob: related.has('job'),
          withSteps: related.has('run_steps'),
        });
  return listAnswer(
    data.runs.items.map((item: OperationData) => runWithRelated(item, context, related)),
    data.runs.totalCount,
    {
      ...paging,
      account_id: context.accountId,
      ...(jobId === undefined ? {} : { job_definition_id: jobId }),
      ...(projectId === undefined ? {} : { project_id: projectId }),
      ...(environmentId === undefined ? {} : { environment_id: environmentId }),
      ...(statuses === undefined
        ? {}
        : { status__in: statuses.map((status) => shape.runStatusCodes[status]) }),
      ...(range.length === 2 ? { finished_at__range: range } : {}),
    },
    textParam(context.query, 'order_by') ?? 'id',
  );
}

async function runOne(context: RouteContext): Promise<Response> {
  const related = includeRelated(context.query);
  const data = await context.run('RestRun', {
    id: id(context, 'run_id'),
    withJob: related.has('job'),
    withSteps: related.has('run_steps'),
  });
  return envelope(runWithRelated(data.run, context, related));
}

async function runCancel(context: RouteContext): Promise<Response> {
  const data = await context.run('RestCancelRun', { id: id(context, 'run_id') });
  return envelope(shape.run(data.cancelRun, context.accountId, context.url.origin));
}

async function artifactList(context: RouteContext): Promise<Response> {
  const data = await context.run('RestRunArtifacts', { id: id(context, 'run_id') });
  return envelope(data.run.artifacts.map((file: { path: string }) => file.path));
}

const contentTypes: Record<string, string> = {
  json: 'application/json',
  html: 'text/html; charset=utf-8',
  sql: 'text/plain; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
};

async function artifactFile(context: RouteContext): Promise<Response> {
  intParam(context.query, 'step', { min: 1 });
  const path = context.params.path!;
  const data = await context.run('RestRunArtifact', { id: id(context, 'run_id'), path });
  const file = data.run.artifact;
  if (!file) notFound(`Artifact ${path} of run ${context.params.run_id}`);
  const extension = path.split('.').at(-1)?.toLowerCase() ?? '';
  return new Response(file.content, {
    status: 200,
    headers: { 'content-type': contentTypes[extension] ?? 'application/octet-stream' },
  });
}

// ---------------------------------------------------------------------------------------------
// Service tokens

function tokenStates(context: RouteContext): string[] | undefined {
  const state = intParam(context.query, 'state', { min: 1, max: 2 });
  if (state === undefined) return undefined;
  return state === 1 ? ['ACTIVE'] : ['REVOKED', 'EXPIRED'];
}

async function tokenList(context: RouteContext): Promise<Response> {
  const paging = page(context);
  const states = tokenStates(context);
  const { nodes, totalCount } = await offsetOfConnection(
    context,
    'RestServiceTokens',
    { filter: states ? { states } : null },
    (data) => data.serviceTokens,
    paging,
  );
  return listAnswer(
    nodes.map((node) => shape.serviceToken(node, context.accountId)),
    totalCount,
    {
      ...paging,
      account_id: context.accountId,
      ...(states ? { state: intParam(context.query, 'state') } : {}),
    },
    'id',
  );
}

/** dbt's permission entries as the admin API's grant inputs: one grant per set and categories. */
function grantInputs(entries: unknown[], field: string): Record<string, unknown>[] {
  const grants = new Map<string, { projectIds?: string[] } & Record<string, unknown>>();
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new RestInputError(`${field}[${index}] must be an object.`, field);
    const item = entry as Record<string, unknown>;
    const permissionSet = bodyString(item, 'permission_set');
    if (!permissionSet)
      throw new RestInputError(`${field}[${index}].permission_set is required.`, field);
    const categories = item.writable_environment_categories ?? [];
    if (!Array.isArray(categories))
      throw new RestInputError(
        `${field}[${index}].writable_environment_categories must be a list.`,
        field,
      );
    const projectId = bodyId(item, 'project_id');
    const allProjects = bodyBoolean(item, 'all_projects') ?? projectId === undefined;
    const key = JSON.stringify([permissionSet, [...categories].sort(), allProjects]);
    const grant = grants.get(key) ?? {
      permissionSet,
      writableEnvironmentCategories: categories.length > 0 ? categories : undefined,
      ...(allProjects ? { allProjects: true } : { projectIds: [] }),
    };
    if (!allProjects) {
      if (!projectId)
        throw new RestInputError(
          `${field}[${index}] needs project_id or all_projects: true.`,
          field,
        );
      grant.projectIds!.push(projectId);
    }
    grants.set(key, grant);
  }
  return [...grants.values()];
}

async function tokenCreate(context: RouteContext): Promise<Response> {
  const body = await objectBody(context.request);
  const name = bodyString(body, 'name');
  if (!name) throw new RestInputError('name is required.', 'name');
  const grants = body.permission_grants ?? body.service_token_permissions ?? [];
  if (!Array.isArray(grants))
    throw new RestInputError('permission_grants must be a list.', 'permission_grants');
  const data = await context.run('RestCreateServiceToken', {
    input: {
      name,
      permissions: grantInputs(grants, 'permission_grants'),
      allowNoGrants: true,
    },
  });
  const created = data.createServiceToken;
  const tokenId = Number(created.serviceToken.id);
  return envelope(
    {
      ...shape.serviceToken(created.serviceToken, context.accountId),
      token_string: created.token,
      permissions: shape.permissions(created.serviceToken.grants, tokenId, context.accountId),
    },
    { status: 201 },
  );
}

async function tokenOne(context: RouteContext): Promise<Response> {
  const data = await context.run('RestServiceToken', { id: id(context, 'token_id') });
  return envelope(shape.serviceToken(data.serviceToken, context.accountId));
}

async function tokenUpdate(context: RouteContext): Promise<Response> {
  const body = await objectBody(context.request);
  const tokenId = id(context, 'token_id');
  const name = bodyString(body, 'name');
  const state = body.state == null ? undefined : Number(body.state);
  if (state !== undefined && state !== 1 && state !== 2)
    throw new RestInputError('state must be 1 (active) or 2 (deleted).', 'state');
  const current = (await context.run('RestServiceToken', { id: tokenId })).serviceToken;
  let token = current;
  if (name !== undefined && name !== current.name)
    token = (await context.run('RestRenameServiceToken', { id: tokenId, name })).renameServiceToken;
  if (state === 2 && token.state === 'ACTIVE')
    token = (await context.run('RestRevokeServiceToken', { id: tokenId })).revokeServiceToken;
  if (state === 1 && token.state !== 'ACTIVE')
    throw new RestInputError(
      'A deleted token cannot be made active again; create a new one.',
      'state',
    );
  return envelope(shape.serviceToken(token, context.accountId));
}

async function tokenDelete(context: RouteContext): Promise<Response> {
  const data = await context.run('RestRevokeServiceToken', { id: id(context, 'token_id') });
  return envelope(shape.serviceToken(data.revokeServiceToken, context.accountId));
}

async function tokenPermissions(context: RouteContext): Promise<Response> {
  const data = await context.run('RestServiceTokenPermissions', { id: id(context, 'token_id') });
  const token = data.serviceToken;
  return envelope(shape.permissions(token.grants, Number(token.id), context.accountId));
}

async function tokenSetPermissions(context: RouteContext): Promise<Response> {
  const entries = await arrayBody(context.request);
  const data = await context.run('RestSetServiceTokenPermissions', {
    id: id(context, 'token_id'),
    permissions: grantInputs(entries, 'permissions'),
  });
  const token = data.setServiceTokenGrants;
  return envelope(shape.permissions(token.grants, Number(token.id), context.accountId));
}

// ---------------------------------------------------------------------------------------------

const both = ['v2', 'v3'] as const;

export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: 'accounts',
    versions: both,
    summary: "The token's account (a list of one).",
    operations: ['RestAccount'],
    handle: accountList,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}',
    versions: both,
    summary: 'An account.',
    operations: ['RestAccount'],
    handle: accountOne,
  },
  {
    method: 'GET',
    path: 'whoami',
    versions: both,
    summary: 'The calling service token and its account.',
    operations: ['RestAccount'],
    handle: whoami,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/projects',
    versions: both,
    summary: 'Projects the token may read.',
    operations: ['RestProjects'],
    query: [nameParameter, ...pageParameters],
    list: true,
    handle: projectList,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/projects/{project_id}',
    versions: both,
    summary: 'A project.',
    operations: ['RestProject'],
    handle: projectOne,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/projects/{project_id}/environments',
    versions: both,
    summary: "A project's environments.",
    operations: ['RestEnvironments'],
    query: [nameParameter, ...pageParameters],
    list: true,
    handle: environmentList,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/projects/{project_id}/environments/{environment_id}',
    versions: both,
    summary: 'An environment of a project.',
    operations: ['RestEnvironment'],
    handle: environmentOne,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/environments/{environment_id}',
    versions: both,
    summary: 'An environment.',
    operations: ['RestEnvironment'],
    handle: environmentOne,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/jobs',
    versions: both,
    summary: 'Jobs the token may read.',
    operations: ['RestJobs'],
    list: true,
    handle: jobList,
    query: [
      { name: 'project_id', description: 'Only jobs of this project.', type: 'integer' },
      { name: 'environment_id', description: 'Only jobs of this environment.', type: 'integer' },
      { name: 'name__icontains', description: 'Only jobs whose name contains this, in any case.' },
      {
        name: 'order_by',
        description: 'id, name, created_at or updated_at; a leading - for descending.',
      },
      ...pageParameters,
    ],
  },
  {
    method: 'POST',
    path: 'accounts/{account_id}/jobs',
    versions: both,
    summary: 'Creates a job.',
    operations: ['RestCreateJob'],
    status: 201,
    body: 'environment_id, name, execute_steps, description, triggers, schedule.cron',
    handle: jobCreate,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/jobs/{job_id}',
    versions: both,
    summary: 'A job.',
    operations: ['RestJob'],
    handle: jobOne,
    query: [
      {
        name: 'include_related',
        description: 'most_recent_run, most_recent_completed_run.',
        type: 'array',
      },
    ],
  },
  {
    method: 'POST',
    path: 'accounts/{account_id}/jobs/{job_id}',
    versions: both,
    summary: 'Updates a job (the fields given).',
    operations: ['RestUpdateJob'],
    body: 'environment_id, name, execute_steps, description, triggers, schedule.cron',
    handle: jobUpdate,
  },
  {
    method: 'PUT',
    path: 'accounts/{account_id}/jobs/{job_id}',
    versions: both,
    summary: 'Updates a job (the fields given).',
    operations: ['RestUpdateJob'],
    body: 'environment_id, name, execute_steps, description, triggers, schedule.cron',
    handle: jobUpdate,
  },
  {
    method: 'POST',
    path: 'accounts/{account_id}/jobs/{job_id}/run',
    versions: both,
    summary: 'Triggers a run of the job.',
    operations: ['RestTriggerRun'],
    body: `optional, every field nullable, unknown keys ignored: ${triggerFields.join(', ')}`,
    handle: jobTrigger,
  },
  {
    method: 'POST',
    path: 'accounts/{account_id}/jobs/{job_id}/rerun',
    versions: both,
    summary: 'Reruns the job (retrying its latest run if that failed).',
    operations: ['RestRerunJob'],
    handle: jobRerun,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/runs',
    versions: both,
    summary: 'Runs the token may read.',
    operations: ['RestRuns'],
    list: true,
    handle: runList,
    query: [
      { name: 'job_definition_id', description: 'Only runs of this job.', type: 'integer' },
      { name: 'project_id', description: 'Only runs of this project.', type: 'integer' },
      { name: 'environment_id', description: 'Only runs of this environment.', type: 'integer' },
      {
        name: 'status',
        description:
          'A status code: 1 queued, 2 starting, 3 running, 10 success, 20 error, 30 cancelled.',
        type: 'integer',
      },
      { name: 'status__in', description: 'Status codes (a list).', type: 'array' },
      {
        name: 'finished_at__range',
        description: 'Two dates or date-times: from, to (a list).',
        type: 'array',
      },
      {
        name: 'order_by',
        description: 'id, created_at, started_at or finished_at; a leading - for descending.',
      },
      relatedRunParameter,
      ...pageParameters,
    ],
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/runs/{run_id}',
    versions: both,
    summary: 'A run.',
    operations: ['RestRun'],
    query: [relatedRunParameter],
    handle: runOne,
  },
  {
    method: 'POST',
    path: 'accounts/{account_id}/runs/{run_id}/cancel',
    versions: both,
    summary: 'Cancels a run.',
    operations: ['RestCancelRun'],
    handle: runCancel,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/runs/{run_id}/artifacts',
    versions: both,
    summary: "The paths of a run's artifact files.",
    operations: ['RestRunArtifacts'],
    handle: artifactList,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/runs/{run_id}/artifacts/{path+}',
    versions: both,
    summary: 'One artifact file, as uploaded (not enveloped).',
    operations: ['RestRunArtifact'],
    raw: true,
    handle: artifactFile,
    query: [
      {
        name: 'step',
        description: 'Accepted for compatibility: a run keeps one set of artifacts, its final one.',
        type: 'integer',
      },
    ],
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/service-tokens',
    versions: both,
    summary: "The account's service tokens.",
    operations: ['RestServiceTokens'],
    list: true,
    handle: tokenList,
    query: [
      { name: 'state', description: '1 active, 2 deleted (revoked or expired).', type: 'integer' },
      ...pageParameters,
    ],
  },
  {
    method: 'POST',
    path: 'accounts/{account_id}/service-tokens',
    versions: both,
    summary: 'Creates a service token; token_string is in this answer only.',
    operations: ['RestCreateServiceToken'],
    status: 201,
    body: 'name, state, permission_grants (optional)',
    handle: tokenCreate,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/service-tokens/{token_id}',
    versions: both,
    summary: 'A service token.',
    operations: ['RestServiceToken'],
    handle: tokenOne,
  },
  {
    method: 'POST',
    path: 'accounts/{account_id}/service-tokens/{token_id}',
    versions: both,
    summary: 'Renames a service token (or deletes it with state 2).',
    operations: ['RestServiceToken', 'RestRenameServiceToken', 'RestRevokeServiceToken'],
    body: 'name, state',
    handle: tokenUpdate,
  },
  {
    method: 'PUT',
    path: 'accounts/{account_id}/service-tokens/{token_id}',
    versions: both,
    summary: 'Renames a service token (or deletes it with state 2).',
    operations: ['RestServiceToken', 'RestRenameServiceToken', 'RestRevokeServiceToken'],
    body: 'name, state',
    handle: tokenUpdate,
  },
  {
    method: 'DELETE',
    path: 'accounts/{account_id}/service-tokens/{token_id}',
    versions: both,
    summary: 'Deletes (revokes) a service token; it then reads as state 2.',
    operations: ['RestRevokeServiceToken'],
    handle: tokenDelete,
  },
  {
    method: 'GET',
    path: 'accounts/{account_id}/service-tokens/{token_id}/permissions',
    versions: both,
    summary: "A service token's permissions.",
    operations: ['RestServiceTokenPermissions'],
    handle: tokenPermissions,
  },
  {
    method: 'POST',
    path: 'accounts/{account_id}/service-tokens/{token_id}/permissions',
    versions: both,
    summary: "Replaces a service token's permissions.",
    operations: ['RestSetServiceTokenPermissions'],
    body: 'a list of {permission_set, project_id, all_projects, writable_environment_categories}',
    handle: tokenSetPermissions,
  },
];
