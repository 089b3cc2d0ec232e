import SchemaBuilder from '@pothos/core';
import {
  execute,
  type GraphQLArgument,
  type GraphQLError,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { authzPluginName } from '../src/auth/authz-plugin.js';
import { collectRequirements } from '../src/auth/requirements.js';
import { guardSchema } from '../src/auth/rules.js';
import { compileAccess, type Grant } from '../src/catalog/access.js';
import { schema } from '../src/schema/index.js';
import { createTestGateway, errorCodes } from './support/helpers.js';

function toyBuilder() {
  return new SchemaBuilder<{ Context: object }>({ plugins: [authzPluginName] });
}

describe('deny by default', () => {
  it('refuses to build a schema with an undeclared root field, relation, or resolver', () => {
    const builder = toyBuilder();
    const Thing = builder.objectRef<{ id: string; other?: { id: string } }>('Thing');
    Thing.implement({
      fields: (t) => ({
        id: t.exposeID('id'),
        shout: t.string({ resolve: (thing) => thing.id.toUpperCase() }),
        other: t.field({ type: Thing, resolve: (thing) => thing.other }),
        declaredOther: t.field({ type: Thing, authz: 'parent', resolve: (thing) => thing.other }),
      }),
    });
    builder.queryType({
      fields: (t) => ({
        // The type checker refuses these two already (see authz-types.test.ts); start-up refuses
        // them too, for code that gets around the types.
        // @ts-expect-error a root field without authz
        thing: t.field({ type: Thing, resolve: () => ({ id: 'x' }) }),
        // @ts-expect-error a root field has no parent to inherit from
        inherits: t.field({ type: Thing, authz: 'parent', resolve: () => ({ id: 'x' }) }),
        declared: t.field({ type: Thing, authz: 'authenticated', resolve: () => ({ id: 'x' }) }),
      }),
    });
    expect(() => collectRequirements(builder.toSchema())).toThrow(
      'These fields declare no authz requirement (deny by default): Query.inherits, Query.thing, Thing.other, Thing.shout',
    );
  });

  it('refuses a declaration whose resource level does not match its form', () => {
    const builder = toyBuilder();
    builder.queryType({
      fields: (t) => ({
        wrong: t.string({
          authz: { resource: 'projects', action: 'read' } as never,
          resolve: () => 'x',
        }),
      }),
    });
    expect(() => guardSchema(builder.toSchema())).toThrow('Query.wrong: projects is project-level');
  });
});

describe('a list guarded for a write', () => {
  // No list of the schema declares a write today; the rule must still check the write itself, so
  // that the first one to do so is not open to read-only tokens.
  it('is refused to a token that only reads the resource, and allowed where it writes it', async () => {
    const builder = toyBuilder();
    builder.queryType({
      fields: (t) => ({
        writableJobs: t.string({
          authz: { resource: 'jobs', action: 'write', project: 'any' },
          resolve: () => 'listed',
        }),
      }),
    });
    const guarded = guardSchema(builder.toSchema());
    const run = async (grants: Grant[]) => {
      const result = await execute({
        schema: guarded,
        document: parse('{ writableJobs }'),
        contextValue: { principal: { access: compileAccess(grants) } },
      });
      return {
        data: result.data?.writableJobs ?? null,
        code: result.errors?.[0]?.extensions?.code,
      };
    };
    const viewer = await run([
      { permissionSet: 'job_viewer', projectIds: null, writableEnvironmentCategories: [] },
    ]);
    expect(viewer).toEqual({ data: null, code: 'FORBIDDEN' });
    const admin = await run([
      { permissionSet: 'job_admin', projectIds: [1], writableEnvironmentCategories: [] },
    ]);
    expect(admin).toEqual({ data: 'listed', code: undefined });
  });
});

/** A placeholder value for a required argument, so that a field can be called at all. */
function placeholder(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType);
  if (isListType(type)) return [placeholder(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, placeholder(field.type)]),
    );
  }
  if (isScalarType(type))
    return (
      { ID: '1', String: 'x', Int: 1, Float: 1, Boolean: true, DateTime: '2026-01-01T00:00:00Z' }[
        type.name
      ] ?? '1'
    );
  throw new Error(`no placeholder for ${String(type)}`);
}

function callOf(
  operation: 'query' | 'mutation',
  name: string,
  args: readonly GraphQLArgument[],
  composite: boolean,
) {
  const required = args.filter((arg) => isNonNullType(arg.type));
  const variables = Object.fromEntries(required.map((arg) => [arg.name, placeholder(arg.type)]));
  const definitions = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passed = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const document = `${operation}${definitions ? `(${definitions})` : ''} { ${name}${passed ? `(${passed})` : ''}${composite ? ' { __typename }' : ''} }`;
  return { document, variables };
}

describe('every declared root rule runs', () => {
  it('answers UNAUTHENTICATED to an anonymous call of each query and mutation', async () => {
    const gateway = await createTestGateway();
    const publicFields = new Set(
      collectRequirements(schema)
        .filter((declared) => declared.requirement.kind === 'public')
        .map((declared) => `${declared.typeName}.${declared.fieldName}`),
    );
    let called = 0;
    for (const [operation, type] of [
      ['query', schema.getQueryType()!],
      ['mutation', schema.getMutationType()!],
    ] as const) {
      for (const field of Object.values(type.getFields())) {
        if (publicFields.has(`${type.name}.${field.name}`)) continue;
        const composite =
          !isScalarType(getNamedType(field.type)) && !isEnumType(getNamedType(field.type));
        const { document, variables } = callOf(operation, field.name, field.args, composite);
        const response = await gateway.graphql(document, variables);
        expect(errorCodes(response.body), `${type.name}.${field.name}: ${document}`).toEqual([
          'UNAUTHENTICATED',
        ]);
        called++;
      }
    }
    expect(called).toBeGreaterThanOrEqual(12);
  });
});

describe('every declared rule runs, relations included', () => {
  it('refuses an anonymous call of every guarded field of every type before its resolver runs', async () => {
    const guarded = guardSchema(schema);
    const declared = collectRequirements(schema).filter(
      ({ requirement }) => requirement.kind !== 'parent' && requirement.kind !== 'public',
    );
    let checked = 0;
    for (const { typeName, fieldName } of declared) {
      const type = guarded.getType(typeName) as GraphQLObjectType;
      const field = type.getFields()[fieldName]!;
      const info = {
        parentType: type,
        fieldName,
        returnType: field.type,
        path: { key: fieldName },
      } as unknown as GraphQLResolveInfo;
      // Parent and arguments that would make any resolver or locator throw if it ran.
      const poison = new Proxy(
        {},
        {
          get: () => {
            throw new Error(`${typeName}.${fieldName} ran without authorization`);
          },
        },
      );
      const result = await field.resolve!(poison, poison, { principal: null }, info);
      expect(result, `${typeName}.${fieldName}`).toBeInstanceOf(Error);
      expect((result as GraphQLError).extensions?.code, `${typeName}.${fieldName}`).toBe(
        'UNAUTHENTICATED',
      );
      checked++;
    }
    expect(checked).toBe(declared.length);
    expect(
      declared.filter(({ typeName }) => typeName !== 'Query' && typeName !== 'Mutation').length,
    ).toBeGreaterThanOrEqual(10);
  });
});
