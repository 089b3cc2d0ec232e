import { TriggerRunDocument } from '../../../src/client/index.js';
import { inTransaction } from '../../../src/db/database.js';
import { ingestArtifacts } from '../../../src/metadata/ingest.js';
import { required } from '../../support/builders.js';
import { document } from '../../support/helpers.js';
import { uploadArtifacts } from '../../support/metadata.js';
import {
  type SyntheticOptions,
  syntheticManifest,
  syntheticRunResults,
  text,
} from '../../support/synthetic-artifacts.js';
import { type EnvironmentLocation, type Fixture, type Operation, read } from '../framework.js';

// The metadata (Discovery) API and the artifacts upload. Each location's run gets a tiny
// synthetic artifact set the first time an operation there needs one (stored directly, not
// through the API, so that it costs the case little and no audit entry of the case's token).

const tiny: SyntheticOptions = {
  projectName: 'tiny',
  models: 3,
  testsPerModel: 1,
  sources: 1,
  macros: 1,
  codeSize: 10,
  exposure: true,
  failEvery: 3,
};
const manifest = text(syntheticManifest(tiny));
const runResults = text(syntheticRunResults(tiny));

const ingested = new WeakMap<Fixture, Map<string, Promise<void>>>();

function withArtifacts(f: Fixture, at: EnvironmentLocation): Promise<void> {
  let byLocation = ingested.get(f);
  if (!byLocation) {
    byLocation = new Map();
    ingested.set(f, byLocation);
  }
  const key = `${at.project}/${at.category}`;
  let done = byLocation.get(key);
  if (!done) {
    done = (async () => {
      const run = await f.gateway.db
        .selectFrom('runs')
        .selectAll()
        .where('id', '=', Number(f.runs[at.project][at.category]))
        .executeTakeFirstOrThrow();
      await inTransaction(f.gateway.db, (trx) =>
        ingestArtifacts(
          trx,
          { ...run, account_id: f.gateway.account.id },
          { manifest: { stream: [manifest] }, runResults: { stream: [runResults] } },
          { now: new Date() },
        ),
      );
    })();
    byLocation.set(key, done);
  }
  return done;
}

const readMetadata = [read('metadata')];

const environmentQuery = document<{ id: number }>(`query ($id: BigInt!) { environment(id: $id) {
  dbtProjectName adapterType
  applied {
    lastUpdatedAt latestGitSha resourceCounts tags { name } packages(resource: model)
    models(first: 5) { totalCount edges { node {
      uniqueId executionInfo { lastRunStatus } catalog { columns { name } }
      parents { uniqueId ... on ModelAppliedStateNestedNode { testStatuses executionInfo { lastRunStatus } } ... on SourceAppliedStateNestedNode { testStatuses } }
      children { uniqueId ... on TestAppliedStateNestedNode { executionInfo { lastRunStatus } } }
      ancestors(types: [Source, Model]) { uniqueId }
      tests { name executionInfo { lastRunStatus } }
    } } }
    sources(first: 5) { edges { node { uniqueId freshness { freshnessStatus criteria { warnAfter { count } } } children { uniqueId } tests { name } } } }
    tests(first: 5) { edges { node { uniqueId parents { uniqueId } } } }
    seeds(first: 5) { edges { node { uniqueId children { uniqueId } tests { name } } } }
    snapshots(first: 5) { edges { node { uniqueId parents { uniqueId } children { uniqueId } tests { name } } } }
    exposures(first: 5) { edges { node { uniqueId parents { uniqueId } ancestors(types: [Model]) { uniqueId } } } }
    lineage(filter: { select: "+tag:nightly+", types: [Model, Source, Macro, Exposure] }) { uniqueId ... on LineageNodeWithParents { parentIds } }
    resources(first: 5, filter: { types: [Model, Macro, Test, Exposure] }) { edges { node { uniqueId
      ... on ModelAppliedStateNode { versions { uniqueId } parents { uniqueId } }
      ... on MacroDefinitionNode { jobId parents { uniqueId } }
      ... on TestAppliedStateNode { dependsOnMacros { uniqueId jobId } }
      ... on ExposureAppliedStateNode { parents { uniqueId } }
    } } }
    owners(resource: exposure) { name email }
    exposureTile(filter: { uniqueId: "exposure.tiny.weekly_dashboard" }) { uniqueId quality healthIssues }
    modelHistoricalRuns(identifier: "stg_model_00000", lastRunCount: 2) { runId tests { name } parentsModels { uniqueId } parentsSources { uniqueId } childrenL1 }
  }
  definition {
    resourceCounts tags { name } packages(resource: macro) lineage(filter: { select: "resource_type:model" }) { uniqueId }
    models(first: 3) { edges { node { runId jobDefinitionId parents { uniqueId ... on ModelDefinitionNestedNode { jobDefinitionId } } children { uniqueId } tests { name jobDefinitionId } ancestors(types: [Source]) { uniqueId } } } }
    sources(first: 2) { edges { node { children { uniqueId } tests { name } } } }
    seeds(first: 2) { edges { node { children { uniqueId } } } }
    snapshots(first: 2) { edges { node { parents { uniqueId } children { uniqueId } } } }
    exposures(first: 2) { edges { node { parents { uniqueId } ancestors(types: [Source]) { uniqueId } } } }
    tests(first: 2) { edges { node { parents { uniqueId } } } }
    macros(first: 2) { edges { node { runId jobId parents { uniqueId } } } }
    metrics(first: 2) { edges { node { parents { uniqueId } children { uniqueId } ancestors { uniqueId } } } }
    semanticModels(first: 2) { edges { node { parents { uniqueId } children { uniqueId } ancestors { uniqueId } } } }
    savedQueries(first: 2) { edges { node { parents { uniqueId } children { uniqueId } ancestors { uniqueId } } } }
    groups(first: 2) { edges { node { modelCount models { uniqueId } } } }
    resources(first: 3, filter: { types: [Model, Macro] }) { edges { node { uniqueId ... on ModelDefinitionNode { jobDefinitionId } } } }
  }
} }`);

