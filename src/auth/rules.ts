import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { deny, type IRule, rule, shield } from 'graphql-shield';
import {
  type Action,
  acceptedPermissionSets,
  allowsInProject,
  allowsOnAccount,
  allowsSomewhere,
  coversProject,
  type ProjectScope,
  setsWritingPerCategory,
} from '../catalog/access.js';
import type { AccountResource, ProjectResource } from '../catalog/matrix.js';
import { forbidden, notFound, unauthenticated } from '../errors.js';
import type { LocatedScope, ScopeLocator } from './authz-plugin.js';
import { type GrantedPermissions, recordGranted } from './permission-usage.js';
import { isOwnToken, type Principal, previousSecretRefused } from './principal.js';
import { collectRequirements, type Requirement } from './requirements.js';
import type { ParentLocator } from './scopes.js';

/** The part of the request context the rules read. */
export interface AuthContext {
  readonly principal: Principal | null;
  /** Records the permissions granted to a token (least privilege); null: not recorded. */
  readonly grantedPermissions?: GrantedPermissions | null;
}

/** FORBIDDEN naming what is missing; in a project, where (and for writes, which category). */
function refusal(
  resource: AccountResource | ProjectResource,
  action: Action,
  scope?: ProjectScope,
) {
  const write = action === 'write';
  return forbidden({
    resource,
    action,
    projectId: scope?.projectId,
    environmentCategory: write ? scope?.environmentCategory : undefined,
    acceptedPermissionSets: acceptedPermissionSets(resource, action),
    ...(write && scope?.wholeProject
      ? { perEnvironmentOnly: setsWritingPerCategory(resource as ProjectResource) }
      : {}),
  });
}

// Rules return errors instead of throwing: shield turns a thrown error into `false`, which would
// report a real bug as a denial.

const publicRule: IRule = rule('public', { cache: 'contextual' })(
  (_parent, _args, context: AuthContext) => grantedForRequest(context, publicRule),
);

const authenticatedRule: IRule = rule('authenticated', { cache: 'contextual' })(
  (_parent, _args, context: AuthContext) =>
    context.principal ? grantedForRequest(context, authenticatedRule) : unauthenticated(),
);

function accountRule(resource: AccountResource, action: Action): IRule {
  const accountWide: IRule = rule(`${resource}:${action}`, { cache: 'contextual' })(
    (_parent, _args, context: AuthContext) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      return (
        (allowsOnAccount(principal.access, resource, action) &&
          recordGranted(context, resource, action, null) &&
          grantedForRequest(context, accountWide)) ||
        refusal(resource, action)
      );
    },
  );
  return accountWide;
}

/**
 * An account-level check on a field that changes one service token (`token` in its declaration):
 * the caller's previous secret, during a rotation's grace window, may not change its own token,
 * whatever the token's grants; decided per field, from the field's own arguments. One rule per
 * field, compiled with that field's `token` reader.
 */
function accountTokenRule(
  name: string,
  resource: AccountResource,
  action: Action,
  target: (args: unknown) => string | number,
): IRule {
  return rule(name, { cache: 'no_cache' })((_parent, args, context: AuthContext) => {
    const { principal } = context;
    if (!principal) return unauthenticated();
    if (isOwnToken(principal, target(args)) && principal.secret !== 'current')
      return previousSecretRefused();
    return (
      (allowsOnAccount(principal.access, resource, action) &&
        recordGranted(context, resource, action, null)) ||
      refusal(resource, action)
    );
  });
}

/**
 * An account-level check that also lets a token act on itself (rotating its own secret), but
 * only with its current secret: the secret a rotation replaced must not be able to rotate again
 * and lock the owner's new secret out. One rule per field, compiled with that field's `self`.
 */
function accountOrSelfRule(
  name: string,
  resource: AccountResource,
  action: Action,
  self: (args: unknown) => string | number,
): IRule {
  return rule(name, { cache: 'no_cache' })((_parent, args, context: AuthContext) => {
    const { principal } = context;
    if (!principal) return unauthenticated();
    if (isOwnToken(principal, self(args)))
      return principal.secret === 'current' || previousSecretRefused();
    return (
      (allowsOnAccount(principal.access, resource, action) &&
        recordGranted(context, resource, action, null)) ||
      refusal(resource, action)
    );
  });
}

