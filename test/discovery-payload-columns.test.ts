import {
  type GraphQLNamedType,
  type GraphQLObjectType,
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
} from 'graphql';
import { beforeAll, expect, it } from 'vitest';
import { identityColumns } from '../src/db/metadata-applied-nodes.js';
import { discoverySchema } from '../src/discovery/index.js';
import { rowFieldColumns } from '../src/discovery/lookahead.js';
import { unreadPayloadReads } from '../src/metadata/applied-node-view.js';
import { type IngestedFixtures, ingestFixtures, type Json } from './support/discovery.js';
import { describeWithShared } from './support/shared.js';

// The lists of the applied and definition states read only the columns a query shows when each
// of its fields is one of `rowFieldColumns` (src/discovery/lookahead.ts): the identity columns
// and the ones listed for the fields. Every such field, on every node type of every list and of
// their tests, must answer the same as a read of the whole row: on the real fixtures, the same
// page is asked with those fields only, and with them and a field that needs the whole row.

function objectType(name: string): GraphQLObjectType {
  const type = discoverySchema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}

/** The object types a node of this type can be. */
function possibleTypes(type: GraphQLNamedType): readonly GraphQLObjectType[] {
  if (isAbstractType(type)) return discoverySchema.getPossibleTypes(type);
  return [type as GraphQLObjectType];
}

/**
 * The known row fields of `type`, with every known row field of the objects among them; `alias`:
 * object fields under an alias of the type's (fragments of several types may not ask one field
 * name for different types).
 */
function rowSelection(type: GraphQLObjectType, alias = false): string {
  return Object.values(type.getFields())
    .filter((field) => rowFieldColumns.has(field.name) && field.args.length === 0)
    .map((field) => {
      const named = getNamedType(field.type);
      if (isLeafType(named)) return field.name;
      const name = alias ? `${type.name}_${field.name}: ${field.name}` : field.name;
      if (field.name === 'tests') return `${name} { ${nodeSelection(named)} }`;
      return `${name} { ${rowSelection(named as GraphQLObjectType)} }`;
    })
    .join(' ');
}

/** A leaf field of `type` outside `rowFieldColumns`: asking for it makes the read take the whole row. */
function wholeRowField(type: GraphQLObjectType): string | null {
  const field = Object.values(type.getFields()).find(
    (candidate) =>
      !rowFieldColumns.has(candidate.name) &&
      candidate.args.length === 0 &&
      isLeafType(getNamedType(candidate.type)),
  );
  return field ? `wholeRow${type.name}: ${field.name}` : null;
}

/** The known row fields of every type a node can be (as inline fragments when it can be several). */
function nodeSelection(type: GraphQLNamedType, withWholeRow = false): string {
  const types = possibleTypes(type);
  const several = types.length > 1 || isAbstractType(type);
  const fieldsOf = (object: GraphQLObjectType) => {
    const row = rowSelection(object, several);
    if (!withWholeRow) return row;
    // The tests of a whole-row node are read whole too.
    const whole = row.replace(/tests \{ (.*) \}$/, (_, inner) => {
      const testType = getNamedType(object.getFields().tests!.type);
      return `tests { ${inner} ${possibleTypes(testType)
        .map((test) => `... on ${test.name} { ${wholeRowField(test) ?? ''} }`)
        .join(' ')} }`;
    });
    return `${whole} ${wholeRowField(object) ?? ''}`;
  };
  if (!several) return fieldsOf(types[0]!);
  return `__typename ${types.map((object) => `... on ${object.name} { ${fieldsOf(object)} }`).join(' ')}`;
}

function withoutWholeRow(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutWholeRow);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith('wholeRow'))
        .map(([key, item]) => [key, withoutWholeRow(item)]),
    );
  return value;
}

/** Every connection of a state type that pages over applied nodes (all but groups' own lists). */
function listsOf(state: GraphQLObjectType) {
  return Object.values(state.getFields()).flatMap((field) => {
    const connection = getNamedType(field.type);
    if (!isObjectType(connection) || !connection.getFields().edges) return [];
    const edge = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
    const node = getNamedType(edge.getFields().node!.type);
    const needsTypes = field.args.some(
      (arg) => arg.name === 'filter' && arg.type.toString().endsWith('!'),
    );
    return [{ name: field.name, node, needsTypes }];
  });
}

/** The SQL columns of a select of applied nodes (`"a"."name"`, as the lists read them). */
function selectedColumns(sql: string): string[] {
  return [...sql.matchAll(/"a"\."([a-z_]+)"/g)].map((match) => match[1]!);
}

/** The fields anywhere in `value` that show something (not null, empty or an empty list). */
function fieldsShown(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) fieldsShown(item, into);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      const isLeaf =
        item === null ||
        typeof item !== 'object' ||
        (Array.isArray(item) && item.every((entry) => typeof entry !== 'object'));
      if (!isLeaf) fieldsShown(item, into);
      else if (item !== null && item !== '' && !(Array.isArray(item) && item.length === 0))
        into.add(key);
    }
  return into;
}

