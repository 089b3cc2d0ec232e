import type { Grant } from '../catalog/access.js';
import type { GrantInput } from '../catalog/grants.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import {
  PermissionSet,
  PermissionSetIdEnum,
  WritableEnvironmentCategoryEnum,
} from './permission-set.js';

// Grants are held by service tokens and by groups alike: one output type, one input type, one
// way to read the input and one way to record a grant in the audit log, for both.

export const PermissionGrant = builder
  .objectRef<Grant & { readonly id: number }>('PermissionGrant')
  .implement({
    description:
      'One permission set held by a token or a group, on every project or on the listed ones.',
    fields: (t) => ({
      id: t.exposeID('id', { nullable: false }),
      permissionSet: t.field({
        type: PermissionSet,
        nullable: false,
        resolve: (grant) => grant.permissionSet,
        authz: 'parent',
      }),
      allProjects: t.boolean({
        nullable: false,
        description: 'True for grants on every project, and always for account-level sets.',
        resolve: (grant) => grant.projectIds === null,
        authz: 'parent',
      }),
      projectIds: t.idList({
        nullable: false,
        description: 'The projects of a grant on specific projects; empty when allProjects.',
        resolve: (grant) => grant.projectIds ?? [],
        authz: 'parent',
      }),
      writableEnvironmentCategories: t.field({
        type: [WritableEnvironmentCategoryEnum],
        nullable: false,
        resolve: (grant) => grant.writableEnvironmentCategories,
        authz: 'parent',
      }),
    }),
  });

export const PermissionGrantInput = builder.inputType('PermissionGrantInput', {
  description:
    'A permission set to grant. Project-level sets need allProjects: true or projectIds; account-level sets always apply to the whole account.',
  fields: (t) => ({
    permissionSet: t.field({ type: PermissionSetIdEnum, required: true }),
    allProjects: t.boolean(),
    projectIds: t.idList(),
    writableEnvironmentCategories: t.field({
      type: [WritableEnvironmentCategoryEnum],
      description:
        'Only for sets that accept it (analyst, database_admin, developer, git_admin, team_admin).',
    }),
  }),
});

/** PermissionGrantInput as a resolver receives it. */
interface PermissionGrantInputShape {
  readonly permissionSet: string;
  readonly allProjects?: boolean | null;
  readonly projectIds?: readonly (string | number)[] | null;
  readonly writableEnvironmentCategories?: readonly string[] | null;
}

/**
 * The catalog's grant inputs from a `[PermissionGrantInput]` argument; `field` is its input path
 * (`input.permissions`), so a bad project id is BAD_USER_INPUT naming `field[i].projectIds`.
 */
export function grantInputs(
  inputs: readonly PermissionGrantInputShape[],
  field: string,
): GrantInput[] {
  return inputs.map((grant, index) => ({
    permissionSet: grant.permissionSet,
    allProjects: grant.allProjects,
    projectIds: grant.projectIds?.map((id) => parseId(id, `${field}[${index}].projectIds`)),
    writableEnvironmentCategories: grant.writableEnvironmentCategories,
  }));
}

/** A grant as the audit log records it, for tokens and groups alike. */
export function grantSummary(grant: Grant) {
  return {
    permissionSet: grant.permissionSet,
    projectIds: grant.projectIds ?? 'all',
    writableEnvironmentCategories: grant.writableEnvironmentCategories,
  };
}
