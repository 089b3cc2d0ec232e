import { type GraphQLObjectType, getNamedType, isLeafType, isObjectType } from 'graphql';
import { beforeAll, expect, it } from 'vitest';
import { discoverySchema } from '../src/discovery/index.js';
import { rowOnlyFields } from '../src/discovery/lookahead.js';
import { unreadPayloadReads } from '../src/metadata/applied-node-view.js';
import { type IngestedFixtures, ingestFixtures, type Json } from './support/discovery.js';
import { describeWithShared } from './support/shared.js';

// The applied lists leave the payload column (the manifest's other fields as JSON) out of their
// read when a query shows only fields of `rowOnlyFields`. Every such field, on every node type
// of every applied list and of their tests, must answer the same either way: on the real
// fixtures, the same page is asked without and with a field that needs the payload.

const appliedLists = ['models', 'sources', 'seeds', 'snapshots', 'tests', 'exposures'];

function objectType(name: string): GraphQLObjectType {
  const type = discoverySchema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}

/** The row-only fields of `type`, with every row-only field of the objects among them. */
function rowOnlySelection(type: GraphQLObjectType): string {
  return Object.values(type.getFields())
    .filter((field) => rowOnlyFields.has(field.name) && field.args.length === 0)
    .map((field) => {
      const named = getNamedType(field.type);
      if (isLeafType(named)) return field.name;
      return `${field.name} { ${rowOnlySelection(named as GraphQLObjectType)} }`;
    })
    .join(' ');
}

/** A leaf field of `type` outside `rowOnlyFields`: asking for it makes the read include the payload. */
function payloadField(type: GraphQLObjectType): string {
  const field = Object.values(type.getFields()).find(
    (candidate) =>
      !rowOnlyFields.has(candidate.name) &&
      candidate.args.length === 0 &&
      isLeafType(getNamedType(candidate.type)),
  );
  if (!field) throw new Error(`${type.name} has no field outside rowOnlyFields`);
  return `withPayload: ${field.name}`;
}

function withoutAlias(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAlias);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'withPayload')
        .map(([key, item]) => [key, withoutAlias(item)]),
    );
  return value;
}

describeWithShared('applied lists without the payload column', () => {
  let fixtures: IngestedFixtures;

  beforeAll(async () => {
    fixtures = await ingestFixtures();
  });

  it('answer every row-only field as the full read does, on every list and its tests', async () => {
    const { gateway, ecommerce, paystream, ask } = fixtures;
    const applied = objectType('AppliedState');
    const compared = new Map<string, number>();
    for (const list of appliedLists) {
      const connection = getNamedType(applied.getFields()[list]!.type) as GraphQLObjectType;
      const edge = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
      const node = getNamedType(edge.getFields().node!.type) as GraphQLObjectType;
      const tests = node.getFields().tests;
      const testType = tests && (getNamedType(tests.type) as GraphQLObjectType);
      const page = (nodeFields: string) =>
        `query ($id: BigInt!) { environment(id: $id) { applied { ${list}(first: 500) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${nodeFields} } } } } } }`;
      const lean = rowOnlySelection(node);
      const full = `${lean} ${payloadField(node)}${
        testType ? ` tests { ${rowOnlySelection(testType)} ${payloadField(testType)} }` : ''
      }`;
      for (const environmentId of [ecommerce.environmentId, paystream.environmentId]) {
        const variables = { id: Number(environmentId) };
        gateway.queries.length = 0;
        const withoutPayload = await ask(page(lean), variables);
        expect(withoutPayload.errors, `${list}: ${lean}`).toBeUndefined();
        // No field asked a view for the payload this read left out.
        expect(unreadPayloadReads.count, `${list}: ${lean}`).toBe(0);
        // The lean page really read no payload, for its nodes or their tests.
        expect(gateway.queries.filter((sql) => sql.includes('"payload"'))).toEqual([]);
        const withPayload = await ask(page(full), variables);
        expect(withPayload.errors).toBeUndefined();
        const nodes = withPayload.data!.environment.applied[list].edges as Json[];
        expect(withoutPayload.data).toEqual(withoutAlias(withPayload.data));
        compared.set(list, (compared.get(list) ?? 0) + nodes.length);
      }
    }
    // Every list had nodes to compare in one fixture or the other (seeds and snapshots: paystream).
    for (const list of appliedLists) expect(compared.get(list), list).toBeGreaterThan(0);
  });

  it('reads the payload when a fragment asks for a field that needs it', async () => {
    const { ecommerce, ask } = fixtures;
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
  });
});
