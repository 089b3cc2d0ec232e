import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
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
import { type Principal, previousSecretRefused } from './principal.js';
import { collectRequirements, type Requirement } from './requirements.js';

/** The part of the request context the rules read. */
export interface AuthContext {
  readonly principal: Principal | null;
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

/**
 * What a rule answers: allowed, or the error the field resolves to. Rules return errors instead
 * of throwing, so that a bug in a rule is not reported as a denial.
 */
export type Decision = true | GraphQLError;

/** A field's rule, compiled once with the field's own declaration (its locator, its arguments). */
type Rule = (
  parent: unknown,
  args: Record<string, unknown>,
  context: AuthContext,
) => Decision | Promise<Decision>;

/**
 * Answers already given in this request, per rule: a rule that depends on the caller only has
 * one answer per request; a project rule one per project (see projectRule). Keyed by the request's
 * context object, so nothing outlives the request or crosses to another request or token.
 */
const answered = new WeakMap<object, Map<Rule, Decision | Map<number, true>>>();

function answersOf(context: AuthContext): Map<Rule, Decision | Map<number, true>> {
  let answers = answered.get(context);
  if (!answers) {
    answers = new Map();
    answered.set(context, answers);
  }
  return answers;
}

/** A rule whose answer depends on the caller only: decided once per request. */
function perRequest(decide: (principal: Principal) => Decision): Rule {
  const rule: Rule = (_parent, _args, context) => {
    const { principal } = context;
    if (!principal) return unauthenticated();
    const answers = answersOf(context);
    let decision = answers.get(rule) as Decision | undefined;
    if (decision === undefined) {
      decision = decide(principal);
      answers.set(rule, decision);
    }
    return decision;
  };
  return rule;
}

/** Whether the field acts on the caller's own token. */
function isOwnToken(principal: Principal, target: string | number): boolean {
  return String(target) === String(principal.token.id);
}

/**
 * An account-level check on a field that changes one service token (`token` in its declaration):
 * the caller's previous secret, during a rotation's grace window, may not change its own token,
 * whatever the token's grants; decided per field, from the field's own arguments.
 */
function accountTokenRule(
  resource: AccountResource,
  action: Action,
  target: (args: unknown) => string | number,
): Rule {
  return (_parent, args, { principal }) => {
    if (!principal) return unauthenticated();
    if (principal.secret !== 'current' && isOwnToken(principal, target(args)))
      return previousSecretRefused();
    return authorizeOnAccount(principal, resource, action);
  };
}

/**
 * An account-level check that also lets a token act on itself (rotating its own secret), but
 * only with its current secret: the secret a rotation replaced must not be able to rotate again
 * and lock the owner's new secret out. Decided per field, from the field's own arguments.
 */
function accountOrSelfRule(
  resource: AccountResource,
  action: Action,
  self: (args: unknown) => string | number,
): Rule {
  return (_parent, args, { principal }) => {
    if (!principal) return unauthenticated();
    if (isOwnToken(principal, self(args)))
      return principal.secret === 'current' || previousSecretRefused();
    return authorizeOnAccount(principal, resource, action);
  };
}

/** The account-level check: the one place an account-level decision is made. */
function authorizeOnAccount(
  principal: Principal,
  resource: AccountResource,
  action: Action,
): Decision {
  return allowsOnAccount(principal.access, resource, action) || refusal(resource, action);
}

/**
 * The project-level check, for rules and for resolvers that must check a second scope (moving a
 * job to another environment): NOT_FOUND outside the projects the grants reach, FORBIDDEN when
 * the grants there do not allow the action. The one place a project-level decision is made.
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
 * A project-level rule, with the field's own locator. On the rows of a list the locator finds
 * each row's project; the answer is the same for every row of one project (when the scope names
 * no environment category), so an allowance is remembered per request and project and the rows
 * after the first cost a map read. Refusals are not remembered: they name the row's object.
 */
function projectRule(
  resource: ProjectResource,
  action: Action,
  locate: ScopeLocator<unknown, unknown, AuthContext>,
): Rule {
  const decide = (principal: Principal, scope: LocatedScope, context: AuthContext): Decision => {
    const plain = scope.environmentCategory == null && !scope.wholeProject;
    const answers = answersOf(context);
    let allowed = answers.get(rule) as Map<number, true> | undefined;
    if (plain && allowed?.has(scope.projectId)) return true;
    const decision = authorizeInProject(principal, resource, action, scope);
    if (decision === true && plain) {
      if (!allowed) {
        allowed = new Map();
        answers.set(rule, allowed);
      }
      allowed.set(scope.projectId, true);
    }
    return decision;
  };
  const rule: Rule = (parent, args, context) => {
    const { principal } = context;
    if (!principal) return unauthenticated();
    let located: LocatedScope | Promise<LocatedScope>;
    try {
      located = locate(parent, args, context);
    } catch (error) {
      return error as GraphQLError;
    }
    // Relations locate from their parent without waiting: no promise per row.
    if (!(located instanceof Promise)) return decide(principal, located, context);
    return located.then(
      (scope) => decide(principal, scope, context),
      (error: unknown) => error as GraphQLError,
    );
  };
  return rule;
}

const allowed: Rule = () => true;

const authenticated: Rule = (_parent, _args, { principal }) =>
  principal !== null || unauthenticated();

/** The rule a declaration compiles to. */
function ruleFor(requirement: Exclude<Requirement, { kind: 'parent' }>): Rule {
  switch (requirement.kind) {
    case 'public':
      return allowed;
    case 'authenticated':
      return authenticated;
    case 'account': {
      const { resource, action, token } = requirement;
      return token
        ? accountTokenRule(resource, action, token)
        : perRequest((principal) => authorizeOnAccount(principal, resource, action));
    }
    case 'account-or-self':
      return accountOrSelfRule(requirement.resource, requirement.action, requirement.self);
    case 'any-project': {
      const { resource, action } = requirement;
      return perRequest(
        (principal) =>
          allowsSomewhere(principal.access, resource, action) || refusal(resource, action),
      );
    }
    case 'project':
      return projectRule(
        requirement.resource,
        requirement.action,
        requirement.locate as ScopeLocator<unknown, unknown, AuthContext>,
      );
  }
}

/**
 * The field's resolver behind its rule: the resolver runs only once the rule allowed; a refusal,
 * or an error of the resolver, is the field's value (an error, located at the field). Without a
 * promise when the rule and the resolver answer at once.
 */
function guarded(
  rule: Rule,
  resolve: GraphQLFieldResolver<unknown, AuthContext>,
): GraphQLFieldResolver<unknown, AuthContext> {
  const resolveAllowed = (
    parent: unknown,
    args: Record<string, unknown>,
    context: AuthContext,
    info: GraphQLResolveInfo,
  ): unknown => {
    try {
      const value = resolve(parent, args, context, info);
      return value instanceof Promise ? value.catch((error: unknown) => error) : value;
    } catch (error) {
      return error;
    }
  };
  return (parent, args, context, info) => {
    let decision: Decision | Promise<Decision>;
    try {
      decision = rule(parent, args, context);
    } catch (error) {
      return error;
    }
    if (decision === true) return resolveAllowed(parent, args, context, info);
    if (!(decision instanceof Promise)) return decision;
    return decision.then((settled) =>
      settled === true ? resolveAllowed(parent, args, context, info) : settled,
    );
  };
}

/**
 * Compiles the schema's declarations and the catalog into rules and puts each declared field's
 * resolver behind its rule. (graphql-shield did this before; its middleware awaited the rule and
 * the resolver through several promises for every row of a list, which cost the guarded gateway
 * a third of its throughput on 1,000-row lists against the same server without rules.) Plain properties are not wrapped: they are read from objects a
 * guarded field already let through, and wrapping every scalar of a list is what made rules
 * cost 3× (see ../shared/reference/stack-notes.md). Throws, so the server cannot start, when a
 * field lacks a declaration (see collectRequirements).
 */
export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  const rules = new Map<string, Map<string, Rule>>();
  for (const { typeName, fieldName, requirement } of collectRequirements(schema)) {
    if (requirement.kind === 'parent') continue;
    if (!rules.has(typeName)) rules.set(typeName, new Map());
    rules.get(typeName)!.set(fieldName, ruleFor(requirement));
  }
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName, typeName) => {
      const rule = rules.get(typeName)?.get(fieldName);
      if (!rule) return fieldConfig;
      return {
        ...fieldConfig,
        resolve: guarded(
          rule,
          (fieldConfig.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<
            unknown,
            AuthContext
          >,
        ),
      };
    },
  });
}
