import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import { ExposureTileView } from '../metadata/exposure-health.js';
import { discoveryBuilder as builder, type DiscoveryTypes } from './builder.js';
import { BigIntScalar, DateTimeScalar, JSONObjectScalar, metadataRead } from './common.js';

// dbt's four node interfaces: EnvironmentAppliedNode (applied.resources, the applied lists),
// EnvironmentDefinitionNode (definition.resources), and their nested forms (parents, children,
// ancestors). Each resolves a stored row to its type by resource type; the semantic layer's
// entries and macros have one type per form that implements both the applied and definition
// interfaces, as in dbt's schema.

type Node = AppliedNodeView;

const definitionOnly = {
  macro: 'Macro',
  metric: 'Metric',
  semantic_model: 'SemanticModel',
  saved_query: 'SavedQuery',
} as const;

const graphTypes = {
  model: 'Model',
  source: 'Source',
  seed: 'Seed',
  snapshot: 'Snapshot',
  exposure: 'Exposure',
  test: 'Test',
} as const;

function typeName(node: Node, form: 'AppliedState' | 'Definition', nested: boolean): string {
  const suffix = nested ? 'NestedNode' : 'Node';
  if (node.resourceType === 'group') return 'GroupNode';
  const semantic = definitionOnly[node.resourceType as keyof typeof definitionOnly];
  if (semantic) return `${semantic}Definition${suffix}`;
  const graph = graphTypes[node.resourceType as keyof typeof graphTypes];
  if (!graph) throw new Error(`No Discovery type for resource type ${node.resourceType}`);
  return `${graph}${form}${suffix}`;
}

export const EnvironmentAppliedNestedNode = builder
  .interfaceRef<Node>('EnvironmentAppliedNestedNode')
  .implement({
    description:
      'A node reached from another (parents, children, ancestors); `... on XAppliedStateNestedNode` for its own fields.',
    resolveType: (node) => typeName(node, 'AppliedState', true),
    fields: (t) => ({
      uniqueId: t.exposeString('uniqueId', { nullable: false }),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      filePath: t.exposeString('filePath', { nullable: false }),
      fqn: t.exposeStringList('fqn'),
      resourceType: t.exposeString('resourceType', { nullable: false }),
    }),
  });

export const EnvironmentAppliedNode = builder
  .interfaceRef<Node>('EnvironmentAppliedNode')
  .implement({
    resolveType: (node) =>
      node instanceof ExposureTileView ? 'ExposureTileNode' : typeName(node, 'AppliedState', false),
    fields: (t) => ({
      accountId: t.expose('accountId', { type: BigIntScalar, nullable: false }),
      projectId: t.expose('projectId', { type: BigIntScalar, nullable: false }),
      environmentId: t.expose('environmentId', { type: BigIntScalar, nullable: false }),
      uniqueId: t.exposeString('uniqueId', { nullable: false }),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      filePath: t.exposeString('filePath', { nullable: false }),
      meta: t.expose('meta', { type: JSONObjectScalar, nullable: true }),
      resourceType: t.exposeString('resourceType', { nullable: false }),
      tags: t.exposeStringList('tags', { nullable: false }),
    }),
  });

export const EnvironmentDefinitionNestedNode = builder
  .interfaceRef<Node>('EnvironmentDefinitionNestedNode')
  .implement({
    resolveType: (node) => typeName(node, 'Definition', true),
    fields: (t) => ({
      uniqueId: t.exposeString('uniqueId', { nullable: false }),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      filePath: t.exposeString('filePath', { nullable: false }),
      resourceType: t.exposeString('resourceType', { nullable: false }),
      runGeneratedAt: t.expose('manifestGeneratedAt', { type: DateTimeScalar, nullable: true }),
    }),
  });

export const EnvironmentDefinitionNode = builder
  .interfaceRef<Node>('EnvironmentDefinitionNode')
  .implement({
    resolveType: (node) => typeName(node, 'Definition', false),
    fields: (t) => ({
      accountId: t.expose('accountId', { type: BigIntScalar, nullable: false }),
      projectId: t.expose('projectId', { type: BigIntScalar, nullable: false }),
      environmentId: t.expose('environmentId', { type: BigIntScalar, nullable: false }),
      uniqueId: t.exposeString('uniqueId', { nullable: false }),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      filePath: t.exposeString('filePath', { nullable: false }),
      meta: t.expose('meta', { type: JSONObjectScalar, nullable: true }),
      resourceType: t.exposeString('resourceType', { nullable: false }),
      runGeneratedAt: t.expose('manifestGeneratedAt', { type: DateTimeScalar, nullable: true }),
      tags: t.exposeStringList('tags', { nullable: false }),
    }),
  });

type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, Node>;

const read = metadataRead<Node>();

/** The job of the run whose manifest defines the node. */
const manifestJob = (t: FieldBuilder) =>
  t.field({
    type: BigIntScalar,
    authz: read,
    resolve: async (node, _args, context) =>
      (await context.loaders.run.load(node.manifestRunId))?.job_id ?? null,
  });

/** The run that brought the manifest (runId), and its job, as definition nodes name it. */
export const manifestRunFields = (t: FieldBuilder) => ({
  runId: t.expose('manifestRunId', { type: BigIntScalar, nullable: true }),
  jobDefinitionId: manifestJob(t),
});

/** The same, as macros and groups name the job (jobId). */
export const manifestRunJobIdFields = (t: FieldBuilder) => ({
  runId: t.expose('manifestRunId', { type: BigIntScalar, nullable: true }),
  jobId: manifestJob(t),
});
