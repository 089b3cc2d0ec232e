// The persisted operations of the REST API: every route runs one of these documents of the admin
// API (through the same route, rules, limits, rate limits and audit as any GraphQL client), and
// only reshapes the result. A route never reads the database or decides what a token may do.
// test/rest/operations.test.ts validates each document against the admin schema.

const fragments = {
  account: 'fragment RestAccount on Account { id name plan createdAt }',
  project: 'fragment RestProject on Project { id name description createdAt updatedAt }',
  environment:
    'fragment RestEnvironment on Environment { id projectId name type category dbtVersion createdAt updatedAt }',
  job: 'fragment RestJob on Job { id projectId environmentId name description steps schedule triggers { schedule pullRequest merge } createdAt updatedAt }',
  step: 'fragment RestRunStep on RunStep { index name status logs errorMessage startedAt finishedAt durationSeconds }',
  run: 'fragment RestRun on Run { id projectId environmentId jobId status cause triggeredByTokenId gitBranch gitSha errorMessage createdAt startedAt finishedAt durationSeconds environment { dbtVersion } }',
  token:
    'fragment RestToken on ServiceToken { id name displayHint state createdAt revokedAt lastUsedAt }',
  grant:
    'fragment RestGrant on PermissionGrant { id permissionSet { id } allProjects projectIds writableEnvironmentCategories }',
} as const;

type FragmentName = keyof typeof fragments;

/** A document with the fragments it spreads. */
function operation(source: string, uses: readonly FragmentName[]): string {
  return [source, ...uses.map((name) => fragments[name])].join('\n');
}

/** The account of the token, which every route's path names: checked before anything else. */
const viewerAccount = 'viewer { account { id } }';

/** Each route's document, by operation name. */
export const operations = {
  RestAccount: operation(
    'query RestAccount { viewer { id name displayHint account { ...RestAccount } } }',
    ['account'],
  ),
  RestProjects: operation(
    `query RestProjects($first: Int, $after: String) { ${viewerAccount} projects(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...RestProject } } } }`,
    ['project'],
  ),
  RestProject: operation(
    `query RestProject($id: ID!) { ${viewerAccount} project(id: $id) { ...RestProject } }`,
    ['project'],
  ),
  RestEnvironments: operation(
    `query RestEnvironments($projectId: ID!, $first: Int, $after: String) { ${viewerAccount} project(id: $projectId) { id environments(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...RestEnvironment } } } } }`,
    ['environment'],
  ),
  RestEnvironment: operation(
    `query RestEnvironment($id: ID!) { ${viewerAccount} environment(id: $id) { ...RestEnvironment } }`,
    ['environment'],
  ),
  RestJobs: operation(
    `query RestJobs($filter: JobListFilter, $orderBy: JobOrder, $limit: Int, $offset: Int) { ${viewerAccount} jobs(filter: $filter, orderBy: $orderBy, limit: $limit, offset: $offset) { totalCount items { ...RestJob } } }`,
    ['job'],
  ),
  RestJob: operation(
    `query RestJob($id: ID!, $withRecent: Boolean!, $withCompleted: Boolean!) { ${viewerAccount} job(id: $id) { ...RestJob mostRecent: runs(first: 1) @include(if: $withRecent) { edges { node { ...RestRun } } } mostRecentCompleted: runs(first: 1, statuses: [success, error, cancelled]) @include(if: $withCompleted) { edges { node { ...RestRun } } } } }`,
    ['job', 'run'],
  ),
  RestCreateJob: operation(
    'mutation RestCreateJob($input: CreateJobInput!) { createJob(input: $input) { ...RestJob } }',
    ['job'],
  ),
  RestUpdateJob: operation(
    'mutation RestUpdateJob($id: ID!, $input: UpdateJobInput!) { updateJob(id: $id, input: $input) { ...RestJob } }',
    ['job'],
  ),
  RestTriggerRun: operation(
    'mutation RestTriggerRun($jobId: ID!, $input: TriggerRunInput) { triggerRun(jobId: $jobId, input: $input) { ...RestRun } }',
    ['run'],
  ),
  RestRerunJob: operation(
    'mutation RestRerunJob($jobId: ID!) { rerunJob(jobId: $jobId) { ...RestRun } }',
    ['run'],
  ),
  RestRuns: operation(
    `query RestRuns($filter: RunListFilter, $orderBy: RunOrder, $limit: Int, $offset: Int, $withJob: Boolean!, $withSteps: Boolean!) { ${viewerAccount} runs(filter: $filter, orderBy: $orderBy, limit: $limit, offset: $offset) { totalCount items { ...RestRun job @include(if: $withJob) { ...RestJob } steps @include(if: $withSteps) { ...RestRunStep } } } }`,
    ['run', 'job', 'step'],
  ),
  RestRun: operation(
    `query RestRun($id: ID!, $withJob: Boolean!, $withSteps: Boolean!) { ${viewerAccount} run(id: $id) { ...RestRun job @include(if: $withJob) { ...RestJob } steps @include(if: $withSteps) { ...RestRunStep } } }`,
    ['run', 'job', 'step'],
  ),
  RestCancelRun: operation(
    'mutation RestCancelRun($id: ID!) { cancelRun(id: $id) { ...RestRun } }',
    ['run'],
  ),
  RestRunArtifacts: operation(
    `query RestRunArtifacts($id: ID!) { ${viewerAccount} run(id: $id) { id artifacts { path size createdAt } } }`,
    [],
  ),
  RestRunArtifact: operation(
    `query RestRunArtifact($id: ID!, $path: String!) { ${viewerAccount} run(id: $id) { id artifact(path: $path) { path content } } }`,
    [],
  ),
  RestServiceTokens: operation(
    `query RestServiceTokens($first: Int, $after: String, $filter: ServiceTokenFilter) { ${viewerAccount} serviceTokens(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...RestToken } } } }`,
    ['token'],
  ),
  RestServiceToken: operation(
    `query RestServiceToken($id: ID!) { ${viewerAccount} serviceToken(id: $id) { ...RestToken } }`,
    ['token'],
  ),
  RestServiceTokenPermissions: operation(
    `query RestServiceTokenPermissions($id: ID!) { ${viewerAccount} serviceToken(id: $id) { id grants { ...RestGrant } } }`,
    ['grant'],
  ),
  RestCreateServiceToken: operation(
    'mutation RestCreateServiceToken($input: CreateServiceTokenInput!) { createServiceToken(input: $input) { token serviceToken { ...RestToken grants { ...RestGrant } } } }',
    ['token', 'grant'],
  ),
  RestRenameServiceToken: operation(
    'mutation RestRenameServiceToken($id: ID!, $name: String!) { renameServiceToken(id: $id, name: $name) { ...RestToken } }',
    ['token'],
  ),
  RestRevokeServiceToken: operation(
    'mutation RestRevokeServiceToken($id: ID!) { revokeServiceToken(id: $id) { ...RestToken } }',
    ['token'],
  ),
  RestSetServiceTokenPermissions: operation(
    'mutation RestSetServiceTokenPermissions($id: ID!, $permissions: [PermissionGrantInput!]!) { setServiceTokenGrants(id: $id, permissions: $permissions) { id grants { ...RestGrant } } }',
    ['grant'],
  ),
} as const;

export type OperationName = keyof typeof operations;
