import {
  type EffectivePermission as EffectivePermissionShape,
  type Explanation,
  effectivePermissions,
  explain,
} from '../catalog/explain.js';
import { isAccountResource, type Resource } from '../catalog/matrix.js';
import { badUserInput } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { EnvironmentCategoryEnum, PermissionSetIdEnum, ResourceEnum } from './permission-set.js';
import { grantsOf, ServiceToken } from './service-token.js';

// The API's view of src/catalog/explain.ts: what a token's grants allow together, and why a
// given action is allowed or not.

export const ActionEnum = builder.enumType('Action', { values: ['read', 'write'] as const });

const EffectivePermission = builder
  .objectRef<EffectivePermissionShape>('EffectivePermission')
  .implement({
    description:
      'What a token may do with one resource, all its grants together: account-wide (account-level resources), on every project (projectId null), or on one project.',
    fields: (t) => ({
      resource: t.field({
        type: ResourceEnum,
        nullable: false,
        resolve: (entry) => entry.resource,
        authz: 'parent',
      }),
      projectId: t.id({ resolve: (entry) => entry.projectId, authz: 'parent' }),
      read: t.exposeBoolean('read', { nullable: false }),
      write: t.exposeBoolean('write', {
        nullable: false,
        description: 'Write in every environment.',
      }),
      writableEnvironmentCategories: t.field({
        type: [EnvironmentCategoryEnum],
        nullable: false,
        description: 'Where it may write jobs and runs when `write` is false.',
        resolve: (entry) => entry.writableEnvironmentCategories,
        authz: 'parent',
      }),
    }),
  });

const CanResult = builder.objectRef<Explanation>('CanResult').implement({
  fields: (t) => ({
    allowed: t.exposeBoolean('allowed', { nullable: false }),
    reason: t.exposeString('reason', { nullable: false }),
    grantedBy: t.field({
      type: [PermissionSetIdEnum],
      nullable: false,
      description: 'The sets of the token that allow it.',
      resolve: (result) => result.grantedBy,
      authz: 'parent',
    }),
  }),
});

builder.objectFields(ServiceToken, (t) => ({
  effectivePermissions: t.field({
    type: [EffectivePermission],
    nullable: false,
    description: 'Everything its grants allow together, per resource and project.',
    authz: 'parent',
    resolve: async (token, _args, context) => effectivePermissions(await grantsOf(token, context)),
  }),
  can: t.field({
    type: CanResult,
    nullable: false,
    description:
      'Whether this token may do `action` on `resource` (in `projectId` for project-level resources), and why.',
    args: {
      resource: t.arg({ type: ResourceEnum, required: true }),
      action: t.arg({ type: ActionEnum, required: true }),
      projectId: t.arg.id(),
      environmentCategory: t.arg({ type: EnvironmentCategoryEnum }),
    },
    authz: 'parent',
    resolve: async (token, args, context) => {
      const resource = args.resource as Resource;
      if (!isAccountResource(resource) && args.projectId == null) {
        throw badUserInput(`${resource} is project-level: give projectId.`, 'projectId');
      }
      return explain(await grantsOf(token, context), {
        resource,
        action: args.action,
        projectId: args.projectId == null ? null : parseId(args.projectId, 'projectId'),
        environmentCategory: args.environmentCategory,
      });
    },
  }),
}));
