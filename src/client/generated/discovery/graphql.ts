/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AccessLevel =
  | 'private'
  | 'protected'
  | 'public';

export type FreshnessStatus =
  | 'Error'
  | 'Pass'
  | 'Skipped'
  | 'Unknown'
  | 'Warn';

export type LineageFilter = {
  /** Column-level lineage; not available from dbt artifacts alone. */
  columnNames?: Array<string> | null | undefined;
  /** Nodes to leave out, in the same syntax. */
  exclude?: string | null | undefined;
  /** dbt's node selection syntax, e.g. `+fct_orders tag:nightly,resource_type:model`. */
  select?: string | null | undefined;
  /** Only nodes with one of these tags. */
  tags?: Array<string> | null | undefined;
  /** Only these resource types (default: all but tests and macros). */
  types?: Array<ResourceNodeType> | null | undefined;
  uniqueIds?: Array<string> | null | undefined;
};

export type ModelAppliedFilter = {
  access?: AccessLevel | null | undefined;
  database?: string | null | undefined;
  group?: string | null | undefined;
  identifier?: string | null | undefined;
  lastRunStatus?: RunStatus | null | undefined;
  modelingLayer?: string | null | undefined;
  packageName?: string | null | undefined;
  schema?: string | null | undefined;
  tags?: Array<string> | null | undefined;
  uniqueIds?: Array<string> | null | undefined;
};

export type ResourceNodeType =
  | 'Exposure'
  | 'Macro'
  | 'Metric'
  | 'Model'
  | 'SavedQuery'
  | 'Seed'
  | 'SemanticModel'
  | 'Snapshot'
  | 'Source'
  | 'Test';

export type RunStatus =
  | 'error'
  | 'skipped'
  | 'success';

export type SourceAppliedFilter = {
  database?: string | null | undefined;
  freshnessChecked?: boolean | null | undefined;
  freshnessStatus?: FreshnessStatus | null | undefined;
  identifier?: string | null | undefined;
  schema?: string | null | undefined;
  sourceNames?: Array<string> | null | undefined;
  tags?: Array<string> | null | undefined;
  uniqueIds?: Array<string> | null | undefined;
};

export type TestAppliedFilter = {
  /** The last run status as dbt reports it: pass, fail, warn, error or skipped. */
  status?: string | null | undefined;
  tags?: Array<string> | null | undefined;
  testTypes?: Array<TestType> | null | undefined;
  uniqueIds?: Array<string> | null | undefined;
};

export type TestType =
  | 'GENERIC_DATA_TEST'
  | 'SINGULAR_DATA_TEST'
  | 'UNIT_TEST';

export type TimePeriod =
  | 'day'
  | 'hour'
  | 'minute';

export type EnvironmentModelsQueryVariables = Exact<{
  environmentId: number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: ModelAppliedFilter | null | undefined;
}>;


export type EnvironmentModelsQuery = { environment: { dbtProjectName: string | null, adapterType: string | null, applied: { lastUpdatedAt: string | null, models: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, name: string | null, materializedType: string | null, database: string | null, schema: string | null, alias: string | null, executionInfo: { lastRunStatus: RunStatus | null, lastRunError: string | null, lastRunId: number | null, lastSuccessRunId: number | null, executeCompletedAt: string | null, executionTime: number | null } | null, tests: Array<{ name: string | null, testType: TestType, executionInfo: { lastRunStatus: string | null, lastRunFailures: number | null } }> } }> } } | null } };

export type SourceFreshnessQueryVariables = Exact<{
  environmentId: number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: SourceAppliedFilter | null | undefined;
}>;


export type SourceFreshnessQuery = { environment: { applied: { sources: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, sourceName: string | null, name: string | null, freshness: { freshnessChecked: boolean | null, freshnessStatus: FreshnessStatus | null, maxLoadedAt: string | null, maxLoadedAtTimeAgoInS: number | null, snapshottedAt: string | null, criteria: { warnAfter: { count: number | null, period: TimePeriod | null } | null, errorAfter: { count: number | null, period: TimePeriod | null } | null } } } }> } } | null } };

export type EnvironmentTestsQueryVariables = Exact<{
  environmentId: number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: TestAppliedFilter | null | undefined;
}>;


export type EnvironmentTestsQuery = { environment: { applied: { tests: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, name: string | null, testType: TestType, columnName: string | null, parents: Array<
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
              | { uniqueId: string, resourceType: string }
            >, executionInfo: { lastRunStatus: string | null, lastRunError: string | null, lastRunFailures: number | null, lastRunId: number | null } } }> } } | null } };

export type LineageQueryVariables = Exact<{
  environmentId: number;
  filter: LineageFilter;
}>;


export type LineageQuery = { environment: { applied: { lineage: Array<
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, filePath: string, materializationType: string | null, parentIds: Array<string>, matchesMethod: boolean | null }
      > } | null } };