describeWithShared('state lists reading only the columns a query shows', () => {
  let fixtures: IngestedFixtures;

  beforeAll(async () => {
    fixtures = await ingestFixtures();
  });

  it('answer every known row field as the whole row does, on every list and its tests', async () => {
    const { gateway, ecommerce, paystream, ask } = fixtures;
    const compared = new Map<string, number>();
    const shown = new Set<string>();
    for (const state of ['AppliedState', 'DefinitionState'] as const) {
      for (const list of listsOf(objectType(state))) {
        const stateField = state === 'AppliedState' ? 'applied' : 'definition';
        // resources: every node type in fragments, each with its tests, on a smaller page (the
        // query limits count each fragment's lists).
        const args = list.needsTypes
          ? 'filter: { types: [Model, Source, Seed, Snapshot, Test, Exposure] }, first: 100'
          : 'first: 500';
        const page = (nodeFields: string) =>
          `query ($id: BigInt!) { environment(id: $id) { ${stateField} { ${list.name}(${args}) {
            totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${nodeFields} } } } } } }`;
        const lean = nodeSelection(list.node);
        const whole = nodeSelection(list.node, true);
        const label = `${state}.${list.name}`;
        for (const environmentId of [ecommerce.environmentId, paystream.environmentId]) {
          const variables = { id: Number(environmentId) };
          gateway.queries.length = 0;
          const onlyRowFields = await ask(page(lean), variables);
          expect(onlyRowFields.errors, `${label}: ${lean}`).toBeUndefined();
          // No field asked a view for the payload this read left out.
          expect(unreadPayloadReads.count, `${label}: ${lean}`).toBe(0);
          // The lean page read the identity and the listed columns only, for its nodes and tests.
          const allowed = new Set<string>([
            ...identityColumns,
            ...[...rowFieldColumns.values()].flat(),
          ]);
          for (const sql of gateway.queries.filter((text) =>
            text.includes('"metadata_applied_nodes" as "a"'),
          ))
            expect(selectedColumns(sql.slice(0, sql.indexOf(' from ')))).toSatisfy(
              (columns: string[]) => columns.every((column) => allowed.has(column)),
              sql,
            );
          const wholeRows = await ask(page(whole), variables);
          expect(wholeRows.errors, `${label}: ${whole}`).toBeUndefined();
          expect(onlyRowFields.data, label).toEqual(withoutWholeRow(wholeRows.data));
          const edges = wholeRows.data!.environment[stateField][list.name].edges as Json[];
          compared.set(label, (compared.get(label) ?? 0) + edges.length);
          fieldsShown(onlyRowFields.data, shown);
        }
      }
    }
    // Every list had nodes to compare in one fixture or the other, but the semantic layer's and
    // groups (neither fixture has any: their views are AppliedNodeView's, with the same getters).
    const withoutFixtureNodes = ['groups', 'metrics', 'savedQueries', 'semanticModels'];
    for (const [label, count] of compared)
      if (!withoutFixtureNodes.includes(label.split('.')[1]!))
        expect(count, label).toBeGreaterThan(0);
    expect(compared.size).toBe(19);
    // Every column a field reads was compared on values that show it (seeds' lastRunSkip reads
    // the status, which lastRunStatus shows: the fixtures' one seed has no run result).
    const columnsShown = new Set(
      [...rowFieldColumns].filter(([field]) => shown.has(field)).flatMap(([, columns]) => columns),
    );
    const neverShown = [...new Set([...rowFieldColumns.values()].flat())].filter(
      (column) => !columnsShown.has(column),
    );
    expect(neverShown).toEqual([]);
  });

  it('reads the whole row when a fragment asks for a field that needs it', async () => {
    const { gateway, ecommerce, ask } = fixtures;
    gateway.queries.length = 0;
    const response = await ask(
      `query ($id: BigInt!) { environment(id: $id) { applied { models(first: 5) {
        edges { node { uniqueId ...Described tests { name ... on TestAppliedStateNestedNode { description } } } } } } } }
      fragment Described on ModelAppliedStateNode { description }`,
      { id: Number(ecommerce.environmentId) },
    );
    expect(response.errors).toBeUndefined();
    const nodes = response.data!.environment.applied.models.edges.map((edge: Json) => edge.node);
    expect(
      nodes.some((node: Json) => typeof node.description === 'string' && node.description),
    ).toBe(true);
    expect(gateway.queries.filter((sql) => sql.includes('"a"."payload"'))).toHaveLength(2);
  });

  it('reads the sort value of the cursors when a page sorts by it', async () => {
    const { ecommerce, ask } = fixtures;
    const page = (fields: string, after?: string) =>
      ask(
        `query ($id: BigInt!, $after: String) { environment(id: $id) { applied {
          models(first: 3, after: $after, sort: { field: executeCompletedAt, direction: desc }) {
            pageInfo { endCursor } edges { cursor node { ${fields} } } } } } }`,
        { id: Number(ecommerce.environmentId), after },
      );
    const lean = await page('uniqueId');
    const whole = await page('uniqueId description');
    expect(lean.errors).toBeUndefined();
    const cursors = (response: typeof lean) =>
      response.data!.environment.applied.models.edges.map((edge: Json) => edge.cursor);
    expect(cursors(lean)).toEqual(cursors(whole));
    const next = await page('uniqueId', lean.data!.environment.applied.models.pageInfo.endCursor);
    const wholeNext = await page(
      'uniqueId description',
      whole.data!.environment.applied.models.pageInfo.endCursor,
    );
    expect(
      next.data!.environment.applied.models.edges.map((edge: Json) => edge.node.uniqueId),
    ).toEqual(
      wholeNext.data!.environment.applied.models.edges.map((edge: Json) => edge.node.uniqueId),
    );
  });
});
