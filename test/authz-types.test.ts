import SchemaBuilder from '@pothos/core';
import { describe, expect, it } from 'vitest';
import { authzPluginName } from '../src/auth/authz-plugin.js';
import { collectRequirements } from '../src/auth/requirements.js';

// `tsc --noEmit` checks this file: each @ts-expect-error below must meet a type error, or tsc
// fails with "Unused '@ts-expect-error' directive". So if Query and Mutation fields stopped
// requiring `authz` in their types, the type check would fail here. The test then builds the
// same schema, to show that start-up refuses what got past the types.

function toyBuilder() {
  const builder = new SchemaBuilder<{ Context: { principal: null } }>({
    plugins: [authzPluginName],
  });
  const Thing = builder.objectRef<{ id: string }>('Thing').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
    }),
  });
  return { builder, Thing };
}

function buildWithUndeclaredRootFields() {
  const { builder, Thing } = toyBuilder();
  // Object fields are not required by type (exposed properties need nothing); a resolver or a
  // relation without a declaration is refused at start-up.
  builder.objectField(Thing, 'shout', (t) =>
    t.string({ resolve: (thing) => thing.id.toUpperCase() }),
  );
  builder.queryType({
    fields: (t) => ({
      // @ts-expect-error a query field must declare authz
      fromQueryType: t.field({ type: Thing, resolve: () => ({ id: 'x' }) }),
      declared: t.field({ type: Thing, authz: 'authenticated', resolve: () => ({ id: 'x' }) }),
    }),
  });
  builder.queryFields((t) => ({
    // @ts-expect-error a query field must declare authz, scalar helpers included
    fromQueryFields: t.string({ resolve: () => 'x' }),
  }));
  builder.queryField('fromQueryField', (t) =>
    // @ts-expect-error a query field must declare authz
    t.boolean({ resolve: () => true }),
  );
  builder.queryField('inheritsFromNothing', (t) =>
    // @ts-expect-error a root field has no parent to inherit from
    t.boolean({ authz: 'parent', resolve: () => true }),
  );
  builder.mutationType({
    fields: (t) => ({
      fromMutationType: t.field({
        type: Thing,
        args: { id: t.arg.id({ required: true }) },
        // @ts-expect-error a mutation field must declare authz (the error lands on the resolver)
        resolve: (_root, { id }) => ({ id: String(id) }),
      }),
    }),
  });
  builder.mutationFields((t) => ({
    // @ts-expect-error a mutation field must declare authz
    fromMutationFields: t.int({ resolve: () => 1 }),
  }));
  builder.mutationField('fromMutationField', (t) =>
    t.int({
      // @ts-expect-error the locator's arguments are typed: this mutation has no `id`
      authz: { resource: 'service_tokens', action: 'write', orSelf: (args) => args.id },
      resolve: () => 1,
    }),
  );
  return builder.toSchema();
}

describe('authz on Query and Mutation fields', () => {
  it('is required by the types, and checked again at start-up', () => {
    expect(() => collectRequirements(buildWithUndeclaredRootFields())).toThrow(
      'These fields declare no authz requirement (deny by default): Mutation.fromMutationFields, Mutation.fromMutationType, Query.fromQueryField, Query.fromQueryFields, Query.fromQueryType, Query.inheritsFromNothing, Thing.shout',
    );
  });

  it('accepts every form a root field may declare', () => {
    const { builder, Thing } = toyBuilder();
    builder.queryType({});
    builder.mutationType({});
    builder.queryFields((t) => ({
      open: t.string({ authz: 'public', resolve: () => 'x' }),
      anyToken: t.string({ authz: 'authenticated', resolve: () => 'x' }),
      accountWide: t.field({
        type: Thing,
        authz: { resource: 'audit_logs', action: 'read' },
        resolve: () => ({ id: 'x' }),
      }),
      inSomeProject: t.stringList({
        authz: { resource: 'jobs', action: 'read', project: 'any' },
        resolve: () => [],
      }),
      inOneProject: t.field({
        type: Thing,
        args: { projectId: t.arg.id({ required: true }) },
        authz: {
          resource: 'jobs',
          action: 'read',
          project: (_root, { projectId }) => ({ projectId: Number(projectId), label: 'Project' }),
        },
        resolve: () => ({ id: 'x' }),
      }),
    }));
    builder.mutationField('rotate', (t) =>
      t.int({
        args: { id: t.arg.id({ required: true }) },
        authz: { resource: 'service_tokens', action: 'write', orSelf: (args) => args.id },
        resolve: () => 1,
      }),
    );
    const kinds = collectRequirements(builder.toSchema())
      .filter(({ typeName }) => typeName === 'Query' || typeName === 'Mutation')
      .map(({ fieldName, requirement }) => `${fieldName}: ${requirement.kind}`)
      .sort();
    expect(kinds).toEqual([
      'accountWide: account',
      'anyToken: authenticated',
      'inOneProject: project',
      'inSomeProject: any-project',
      'open: public',
      'rotate: account-or-self',
    ]);
  });
});