export type ModelHistoricalRunsQueryVariables = Exact<{
  environmentId: number;
  uniqueId: string;
  lastRunCount?: number | null | undefined;
}>;


export type ModelHistoricalRunsQuery = { environment: { applied: { modelHistoricalRuns: Array<{ runId: number, jobId: number, runGeneratedAt: string | null, status: string | null, error: string | null, executionTime: number | null, tests: Array<{ name: string | null, status: string | null }> }> } | null } };

export type JobModelsQueryVariables = Exact<{
  jobId: number;
  runId?: number | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type JobModelsQuery = { job: { id: number, runId: number, models: Array<{ uniqueId: string, name: string | null, status: string | null, error: string | null, executionTime: number | null, paginationCursor: string | null, tests: Array<{ uniqueId: string, name: string | null, status: string | null }> }> } | null };


export const EnvironmentModelsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EnvironmentModels"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ModelAppliedFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dbtProjectName"}},{"kind":"Field","name":{"kind":"Name","value":"adapterType"}},{"kind":"Field","name":{"kind":"Name","value":"applied"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastUpdatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"models"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uniqueId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"materializedType"}},{"kind":"Field","name":{"kind":"Name","value":"database"}},{"kind":"Field","name":{"kind":"Name","value":"schema"}},{"kind":"Field","name":{"kind":"Name","value":"alias"}},{"kind":"Field","name":{"kind":"Name","value":"executionInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastRunStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastRunError"}},{"kind":"Field","name":{"kind":"Name","value":"lastRunId"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessRunId"}},{"kind":"Field","name":{"kind":"Name","value":"executeCompletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"executionTime"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"testType"}},{"kind":"Field","name":{"kind":"Name","value":"executionInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastRunStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastRunFailures"}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<EnvironmentModelsQuery, EnvironmentModelsQueryVariables>;
export const SourceFreshnessDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SourceFreshness"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SourceAppliedFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"applied"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sources"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uniqueId"}},{"kind":"Field","name":{"kind":"Name","value":"sourceName"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"freshnessChecked"}},{"kind":"Field","name":{"kind":"Name","value":"freshnessStatus"}},{"kind":"Field","name":{"kind":"Name","value":"maxLoadedAt"}},{"kind":"Field","name":{"kind":"Name","value":"maxLoadedAtTimeAgoInS"}},{"kind":"Field","name":{"kind":"Name","value":"snapshottedAt"}},{"kind":"Field","name":{"kind":"Name","value":"criteria"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warnAfter"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"period"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errorAfter"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"period"}}]}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<SourceFreshnessQuery, SourceFreshnessQueryVariables>;
export const EnvironmentTestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EnvironmentTests"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"TestAppliedFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"applied"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uniqueId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"testType"}},{"kind":"Field","name":{"kind":"Name","value":"columnName"}},{"kind":"Field","name":{"kind":"Name","value":"parents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uniqueId"}},{"kind":"Field","name":{"kind":"Name","value":"resourceType"}}]}},{"kind":"Field","name":{"kind":"Name","value":"executionInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastRunStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastRunError"}},{"kind":"Field","name":{"kind":"Name","value":"lastRunFailures"}},{"kind":"Field","name":{"kind":"Name","value":"lastRunId"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<EnvironmentTestsQuery, EnvironmentTestsQueryVariables>;
export const LineageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Lineage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LineageFilter"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"applied"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uniqueId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"resourceType"}},{"kind":"Field","name":{"kind":"Name","value":"filePath"}},{"kind":"Field","name":{"kind":"Name","value":"materializationType"}},{"kind":"Field","name":{"kind":"Name","value":"parentIds"}},{"kind":"Field","name":{"kind":"Name","value":"matchesMethod"}}]}}]}}]}}]}}]} as unknown as DocumentNode<LineageQuery, LineageQueryVariables>;
export const ModelHistoricalRunsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelHistoricalRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"uniqueId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"lastRunCount"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"applied"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelHistoricalRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"uniqueId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"uniqueId"}}},{"kind":"Argument","name":{"kind":"Name","value":"lastRunCount"},"value":{"kind":"Variable","name":{"kind":"Name","value":"lastRunCount"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"jobId"}},{"kind":"Field","name":{"kind":"Name","value":"runGeneratedAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"executionTime"}},{"kind":"Field","name":{"kind":"Name","value":"tests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ModelHistoricalRunsQuery, ModelHistoricalRunsQueryVariables>;
export const JobModelsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"JobModels"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"jobId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"runId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"job"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"jobId"}}},{"kind":"Argument","name":{"kind":"Name","value":"runId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"runId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"models"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uniqueId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"executionTime"}},{"kind":"Field","name":{"kind":"Name","value":"paginationCursor"}},{"kind":"Field","name":{"kind":"Name","value":"tests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uniqueId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]} as unknown as DocumentNode<JobModelsQuery, JobModelsQueryVariables>;