import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import type { AppliedNodeColumn } from '../db/metadata-applied-nodes.js';

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
 * Fields of the applied lists answered from a node's own columns, with the columns each reads
 * besides the identity columns every read has (id, unique id, name, resource type, test type,
 * environment, project, account): a page's connection, a node's identity and definition
 * columns, and its execution info. Names are checked at every depth below a list (down to
 * `tests`), so each must mean the same field wherever it can appear there; a field missing here
 * only costs a wider read (every column the list can show, with the payload): `tags`, say,
 * which neither real fixture has a value of to check it on.
 * A view counts every read of a payload it was not given (AppliedNodeView), and
 * test/discovery-payload-columns.test.ts asks every field here alone and beside a field that
 * needs the whole row, on every list of the applied and definition states of the real fixtures
 * and on their tests, and compares.
 */
export const rowFieldColumns: ReadonlyMap<string, readonly AppliedNodeColumn[]> = new Map<
  string,
  readonly AppliedNodeColumn[]
>([
  ['__typename', []],
  // The connection.
  ['edges', []],
  ['node', []],
  ['cursor', []],
  ['pageInfo', []],
  ['startCursor', []],
  ['endCursor', []],
  ['hasNextPage', []],
  ['hasPreviousPage', []],
  ['totalCount', []],
  // A node's identity and definition.
  ['accountId', []],
  ['projectId', []],
  ['environmentId', []],
  ['uniqueId', []],
  ['name', []],
  ['resourceType', []],
  ['filePath', ['file_path']],
  ['dbtVersion', ['dbt_version']],
  // Its tests come through a loader of their own, which looks at their selection itself.
  ['tests', []],
  // Its execution info.
  ['executionInfo', []],
  ['lastRunId', ['last_run_id']],
  ['lastJobDefinitionId', ['last_job_id']],
  ['lastRunStatus', ['last_run_status']],
  ['lastRunError', ['last_run_error']],
  ['lastRunFailures', ['last_run_failures']],
  ['lastRunGeneratedAt', ['last_run_generated_at']],
  ['lastRunSkip', ['last_run_status']],
  ['lastSuccessRunId', ['success_run_id']],
  ['lastSuccessJobDefinitionId', ['success_job_id']],
  // Definition nodes show their manifest's time under this name.
  ['runGeneratedAt', ['run_generated_at', 'manifest_generated_at']],
  ['compileStartedAt', ['compile_started_at']],
  ['compileCompletedAt', ['compile_completed_at']],
  ['executeStartedAt', ['execute_started_at']],
  ['executeCompletedAt', ['execute_completed_at']],
  ['executionTime', ['execution_time']],
  ['runElapsedTime', ['run_elapsed_time']],
]);

/** Relations resolved through loaders of their own: their selections are not this row's. */
const ownLoaderFields: ReadonlySet<string> = new Set(['tests']);

/**
 * The columns the nodes below the current field read besides their identity, when every field
 * selected there (through fragments too) is one of `rowFieldColumns`; null when one is not, and
 * the read must take every column the list can show.
 */
function rowColumnsOf(info: GraphQLResolveInfo): readonly AppliedNodeColumn[] | null {
  const columns = new Set<AppliedNodeColumn>();
  const seenFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): boolean => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const read = rowFieldColumns.get(selection.name.value);
        if (!read) return false;
        for (const column of read) columns.add(column);
        if (!ownLoaderFields.has(selection.name.value) && !visit(selection.selectionSet))
          return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet)) return false;
      } else if (!seenFragments.has(selection.name.value)) {
        seenFragments.add(selection.name.value);
        if (!visit(info.fragments[selection.name.value]?.selectionSet)) return false;
      }
    }
    return true;
  };
  return info.fieldNodes.every((node) => visit(node.selectionSet)) ? [...columns].sort() : null;
}

// Per selection: `tests` resolves once per row of a page, with the same field nodes (one array
// per field and parent type in an execution plan, and nodes of one document with its fragments).
const rowColumnsBySelection = new WeakMap<
  readonly FieldNode[],
  readonly AppliedNodeColumn[] | null
>();

/**
 * The columns the nodes below the current field need besides their identity, or null when they
 * need every column the list can show (see `rowFieldColumns`).
 */
export function rowColumnsNeeded(info: GraphQLResolveInfo): readonly AppliedNodeColumn[] | null {
  let needed = rowColumnsBySelection.get(info.fieldNodes);
  if (needed === undefined) {
    needed = rowColumnsOf(info);
    rowColumnsBySelection.set(info.fieldNodes, needed);
  }
  return needed;
}
