/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type FreshnessStatus =
  | 'Error'
  | 'Pass'
  | 'Skipped'
  | 'Unknown'
  | 'Warn';

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

export type TestType =
  | 'GENERIC_DATA_TEST'
  | 'SINGULAR_DATA_TEST'
  | 'UNIT_TEST';

export type TimePeriod =
  | 'day'
  | 'hour'
  | 'minute';

export type DocsEnvironmentQueryVariables = Exact<{
  environmentId: number;
}>;


export type DocsEnvironmentQuery = { environment: { dbtProjectName: string | null, adapterType: string | null, applied: { lastUpdatedAt: string | null, latestGitSha: string | null, resourceCounts: Record<string, unknown> | null } | null } };

export type DocsModelsQueryVariables = Exact<{
  environmentId: number;
  after?: string | null | undefined;
}>;


export type DocsModelsQuery = { environment: { applied: { models: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, name: string | null, description: string | null, resourceType: string, tags: Array<string>, schema: string | null, materializedType: string | null, filePath: string, executionInfo: { lastRunStatus: RunStatus | null, executeCompletedAt: string | null } | null } }> } } | null } };

export type DocsSourcesQueryVariables = Exact<{
  environmentId: number;
  after?: string | null | undefined;
}>;


export type DocsSourcesQuery = { environment: { applied: { sources: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, name: string | null, sourceName: string | null, description: string | null, resourceType: string, tags: Array<string>, schema: string | null, filePath: string, freshness: { freshnessStatus: FreshnessStatus | null } } }> } } | null } };

export type DocsSeedsQueryVariables = Exact<{
  environmentId: number;
  after?: string | null | undefined;
}>;


export type DocsSeedsQuery = { environment: { applied: { seeds: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, name: string | null, description: string | null, resourceType: string, tags: Array<string>, schema: string | null, filePath: string } }> } } | null } };

export type DocsSnapshotsQueryVariables = Exact<{
  environmentId: number;
  after?: string | null | undefined;
}>;


export type DocsSnapshotsQuery = { environment: { applied: { snapshots: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, name: string | null, description: string | null, resourceType: string, tags: Array<string>, schema: string | null, filePath: string } }> } } | null } };

export type DocsExposuresQueryVariables = Exact<{
  environmentId: number;
  after?: string | null | undefined;
}>;


export type DocsExposuresQuery = { environment: { applied: { exposures: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, name: string | null, label: string | null, description: string | null, resourceType: string, tags: Array<string>, filePath: string, exposureType: string | null } }> } } | null } };

type DocsNeighbour_ExposureAppliedStateNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_ExternalModelNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_GroupNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_MacroDefinitionNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_MetricDefinitionNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_ModelAppliedStateNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_SavedQueryDefinitionNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_SeedAppliedStateNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_SemanticModelDefinitionNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_SnapshotAppliedStateNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_SourceAppliedStateNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

type DocsNeighbour_TestAppliedStateNestedNode_Fragment = { uniqueId: string, name: string | null, resourceType: string };

export type DocsNeighbourFragment =
  | DocsNeighbour_ExposureAppliedStateNestedNode_Fragment
  | DocsNeighbour_ExternalModelNode_Fragment
  | DocsNeighbour_GroupNode_Fragment
  | DocsNeighbour_MacroDefinitionNestedNode_Fragment
  | DocsNeighbour_MetricDefinitionNestedNode_Fragment
  | DocsNeighbour_ModelAppliedStateNestedNode_Fragment
  | DocsNeighbour_SavedQueryDefinitionNestedNode_Fragment
  | DocsNeighbour_SeedAppliedStateNestedNode_Fragment
  | DocsNeighbour_SemanticModelDefinitionNestedNode_Fragment
  | DocsNeighbour_SnapshotAppliedStateNestedNode_Fragment
  | DocsNeighbour_SourceAppliedStateNestedNode_Fragment
  | DocsNeighbour_TestAppliedStateNestedNode_Fragment
;

export type DocsTestFragment = { uniqueId: string, name: string | null, columnName: string | null, testType: TestType, executionInfo: { lastRunStatus: string | null, executeCompletedAt: string | null } };

