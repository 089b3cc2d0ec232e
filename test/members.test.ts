import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import {
  AddGroupMemberDocument,
  AssignLicenseDocument,
  CreateGroupDocument,
  LicenseAllocationDocument,
  MemberDocument,
  MemberGroupsDocument,
  MembersDocument,
  RemoveMemberDocument,
  UpdateBillingDocument,
  UpdateMemberDocument,
} from '../src/client/index.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { required } from './support/builders.js';
import { addMember, lastAuditEntry, rowCount } from './support/checks.js';
import { dataDirDatabase } from './support/database.js';
import { createTestGateway, errorCodes } from './support/helpers.js';

describe('members', () => {
  it('list, read, rename and remove; removal leaves the groups and frees the seat', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const ada = await addMember(gateway, 'ada@example.com', { licenseType: 'developer' });
    const bob = await addMember(gateway, 'bob@example.com');
    const group = required(
      await admin.request(CreateGroupDocument, { input: { name: 'Analysts' } }),
      'group',
    ).createGroup;
    await admin.request(AddGroupMemberDocument, { groupId: group.id, memberId: String(ada.id) });

    const listed = await admin.request(MembersDocument, { first: 1 });
    expect(listed.data?.members.totalCount).toBe(2);
    expect(listed.data?.members.edges.map((edge) => edge.node.email)).toEqual(['ada@example.com']);
    expect(listed.data?.members.pageInfo.hasNextPage).toBe(true);
    const next = await admin.request(MembersDocument, {
      after: listed.data!.members.pageInfo.endCursor,
    });
    expect(next.data?.members.edges.map((edge) => edge.node.email)).toEqual(['bob@example.com']);

    expect(
      (await admin.request(MemberGroupsDocument, { id: String(ada.id) })).data?.member?.groups,
    ).toEqual([{ id: group.id, name: 'Analysts' }]);
    const renamed = await admin.request(UpdateMemberDocument, {
      id: String(bob.id),
      input: { name: ' Robert ' },
    });
    expect(renamed.data?.updateMember).toMatchObject({
      email: 'bob@example.com',
      name: 'Robert',
      licenseType: null,
    });
    expect(JSON.parse((await lastAuditEntry(gateway.db)).details)).toEqual({
      name: { from: 'bob', to: 'Robert' },
    });

    const removed = await admin.request(RemoveMemberDocument, { id: String(ada.id) });
    expect(removed.data?.removeMember).toMatchObject({
      email: 'ada@example.com',
      licenseType: 'developer',
    });
    expect(errorCodes(await admin.request(MemberDocument, { id: String(ada.id) }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(await rowCount(gateway.db, 'group_members')).toBe(0);
    const seats = await admin.request(LicenseAllocationDocument);
    expect(
      seats.data?.licenseAllocation.find((row) => row.licenseType === 'developer'),
    ).toMatchObject({ used: 0, available: 1 });
  });

  it('refuse bad input and unknown ids, changing nothing', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const ada = await addMember(gateway, 'ada@example.com');
    const blank = await admin.request(UpdateMemberDocument, {
      id: String(ada.id),
      input: { name: '  ' },
    });
    expect(errorCodes(blank)).toEqual(['BAD_USER_INPUT']);
    expect(blank.errors?.[0]?.extensions?.field).toBe('input.name');
    expect(errorCodes(await admin.request(MemberDocument, { id: 'ada' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await admin.request(RemoveMemberDocument, { id: '9999' }))).toEqual([
      'NOT_FOUND',
    ]);
    expect((await admin.request(MemberDocument, { id: String(ada.id) })).data?.member?.name).toBe(
      'ada',
    );
    expect(await rowCount(gateway.db, 'members')).toBe(1);
  });

  it('of other accounts are NOT_FOUND and never listed', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    const theirs = await addMember(gateway, 'spy@globex.example', { accountId: other.account.id });
    await addMember(gateway, 'ada@example.com');
    const admin = gateway.client(gateway.adminToken);
    const id = String(theirs.id);
    expect(errorCodes(await admin.request(MemberDocument, { id }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await admin.request(MemberGroupsDocument, { id }))).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(await admin.request(UpdateMemberDocument, { id, input: { name: 'x' } })),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await admin.request(RemoveMemberDocument, { id }))).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(
        await admin.request(AssignLicenseDocument, { memberId: id, licenseType: 'read_only' }),
      ),
    ).toEqual(['NOT_FOUND']);
    const group = required(
      await admin.request(CreateGroupDocument, { input: { name: 'G' } }),
      'group',
    ).createGroup;
    expect(
      errorCodes(await admin.request(AddGroupMemberDocument, { groupId: group.id, memberId: id })),
    ).toEqual(['NOT_FOUND']);
    const listed = await admin.request(MembersDocument, {});
    expect(listed.data?.members.edges.map((edge) => edge.node.email)).toEqual(['ada@example.com']);
    const stored = await gateway.db
      .selectFrom('members')
      .select(['name', 'license_type'])
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ name: 'spy', license_type: null });
  });
});