function anyProjectRule(resource: ProjectResource, action: Action): IRule {
  const anyProject: IRule = rule(`${resource}:${action}@any-project`, { cache: 'contextual' })(
    (_parent, _args, context: AuthContext) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      return (
        (allowsSomewhere(principal.access, resource, action) &&
          recordGranted(context, resource, action, null) &&
          grantedForRequest(context, anyProject)) ||
        refusal(resource, action)
      );
    },
  );
  return anyProject;
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
    allowsInProject(principal.access, resource, action, scope) || refusal(resource, action, scope)
  );
}

/**
 * What the rules already granted in a request: per request context (nothing outlives the request
 * or reaches another request or token), then per rule. A rule that reads only the caller (public,
 * any token, account-wide, any project) is granted for the whole request (`true`); a field's own
 * project rule (one per field: never another field's answer) per project. Only grants are kept: a
 * refusal names the row's object, so it is decided again. Rules write it when they grant;
 * guardedResolver reads it before entering shield.
 */
type Granted = true | Set<number>;
const grantedInRequest = new WeakMap<object, Map<IRule, Granted>>();

function grantsOf(context: AuthContext): Map<IRule, Granted> {
  let grants = grantedInRequest.get(context);
  if (!grants) {
    grants = new Map();
    grantedInRequest.set(context, grants);
  }
  return grants;
}

/** Notes that `granted` (a rule that reads only the caller) allowed its fields in this request. */
function grantedForRequest(context: AuthContext, granted: IRule): true {
  grantsOf(context).set(granted, true);
  return true;
}

function allowedProjectsOf(context: AuthContext, fieldRule: IRule): Set<number> {
  const grants = grantsOf(context);
  let projects = grants.get(fieldRule);
  if (projects === undefined || projects === true) {
    projects = new Set();
    grants.set(fieldRule, projects);
  }
  return projects;
}

/** What shield generates for one field: its rule around the resolver it is handed. */
type ShieldFieldMiddleware = (
  resolve: GraphQLFieldResolver<unknown, AuthContext>,
  ...resolverArgs: Parameters<GraphQLFieldResolver<unknown, AuthContext>>
) => unknown;

/** A scope whose answer is the same for every row of its project: no category to check. */
function isPlain(scope: LocatedScope): boolean {
  return scope.environmentCategory == null && !scope.wholeProject;
}

/**
 * A field's project-level rule, compiled with the field's own locator. On the rows of a list the
 * answer is the same for every row of one project when the scope names no environment category
 * (relations: the parent was allowed, only its project counts), so it is decided once per request
 * and project: guardedResolver lets the rows after the first through on that grant. The
 * permission is recorded when first granted in the request (recordGranted keeps one mark per
 * resource, action and project anyway).
 */
function projectRule(
  name: string,
  resource: ProjectResource,
  action: Action,
  locate: ScopeLocator<unknown, unknown, AuthContext>,
): IRule {
  const decide = (principal: Principal, scope: LocatedScope, context: AuthContext) => {
    const decision = authorizeInProject(principal, resource, action, scope);
    if (decision !== true) return decision;
    if (isPlain(scope)) allowedProjectsOf(context, fieldRule).add(scope.projectId);
    return recordGranted(context, resource, action, scope.projectId);
  };
  const fieldRule: IRule = rule(name, { cache: 'no_cache' })(
    (parent, args, context: AuthContext) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      let located: LocatedScope | Promise<LocatedScope>;
      try {
        located = locate(parent, args, context);
      } catch (error) {
        return error as Error;
      }
      if (!(located instanceof Promise)) return decide(principal, located, context);
      return located.then(
        (scope) => decide(principal, scope, context),
        (error: unknown) => error as Error,
      );
    },
  );
  return fieldRule;
}

/**
 * A guarded field's resolver: shield's middleware for the field's rule around the field's own
 * resolver, unless the rule already granted this field in this request. A rule that reads only
 * the caller granted it for the whole request; a relation's project rule granted it in the row's
 * project, read off the parent by the locator's `projectOf` (see parentProject). So the rows of a
 * list after the first cost a map read and a set lookup, allocate nothing, and await none of
 * shield's promises: authorization is decided once per request and field (and project), not once
 * per row.
 */
