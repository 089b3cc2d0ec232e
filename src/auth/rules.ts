import {
  GraphQLError,
  getNamedType,
  isCompositeType,
  isIntrospectionType,
  isObjectType,
  type GraphQLField,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware, type IMiddlewareFieldMap, type IMiddlewareTypeMap } from 'graphql-middleware';
import { deny, rule, shield, type IRule } from 'graphql-shield';
import {
  acceptedPermissionSets,
  allowsInProject,
  allowsOnAccount,
  allowsSomewhere,
  coversProject,
  setsWritingPerCategory,
  type Action,
  type ProjectScope,
} from '../catalog/access.js';
import { isAccountResource, type AccountResource, type ProjectResource } from '../catalog/matrix.js';
import { forbidden, notFound, unauthenticated } from '../errors.js';
import type { FieldAuthz, LocatedScope, ScopeLocator } from './authz-plugin.js';
import type { Principal } from './principal.js';

/** The part of the request context the rules read. */
export interface AuthContext {
  readonly principal: Principal | null;
}

export interface DeclaredField {
  readonly typeName: string;
  readonly fieldName: string;
  readonly authz: FieldAuthz;
}

function declarationOf(field: GraphQLField<unknown, unknown>): FieldAuthz | undefined {
  return field.extensions?.authz as FieldAuthz | undefined;
}

/**
 * Whether a field must declare what it requires: every root field, every field that leads to
 * another object (a relation), and every field with its own resolver. What remains are plain
 * properties (Pothos `t.expose*`) of an object the caller was already allowed to reach.
 */
function isRootType(schema: GraphQLSchema, typeName: string): boolean {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].some((root) => root?.name === typeName);
}

function needsDeclaration(schema: GraphQLSchema, typeName: string, field: GraphQLField<unknown, unknown>): boolean {
  if (isRootType(schema, typeName)) return true;
  if (isCompositeType(getNamedType(field.type))) return true;
  return field.resolve !== undefined && field.extensions?.pothosExposedField === undefined;
}

/**
 * Every field's declaration. Deny by default is structural: a field that needs a declaration
 * and has none makes this throw, naming each such field, so the server cannot start.
 */
export function collectDeclarations(schema: GraphQLSchema): DeclaredField[] {
  const declared: DeclaredField[] = [];
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const authz = declarationOf(field);
      // A root field has no parent to inherit from.
      if (authz === undefined || (authz === 'parent' && isRootType(schema, type.name))) {
        if (needsDeclaration(schema, type.name, field)) missing.push(`${type.name}.${field.name}`);
      } else {
        declared.push({ typeName: type.name, fieldName: field.name, authz });
      }
    }
  }
  if (missing.length > 0) {
    throw new Error(`These fields declare no authz requirement (deny by default): ${missing.join(', ')}`);
  }
  return declared;
}

/** FORBIDDEN naming what is missing; in a project, where (and for writes, which category). */
function refusal(resource: AccountResource | ProjectResource, action: Action, scope?: ProjectScope) {
  const write = action === 'write';
  return forbidden({
    resource,
    action,
    projectId: scope?.projectId,
    environmentCategory: write ? scope?.environmentCategory : undefined,
    acceptedPermissionSets: acceptedPermissionSets(resource, action),
    ...(write && scope?.wholeProject ? { needingEveryCategory: setsWritingPerCategory(resource as ProjectResource) } : {}),
  });
}

// Rules return errors instead of throwing: shield turns a thrown error into `false`, which would
// report a real bug as a denial.

const publicRule = rule('public', { cache: 'contextual' })(() => true);

const authenticatedRule = rule('authenticated', { cache: 'contextual' })((_parent, _args, context: AuthContext) =>
  context.principal ? true : unauthenticated(),
);

function accountRule(resource: AccountResource, action: Action): IRule {
  return rule(`${resource}:${action}`, { cache: 'contextual' })((_parent, _args, { principal }: AuthContext) => {
    if (!principal) return unauthenticated();
    return allowsOnAccount(principal.access, resource, action) || refusal(resource, action);
  });
}

/** An account-level check that also lets a token act on itself (rotating its own secret). */
function accountOrSelfRule(resource: AccountResource, action: Action): IRule {
  return rule(`${resource}:${action}|self`, { cache: 'no_cache' })((_parent, args, { principal }: AuthContext, info: GraphQLResolveInfo) => {
    if (!principal) return unauthenticated();
    const authz = declarationOf(info.parentType.getFields()[info.fieldName]!) as { orSelf: (args: unknown) => string | number };
    if (String(authz.orSelf(args)) === String(principal.token.id)) return true;
    return allowsOnAccount(principal.access, resource, action) || refusal(resource, action);
  });
}

