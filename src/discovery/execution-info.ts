import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import { discoveryBuilder as builder } from './builder.js';
import {
  BigIntScalar,
  Criteria,
  DateTimeScalar,
  FreshnessStatusEnum,
  RunStatusEnum,
} from './common.js';

// The execution and freshness records of applied nodes (executionInfo, freshness).

type Node = AppliedNodeView;

// Execution info: `lastRun*` is the latest attempt; `execute*`, `executionTime`,
// `runGeneratedAt` and `lastSuccess*` the latest successful execution (as dbt defines them).
type ExecutionInfo = Node['executionInfo'];

function executionInfoType(
  name: string,
  statusAs: 'enum' | 'string',
  extra: 'seed' | 'test' | null,
) {
  return builder.objectRef<ExecutionInfo>(name).implement({
    fields: (t) => ({
      lastRunId: t.expose('lastRunId', { type: BigIntScalar, nullable: true }),
      lastJobDefinitionId: t.expose('lastJobDefinitionId', { type: BigIntScalar, nullable: true }),
      ...(statusAs === 'enum'
        ? { lastRunStatus: t.expose('lastRunStatusEnum', { type: RunStatusEnum, nullable: true }) }
        : { lastRunStatus: t.exposeString('lastRunStatus') }),
      lastRunError: t.exposeString('lastRunError'),
      lastRunGeneratedAt: t.expose('lastRunGeneratedAt', { type: DateTimeScalar, nullable: true }),
      lastSuccessRunId: t.expose('lastSuccessRunId', { type: BigIntScalar, nullable: true }),
      lastSuccessJobDefinitionId: t.expose('lastSuccessJobDefinitionId', {
        type: BigIntScalar,
        nullable: true,
      }),
      runGeneratedAt: t.expose('runGeneratedAt', { type: DateTimeScalar, nullable: true }),
      compileStartedAt: t.expose('compileStartedAt', { type: DateTimeScalar, nullable: true }),
      compileCompletedAt: t.expose('compileCompletedAt', { type: DateTimeScalar, nullable: true }),
      executeStartedAt: t.expose('executeStartedAt', { type: DateTimeScalar, nullable: true }),
      executeCompletedAt: t.expose('executeCompletedAt', { type: DateTimeScalar, nullable: true }),
      executionTime: t.exposeFloat('executionTime'),
      runElapsedTime: t.exposeFloat('runElapsedTime'),
      ...(extra === 'seed' ? { lastRunSkip: t.exposeBoolean('lastRunSkip') } : {}),
      ...(extra === 'test'
        ? { lastRunFailures: t.expose('lastRunFailures', { type: BigIntScalar, nullable: true }) }
        : {}),
    }),
  });
}

export const ModelExecutionInfoNode = executionInfoType('ModelExecutionInfoNode', 'enum', null);
export const SeedExecutionInfoNode = executionInfoType('SeedExecutionInfoNode', 'string', 'seed');
export const SnapshotExecutionInfoNode = executionInfoType(
  'SnapshotExecutionInfoNode',
  'string',
  null,
);
export const TestExecutionInfoNode = executionInfoType('TestExecutionInfoNode', 'string', 'test');

export const SourceFreshnessNode = builder
  .objectRef<Node['freshness']>('SourceFreshnessNode')
  .implement({
    fields: (t) => ({
      criteria: t.expose('criteria', { type: Criteria, nullable: false, authz: 'parent' }),
      freshnessChecked: t.exposeBoolean('freshnessChecked'),
      freshnessStatus: t.expose('freshnessStatus', { type: FreshnessStatusEnum, nullable: true }),
      freshnessJobDefinitionId: t.expose('freshnessJobDefinitionId', {
        type: BigIntScalar,
        nullable: true,
      }),
      freshnessRunId: t.expose('freshnessRunId', { type: BigIntScalar, nullable: true }),
      freshnessRunGeneratedAt: t.expose('freshnessRunGeneratedAt', {
        type: DateTimeScalar,
        nullable: true,
      }),
      maxLoadedAt: t.expose('maxLoadedAt', { type: DateTimeScalar, nullable: true }),
      maxLoadedAtTimeAgoInS: t.exposeFloat('maxLoadedAtTimeAgoInS'),
      snapshottedAt: t.expose('snapshottedAt', { type: DateTimeScalar, nullable: true }),
    }),
  });
