import type { InterfaceRef, ObjectRef } from '@pothos/core';
import { graphResourceTypes } from '../db/metadata-applied-graph.js';
import type { AppliedNodeView } from '../metadata/applied-node-view.js';
import { appliedAncestors } from '../metadata/loaders.js';
import type { DiscoveryTypes } from './builder.js';
import { AncestorNodeTypeEnum, metadataRead, resourceTypeOfNodeType } from './common.js';
import { rowColumnsNeeded } from './lookahead.js';

// The relations of applied and definition nodes alike (parents, children, tests, ancestors,
// the macros a node uses): only the nested types they return differ. Each is one batched
// statement per page, through the request's loaders.

type Node = AppliedNodeView;
type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<DiscoveryTypes, Node>;
type NodeRef = ObjectRef<DiscoveryTypes, Node> | InterfaceRef<DiscoveryTypes, Node>;

const read = metadataRead<Node>();
const dagTypes = new Set<string>(graphResourceTypes);
const typesOf = (types: readonly string[]) =>
  new Set(types.map((type) => resourceTypeOfNodeType[type]!));

/** parents, children, tests and ancestors of a node type whose nested types are `nested` and `nestedTest`. */
export function nodeRelations(nested: NodeRef, nestedTest: NodeRef) {
  const loaded =
    (loader: 'appliedParents' | 'appliedChildren' | 'appliedMacroParents') =>
    (type: NodeRef) =>
    (t: FieldBuilder) =>
      t.field({
        type: [type],
        nullable: false,
        authz: read,
        resolve: (node, _args, context) => context.loaders.metadata[loader].load(node.id),
      });
  return {
    parents: loaded('appliedParents')(nested),
    children: loaded('appliedChildren')(nested),
    /** Only the columns the query shows, when it shows only columns (a page of tests' statuses). */
    tests: (t: FieldBuilder) =>
      t.field({
        type: [nestedTest],
        nullable: false,
        authz: read,
        resolve: (node, _args, context, info) => {
          const only = rowColumnsNeeded(info);
          const { metadata } = context.loaders;
          return (only ? metadata.appliedTestsReading(only) : metadata.appliedTests).load(node.id);
        },
      }),
    /** The macros a node (or macro) uses, as `type`. */
    macros: loaded('appliedMacroParents'),
    ancestors: (t: FieldBuilder) =>
      t.field({
        type: [nested],
        nullable: false,
        description: 'Every node upstream of this one, of the given types, nearest first.',
        args: { types: t.arg({ type: [AncestorNodeTypeEnum], required: true }) },
        authz: read,
        resolve: (node, { types }, context) =>
          appliedAncestors(context.loaders.metadata, node, typesOf(types)),
      }),
    /** dbt's exposure definitions take no types: all of dbt's DAG unless types are given. */
    ancestorsOfAnyType: (t: FieldBuilder) =>
      t.field({
        type: [nested],
        nullable: false,
        description: 'Every node upstream of this one (of the given types, if any), nearest first.',
        args: { types: t.arg({ type: [AncestorNodeTypeEnum] }) },
        authz: read,
        resolve: (node, { types }, context) =>
          appliedAncestors(context.loaders.metadata, node, types ? typesOf(types) : dagTypes),
      }),
    /** Every node of dbt's DAG upstream (the semantic layer's ancestors take no types). */
    allAncestors: (t: FieldBuilder) =>
      t.field({
        type: [nested],
        nullable: false,
        description: 'Every node upstream of this one, nearest first.',
        authz: read,
        resolve: (node, _args, context) =>
          appliedAncestors(context.loaders.metadata, node, dagTypes),
      }),
  };
}
