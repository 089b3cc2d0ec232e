import { GraphQLError, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import {
  applyMiddleware,
  type IMiddlewareFieldMap,
  type IMiddlewareTypeMap,
} from 'graphql-middleware';
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
import type { LocatedScope } from './authz-plugin.js';
import { type GrantedPermissions, recordGranted } from './permission-usage.js';
import { isOwnToken, type Principal, previousSecretRefused } from './principal.js';
import {
  collectRequirements,
  type Requirement,
  type RequirementKind,
  requirementOf,
} from './requirements.js';

/** The part of the request context the rules read. */
export interface AuthContext {
  readonly principal: Principal | null;
  /** Records the permissions granted to a token (least privilege); null: not recorded. */
  readonly grantedPermissions?: GrantedPermissions | null;
}

/** The requirement of the field a rule is running for (rules are shared by fields alike). */
function requirementAt<Kind extends RequirementKind>(
  info: GraphQLResolveInfo,
  kind: Kind,
): Extract<Requirement, { kind: Kind }> {
  const requirement = requirementOf(info.parentType.getFields()[info.fieldName]!);
  if (requirement?.kind !== kind)
    throw new Error(`${info.parentType.name}.${info.fieldName} is not guarded by a ${kind} rule`);
  return requirement as Extract<Requirement, { kind: Kind }>;
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

const publicRule = rule('public', { cache: 'contextual' })(() => true);

const authenticatedRule = rule('authenticated', { cache: 'contextual' })(
  (_parent, _args, context: AuthContext) => (context.principal ? true : unauthenticated()),
);

function accountRule(resource: AccountResource, action: Action): IRule {
  return rule(`${resource}:${action}`, { cache: 'contextual' })(
    (_parent, _args, context: AuthContext) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      return (
        (allowsOnAccount(principal.access, resource, action) &&
          recordGranted(context, resource, action, null)) ||
        refusal(resource, action)
      );
    },
  );
}

/**
 * An account-level check on a field that changes one service token (`token` in its declaration):
 * the caller's previous secret, during a rotation's grace window, may not change its own token,
 * whatever the token's grants; decided per field, from the field's own arguments.
 */
function accountTokenRule(resource: AccountResource, action: Action): IRule {
  return rule(`${resource}:${action}|token`, { cache: 'no_cache' })(
    (_parent, args, context: AuthContext, info: GraphQLResolveInfo) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      const target = requirementAt(info, 'account').token!(args);
      if (isOwnToken(principal, target) && principal.secret !== 'current')
        return previousSecretRefused();
      return (
        (allowsOnAccount(principal.access, resource, action) &&
          recordGranted(context, resource, action, null)) ||
        refusal(resource, action)
      );
    },
  );
}

/**
 * An account-level check that also lets a token act on itself (rotating its own secret), but
 * only with its current secret: the secret a rotation replaced must not be able to rotate again
 * and lock the owner's new secret out.
 */
function accountOrSelfRule(resource: AccountResource, action: Action): IRule {
  return rule(`${resource}:${action}|self`, { cache: 'no_cache' })(
    (_parent, args, context: AuthContext, info: GraphQLResolveInfo) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      if (isOwnToken(principal, requirementAt(info, 'account-or-self').self(args)))
        return principal.secret === 'current' || previousSecretRefused();
      return (
        (allowsOnAccount(principal.access, resource, action) &&
          recordGranted(context, resource, action, null)) ||
        refusal(resource, action)
      );
    },
  );
}

function anyProjectRule(resource: ProjectResource, action: Action): IRule {
  return rule(`${resource}:${action}@any-project`, { cache: 'contextual' })(
    (_parent, _args, context: AuthContext) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      return (
        (allowsSomewhere(principal.access, resource, action) &&
          recordGranted(context, resource, action, null)) ||
        refusal(resource, action)
      );
    },
  );
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

/** One rule per resource and action; the field's own locator is read from its declaration. */
function projectRule(resource: ProjectResource, action: Action): IRule {
  return rule(`${resource}:${action}@project`, { cache: 'no_cache' })(
    async (parent, args, context: AuthContext, info: GraphQLResolveInfo) => {
      const { principal } = context;
      if (!principal) return unauthenticated();
      try {
        const scope = await requirementAt(info, 'project').locate(parent, args, context);
        const decision = authorizeInProject(principal, resource, action, scope);
        return decision === true
          ? recordGranted(context, resource, action, scope.projectId)
          : decision;
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
 * cost 3× (see ../shared/reference/stack-notes.md). Throws, so the server cannot start, when a
 * field lacks a declaration (see collectRequirements).
 */
export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  // One rule per distinct requirement: shield refuses two rules of one name with different functions.
  const rules = new Map<string, IRule>();
  const ruleFor = (requirement: Exclude<Requirement, { kind: 'parent' }>): IRule => {
    if (requirement.kind === 'public') return publicRule;
    if (requirement.kind === 'authenticated') return authenticatedRule;
    const changesToken = requirement.kind === 'account' && requirement.token !== undefined;
    const key = `${requirement.resource}:${requirement.action}:${requirement.kind}${changesToken ? ':token' : ''}`;
    let compiled = rules.get(key);
    if (!compiled) {
      switch (requirement.kind) {
        case 'account':
          compiled = changesToken
            ? accountTokenRule(requirement.resource, requirement.action)
            : accountRule(requirement.resource, requirement.action);
          break;
        case 'account-or-self':
          compiled = accountOrSelfRule(requirement.resource, requirement.action);
          break;
        case 'any-project':
          compiled = anyProjectRule(requirement.resource, requirement.action);
          break;
        case 'project':
          compiled = projectRule(requirement.resource, requirement.action);
          break;
      }
      rules.set(key, compiled);
    }
    return compiled;
  };

  const ruleTree: Record<string, Record<string, IRule>> = {};
  for (const { typeName, fieldName, requirement } of collectRequirements(schema)) {
    if (requirement.kind === 'parent') continue;
    ruleTree[typeName] ??= {};
    ruleTree[typeName][fieldName] = ruleFor(requirement);
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
    middleware[typeName] = Object.fromEntries(
      Object.keys(fields).map((fieldName) => [fieldName, generatedFields[fieldName]!]),
    );
  }
  return applyMiddleware(schema, middleware);
}