export type DocsCatalogFragment = { type: string | null, owner: string | null, comment: string | null, columns: Array<{ name: string | null, type: string | null, description: string | null, comment: string | null, index: number | null }> | null };

export type DocsModelQueryVariables = Exact<{
  environmentId: number;
  uniqueId: string;
}>;


export type DocsModelQuery = { environment: { applied: { models: { edges: Array<{ node: { uniqueId: string, name: string | null, description: string | null, database: string | null, schema: string | null, alias: string | null, materializedType: string | null, filePath: string, language: string | null, tags: Array<string>, packageName: string | null, access: string | null, rawCode: string | null, compiledCode: string | null, executionInfo: { lastRunStatus: RunStatus | null, executeCompletedAt: string | null, executionTime: number | null, lastRunError: string | null } | null, catalog: { type: string | null, owner: string | null, comment: string | null, columns: Array<{ name: string | null, type: string | null, description: string | null, comment: string | null, index: number | null }> | null } | null, tests: Array<{ uniqueId: string, name: string | null, columnName: string | null, testType: TestType, executionInfo: { lastRunStatus: string | null, executeCompletedAt: string | null } }>, parents: Array<
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
            >, children: Array<
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
            > } }> } } | null } };

export type DocsSourceQueryVariables = Exact<{
  environmentId: number;
  uniqueId: string;
}>;


export type DocsSourceQuery = { environment: { applied: { sources: { edges: Array<{ node: { uniqueId: string, name: string | null, sourceName: string | null, description: string | null, sourceDescription: string | null, database: string | null, schema: string | null, identifier: string | null, loader: string | null, filePath: string, tags: Array<string>, freshness: { freshnessStatus: FreshnessStatus | null, maxLoadedAt: string | null, maxLoadedAtTimeAgoInS: number | null, criteria: { warnAfter: { count: number | null, period: TimePeriod | null } | null, errorAfter: { count: number | null, period: TimePeriod | null } | null } }, catalog: { type: string | null, owner: string | null, comment: string | null, columns: Array<{ name: string | null, type: string | null, description: string | null, comment: string | null, index: number | null }> | null } | null, tests: Array<{ uniqueId: string, name: string | null, columnName: string | null, testType: TestType, executionInfo: { lastRunStatus: string | null, executeCompletedAt: string | null } }>, children: Array<
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
            > } }> } } | null } };

export type DocsSeedQueryVariables = Exact<{
  environmentId: number;
  uniqueId: string;
}>;


export type DocsSeedQuery = { environment: { applied: { seeds: { edges: Array<{ node: { uniqueId: string, name: string | null, description: string | null, database: string | null, schema: string | null, alias: string | null, filePath: string, tags: Array<string>, catalog: { type: string | null, owner: string | null, comment: string | null, columns: Array<{ name: string | null, type: string | null, description: string | null, comment: string | null, index: number | null }> | null } | null, tests: Array<{ uniqueId: string, name: string | null, columnName: string | null, testType: TestType, executionInfo: { lastRunStatus: string | null, executeCompletedAt: string | null } }>, children: Array<
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
            > } }> } } | null } };

export type DocsSnapshotQueryVariables = Exact<{
  environmentId: number;
  uniqueId: string;
}>;


export type DocsSnapshotQuery = { environment: { applied: { snapshots: { edges: Array<{ node: { uniqueId: string, name: string | null, description: string | null, database: string | null, schema: string | null, alias: string | null, filePath: string, tags: Array<string>, rawCode: string | null, compiledCode: string | null, catalog: { type: string | null, owner: string | null, comment: string | null, columns: Array<{ name: string | null, type: string | null, description: string | null, comment: string | null, index: number | null }> | null } | null, tests: Array<{ uniqueId: string, name: string | null, columnName: string | null, testType: TestType, executionInfo: { lastRunStatus: string | null, executeCompletedAt: string | null } }>, parents: Array<
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
            >, children: Array<
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
            > } }> } } | null } };

export type DocsExposureQueryVariables = Exact<{
  environmentId: number;
  uniqueId: string;
}>;