describe('licenses', () => {
  it('count seats from billing, assign while seats are free, and refuse when none is', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    await admin.request(UpdateBillingDocument, { input: { developerSeats: 2, itSeats: 0 } });
    const [a, b, c] = [
      await addMember(gateway, 'a@example.com'),
      await addMember(gateway, 'b@example.com'),
      await addMember(gateway, 'c@example.com'),
    ];

    expect(
      (
        await admin.request(AssignLicenseDocument, {
          memberId: String(a.id),
          licenseType: 'developer',
        })
      ).data?.assignLicense.licenseType,
    ).toBe('developer');
    expect(
      (
        await admin.request(AssignLicenseDocument, {
          memberId: String(b.id),
          licenseType: 'developer',
        })
      ).data?.assignLicense.licenseType,
    ).toBe('developer');
    const full = await admin.request(AssignLicenseDocument, {
      memberId: String(c.id),
      licenseType: 'developer',
    });
    expect(errorCodes(full)).toEqual(['BAD_USER_INPUT']);
    expect(full.errors?.[0]?.extensions?.field).toBe('licenseType');
    expect(
      errorCodes(
        await admin.request(AssignLicenseDocument, { memberId: String(c.id), licenseType: 'it' }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    const unchanged = await gateway.db
      .selectFrom('members')
      .select('license_type')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(unchanged.license_type).toBeNull();

    // Re-assigning the license a member holds needs no free seat; moving one frees its old seat.
    expect(
      errorCodes(
        await admin.request(AssignLicenseDocument, {
          memberId: String(a.id),
          licenseType: 'developer',
        }),
      ),
    ).toEqual([]);
    await admin.request(AssignLicenseDocument, {
      memberId: String(a.id),
      licenseType: 'read_only',
    });
    expect(
      errorCodes(
        await admin.request(AssignLicenseDocument, {
          memberId: String(c.id),
          licenseType: 'developer',
        }),
      ),
    ).toEqual([]);

    expect((await admin.request(LicenseAllocationDocument)).data?.licenseAllocation).toEqual([
      { licenseType: 'developer', seats: 2, used: 2, available: 0 },
      { licenseType: 'read_only', seats: 5, used: 1, available: 4 },
      { licenseType: 'it', seats: 0, used: 0, available: 0 },
    ]);
    const entry = await lastAuditEntry(gateway.db);
    expect(entry).toMatchObject({ action: 'assignLicense', target_id: String(c.id) });
    expect(JSON.parse(entry.details)).toEqual({ licenseType: { from: null, to: 'developer' } });
  });

  it("count only the caller's account", async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Globex', 'enterprise');
    await addMember(gateway, 'x@globex.example', {
      accountId: other.account.id,
      licenseType: 'developer',
    });
    const allocation = await gateway.client(gateway.adminToken).request(LicenseAllocationDocument);
    expect(allocation.data?.licenseAllocation[0]).toEqual({
      licenseType: 'developer',
      seats: 1,
      used: 0,
      available: 1,
    });
  });
});

describe('the add-member command', () => {
  it('adds a member to an account of the data directory, audited, and refuses bad input', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-members-'));
    try {
      const database = await dataDirDatabase(dataDir);
      const setup = database.open();
      await migrateToLatest(setup);
      const { account } = await createAccountWithAdminToken(setup, {
        name: 'Acme',
        plan: 'team',
        now: new Date(),
      });
      await setup.destroy();

      const run = (...args: string[]) =>
        promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', 'src/cli/add-member.ts', ...args],
          {
            cwd: path.resolve(import.meta.dirname, '..'),
            env: { ...process.env, ...database.env },
          },
        ).then(
          ({ stdout }) => ({ code: 0, output: stdout }),
          (error: { code: number; stderr: string }) => ({ code: error.code, output: error.stderr }),
        );

      expect(await run(String(account.id), 'Ada@Example.com', 'Ada', 'Lovelace')).toEqual({
        code: 0,
        output: expect.stringContaining('Added member 1 (ada@example.com) to account 1 "Acme"'),
      });
      expect(await run(String(account.id), 'ada@example.com')).toEqual({
        code: 1,
        output: expect.stringContaining('already a member'),
      });
      expect(await run(String(account.id), 'not-an-email')).toEqual({
        code: 2,
        output: expect.stringContaining('not an email address'),
      });
      expect(await run('42', 'bob@example.com')).toEqual({
        code: 1,
        output: expect.stringContaining('No account 42'),
      });

      const db = database.open();
      expect(
        await db.selectFrom('members').select(['email', 'name', 'license_type']).execute(),
      ).toEqual([{ email: 'ada@example.com', name: 'Ada Lovelace', license_type: null }]);
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'actor_token_id', 'target_id'])
        .where('action', '=', 'addMember')
        .execute();
      expect(audit).toEqual([{ action: 'addMember', actor_token_id: null, target_id: '1' }]);
      await db.destroy();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
