import { environmentCategories, writableEnvironmentCategories } from '../catalog/access.js';
import { type Cell, cellOf, type Resource, resourceIds, resources } from '../catalog/matrix.js';
import {
  canonicalPermissionSet,
  isAssignableOnPlan,
  type PermissionSetDefinition,
  type PermissionSetId,
  permissionSetIds,
  permissionSets,
  plans,
} from '../catalog/permission-sets.js';
import { builder } from './builder.js';

// Enum values are the catalog's ids, spelled as dbt Cloud's API spells them.

export const PermissionSetIdEnum = builder.enumType('PermissionSetId', {
  description: 'A permission set, by its dbt Cloud API id.',
  values: permissionSetIds,
});

export const PlanEnum = builder.enumType('Plan', { values: plans });

export const LevelEnum = builder.enumType('PermissionLevel', {
  description: '`account`: applies account-wide. `project`: applies per project.',
  values: ['account', 'project'] as const,
});

export const ResourceEnum = builder.enumType('Resource', {
  description: 'A resource the permission catalog governs.',
  values: Object.fromEntries(
    resourceIds.map((id) => [id, { description: resources[id].description }]),
  ),
});

export const EnvironmentCategoryEnum = builder.enumType('EnvironmentCategory', {
  values: environmentCategories,
});

export const WritableEnvironmentCategoryEnum = builder.enumType('WritableEnvironmentCategory', {
  description:
    'An environment category a grant may write jobs and runs in; `all` means every category.',
  values: writableEnvironmentCategories,
});

const accessOfCell: Record<Cell, 'NONE' | 'READ' | 'WRITE' | 'READ_WITH_ENVIRONMENT_WRITE'> = {
  '-': 'NONE',
  R: 'READ',
  W: 'WRITE',
  'R*': 'READ_WITH_ENVIRONMENT_WRITE',
};

export const AccessEnum = builder.enumType('Access', {
  values: {
    NONE: { description: 'No access.' },
    READ: { description: 'Read only.' },
    WRITE: { description: 'Read and write: create, edit, delete, trigger.' },
    READ_WITH_ENVIRONMENT_WRITE: {
      description:
        "Read; write only in environments whose category the grant's writableEnvironmentCategories lists.",
    },
  } as const,
});

interface ResourceAccessShape {
  readonly resource: Resource;
  readonly cell: Cell;
}

const ResourceAccess = builder.objectRef<ResourceAccessShape>('ResourceAccess').implement({
  description: "One cell of the permission matrix: a set's access to a resource.",
  fields: (t) => ({
    resource: t.field({
      type: ResourceEnum,
      nullable: false,
      resolve: (cell) => cell.resource,
      authz: 'parent',
    }),
    level: t.field({
      type: LevelEnum,
      nullable: false,
      resolve: (cell) => resources[cell.resource].level,
      authz: 'parent',
    }),
    access: t.field({
      type: AccessEnum,
      nullable: false,
      resolve: (cell) => accessOfCell[cell.cell],
      authz: 'parent',
    }),
  }),
});

export const PermissionSet = builder.objectRef<PermissionSetId>('PermissionSet').implement({
  description: 'A permission set from the catalog: what a grant of it allows.',
  fields: (t) => ({
    id: t.field({
      type: PermissionSetIdEnum,
      nullable: false,
      resolve: (id) => id,
      authz: 'parent',
    }),
    name: t.string({ nullable: false, resolve: (id) => permissionSets[id].name, authz: 'parent' }),
    level: t.field({
      type: LevelEnum,
      nullable: false,
      resolve: (id) => permissionSets[id].level,
      authz: 'parent',
    }),
    description: t.string({
      nullable: false,
      resolve: (id) => permissionSets[id].summary,
      authz: 'parent',
    }),
    plans: t.field({
      type: [PlanEnum],
      nullable: false,
      description: 'The plans on which a service token may be given this set.',
      resolve: (id) => permissionSets[id].plans,
      authz: 'parent',
    }),
    aliasOf: t.field({
      type: PermissionSetIdEnum,
      description: 'The set this one is another name for (`readonly` is `stakeholder`).',
      resolve: (id) =>
        ((permissionSets[id] as PermissionSetDefinition).aliasOf as PermissionSetId | undefined) ??
        null,
      authz: 'parent',
    }),
    acceptsWritableEnvironmentCategories: t.boolean({
      nullable: false,
      resolve: (id) => permissionSets[id].environmentWrite,
      authz: 'parent',
    }),
    access: t.field({
      type: [ResourceAccess],
      nullable: false,
      description: 'Its access to every resource of the catalog.',
      resolve: (id) =>
        resourceIds.map((resource) => ({
          resource,
          cell: cellOf(resource, canonicalPermissionSet(id)),
        })),
      authz: 'parent',
    }),
  }),
});

builder.queryField('permissionSets', (t) =>
  t.field({
    type: [PermissionSet],
    nullable: false,
    description:
      'The permission catalog; with `plan`, only the sets a token may be given on that plan.',
    args: { plan: t.arg({ type: PlanEnum }) },
    authz: 'authenticated',
    resolve: (_root, { plan }) =>
      plan ? permissionSetIds.filter((id) => isAssignableOnPlan(id, plan)) : permissionSetIds,
  }),
);