function anyProjectRule(resource: ProjectResource, action: Action): IRule {
  return rule(`${resource}:${action}@any-project`, { cache: 'contextual' })((_parent, _args, { principal }: AuthContext) => {
    if (!principal) return unauthenticated();
    return allowsSomewhere(principal.access, resource, action) || refusal(resource, action);
  });
}

/**
 * The project-level check, for rules and for resolvers that must check a second scope (moving a
 * job to another environment): NOT_FOUND outside the projects the grants reach, FORBIDDEN when
 * the grants there do not allow the action.
 */
export function authorizeInProject(
  principal: Principal,
  resource: ProjectResource,
  action: Action,
  scope: LocatedScope,
): true | GraphQLError {
  if (!coversProject(principal.access, scope.projectId)) return notFound(scope.label);
  return (
    allowsInProject(principal.access, resource, action, scope) ||
    refusal(resource, action, scope)
  );
}

/** One rule per resource and action; the field's own locator is read from its declaration. */
function projectRule(resource: ProjectResource, action: Action): IRule {
  return rule(`${resource}:${action}@project`, { cache: 'no_cache' })(
    async (parent, args, context: AuthContext, info: GraphQLResolveInfo) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      const authz = declarationOf(info.parentType.getFields()[info.fieldName]!) as { project: ScopeLocator<unknown, unknown, unknown> };
      try {
        return authorizeInProject(principal, resource, action, await authz.project(parent, args, context));
      } catch (error) {
        return error as Error;
      }
    },
  );
}

/**
 * Compiles the schema's declarations and the catalog into graphql-shield rules and applies them
 * to the declared fields only. Plain properties are not wrapped: they are read from objects a
 * guarded field already let through, and wrapping every scalar of a list is what made shield
 * cost 3× (see ../shared/reference/stack-notes.md).
 */
export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  const rules = new Map<string, IRule>();
  const ruleFor = (authz: Exclude<FieldAuthz, 'parent'>): IRule => {
    if (authz === 'public') return publicRule;
    if (authz === 'authenticated') return authenticatedRule;
    const kind = 'project' in authz ? (authz.project === 'any' ? 'any' : 'project') : authz.orSelf ? 'self' : 'account';
    const key = `${authz.resource}:${authz.action}:${kind}`;
    let compiled = rules.get(key);
    if (!compiled) {
      if (kind === 'account') compiled = accountRule(authz.resource as AccountResource, authz.action);
      else if (kind === 'self') compiled = accountOrSelfRule(authz.resource as AccountResource, authz.action);
      else if (kind === 'any') compiled = anyProjectRule(authz.resource as ProjectResource, authz.action);
      else compiled = projectRule(authz.resource as ProjectResource, authz.action);
      rules.set(key, compiled);
    }
    return compiled;
  };

  const ruleTree: Record<string, Record<string, IRule>> = {};
  for (const { typeName, fieldName, authz } of collectDeclarations(schema)) {
    if (authz === 'parent') continue;
    if (typeof authz === 'object' && isAccountResource(authz.resource) === 'project' in authz) {
      throw new Error(`${typeName}.${fieldName}: ${authz.resource} is ${'project' in authz ? 'account' : 'project'}-level`);
    }
    (ruleTree[typeName] ??= {})[fieldName] = ruleFor(authz);
  }

  const generated = shield(ruleTree, {
    fallbackRule: deny,
    allowExternalErrors: true,
    // Only reached if a rule answers `false` without saying why; ours always say why.
    fallbackError: () => new GraphQLError('Forbidden.', { extensions: { code: 'FORBIDDEN' } }),
  }).generate(schema) as IMiddlewareTypeMap;
  // shield generates middleware for every field of every type; keep only the declared ones.
  const middleware: IMiddlewareTypeMap = {};
  for (const [typeName, fields] of Object.entries(ruleTree)) {
    const generatedFields = generated[typeName] as Record<string, IMiddlewareFieldMap[string]>;
    middleware[typeName] = Object.fromEntries(Object.keys(fields).map((fieldName) => [fieldName, generatedFields[fieldName]!]));
  }
  return applyMiddleware(schema, middleware);
}
