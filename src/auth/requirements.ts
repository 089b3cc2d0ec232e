import {
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isIntrospectionType,
  isObjectType,
} from 'graphql';
import type { Action } from '../catalog/access.js';
import {
  type AccountResource,
  isAccountResource,
  type ProjectResource,
  type Resource,
} from '../catalog/matrix.js';
import type { FieldAuthz, ScopeLocator } from './authz-plugin.js';

/**
 * A field's `authz` declaration, interpreted. This module is the only reader of the declaration's
 * shape; the rule compiler (rules.ts), the per-token introspection view and the permissions doc
 * all work from a Requirement.
 */
export type Requirement =
  /** No token needed. */
  | { readonly kind: 'public' }
  /** Any valid token. */
  | { readonly kind: 'authenticated' }
  /** Part of its parent object: allowed wherever the parent was. */
  | { readonly kind: 'parent' }
  /**
   * An account-level resource, checked account-wide. With `token`: the field changes that
   * service token, which a request made with the token's own previous secret may not.
   */
  | {
      readonly kind: 'account';
      readonly resource: AccountResource;
      readonly action: Action;
      readonly token?: (args: unknown) => string | number;
    }
  /**
   * The same, or the token the field acts on (`self(args)`) is the caller itself, with its
   * current secret.
   */
  | {
      readonly kind: 'account-or-self';
      readonly resource: AccountResource;
      readonly action: Action;
      readonly self: (args: unknown) => string | number;
    }
  /** A project-level resource in at least one project; the resolver filters to those projects. */
  | { readonly kind: 'any-project'; readonly resource: ProjectResource; readonly action: Action }
  /** A project-level resource in the project (and environment category) `locate` finds. */
  | {
      readonly kind: 'project';
      readonly resource: ProjectResource;
      readonly action: Action;
      readonly locate: ScopeLocator<unknown, unknown, unknown>;
    };

export type RequirementKind = Requirement['kind'];

/**
 * Interprets a declaration. Throws when the form does not fit the resource's level (a project
 * locator on an account-level resource, or none on a project-level one): `where` names the field.
 */
export function interpretAuthz(authz: FieldAuthz, where: string): Requirement {
  if (authz === 'public' || authz === 'authenticated' || authz === 'parent') return { kind: authz };
  const { resource, action } = authz;
  if ('project' in authz) {
    if (isAccountResource(resource)) throw new Error(`${where}: ${resource} is account-level`);
    const projectResource = resource as ProjectResource;
    if (authz.project === 'any') return { kind: 'any-project', resource: projectResource, action };
    return { kind: 'project', resource: projectResource, action, locate: authz.project };
  }
  if (!isAccountResource(resource)) throw new Error(`${where}: ${resource} is project-level`);
  if (authz.orSelf)
    return {
      kind: 'account-or-self',
      resource,
      action,
      self: authz.orSelf as (args: unknown) => string | number,
    };
  if (authz.token)
    return {
      kind: 'account',
      resource,
      action,
      token: authz.token as (args: unknown) => string | number,
    };
  return { kind: 'account', resource, action };
}

// Interpreted once per declaration object: rules read the requirement of the field they guard on
// every call. String declarations are interpreted afresh (it costs a comparison).
const interpreted = new WeakMap<object, Requirement>();

/** Anything that carries a field's extensions: a GraphQLField or a field config. */
interface WithExtensions {
  readonly extensions?: { readonly [name: string]: unknown } | null;
}

/** The field's requirement, or undefined when it declares none. Throws as interpretAuthz does. */
export function requirementOf(field: WithExtensions, where = 'field'): Requirement | undefined {
  const authz = field.extensions?.authz as FieldAuthz | undefined;
  if (authz === undefined) return undefined;
  if (typeof authz === 'string') return interpretAuthz(authz, where);
  let requirement = interpreted.get(authz);
  if (!requirement) {
    requirement = interpretAuthz(authz, where);
    interpreted.set(authz, requirement);
  }
  return requirement;
}

/**
 * The permission a caller needs to have anywhere for the field to be of any use to it; null when
 * no particular permission decides it (public, any token, the parent's, or a token acting on itself).
 */
export function permissionNeeded(
  requirement: Requirement | undefined,
): { resource: Resource; action: Action } | null {
  switch (requirement?.kind) {
    case 'account':
    case 'any-project':
    case 'project':
      return { resource: requirement.resource, action: requirement.action };
    default:
      return null;
  }
}

export interface DeclaredField {
  readonly typeName: string;
  readonly fieldName: string;
  readonly requirement: Requirement;
}

function isRootType(schema: GraphQLSchema, typeName: string): boolean {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].some(
    (root) => root?.name === typeName,
  );
}

/**
 * Whether a field must declare what it requires: every root field, every field that leads to
 * another object (a relation), and every field with its own resolver. What remains are plain
 * properties (Pothos `t.expose*`) of an object the caller was already allowed to reach.
 */
function needsDeclaration(
  schema: GraphQLSchema,
  typeName: string,
  field: GraphQLField<unknown, unknown>,
): boolean {
  if (isRootType(schema, typeName)) return true;
  if (isCompositeType(getNamedType(field.type))) return true;
  return field.resolve !== undefined && field.extensions?.pothosExposedField === undefined;
}

/**
 * Every field's requirement. Deny by default is structural: a field that needs a declaration and
 * has none (or a root field that declares `parent`, having no parent) makes this throw, naming
 * each such field, so the server cannot start. The type checker already demands a declaration on
 * Query and Mutation fields (see authz-plugin.ts); this covers relations and resolvers too.
 */
export function collectRequirements(schema: GraphQLSchema): DeclaredField[] {
  const declared: DeclaredField[] = [];
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const requirement = requirementOf(field, `${type.name}.${field.name}`);
      if (
        requirement === undefined ||
        (requirement.kind === 'parent' && isRootType(schema, type.name))
      ) {
        if (needsDeclaration(schema, type.name, field)) missing.push(`${type.name}.${field.name}`);
      } else {
        declared.push({ typeName: type.name, fieldName: field.name, requirement });
      }
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `These fields declare no authz requirement (deny by default): ${missing.join(', ')}`,
    );
  }
  return declared;
}