export type DocsExposureQuery = { environment: { applied: { exposures: { edges: Array<{ node: { uniqueId: string, name: string | null, label: string | null, description: string | null, exposureType: string | null, maturity: string | null, ownerName: string | null, ownerEmail: string | null, url: string | null, filePath: string, tags: Array<string>, parents: Array<
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
              | { uniqueId: string, name: string | null, resourceType: string }
            > } }> } } | null } };

export type DocsLineageQueryVariables = Exact<{
  environmentId: number;
  select?: string | null | undefined;
  exclude?: string | null | undefined;
}>;


export type DocsLineageQuery = { environment: { dbtProjectName: string | null, applied: { lineage: Array<
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { lastRunStatus: string | null, uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
        | { uniqueId: string, name: string | null, resourceType: ResourceNodeType, parentIds: Array<string>, tags: Array<string>, materializationType: string | null, matchesMethod: boolean | null }
      > } | null } };

export type FreshnessReportQueryVariables = Exact<{
  environmentId: number;
  after?: string | null | undefined;
}>;


export type FreshnessReportQuery = { environment: { dbtProjectName: string | null, applied: { sources: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ node: { uniqueId: string, name: string | null, sourceName: string | null, loader: string | null, freshness: { freshnessStatus: FreshnessStatus | null, freshnessChecked: boolean | null, maxLoadedAt: string | null, maxLoadedAtTimeAgoInS: number | null, snapshottedAt: string | null, criteria: { warnAfter: { count: number | null, period: TimePeriod | null } | null, errorAfter: { count: number | null, period: TimePeriod | null } | null } } } }> } } | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const DocsNeighbourFragmentDoc = new TypedDocumentString(`
    fragment DocsNeighbour on EnvironmentAppliedNestedNode {
  uniqueId
  name
  resourceType
}
    `, {"fragmentName":"DocsNeighbour"}) as unknown as TypedDocumentString<DocsNeighbourFragment, unknown>;
export const DocsTestFragmentDoc = new TypedDocumentString(`
    fragment DocsTest on TestAppliedStateNestedNode {
  uniqueId
  name
  columnName
  testType
  executionInfo {
    lastRunStatus
    executeCompletedAt
  }
}
    `, {"fragmentName":"DocsTest"}) as unknown as TypedDocumentString<DocsTestFragment, unknown>;
export const DocsCatalogFragmentDoc = new TypedDocumentString(`
    fragment DocsCatalog on CatalogNode {
  type
  owner
  comment
  columns {
    name
    type
    description
    comment
    index
  }
}
    `, {"fragmentName":"DocsCatalog"}) as unknown as TypedDocumentString<DocsCatalogFragment, unknown>;
export const DocsEnvironmentDocument = new TypedDocumentString(`
    query DocsEnvironment($environmentId: BigInt!) {
  environment(id: $environmentId) {
    dbtProjectName
    adapterType
    applied {
      lastUpdatedAt
      latestGitSha
      resourceCounts
    }
  }
}
    `) as unknown as TypedDocumentString<DocsEnvironmentQuery, DocsEnvironmentQueryVariables>;
export const DocsModelsDocument = new TypedDocumentString(`
    query DocsModels($environmentId: BigInt!, $after: String) {
  environment(id: $environmentId) {
    applied {
      models(first: 500, after: $after) {
        totalCount
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          node {
            uniqueId
            name
            description
            resourceType
            tags
            schema
            materializedType
            filePath
            executionInfo {
              lastRunStatus
              executeCompletedAt
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DocsModelsQuery, DocsModelsQueryVariables>;
export const DocsSourcesDocument = new TypedDocumentString(`
    query DocsSources($environmentId: BigInt!, $after: String) {
  environment(id: $environmentId) {
    applied {
      sources(first: 500, after: $after) {
        totalCount
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          node {
            uniqueId
            name
            sourceName
            description
            resourceType
            tags
            schema
            filePath
            freshness {
              freshnessStatus
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DocsSourcesQuery, DocsSourcesQueryVariables>;
export const DocsSeedsDocument = new TypedDocumentString(`
    query DocsSeeds($environmentId: BigInt!, $after: String) {
  environment(id: $environmentId) {
    applied {
      seeds(first: 500, after: $after) {
        totalCount
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          node {
            uniqueId
            name
            description
            resourceType
            tags
            schema
            filePath
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DocsSeedsQuery, DocsSeedsQueryVariables>;
export const DocsSnapshotsDocument = new TypedDocumentString(`
    query DocsSnapshots($environmentId: BigInt!, $after: String) {
  environment(id: $environmentId) {
    applied {
      snapshots(first: 500, after: $after) {
        totalCount
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          node {
            uniqueId
            name
            description
            resourceType
            tags
            schema
            filePath
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DocsSnapshotsQuery, DocsSnapshotsQueryVariables>;
export const DocsExposuresDocument = new TypedDocumentString(`
    query DocsExposures($environmentId: BigInt!, $after: String) {
  environment(id: $environmentId) {
    applied {
      exposures(first: 500, after: $after) {
        totalCount
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          node {
            uniqueId
            name
            label
            description
            resourceType
            tags
            filePath
            exposureType
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DocsExposuresQuery, DocsExposuresQueryVariables>;
export const DocsModelDocument = new TypedDocumentString(`
    query DocsModel($environmentId: BigInt!, $uniqueId: String!) {
  environment(id: $environmentId) {
    applied {
      models(first: 1, filter: {uniqueIds: [$uniqueId]}) {
        edges {
          node {
            uniqueId
            name
            description
            database
            schema
            alias
            materializedType
            filePath
            language
            tags
            packageName
            access
            rawCode
            compiledCode
            executionInfo {
              lastRunStatus
              executeCompletedAt
              executionTime
              lastRunError
            }
            catalog {
              ...DocsCatalog
            }
            tests {
              ...DocsTest
            }
            parents {
              ...DocsNeighbour
            }
            children {
              ...DocsNeighbour
            }
          }
        }
      }
    }
  }
}
    fragment DocsNeighbour on EnvironmentAppliedNestedNode {
  uniqueId
  name
  resourceType
}
fragment DocsTest on TestAppliedStateNestedNode {
  uniqueId
  name
  columnName
  testType
  executionInfo {
    lastRunStatus
    executeCompletedAt
  }
}
fragment DocsCatalog on CatalogNode {
  type
  owner
  comment
  columns {
    name
    type
    description
    comment
    index
  }
}`) as unknown as TypedDocumentString<DocsModelQuery, DocsModelQueryVariables>;
export const DocsSourceDocument = new TypedDocumentString(`
    query DocsSource($environmentId: BigInt!, $uniqueId: String!) {
  environment(id: $environmentId) {
    applied {
      sources(first: 1, filter: {uniqueIds: [$uniqueId]}) {
        edges {
          node {
            uniqueId
            name
            sourceName
            description
            sourceDescription
            database
            schema
            identifier
            loader
            filePath
            tags
            freshness {
              freshnessStatus
              maxLoadedAt
              maxLoadedAtTimeAgoInS
              criteria {
                warnAfter {
                  count
                  period
                }
                errorAfter {
                  count
                  period
                }
              }
            }
            catalog {
              ...DocsCatalog
            }
            tests {
              ...DocsTest
            }
            children {
              ...DocsNeighbour
            }
          }
        }
      }
    }
  }
}
    fragment DocsNeighbour on EnvironmentAppliedNestedNode {
  uniqueId
  name
  resourceType
}
fragment DocsTest on TestAppliedStateNestedNode {
  uniqueId
  name
  columnName
  testType
  executionInfo {
    lastRunStatus
    executeCompletedAt
  }
}
fragment DocsCatalog on CatalogNode {
  type
  owner
  comment
  columns {
    name
    type
    description
    comment
    index
  }
}`) as unknown as TypedDocumentString<DocsSourceQuery, DocsSourceQueryVariables>;
export const DocsSeedDocument = new TypedDocumentString(`
    query DocsSeed($environmentId: BigInt!, $uniqueId: String!) {
  environment(id: $environmentId) {
    applied {
      seeds(first: 1, filter: {uniqueIds: [$uniqueId]}) {
        edges {
          node {
            uniqueId
            name
            description
            database
            schema
            alias
            filePath
            tags
            catalog {
              ...DocsCatalog
            }
            tests {
              ...DocsTest
            }
            children {
              ...DocsNeighbour
            }
          }
        }
      }
    }
  }
}
    fragment DocsNeighbour on EnvironmentAppliedNestedNode {
  uniqueId
  name
  resourceType
}
fragment DocsTest on TestAppliedStateNestedNode {
  uniqueId
  name
  columnName
  testType
  executionInfo {
    lastRunStatus
    executeCompletedAt
  }
}
fragment DocsCatalog on CatalogNode {
  type
  owner
  comment
  columns {
    name
    type
    description
    comment
    index
  }
}`) as unknown as TypedDocumentString<DocsSeedQuery, DocsSeedQueryVariables>;
export const DocsSnapshotDocument = new TypedDocumentString(`
    query DocsSnapshot($environmentId: BigInt!, $uniqueId: String!) {
  environment(id: $environmentId) {
    applied {
      snapshots(first: 1, filter: {uniqueIds: [$uniqueId]}) {
        edges {
          node {
            uniqueId
            name
            description
            database
            schema
            alias
            filePath
            tags
            rawCode
            compiledCode
            catalog {
              ...DocsCatalog
            }
            tests {
              ...DocsTest
            }
            parents {
              ...DocsNeighbour
            }
            children {
              ...DocsNeighbour
            }
          }
        }
      }
    }
  }
}
    fragment DocsNeighbour on EnvironmentAppliedNestedNode {
  uniqueId
  name
  resourceType
}
fragment DocsTest on TestAppliedStateNestedNode {
  uniqueId
  name
  columnName
  testType
  executionInfo {
    lastRunStatus
    executeCompletedAt
  }
}
fragment DocsCatalog on CatalogNode {
  type
  owner
  comment
  columns {
    name
    type
    description
    comment
    index
  }
}`) as unknown as TypedDocumentString<DocsSnapshotQuery, DocsSnapshotQueryVariables>;
export const DocsExposureDocument = new TypedDocumentString(`
    query DocsExposure($environmentId: BigInt!, $uniqueId: String!) {
  environment(id: $environmentId) {
    applied {
      exposures(first: 1, filter: {uniqueIds: [$uniqueId]}) {
        edges {
          node {
            uniqueId
            name
            label
            description
            exposureType
            maturity
            ownerName
            ownerEmail
            url
            filePath
            tags
            parents {
              ...DocsNeighbour
            }
          }
        }
      }
    }
  }
}
    fragment DocsNeighbour on EnvironmentAppliedNestedNode {
  uniqueId
  name
  resourceType
}`) as unknown as TypedDocumentString<DocsExposureQuery, DocsExposureQueryVariables>;
export const DocsLineageDocument = new TypedDocumentString(`
    query DocsLineage($environmentId: BigInt!, $select: String, $exclude: String) {
  environment(id: $environmentId) {
    dbtProjectName
    applied {
      lineage(
        filter: {select: $select, exclude: $exclude, types: [Model, Source, Seed, Snapshot, Exposure]}
      ) {
        uniqueId
        name
        resourceType
        parentIds
        tags
        materializationType
        matchesMethod
        ... on ModelLineageNode {
          lastRunStatus
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DocsLineageQuery, DocsLineageQueryVariables>;
export const FreshnessReportDocument = new TypedDocumentString(`
    query FreshnessReport($environmentId: BigInt!, $after: String) {
  environment(id: $environmentId) {
    dbtProjectName
    applied {
      sources(first: 500, after: $after) {
        totalCount
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          node {
            uniqueId
            name
            sourceName
            loader
            freshness {
              freshnessStatus
              freshnessChecked
              maxLoadedAt
              maxLoadedAtTimeAgoInS
              snapshottedAt
              criteria {
                warnAfter {
                  count
                  period
                }
                errorAfter {
                  count
                  period
                }
              }
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FreshnessReportQuery, FreshnessReportQueryVariables>;