const jobQuery = document<{ id: number }>(`query ($id: BigInt!) { job(id: $id) {
  runId
  models { uniqueId status parentsModels { uniqueId } parentsSources { uniqueId } tests { uniqueId } childrenL1 }
  model(uniqueId: "model.tiny.stg_model_00000") { uniqueId }
  sources { uniqueId childrenL1 tests { uniqueId } }
  source(uniqueId: "source.tiny.raw.table_0") { uniqueId }
  tests(first: 2) { uniqueId paginationCursor }
  test(uniqueId: "x") { uniqueId }
  seeds { uniqueId childrenL1 }
  seed(uniqueId: "x") { uniqueId }
  snapshots { uniqueId parentsModels { uniqueId } parentsSources { uniqueId } childrenL1 }
  snapshot(uniqueId: "x") { uniqueId }
  exposures { name parents { uniqueId } parentsModels { uniqueId } parentsSources { uniqueId } }
  exposure(name: "weekly_dashboard") { name }
  macros(first: 1) { uniqueId dependsOn }
  macro(uniqueId: "macro.dbt.macro_1") { uniqueId }
  metrics { uniqueId environmentName model { uniqueId } }
  metric(uniqueId: "x") { uniqueId }
} }`);

// The deprecated job-scoped root queries, every one of them in a document (older integrations).
const legacyJobQuery = document<{ jobId: number }>(`query ($jobId: Int!) {
  models(jobId: $jobId) { uniqueId parentsModels { uniqueId } parentsSources { uniqueId } tests { uniqueId } childrenL1 }
  model(jobId: $jobId, uniqueId: "model.tiny.stg_model_00000") { uniqueId }
  sources(jobId: $jobId) { uniqueId tests { uniqueId } }
  source(jobId: $jobId, uniqueId: "source.tiny.raw.table_0") { uniqueId }
  tests(jobId: $jobId) { uniqueId }
  test(jobId: $jobId, uniqueId: "x") { uniqueId }
  seeds(jobId: $jobId) { uniqueId }
  seed(jobId: $jobId, uniqueId: "x") { uniqueId }
  snapshots(jobId: $jobId) { uniqueId parentsModels { uniqueId } }
  snapshot(jobId: $jobId, uniqueId: "x") { uniqueId }
  exposures(jobId: $jobId) { name parents { uniqueId } }
  exposure(jobId: $jobId, name: "weekly_dashboard") { name }
  macros(jobId: $jobId) { uniqueId }
  macro(jobId: $jobId, uniqueId: "x") { uniqueId }
  metrics(jobId: $jobId) { uniqueId model { uniqueId } }
  metric(jobId: $jobId, uniqueId: "x") { uniqueId }
}`);

const modelByEnvironmentQuery = document<{ id: number }>(`query ($id: Int!) {
  modelByEnvironment(environmentId: $id, identifier: "stg_model_00000", lastRunCount: 2) { runId parentsModels { uniqueId } tests { name } }
}`);

export const metadataOperations: Operation[] = [
  {
    name: 'discovery environment (applied state, every relation)',
    where: 'environment',
    requires: readMetadata,
    run: async (f, at) => {
      await withArtifacts(f, at);
      return f.discovery.request(environmentQuery, {
        id: Number(f.environments[at.project][at.category]),
      });
    },
  },
  {
    name: 'discovery job (one run, every relation)',
    where: 'environment',
    requires: readMetadata,
    run: async (f, at) => {
      await withArtifacts(f, at);
      return f.discovery.request(jobQuery, { id: Number(f.jobs[at.project][at.category]) });
    },
  },
  {
    name: 'discovery deprecated job-scoped queries (models(jobId), model(jobId, uniqueId), ...)',
    where: 'environment',
    requires: readMetadata,
    run: async (f, at) => {
      await withArtifacts(f, at);
      return f.discovery.request(legacyJobQuery, {
        jobId: Number(f.jobs[at.project][at.category]),
      });
    },
  },
  {
    name: 'discovery modelByEnvironment (deprecated)',
    where: 'environment',
    requires: readMetadata,
    run: async (f, at) => {
      await withArtifacts(f, at);
      return f.discovery.request(modelByEnvironmentQuery, {
        id: Number(f.environments[at.project][at.category]),
      });
    },
  },
  {
    name: 'uploadRunArtifacts',
    where: 'environment',
    requires: [{ resource: 'runs', action: 'write' }],
    run: async (f, at) => {
      const run = required(
        await f.admin.request(TriggerRunDocument, { jobId: f.jobs[at.project][at.category] }),
        'triggerRun',
      ).triggerRun!.id;
      const response = await uploadArtifacts(f.gateway, f.tokenSecret, run, {
        manifest,
        runResults,
      });
      return { status: 200, ...response };
    },
  },
];
