import { auditedWrite } from '../audit.js';
import { type Context, principalOf } from '../context.js';
import { countMembers, deleteMember, listMembers, updateMember } from '../db/members.js';
import type { MemberRow } from '../db/tables/people.js';
import { notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { validName } from '../validation.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { DateTime } from './scalars.js';

export const LicenseTypeEnum = builder.enumType('LicenseType', {
  values: {
    developer: { description: 'Develops in the IDE and runs jobs.' },
    read_only: { description: 'Reads dashboards, documentation and run results.' },
    it: { description: 'Manages users, groups and licenses; no development.' },
  } as const,
});

export const Member = builder.objectRef<MemberRow>('Member').implement({
  description:
    'A user of the account. Members join through operators (and, later, accepted invitations).',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    email: t.exposeString('email', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    licenseType: t.expose('license_type', {
      type: LicenseTypeEnum,
      description: 'Null: the member holds no seat.',
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
  }),
});

const MemberConnection = connectionType(Member, 'Member');

/** The account's member with this id; NOT_FOUND otherwise (other accounts' members too). */
export async function memberOfAccount(
  id: string | number,
  context: Context,
  field = 'id',
): Promise<MemberRow> {
  const member = await context.loaders.member.load(parseId(id, field));
  if (!member) throw notFound(`Member ${id}`);
  return member;
}

builder.queryFields((t) => ({
  members: t.field({
    type: MemberConnection,
    nullable: false,
    args: pageArgs,
    authz: { resource: 'members', action: 'read' },
    resolve: (_root, args, context) => {
      const { account } = principalOf(context);
      return resolveConnection(
        args,
        (page) => listMembers(context.db, account.id, page),
        () => countMembers(context.db, account.id),
      );
    },
  }),
  member: t.field({
    type: Member,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'members', action: 'read' },
    resolve: (_root, { id }, context) => memberOfAccount(id, context),
  }),
}));

const UpdateMemberInput = builder.inputType('UpdateMemberInput', {
  description:
    "Fields left out are unchanged. The email is the member's identity and cannot change.",
  fields: (t) => ({ name: t.string() }),
});

builder.mutationFields((t) => ({
  updateMember: t.field({
    type: Member,
    nullable: false,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateMemberInput, required: true }),
    },
    authz: { resource: 'members', action: 'write' },
    resolve: async (_root, { id, input }, context) => {
      const member = await memberOfAccount(id, context);
      const name =
        input.name == null ? undefined : validName(input.name, 'input.name', 'A member name');
      return auditedWrite(context, 'updateMember', async (trx) => {
        const updated = await updateMember(trx, member.account_id, member.id, { name });
        if (!updated) throw notFound(`Member ${id}`);
        const details = name === undefined ? {} : { name: { from: member.name, to: name } };
        return { result: updated, target: { type: 'Member', id: member.id, details } };
      });
    },
  }),
  removeMember: t.field({
    type: Member,
    nullable: false,
    description:
      'Removes the member from the account, its groups and its seat; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'members', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const member = await memberOfAccount(id, context);
      return auditedWrite(context, 'removeMember', async (trx) => {
        if (!(await deleteMember(trx, member.account_id, member.id)))
          throw notFound(`Member ${id}`);
        return {
          result: member,
          target: {
            type: 'Member',
            id: member.id,
            details: { email: member.email, licenseType: member.license_type },
          },
        };
      });
    },
  }),
}));
