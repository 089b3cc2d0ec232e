import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

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