function guardedResolver(
  fieldRule: IRule,
  shieldMiddleware: ShieldFieldMiddleware,
  resolve: GraphQLFieldResolver<unknown, AuthContext>,
  locate: ScopeLocator<unknown, unknown, AuthContext> | undefined,
): GraphQLFieldResolver<unknown, AuthContext> {
  if (!locate) {
    return (parent, args, context, info) =>
      grantedInRequest.get(context)?.get(fieldRule) === true
        ? resolve(parent, args, context, info)
        : shieldMiddleware(resolve, parent, args, context, info);
  }
  const projectOf = (locate as Partial<ParentLocator<unknown>>).projectOf;
  // A locator that reads an argument (a root field's id) decides once per call anyway.
  if (!projectOf) {
    return (parent, args, context, info) => shieldMiddleware(resolve, parent, args, context, info);
  }
  return (parent, args, context, info) => {
    const projects = grantedInRequest.get(context)?.get(fieldRule);
    return projects !== undefined && projects !== true && projects.has(projectOf(parent))
      ? resolve(parent, args, context, info)
      : shieldMiddleware(resolve, parent, args, context, info);
  };
}

/**
 * Compiles the schema's declarations and the catalog into graphql-shield rules and applies them
 * to the declared fields only. Plain properties are not wrapped: they are read from objects a
 * guarded field already let through, and wrapping every scalar of a list is what made shield
 * cost 3× (see ../shared/reference/stack-notes.md). Throws, so the server cannot start, when a
 * field lacks a declaration (see collectRequirements).
 */
export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  // One rule per distinct requirement: shield refuses two rules of one name with different
  // functions. A requirement that reads the field's own arguments or parent (a project locator,
  // the token a field changes) is the field's own, so its rule is named after the field.
  const rules = new Map<string, IRule>();
  const ruleFor = (field: string, requirement: Exclude<Requirement, { kind: 'parent' }>): IRule => {
    switch (requirement.kind) {
      case 'public':
        return publicRule;
      case 'authenticated':
        return authenticatedRule;
      case 'account': {
        const { resource, action, token } = requirement;
        if (token)
          return accountTokenRule(`${resource}:${action}|token@${field}`, resource, action, token);
        const key = `${resource}:${action}`;
        let compiled = rules.get(key);
        if (!compiled) {
          compiled = accountRule(resource, action);
          rules.set(key, compiled);
        }
        return compiled;
      }
      case 'account-or-self': {
        const { resource, action, self } = requirement;
        return accountOrSelfRule(`${resource}:${action}|self@${field}`, resource, action, self);
      }
      case 'any-project': {
        const { resource, action } = requirement;
        const key = `${resource}:${action}@any-project`;
        let compiled = rules.get(key);
        if (!compiled) {
          compiled = anyProjectRule(resource, action);
          rules.set(key, compiled);
        }
        return compiled;
      }
      case 'project': {
        const { resource, action, locate } = requirement;
        return projectRule(
          `${resource}:${action}@project@${field}`,
          resource,
          action,
          locate as ScopeLocator<unknown, unknown, AuthContext>,
        );
      }
    }
  };

  const ruleTree: Record<string, Record<string, IRule>> = {};
  const locators = new Map<IRule, ScopeLocator<unknown, unknown, AuthContext>>();
  for (const { typeName, fieldName, requirement } of collectRequirements(schema)) {
    if (requirement.kind === 'parent') continue;
    const fieldRule = ruleFor(`${typeName}.${fieldName}`, requirement);
    ruleTree[typeName] ??= {};
    ruleTree[typeName][fieldName] = fieldRule;
    if (requirement.kind === 'project')
      locators.set(fieldRule, requirement.locate as ScopeLocator<unknown, unknown, AuthContext>);
  }

  const generated = shield(ruleTree, {
    fallbackRule: deny,
    allowExternalErrors: true,
    // Only reached if a rule answers `false` without saying why; ours always say why.
    fallbackError: () => new GraphQLError('Forbidden.', { extensions: { code: 'FORBIDDEN' } }),
  }).generate(schema) as Record<string, Record<string, unknown>>;
  // shield generates middleware for every field of every type; only the declared ones are wrapped.
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName, typeName) => {
      const fieldRule = ruleTree[typeName]?.[fieldName];
      if (!fieldRule) return fieldConfig;
      const shieldMiddleware = generated[typeName]?.[fieldName];
      if (typeof shieldMiddleware !== 'function')
        throw new Error(`${typeName}.${fieldName}: shield generated no middleware function`);
      return {
        ...fieldConfig,
        resolve: guardedResolver(
          fieldRule,
          shieldMiddleware as ShieldFieldMiddleware,
          (fieldConfig.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<
            unknown,
            AuthContext
          >,
          locators.get(fieldRule),
        ),
      };
    },
  });
}
