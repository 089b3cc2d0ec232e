import type { InterfaceRef } from '@pothos/core';
import type { SelectableNode } from '../metadata/selector.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import { BigIntScalar, ResourceNodeTypeEnum } from './common.js';

// The lineage node types, as dbt's schema has them: LineageNode (every node), LineageGraphNode
// (the DAG's nodes: all but macros), LineageNodeExecutable (lastRunStatus), LineageNodeTestable
// (worstTestStatus), LineageNodeWithParents, and one object type per resource type implementing
// the ones that apply. Fields dbt deprecated on the interfaces keep dbt's reason.

export type ResourceNodeType = (typeof ResourceNodeTypeEnum)['$inferType'];

export interface LineageNodeShape extends SelectableNode {
  readonly projectId: number;
  readonly nodeType: ResourceNodeType;
  readonly description: string | null;
  readonly alias: string | null;
  readonly database: string | null;
  readonly schema: string | null;
  readonly materializationType: string | null;
  readonly version: string | null;
  readonly parentIds: readonly string[];
  readonly publicParentIds: readonly string[];
  readonly matchesMethod: boolean | null;
  readonly lastRunStatus: string | null;
  readonly worstTestStatus: string | null;
  readonly modelingLayer: string | null;
}

type Shape = LineageNodeShape;
type InterfaceFields = PothosSchemaTypes.InterfaceFieldBuilder<DiscoveryTypes, Shape>;
type ObjectFields = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, Shape>;

const specific = 'Use ...on syntax from specific types';

/** LineageNode's fields; `deprecated` marks those dbt deprecates on the interfaces. */
function lineageFields(t: InterfaceFields | ObjectFields, deprecated: boolean) {
  const reason = deprecated ? { deprecationReason: specific } : {};
  return {
    uniqueId: t.exposeString('uniqueId', { nullable: false }),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    resourceType: t.expose('nodeType', { type: ResourceNodeTypeEnum, nullable: false }),
    projectId: t.expose('projectId', { type: BigIntScalar, nullable: false }),
    filePath: t.exposeString('filePath', { nullable: false }),
    tags: t.exposeStringList('tags', { nullable: false }),
    matchesMethod: t.exposeBoolean('matchesMethod', {
      description: 'Whether a selection method matched the node itself (not a graph operator).',
    }),
    access: t.exposeString('access', reason),
    alias: t.exposeString('alias', reason),
    database: t.exposeString('database', reason),
    schema: t.exposeString('schema', reason),
    group: t.exposeString('group', reason),
    materializationType: t.exposeString('materializationType', reason),
    version: t.exposeString('version', reason),
    parentIds: t.exposeStringList('parentIds', { nullable: false, ...reason }),
    publicParentIds: t.exposeStringList('publicParentIds', { nullable: false, ...reason }),
  };
}

const lineageTypeNames: Readonly<Record<string, string>> = {
  model: 'ModelLineageNode',
  source: 'SourceLineageNode',
  seed: 'SeedLineageNode',
  snapshot: 'SnapshotLineageNode',
  exposure: 'ExposureLineageNode',
  test: 'TestLineageNode',
  macro: 'MacroLineageNode',
  metric: 'MetricLineageNode',
  semantic_model: 'SemanticModelLineageNode',
  saved_query: 'SavedQueryLineageNode',
};

/** Whether a stored resource type has a lineage node type. */
export const hasLineageType = (resourceType: string) => resourceType in lineageTypeNames;

const resolveType = (node: Shape) => lineageTypeNames[node.resourceType]!;

export const LineageNode = builder.interfaceRef<Shape>('LineageNode').implement({
  description: 'Common lineage node fields',
  resolveType,
  fields: (t) => lineageFields(t, true),
});

const lineageInterface = (
  name: string,
  description: string,
  fields: (t: InterfaceFields) => Record<string, any>,
) =>
  builder.interfaceRef<Shape>(name).implement({
    description,
    interfaces: [LineageNode],
    resolveType,
    fields,
  });

const LineageGraphNode = lineageInterface(
  'LineageGraphNode',
  'Common lineage node fields for nodes that appear in the DAG (excl. macros and documentation)',
  (t) => ({ fqn: t.exposeStringList('fqn', { nullable: false }) }),
);
const LineageNodeExecutable = lineageInterface(
  'LineageNodeExecutable',
  'Common lineage node fields for nodes that can be executed',
  (t) => ({ lastRunStatus: t.exposeString('lastRunStatus') }),
);
const LineageNodeTestable = lineageInterface(
  'LineageNodeTestable',
  'Common lineage node fields for nodes that can be tested',
  (t) => ({ worstTestStatus: t.exposeString('worstTestStatus') }),
);
const LineageNodeWithParents = lineageInterface(
  'LineageNodeWithParents',
  'Common lineage node fields for nodes with parents',
  (t) => ({ parentIds: t.exposeStringList('parentIds', { nullable: false }) }),
);

type LineageInterface = InterfaceRef<DiscoveryTypes, Shape>;

/** One lineage object type; fields dbt shows undeprecated on it are redeclared plainly. */
function lineageType(
  name: string,
  interfaces: LineageInterface[],
  own: (t: ObjectFields) => Record<string, any> = () => ({}),
) {
  builder.objectRef<Shape>(name).implement({
    interfaces: [LineageNode, ...interfaces],
    fields: (t) => own(t),
  });
}

const relation = (t: ObjectFields) => ({
  alias: t.exposeString('alias'),
  database: t.exposeString('database'),
  schema: t.exposeString('schema'),
});

const G = LineageGraphNode;
const E = LineageNodeExecutable;
const T = LineageNodeTestable;
const P = LineageNodeWithParents;

lineageType('ModelLineageNode', [G, E, T, P], (t) => ({
  ...relation(t),
  access: t.exposeString('access'),
  group: t.exposeString('group'),
  materializationType: t.exposeString('materializationType'),
  version: t.exposeString('version'),
  publicParentIds: t.exposeStringList('publicParentIds', { nullable: false }),
  modelingLayer: t.exposeString('modelingLayer'),
}));
lineageType('SourceLineageNode', [G, T], (t) => ({
  database: t.exposeString('database'),
  schema: t.exposeString('schema'),
  sourceName: t.exposeString('sourceName'),
}));
lineageType('SeedLineageNode', [G, E, T], relation);
lineageType('SnapshotLineageNode', [G, E, T, P], relation);
lineageType('ExposureLineageNode', [G, P]);
lineageType('TestLineageNode', [G, E, P]);
lineageType('MacroLineageNode', [P]);
lineageType('MetricLineageNode', [G, P]);
lineageType('SemanticModelLineageNode', [G, P]);
lineageType('SavedQueryLineageNode', [G, P]);
