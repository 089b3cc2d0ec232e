import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type InputShapeFromFields,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type TypeParam,
} from '@pothos/core';
import type { Action, ProjectScope } from '../catalog/access.js';
import type { AccountResource, ProjectResource } from '../catalog/matrix.js';

/**
 * Finds the project (and, for jobs and runs, the environment category) a field acts on. Throws
 * NOT_FOUND when the object it looks up is absent; loaders are scoped to the caller's account,
 * so objects of other accounts are absent too.
 */
export type ScopeLocator<Parent, Args, Context> = (
  parent: Parent,
  args: Args,
  context: Context,
) => LocatedScope | Promise<LocatedScope>;

/** A project scope and how to name the object in a NOT_FOUND error ("Job 42"). */
export interface LocatedScope extends ProjectScope {
  readonly label: string;
}

/**
 * What a field requires, declared where the field is defined; src/auth/rules.ts compiles these
 * with the catalog into graphql-shield rules.
 * - `public`: no token needed.
 * - `authenticated`: any valid token.
 * - `parent`: the field is part of its parent object and shares its authorization (it loads
 *   nothing of another resource).
 * - `{ resource, action }` on an account-level resource: checked account-wide; with `orSelf`,
 *   also allowed when the token the field acts on (`orSelf(args)`) is the caller itself, with
 *   its current secret. `token` (or `orSelf`) names the service token a field changes: a
 *   request made with a token's previous (grace-window) secret may never change that token.
 * - `{ resource, action, project }` on a project-level resource: checked in the project the
 *   locator finds; `project: 'any'` for lists that filter rows to the projects the token reaches.
 */
export type FieldAuthz<Parent = any, Args = any, Context = any> =
  | 'public'
  | 'authenticated'
  | 'parent'
  | {
      readonly resource: AccountResource;
      readonly action: Action;
      readonly orSelf?: (args: Args) => string | number;
      readonly token?: (args: Args) => string | number;
    }
  | {
      readonly resource: ProjectResource;
      readonly action: Action;
      readonly project: ScopeLocator<Parent, Args, Context> | 'any';
    };

/** What a Query or Mutation field may declare: anything but `parent`, since it has none. */
export type RootFieldAuthz<Parent = any, Args = any, Context = any> = Exclude<
  FieldAuthz<Parent, Args, Context>,
  'parent'
>;

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      authz: PothosAuthzPlugin<Types>;
    }

    export interface FieldOptions<
      Types extends SchemaTypes = SchemaTypes,
      ParentShape = unknown,
      Type extends TypeParam<Types> = TypeParam<Types>,
      Nullable extends FieldNullability<Type> = FieldNullability<Type>,
      Args extends InputFieldMap = InputFieldMap,
      ResolveShape = unknown,
      ResolveReturnShape = unknown,
    > {
      /** The permission this field requires; see FieldAuthz. */
      authz?: FieldAuthz<ParentShape, InputShapeFromFields<Args>, Types['Context']>;
    }

    // Root fields must declare what they require, checked by the type checker wherever a Query or
    // Mutation field is defined (queryType, queryField(s), mutationType, mutationField(s)), for
    // every builder with this plugin. collectRequirements checks the same again at start-up, and
    // covers relations and resolvers too.

    export interface QueryFieldOptions<
      Types extends SchemaTypes,
      Type extends TypeParam<Types>,
      Nullable extends FieldNullability<Type>,
      Args extends InputFieldMap,
      ResolveReturnShape,
    > {
      /** Required: what calling this query needs (a root field has no parent to share one with). */
      authz: RootFieldAuthz<Types['Root'], InputShapeFromFields<Args>, Types['Context']>;
    }

    export interface MutationFieldOptions<
      Types extends SchemaTypes,
      Type extends TypeParam<Types>,
      Nullable extends FieldNullability<Type>,
      Args extends InputFieldMap,
      ResolveReturnShape,
    > {
      /** Required: what calling this mutation needs (a root field has no parent to share one with). */
      authz: RootFieldAuthz<Types['Root'], InputShapeFromFields<Args>, Types['Context']>;
    }
  }
}

/** Carries each field's `authz` option into the built schema's field extensions. */
export class PothosAuthzPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> {
    const authz = fieldConfig.pothosOptions.authz;
    return authz === undefined
      ? fieldConfig
      : { ...fieldConfig, extensions: { ...fieldConfig.extensions, authz } };
  }
}

export const authzPluginName = 'authz';

SchemaBuilder.registerPlugin(authzPluginName, PothosAuthzPlugin);
