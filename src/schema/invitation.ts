import { auditedWrite } from '../audit.js';
import { refuseGroupEscalation } from '../auth/grant-input.js';
import { callerToken } from '../auth/principal.js';
import { type Context, principalOf } from '../context.js';
import { findGroupsByIds } from '../db/groups.js';
import {
  countInvitations,
  findOpenInvitationByEmail,
  type InvitationState,
  insertInvitation,
  listInvitations,
  revokeInvitation,
} from '../db/invitations.js';
import { findMemberByEmail } from '../db/members.js';
import type { InvitationRow } from '../db/tables/people.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { validEmail } from '../validation.js';
import { builder } from './builder.js';
import { Group } from './group.js';
import { LicenseTypeEnum } from './member.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { DateTime } from './scalars.js';

export const invitationLifetimeDays = 7;
export const maxGroupsPerInvitation = 100;

const InvitationStatusEnum = builder.enumType('InvitationStatus', {
  values: {
    pending: { description: 'Sent and still valid.' },
    revoked: { description: 'Withdrawn; it can no longer be accepted.' },
    expired: { description: `Not accepted within ${invitationLifetimeDays} days of being sent.` },
  } as const,
});

function stateOf(invitation: InvitationRow, now: Date): InvitationState {
  if (invitation.status === 'revoked') return 'revoked';
  return invitation.expires_at <= now.toISOString() ? 'expired' : 'pending';
}

const Invitation = builder.objectRef<InvitationRow>('Invitation').implement({
  description: `An invitation of an email address to join the account, valid for ${invitationLifetimeDays} days.`,
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    email: t.exposeString('email', { nullable: false }),
    status: t.field({
      type: InvitationStatusEnum,
      nullable: false,
      authz: 'parent',
      resolve: (invitation, _args, context) => stateOf(invitation, context.now()),
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    expiresAt: t.expose('expires_at', { type: DateTime, nullable: false }),
    revokedAt: t.expose('revoked_at', { type: DateTime }),
    licenseType: t.expose('license_type', {
      type: LicenseTypeEnum,
      nullable: false,
      description: 'The seat the invitee takes on accepting (refused then if none is free).',
    }),
    invitedByTokenId: t.exposeID('invited_by_token_id', {
      description: 'The service token that sent it.',
    }),
    groups: t.field({
      type: [Group],
      nullable: false,
      description: 'The groups the invitee joins on accepting.',
      authz: { resource: 'groups', action: 'read' },
      resolve: (invitation, _args, context) =>
        context.loaders.groupsOfInvitation.load(invitation.id),
    }),
  }),
});

const InvitationConnection = connectionType(Invitation, 'Invitation');

async function invitationOfAccount(id: string | number, context: Context): Promise<InvitationRow> {
  const invitation = await context.loaders.invitation.load(parseId(id, 'id'));
  if (!invitation) throw notFound(`Invitation ${id}`);
  return invitation;
}

builder.queryFields((t) => ({
  invitations: t.field({
    type: InvitationConnection,
    nullable: false,
    description:
      "The account's invitations, newest first; with `status`, only those in that status.",
    args: { ...pageArgs, status: t.arg({ type: InvitationStatusEnum }) },
    authz: { resource: 'invitations', action: 'read' },
    resolve: (_root, args, context) => {
      const { account } = principalOf(context);
      const filter = { state: args.status ?? null, now: context.now().toISOString() };
      return resolveConnection(
        args,
        (page) => listInvitations(context.db, account.id, filter, page),
        () => countInvitations(context.db, account.id, filter),
      );
    },
  }),
  invitation: t.field({
    type: Invitation,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'invitations', action: 'read' },
    resolve: (_root, { id }, context) => invitationOfAccount(id, context),
  }),
}));

const CreateInvitationInput = builder.inputType('CreateInvitationInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    groupIds: t.idList({ description: 'Groups of the account the invitee joins on accepting.' }),
    licenseType: t.field({
      type: LicenseTypeEnum,
      description:
        'The seat the invitee takes on accepting (default developer): read_only limits them to reads, it to the account level.',
    }),
  }),
});

builder.mutationFields((t) => ({
  createInvitation: t.field({
    type: Invitation,
    nullable: false,
    description: `Invites an email address; the invitation expires after ${invitationLifetimeDays} days. One pending invitation per address. Its groups may give no more than the calling token holds.`,
    args: { input: t.arg({ type: CreateInvitationInput, required: true }) },
    authz: { resource: 'invitations', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const principal = principalOf(context);
      const { account } = principal;
      const email = validEmail(input.email, 'input.email');
      const groupIds = [
        ...new Set((input.groupIds ?? []).map((id) => parseId(id, 'input.groupIds'))),
      ];
      if (groupIds.length > maxGroupsPerInvitation) {
        throw badUserInput(
          `An invitation may name at most ${maxGroupsPerInvitation} groups.`,
          'input.groupIds',
        );
      }
      const licenseType = input.licenseType ?? 'developer';
      const now = context.now();
      return auditedWrite(context, 'createInvitation', async (trx) => {
        const found = new Set(
          (await findGroupsByIds(trx, account.id, groupIds)).map((group) => group.id),
        );
        const missing = groupIds.find((id) => !found.has(id));
        if (missing !== undefined)
          throw badUserInput(`Group ${missing} does not exist in this account.`, 'input.groupIds');
        // The invitee joins these groups on accepting: no one grants what they do not hold.
        await refuseGroupEscalation(trx, principal.access, groupIds);
        if (await findMemberByEmail(trx, account.id, email))
          throw badUserInput(`${email} is already a member of the account.`, 'input.email');
        if (await findOpenInvitationByEmail(trx, account.id, email, now.toISOString())) {
          throw badUserInput(
            `${email} already has a pending invitation; revoke it to send a new one.`,
            'input.email',
          );
        }
        const invitation = await insertInvitation(trx, {
          accountId: account.id,
          email,
          groupIds,
          now: now.toISOString(),
          expiresAt: new Date(
            now.getTime() + invitationLifetimeDays * 24 * 60 * 60 * 1000,
          ).toISOString(),
          invitedByTokenId: callerToken(principal)?.id ?? null,
          licenseType,
        });
        return {
          result: invitation,
          target: {
            type: 'Invitation',
            id: invitation.id,
            details: { email, groupIds, licenseType },
          },
        };
      });
    },
  }),
  revokeInvitation: t.field({
    type: Invitation,
    nullable: false,
    description: 'Withdraws a pending invitation.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'invitations', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const invitation = await invitationOfAccount(id, context);
      const state = stateOf(invitation, context.now());
      if (state !== 'pending')
        throw badUserInput(`Invitation ${id} is ${state}, not pending.`, 'id');
      return auditedWrite(context, 'revokeInvitation', async (trx) => {
        const revoked = await revokeInvitation(
          trx,
          invitation.account_id,
          invitation.id,
          context.now().toISOString(),
        );
        if (!revoked) throw notFound(`Invitation ${id}`);
        return {
          result: revoked,
          target: { type: 'Invitation', id: invitation.id, details: { email: invitation.email } },
        };
      });
    },
  }),
}));
