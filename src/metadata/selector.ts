import { badUserInput } from '../errors.js';

/** What selection methods look at on a node. */
export interface SelectableNode {
  readonly id: number;
  readonly uniqueId: string;
  readonly name: string;
  readonly resourceType: string;
  readonly packageName: string | null;
  readonly filePath: string;
  readonly tags: readonly string[];
  readonly fqn: readonly string[];
  readonly sourceName: string | null;
  readonly materialized: string | null;
  readonly testType: string | null;
  readonly access: string | null;
  readonly group: string | null;
}

export interface SelectionGraph {
  readonly parents: ReadonlyMap<number, readonly number[]>;
  readonly children: ReadonlyMap<number, readonly number[]>;
}

export interface Selection {
  /** Every node the expression selects. */
  readonly selected: ReadonlySet<number>;
  /** The nodes a method matched directly (not reached through a graph operator). */
  readonly matched: ReadonlySet<number>;
}

function glob(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

const normalizePath = (path: string) =>
  path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');

const testTypes: Record<string, string> = {
  generic: 'GENERIC_DATA_TEST',
  data: 'SINGULAR_DATA_TEST',
  singular: 'SINGULAR_DATA_TEST',
  unit: 'UNIT_TEST',
};

/** A method of dbt's node selection syntax as a predicate on nodes. */
function methodPredicate(
  method: string,
  value: string,
  field: string,
): (node: SelectableNode) => boolean {
  const matches = glob(value);
  switch (method) {
    case 'tag':
      return (node) => node.tags.some((tag) => matches.test(tag));
    case 'resource_type':
      if (value === 'unit_test') return (node) => node.testType === 'UNIT_TEST';
      return (node) => matches.test(node.resourceType);
    case 'package':
      return (node) => node.packageName !== null && matches.test(node.packageName);
    case 'config.materialized':
      return (node) => node.materialized !== null && matches.test(node.materialized);
    case 'access':
      return (node) => node.access !== null && matches.test(node.access);
    case 'group':
      return (node) => node.group !== null && matches.test(node.group);
    case 'test_type': {
      const wanted = testTypes[value];
      if (!wanted)
        throw badUserInput(`test_type must be generic, singular or unit, not "${value}".`, field);
      return (node) => node.testType === wanted;
    }
    case 'exposure':
    case 'metric':
    case 'semantic_model':
    case 'saved_query':
      return (node) => node.resourceType === method && matches.test(node.name);
    case 'source': {
      const parts = value.split('.');
      return (node) => {
        if (node.resourceType !== 'source' || node.sourceName === null) return false;
        const candidates = [
          [node.sourceName],
          [node.sourceName, node.name],
          [node.packageName ?? '', node.sourceName, node.name],
        ];
        return candidates.some(
          (candidate) =>
            candidate.length === parts.length &&
            candidate.every((part, i) => glob(parts[i]!).test(part)),
        );
      };
    }
    case 'path': {
      const wanted = normalizePath(value);
      const pattern = wanted.includes('*') || wanted.includes('?') ? glob(wanted) : null;
      return (node) => {
        const path = normalizePath(node.filePath);
        if (pattern) return pattern.test(path);
        return path === wanted || path.startsWith(`${wanted}/`);
      };
    }
    case 'fqn': {
      const parts = value.split('.');
      return (node) => {
        if (parts.length === 1 && matches.test(node.name)) return true;
        // A prefix of the fully qualified name (package.folder...), or with the package left out.
        const prefixOf = (fqn: readonly string[]) =>
          parts.length <= fqn.length && parts.every((part, i) => glob(part).test(fqn[i]!));
        return prefixOf(node.fqn) || prefixOf(node.fqn.slice(1));
      };
    }
    default:
      throw badUserInput(
        `Unsupported selection method "${method}:" (supported: tag, path, resource_type, fqn, package, source, exposure, metric, semantic_model, saved_query, config.materialized, access, group, test_type).`,
        field,
      );
  }
}

interface Atom {
  readonly childrensParents: boolean;
  readonly parentDepth: number;
  readonly childDepth: number;
  readonly predicate: (node: SelectableNode) => boolean;
}

function parseAtom(text: string, field: string): Atom {
  const match = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/.exec(text);
  if (!match?.[3]) throw badUserInput(`Cannot read the selector "${text}".`, field);
  const [, at, parents, core, children] = match;
  if (at && parents !== undefined)
    throw badUserInput(`"@" and a leading "+" cannot be combined ("${text}").`, field);
  const depth = (value: string | undefined) =>
    value === undefined ? 0 : value === '' ? Infinity : Number(value);
  const colon = core!.indexOf(':');
  let predicate: (node: SelectableNode) => boolean;
  if (colon > 0) predicate = methodPredicate(core!.slice(0, colon), core!.slice(colon + 1), field);
  else if (/[\\/]/.test(core!) || /\.(sql|py|csv|yml|yaml)$/.test(core!))
    predicate = methodPredicate('path', core!, field);
  else predicate = methodPredicate('fqn', core!, field);
  return {
    childrensParents: !!at,
    parentDepth: depth(parents),
    childDepth: at ? Infinity : depth(children),
    predicate,
  };
}

function walk(
  start: Iterable<number>,
  edges: ReadonlyMap<number, readonly number[]>,
  depth: number,
): Set<number> {
  const reached = new Set<number>();
  let frontier = [...start];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: number[] = [];
    for (const id of frontier) {
      for (const neighbour of edges.get(id) ?? []) {
        if (!reached.has(neighbour)) {
          reached.add(neighbour);
          next.push(neighbour);
        }
      }
    }
    frontier = next;
  }
  return reached;
}

/**
 * Evaluates dbt's node selection syntax: space-separated unions of comma-separated
 * intersections of selectors, each `[@|N+]method:value[+N]` (a bare value is an fqn or, when it
 * looks like one, a path). Unsupported methods are BAD_USER_INPUT naming `field`.
 */
export function selectNodes(
  nodes: readonly SelectableNode[],
  graph: SelectionGraph,
  expression: string,
  field: string,
): Selection {
  const selected = new Set<number>();
  const matched = new Set<number>();
  for (const union of expression.trim().split(/\s+/).filter(Boolean)) {
    let intersection = null as Set<number> | null;
    for (const part of union.split(',').filter(Boolean)) {
      const atom = parseAtom(part, field);
      const direct = nodes.filter(atom.predicate).map((node) => node.id);
      for (const id of direct) matched.add(id);
      const result = new Set(direct);
      for (const id of walk(direct, graph.parents, atom.parentDepth)) result.add(id);
      const descendants = walk(direct, graph.children, atom.childDepth);
      for (const id of descendants) result.add(id);
      if (atom.childrensParents)
        for (const id of walk([...direct, ...descendants], graph.parents, Infinity)) result.add(id);
      intersection =
        intersection === null ? result : new Set([...intersection].filter((id) => result.has(id)));
    }
    for (const id of intersection ?? []) selected.add(id);
  }
  return { selected, matched };
}
