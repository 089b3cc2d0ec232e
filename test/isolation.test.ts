import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { expect, it } from 'vitest';
import {
  CreateIpRestrictionDocument,
  RenameServiceTokenDocument,
  TriggerRunDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { discoverySchema } from '../src/discovery/index.js';
import { schema } from '../src/schema/index.js';
import { builders, required } from './support/builders.js';
import { createTestGateway, document } from './support/helpers.js';
import { fixtureArtifacts, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

const marker = 'acme-private';

function placeholder(type: GraphQLInputType, id: string): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType, id);
  if (isListType(type)) return [placeholder(type.ofType, id)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) return {};
  if (isScalarType(type))
    return (
      { ID: id, BigInt: Number(id), Int: 1, Float: 1, Boolean: true, String: id }[type.name] ?? id
    );
  throw new Error(`no placeholder for ${String(type)}`);
}

/**
 * A selection of every field without required arguments, three levels deep (through a
 * connection's edges to its nodes): enough for names to show if anything leaked.
 */
function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (!isObjectType(type) && !isInterfaceType(type)) return '';
  const fields = Object.values(type.getFields()).filter(
    (field) => !field.args.some((arg) => isNonNullType(arg.type)),
  );
  const parts = fields.flatMap((field) => {
    const named = getNamedType(field.type);
    if (isScalarType(named) || isEnumType(named)) return [field.name];
    if (depth === 0) return [];
    const inner = selectionOf(named, depth - 1);
    return inner ? [`${field.name} { ${inner} }`] : [];
  });
  return ['__typename', ...parts].join(' ');
}

/** Every root query of a schema, called with `id` wherever it takes an id-like argument. */
function calls(served: GraphQLSchema, id: string) {
  return Object.values(served.getQueryType()!.getFields()).map(
    (field: GraphQLField<unknown, unknown>) => {
      const required = field.args.filter(
        (arg) => isNonNullType(arg.type) || /(^id$|Id$)/.test(arg.name),
      );
      const variables = Object.fromEntries(
        required.map((arg) => [arg.name, placeholder(arg.type, id)]),
      );
      const definitions = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
      const passed = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
      const named = getNamedType(field.type);
      const selection =
        isScalarType(named) || isEnumType(named) ? '' : ` { ${selectionOf(named, 3)} }`;
      return {
        name: field.name,
        query: `query${definitions ? `(${definitions})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`,
        variables,
      };
    },
  );
}

describeWithShared('isolation between accounts', () => {
  it('shows another account nothing of this one, through any query of either API, with any of its ids', async () => {
    // Every field at once makes big queries: the limits are not what this test is about.
    const gateway = await createTestGateway({
      hardening: {
        queryLimits: {
          maxDepth: 50,
          maxAliases: 50,
          maxTokens: 100_000,
          maxDirectives: 50,
          maxRootFields: 50,
          maxCost: 10_000_000,
        },
      },
    });
    const admin = gateway.client(gateway.adminToken);
    const build = builders(admin);
    const projectId = await build.project(`${marker} project`);
    const environmentId = await build.environment(projectId, 'production', `${marker} environment`);
    const jobId = await build.job(environmentId, `${marker} job`);
    const runId = required(
      await admin.request(TriggerRunDocument, { jobId, input: { cause: `${marker} run` } }),
      'run',
    ).triggerRun!.id;
    const token = await build.token([{ permissionSet: 'job_admin', projectIds: [projectId] }], {
      name: `${marker} token`,
    });
    await admin.request(CreateIpRestrictionDocument, {
      input: { kind: 'deny', cidr: '203.0.113.0/24', description: `${marker} rule` },
    });
    expect(
      (await uploadArtifacts(gateway, gateway.adminToken, runId, fixtureArtifacts('ecommerce')))
        .errors,
    ).toBeUndefined();

    const adminId = required(await admin.request(ViewerDocument), 'viewer').viewer.id;
    await admin.request(RenameServiceTokenDocument, { id: adminId, name: `${marker} admin` });

    const other = await gateway.addAccount('Other', 'enterprise');
    const ownTokenId = required(
      await gateway.client(other.adminToken).request(ViewerDocument),
      'viewer',
    ).viewer.id;
    const ids = [
      ...new Set([projectId, environmentId, jobId, runId, token.serviceToken.id, adminId]),
    ];
    let checked = 0;
    for (const [served, client] of [
      [schema, gateway.client(other.adminToken)],
      [discoverySchema, gateway.discovery(other.adminToken)],
    ] as const) {
      for (const id of ids) {
        for (const call of calls(served, id)) {
          const response = await client.request(document(call.query), call.variables);
          const text = JSON.stringify(response);
          expect(text, `${call.name}(${id})`).not.toContain(marker);
          expect(text, `${call.name}(${id})`).not.toMatch(
            /query_limit|GRAPHQL_VALIDATION_FAILED|Unexpected error/,
          );
          if (call.query.includes('$') && id !== ownTokenId) {
            // Looked up by an id of the first account: nothing, unless the id is also one of its own.
            expect(response.data?.[call.name] ?? null, `${call.name}(${id})`).toBeNull();
          }
          checked++;
        }
      }
    }
    const roots =
      Object.keys(schema.getQueryType()!.getFields()).length +
      Object.keys(discoverySchema.getQueryType()!.getFields()).length;
    expect(checked).toBe(ids.length * roots);
    expect(roots).toBeGreaterThan(30);
  });
});
