import { auditedWrite } from '../audit.js';
import { grantsFromInput, refuseEscalation, refuseGroupEscalation } from '../auth/grant-input.js';
import type { Grant } from '../catalog/access.js';
import { type Context, principalOf } from '../context.js';
import { deleteGrants, insertGrants, listGrantsOf } from '../db/grants.js';
import {
  addGroupMember,
  countGroups,
  deleteGroup,
  insertGroup,
  listGroups,
  removeGroupMember,
  updateGroup,
} from '../db/groups.js';
import type { GroupRow } from '../db/tables/people.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { unlessDuplicate, validName } from '../validation.js';
import { builder } from './builder.js';
import { grantInputs, grantSummary, PermissionGrant, PermissionGrantInput } from './grant.js';
import { Member, memberOfAccount } from './member.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { DateTime } from './scalars.js';

export const Group = builder.objectRef<GroupRow>('Group');

Group.implement({
  description:
    'A named group of members with permission grants. Its grants describe what its members (people) may do; they change nothing for service tokens.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
    grants: t.field({
      type: [PermissionGrant],
      nullable: false,
      authz: 'parent',
      resolve: (group, _args, context) => context.loaders.grantsOfGroup.load(group.id),
    }),
    members: t.field({
      type: [Member],
      nullable: false,
      authz: { resource: 'members', action: 'read' },
      resolve: (group, _args, context) => context.loaders.membersOfGroup.load(group.id),
    }),
  }),
});

builder.objectField(Member, 'groups', (t) =>
  t.field({
    type: [Group],
    nullable: false,
    authz: { resource: 'groups', action: 'read' },
    resolve: (member, _args, context) => context.loaders.groupsOfMember.load(member.id),
  }),
);

const GroupConnection = connectionType(Group, 'Group');

/** The account's group with this id; NOT_FOUND otherwise (other accounts' groups too). */
export async function groupOfAccount(
  id: string | number,
  context: Context,
  field = 'id',
): Promise<GroupRow> {
  const group = await context.loaders.group.load(parseId(id, field));
  if (!group) throw notFound(`Group ${id}`);
  return group;
}

builder.queryFields((t) => ({
  groups: t.field({
    type: GroupConnection,
    nullable: false,
    args: pageArgs,
    authz: { resource: 'groups', action: 'read' },
    resolve: (_root, args, context) => {
      const { account } = principalOf(context);
      return resolveConnection(
        args,
        (page) => listGroups(context.db, account.id, page),
        () => countGroups(context.db, account.id),
      );
    },
  }),
  group: t.field({
    type: Group,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'groups', action: 'read' },
    resolve: (_root, { id }, context) => groupOfAccount(id, context),
  }),
}));

/** Whether two grants give the same set on the same projects and environment categories. */
function sameGrant(a: Grant, b: Grant): boolean {
  const same = (x: readonly unknown[] | null, y: readonly unknown[] | null) =>
    x === null || y === null
      ? x === y
      : x.length === y.length && x.every((value, index) => value === y[index]);
  return (
    a.permissionSet === b.permissionSet &&
    same(a.projectIds, b.projectIds) &&
    same(a.writableEnvironmentCategories, b.writableEnvironmentCategories)
  );
}

const CreateGroupInput = builder.inputType('CreateGroupInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    permissions: t.field({
      type: [PermissionGrantInput],
      description: 'Grants as for service tokens; none by default.',
    }),
  }),
});

const UpdateGroupInput = builder.inputType('UpdateGroupInput', {
  description: 'Fields left out are unchanged; `permissions` replaces every grant of the group.',
  fields: (t) => ({
    name: t.string(),
    permissions: t.field({ type: [PermissionGrantInput] }),
  }),
});

const duplicateName = 'The account already has a group with this name.';

