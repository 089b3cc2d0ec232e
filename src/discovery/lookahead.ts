import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * Whether the query selects any of `names` anywhere below the current field (through
 * fragments too). Lists use it to leave out columns no one asked for, such as code.
 */
export function selectsAnyOf(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const seenFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): boolean => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (names.has(selection.name.value) || visit(selection.selectionSet)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (visit(selection.selectionSet)) return true;
      } else if (!seenFragments.has(selection.name.value)) {
        seenFragments.add(selection.name.value);
        if (visit(info.fragments[selection.name.value]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

/**
 * Whether every field the query selects below the current field (through fragments too) is one
 * of `names`.
 */
export function selectsOnly(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const seenFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): boolean => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (!names.has(selection.name.value) || !visit(selection.selectionSet)) return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet)) return false;
      } else if (!seenFragments.has(selection.name.value)) {
        seenFragments.add(selection.name.value);
        if (!visit(info.fragments[selection.name.value]?.selectionSet)) return false;
      }
    }
    return true;
  };
  return info.fieldNodes.every((node) => visit(node.selectionSet));
}

/**
 * Fields of the applied lists that read only a node's own columns, never its payload (the JSON
 * of the manifest's other fields): a page's connection, a node's identity, and its execution
 * info. Names are checked at every depth, so each must mean a payload-free field wherever it can
 * appear below an applied list or its tests; a field missing here only costs the payload's read.
 * A view counts every read of a payload it was not given (AppliedNodeView), and
 * test/discovery-payload-columns.test.ts asks every field here with and without the payload, on
 * every applied list of the real fixtures, and checks that count.
 */
export const rowOnlyFields: ReadonlySet<string> = new Set([
  '__typename',
  // The connection.
  'edges',
  'node',
  'cursor',
  'pageInfo',
  'startCursor',
  'endCursor',
  'hasNextPage',
  'hasPreviousPage',
  'totalCount',
  // A node's identity; its tests come through a loader of their own (needsPayload again).
  'accountId',
  'projectId',
  'environmentId',
  'uniqueId',
  'name',
  'resourceType',
  'filePath',
  'tags',
  'dbtVersion',
  'tests',
  // Its execution info.
  'executionInfo',
  'lastRunId',
  'lastJobDefinitionId',
  'lastRunStatus',
  'lastRunError',
  'lastRunFailures',
  'lastRunGeneratedAt',
  'lastRunSkip',
  'lastSuccessRunId',
  'lastSuccessJobDefinitionId',
  'runGeneratedAt',
  'compileStartedAt',
  'compileCompletedAt',
  'executeStartedAt',
  'executeCompletedAt',
  'executionTime',
  'runElapsedTime',
]);

// Per selection: `tests` resolves once per row of a page, with the same field nodes (one array
// per field and parent type in an execution plan, and nodes of one document with its fragments).
const payloadNeeded = new WeakMap<readonly FieldNode[], boolean>();

/** Whether the nodes below the current field need their payload read. */
export function needsPayload(info: GraphQLResolveInfo): boolean {
  let needed = payloadNeeded.get(info.fieldNodes);
  if (needed === undefined) {
    needed = !selectsOnly(info, rowOnlyFields);
    payloadNeeded.set(info.fieldNodes, needed);
  }
  return needed;
}
