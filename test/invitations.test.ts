import { describe, expect, it } from 'vitest';
import {
  CreateGroupDocument,
  CreateInvitationDocument,
  InvitationDocument,
  InvitationGroupsDocument,
  InvitationsDocument,
  RevokeInvitationDocument,
} from '../src/client/index.js';
import { required } from './support/builders.js';
import { addMember, lastAuditEntry, rowCounts } from './support/checks.js';
import { createTestGateway, errorCodes, manualClock } from './support/helpers.js';

const day = 24 * 60 * 60 * 1000;

describe('invitations', () => {
  it('invite an email with groups, expire after 7 days, and allow one pending invitation per email', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const admin = gateway.client(gateway.adminToken);
    const group = required(
      await admin.request(CreateGroupDocument, { input: { name: 'Analysts' } }),
      'group',
    ).createGroup;

    const created = await admin.request(CreateInvitationDocument, {
      input: { email: ' Ada@Example.com ', groupIds: [group.id, group.id] },
    });
    const invitation = created.data!.createInvitation;
    expect(invitation).toMatchObject({
      email: 'ada@example.com',
      status: 'pending',
      createdAt: '2026-11-27T12:00:00.000Z',
      expiresAt: '2026-12-04T12:00:00.000Z',
      revokedAt: null,
      invitedByTokenId: '1',
    });
    expect(
      (await admin.request(InvitationGroupsDocument, { id: invitation.id })).data?.invitation
        ?.groups,
    ).toEqual([{ id: group.id, name: 'Analysts' }]);
    expect(JSON.parse((await lastAuditEntry(gateway.db)).details)).toEqual({
      email: 'ada@example.com',
      groupIds: [Number(group.id)],
      licenseType: 'developer',
    });

    const twice = await admin.request(CreateInvitationDocument, {
      input: { email: 'ADA@example.com' },
    });
    expect(twice.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.email',
    });

    clock.advance(7 * day);
    expect(
      (await admin.request(InvitationDocument, { id: invitation.id })).data?.invitation?.status,
    ).toBe('expired');
    const again = await admin.request(CreateInvitationDocument, {
      input: { email: 'ada@example.com' },
    });
    expect(again.data?.createInvitation.status).toBe('pending');

    const pending = await admin.request(InvitationsDocument, { status: 'pending' });
    expect(pending.data?.invitations.edges.map((edge) => edge.node.id)).toEqual([
      again.data!.createInvitation.id,
    ]);
    const expired = await admin.request(InvitationsDocument, { status: 'expired' });
    expect(expired.data?.invitations.edges.map((edge) => edge.node.id)).toEqual([invitation.id]);
    expect((await admin.request(InvitationsDocument, {})).data?.invitations.totalCount).toBe(2);
  });

  it('revoke pending invitations only; a revoked invitation frees the email', async () => {
    const clock = manualClock();
    const gateway = await createTestGateway({ now: clock.now });
    const admin = gateway.client(gateway.adminToken);
    const invitation = required(
      await admin.request(CreateInvitationDocument, { input: { email: 'bob@example.com' } }),
      'invite',
    ).createInvitation;
    clock.advance(60_000);
    const revoked = await admin.request(RevokeInvitationDocument, { id: invitation.id });
    expect(revoked.data?.revokeInvitation).toMatchObject({
      status: 'revoked',
      revokedAt: '2026-11-27T12:01:00.000Z',
    });
    const twice = await admin.request(RevokeInvitationDocument, { id: invitation.id });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(
      (await admin.request(InvitationsDocument, { status: 'revoked' })).data?.invitations
        .totalCount,
    ).toBe(1);
    expect(
      errorCodes(
        await admin.request(CreateInvitationDocument, { input: { email: 'bob@example.com' } }),
      ),
    ).toEqual([]);

    const stale = required(
      await admin.request(CreateInvitationDocument, { input: { email: 'carol@example.com' } }),
      'invite',
    ).createInvitation;
    clock.advance(8 * day);
    expect(errorCodes(await admin.request(RevokeInvitationDocument, { id: stale.id }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('refuse bad emails, members, unknown and foreign groups, writing nothing', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    const theirs = required(
      await gateway
        .client(other.adminToken)
        .request(CreateGroupDocument, { input: { name: 'Theirs' } }),
      'g',
    ).createGroup;
    await addMember(gateway, 'member@example.com');
    const admin = gateway.client(gateway.adminToken);
    const before = await rowCounts(gateway.db, ['invitations', 'invitation_groups']);
    const refusals: [{ email: string; groupIds?: string[] }, string][] = [
      [{ email: 'not-an-email' }, 'input.email'],
      [{ email: 'a@b' }, 'input.email'],
      [{ email: 'x y@example.com' }, 'input.email'],
      [{ email: 'Member@Example.com' }, 'input.email'],
      [{ email: 'new@example.com', groupIds: ['9999'] }, 'input.groupIds'],
      [{ email: 'new@example.com', groupIds: [theirs.id] }, 'input.groupIds'],
      [{ email: 'new@example.com', groupIds: ['first'] }, 'input.groupIds'],
    ];
    for (const [input, field] of refusals) {
      const response = await admin.request(CreateInvitationDocument, { input });
      expect(errorCodes(response), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.extensions?.field).toBe(field);
    }
    expect(await rowCounts(gateway.db, ['invitations', 'invitation_groups'])).toEqual(before);
  });

  it('of other accounts are NOT_FOUND and never listed', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    const theirs = required(
      await gateway
        .client(other.adminToken)
        .request(CreateInvitationDocument, { input: { email: 'spy@example.com' } }),
      'invite',
    ).createInvitation;
    const admin = gateway.client(gateway.adminToken);
    expect(errorCodes(await admin.request(InvitationDocument, { id: theirs.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await admin.request(InvitationGroupsDocument, { id: theirs.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await admin.request(RevokeInvitationDocument, { id: theirs.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect((await admin.request(InvitationsDocument, {})).data?.invitations.totalCount).toBe(0);
    // The same address may be invited by each account independently.
    expect(
      errorCodes(
        await admin.request(CreateInvitationDocument, { input: { email: 'spy@example.com' } }),
      ),
    ).toEqual([]);
    expect(
      (await gateway.client(other.adminToken).request(InvitationDocument, { id: theirs.id })).data
        ?.invitation?.status,
    ).toBe('pending');
  });
});