builder.mutationFields((t) => ({
  createGroup: t.field({
    type: Group,
    nullable: false,
    description: 'Creates a group. Its grants may give no more than the calling token holds.',
    args: { input: t.arg({ type: CreateGroupInput, required: true }) },
    authz: { resource: 'groups', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const principal = principalOf(context);
      const name = validName(input.name, 'input.name', 'A group name');
      const inputs = grantInputs(input.permissions ?? [], 'input.permissions');
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'createGroup', async (trx) => {
            const grants = await grantsFromInput(trx, principal.account, inputs, {
              grantedBy: principal.access,
              field: 'input.permissions',
              allowNone: true,
            });
            const group = await insertGroup(trx, {
              accountId: principal.account.id,
              name,
              now: context.now().toISOString(),
              grants,
            });
            return {
              result: group,
              target: {
                type: 'Group',
                id: group.id,
                details: { name, permissions: grants.map(grantSummary) },
              },
            };
          }),
        'input.name',
        duplicateName,
      );
    },
  }),
  updateGroup: t.field({
    type: Group,
    nullable: false,
    description:
      'Renames the group and/or replaces its grants. Grants it did not have may give no more than the calling token holds.',
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateGroupInput, required: true }),
    },
    authz: { resource: 'groups', action: 'write' },
    resolve: async (_root, { id, input }, context) => {
      const principal = principalOf(context);
      const group = await groupOfAccount(id, context);
      const name =
        input.name == null ? undefined : validName(input.name, 'input.name', 'A group name');
      const inputs =
        input.permissions == null ? undefined : grantInputs(input.permissions, 'input.permissions');
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'updateGroup', async (trx) => {
            const details: Record<string, unknown> =
              name === undefined ? {} : { name: { from: group.name, to: name } };
            if (inputs !== undefined) {
              const grants = await grantsFromInput(trx, principal.account, inputs, {
                grantedBy: null,
                field: 'input.permissions',
                allowNone: true,
              });
              const before = (await listGrantsOf(trx, 'GROUP', [group.id])).get(group.id) ?? [];
              // Keeping a grant the group already has hands out nothing new.
              refuseEscalation(
                principal.access,
                grants.filter((grant) => !before.some((held) => sameGrant(held, grant))),
              );
              await deleteGrants(trx, 'GROUP', group.id, 'all');
              await insertGrants(trx, 'GROUP', group.id, grants);
              details.permissions = {
                before: before.map(grantSummary),
                after: grants.map(grantSummary),
              };
            }
            const updated = await updateGroup(trx, principal.account.id, group.id, {
              name,
              now: context.now().toISOString(),
            });
            if (!updated) throw notFound(`Group ${id}`);
            return { result: updated, target: { type: 'Group', id: group.id, details } };
          }),
        'input.name',
        duplicateName,
      );
    },
  }),
  deleteGroup: t.field({
    type: Group,
    nullable: false,
    description: 'Deletes the group with its grants and memberships; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'groups', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const group = await groupOfAccount(id, context);
      return auditedWrite(context, 'deleteGroup', async (trx) => {
        if (!(await deleteGroup(trx, group.account_id, group.id))) throw notFound(`Group ${id}`);
        return {
          result: group,
          target: { type: 'Group', id: group.id, details: { name: group.name } },
        };
      });
    },
  }),
  addGroupMember: t.field({
    type: Group,
    nullable: false,
    description:
      'Adds the member to the group (already in it: nothing changes). The group may give no more than the calling token holds.',
    args: { groupId: t.arg.id({ required: true }), memberId: t.arg.id({ required: true }) },
    authz: { resource: 'groups', action: 'write' },
    resolve: async (_root, { groupId, memberId }, context) => {
      const group = await groupOfAccount(groupId, context, 'groupId');
      const member = await memberOfAccount(memberId, context, 'memberId');
      return auditedWrite(context, 'addGroupMember', async (trx) => {
        // Joining the group hands its grants to the member: no one grants what they do not hold.
        await refuseGroupEscalation(trx, principalOf(context).access, [group.id]);
        await addGroupMember(trx, group.id, member.id);
        const updated = await updateGroup(trx, group.account_id, group.id, {
          now: context.now().toISOString(),
        });
        if (!updated) throw notFound(`Group ${groupId}`);
        return {
          result: updated,
          target: {
            type: 'Group',
            id: group.id,
            details: { memberId: member.id, email: member.email },
          },
        };
      });
    },
  }),
  removeGroupMember: t.field({
    type: Group,
    nullable: false,
    args: { groupId: t.arg.id({ required: true }), memberId: t.arg.id({ required: true }) },
    authz: { resource: 'groups', action: 'write' },
    resolve: async (_root, { groupId, memberId }, context) => {
      const group = await groupOfAccount(groupId, context, 'groupId');
      const member = await memberOfAccount(memberId, context, 'memberId');
      return auditedWrite(context, 'removeGroupMember', async (trx) => {
        if (!(await removeGroupMember(trx, group.id, member.id))) {
          throw badUserInput(`Member ${memberId} is not in group ${groupId}.`, 'memberId');
        }
        const updated = await updateGroup(trx, group.account_id, group.id, {
          now: context.now().toISOString(),
        });
        if (!updated) throw notFound(`Group ${groupId}`);
        return {
          result: updated,
          target: {
            type: 'Group',
            id: group.id,
            details: { memberId: member.id, email: member.email },
          },
        };
      });
    },
  }),
}));
