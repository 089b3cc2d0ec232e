import {
  AddGroupMemberDocument,
  AssignLicenseDocument,
  CreateGroupDocument,
  CreateInvitationDocument,
  DeleteGroupDocument,
  GroupDocument,
  GroupMembersDocument,
  GroupsDocument,
  InvitationDocument,
  InvitationGroupsDocument,
  InvitationsDocument,
  LicenseAllocationDocument,
  MemberDocument,
  MemberGroupsDocument,
  MembersDocument,
  RemoveGroupMemberDocument,
  RemoveMemberDocument,
  RevokeInvitationDocument,
  UpdateGroupDocument,
  UpdateMemberDocument,
} from '../../../src/client/index.js';
import { insertMember } from '../../../src/db/members.js';
import { required } from '../../support/builders.js';
import { type Fixture, type Operation, read, write } from '../framework.js';

/** Members enter through the repository (there is no invitation acceptance). */
async function throwawayMember(f: Fixture): Promise<string> {
  const member = await insertMember(f.gateway.db, {
    accountId: f.gateway.account.id,
    email: `member${f.unique()}@example.com`,
    name: 'Pat',
    now: new Date().toISOString(),
  });
  return String(member.id);
}

async function throwawayGroup(f: Fixture): Promise<string> {
  return required(
    await f.admin.request(CreateGroupDocument, { input: { name: `throwaway ${f.unique()}` } }),
    'createGroup',
  ).createGroup.id;
}

async function memberInGroup(f: Fixture): Promise<{ memberId: string; groupId: string }> {
  const memberId = await throwawayMember(f);
  const groupId = await throwawayGroup(f);
  required(await f.admin.request(AddGroupMemberDocument, { groupId, memberId }), 'addGroupMember');
  return { memberId, groupId };
}

async function throwawayInvitation(f: Fixture, groupIds: string[] = []): Promise<string> {
  const created = await f.admin.request(CreateInvitationDocument, {
    input: { email: `invitee${f.unique()}@example.com`, groupIds },
  });
  return required(created, 'createInvitation').createInvitation.id;
}

export const peopleOperations: Operation[] = [
  // Members
  {
    name: 'members',
    where: 'account',
    requires: [read('members')],
    run: (f) => f.token.request(MembersDocument, {}),
  },
  {
    name: 'member',
    where: 'account',
    requires: [read('members')],
    run: async (f) => f.token.request(MemberDocument, { id: await throwawayMember(f) }),
  },
  {
    name: 'member.groups',
    where: 'account',
    requires: [read('members'), read('groups')],
    run: async (f) =>
      f.token.request(MemberGroupsDocument, { id: (await memberInGroup(f)).memberId }),
  },
  {
    name: 'updateMember',
    where: 'account',
    requires: [write('members')],
    run: async (f) =>
      f.token.request(UpdateMemberDocument, {
        id: await throwawayMember(f),
        input: { name: 'Renamed' },
      }),
  },
  {
    name: 'removeMember',
    where: 'account',
    requires: [write('members')],
    run: async (f) => f.token.request(RemoveMemberDocument, { id: await throwawayMember(f) }),
  },
  // Licenses
  {
    name: 'licenseAllocation',
    where: 'account',
    requires: [read('licenses')],
    run: (f) => f.token.request(LicenseAllocationDocument),
  },
  {
    name: 'assignLicense',
    where: 'account',
    requires: [write('licenses')],
    run: async (f) =>
      f.token.request(AssignLicenseDocument, {
        memberId: await throwawayMember(f),
        licenseType: 'read_only',
      }),
  },
  // Groups
  {
    name: 'groups',
    where: 'account',
    requires: [read('groups')],
    run: (f) => f.token.request(GroupsDocument, {}),
  },
  {
    name: 'group',
    where: 'account',
    requires: [read('groups')],
    run: async (f) => f.token.request(GroupDocument, { id: await throwawayGroup(f) }),
  },
  {
    name: 'group.members',
    where: 'account',
    requires: [read('groups'), read('members')],
    run: async (f) =>
      f.token.request(GroupMembersDocument, { id: (await memberInGroup(f)).groupId }),
  },
  {
    name: 'createGroup',
    where: 'account',
    requires: [write('groups')],
    run: (f) => f.token.request(CreateGroupDocument, { input: { name: `made ${f.unique()}` } }),
  },
  {
    name: 'updateGroup',
    where: 'account',
    requires: [write('groups')],
    run: async (f) =>
      f.token.request(UpdateGroupDocument, {
        id: await throwawayGroup(f),
        input: { name: `renamed ${f.unique()}` },
      }),
  },
  {
    name: 'deleteGroup',
    where: 'account',
    requires: [write('groups')],
    run: async (f) => f.token.request(DeleteGroupDocument, { id: await throwawayGroup(f) }),
  },
  {
    name: 'addGroupMember',
    where: 'account',
    requires: [write('groups')],
    run: async (f) =>
      f.token.request(AddGroupMemberDocument, {
        groupId: await throwawayGroup(f),
        memberId: await throwawayMember(f),
      }),
  },
  {
    name: 'removeGroupMember',
    where: 'account',
    requires: [write('groups')],
    run: async (f) => f.token.request(RemoveGroupMemberDocument, await memberInGroup(f)),
  },
  // Invitations
  {
    name: 'invitations',
    where: 'account',
    requires: [read('invitations')],
    run: (f) => f.token.request(InvitationsDocument, {}),
  },
  {
    name: 'invitation',
    where: 'account',
    requires: [read('invitations')],
    run: async (f) => f.token.request(InvitationDocument, { id: await throwawayInvitation(f) }),
  },
  {
    name: 'invitation.groups',
    where: 'account',
    requires: [read('invitations'), read('groups')],
    run: async (f) =>
      f.token.request(InvitationGroupsDocument, {
        id: await throwawayInvitation(f, [await throwawayGroup(f)]),
      }),
  },
  {
    name: 'createInvitation',
    where: 'account',
    requires: [write('invitations')],
    run: (f) =>
      f.token.request(CreateInvitationDocument, {
        input: { email: `new${f.unique()}@example.com` },
      }),
  },
  {
    name: 'revokeInvitation',
    where: 'account',
    requires: [write('invitations')],
    run: async (f) =>
      f.token.request(RevokeInvitationDocument, { id: await throwawayInvitation(f) }),
  },
];
