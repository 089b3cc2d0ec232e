import { afterAll, expect, it } from 'vitest';
import { defaultSessionSettings, sessionCsrfHeader, startSession } from '../src/auth/session.js';
import { createTollgateClient, ProjectsDocument } from '../src/client/index.js';
import { addGroupMember } from '../src/db/groups.js';
import { insertMember } from '../src/db/members.js';
import { operations } from './matrix/all-operations.js';
import { createFixture } from './matrix/fixture.js';
import {
  actualOutcome,
  type Case,
  expectedOutcome,
  type Fixture,
  locationsOf,
  type Outcome,
  runAt,
} from './matrix/framework.js';
import { describeWithShared } from './support/shared.js';
import { specAssignments } from './support/spec.js';

// The authorization matrix again, with a member instead of a token: the member's one group holds
// exactly the grant the case's token holds, the member a developer seat, and every operation goes
// through the session cookie. The outcomes must be the ones the spec gives tokens — the same
// catalog, rules, project scoping and audit — except for what only a token has (itself).

/** What only a token can do or be: its own secret, its own rotation, a runner's claims. */
const tokenOnly = new Set([
  'viewer',
  'viewer (lifecycle)',
  'viewer.can',
  'rotateServiceToken (itself)',
  // A multipart upload the framework sends with the token's secret.
  'uploadRunArtifacts',
  'claimRun',
  'reportRunStep',
]);

/**
 * Every set of the Enterprise plan (Team's are a subset), those that take environment write with
 * one category: the token matrix covers the other variants of the same compiled rules.
 */
const cases: Case[] = specAssignments()
  .filter(({ plan }) => plan === 'enterprise')
  .map(({ set }) => ({
    set,
    plan: 'enterprise',
    writableEnvironmentCategories: set.environmentWrite ? ['production'] : [],
  }));

/** The case's fixture with its clients replaced by a signed-in member holding the same grant. */
async function asMember(
  f: Fixture,
  testCase: Case,
): Promise<{ fixture: Fixture; memberId: number }> {
  const grant = {
    permissionSet: testCase.set.id,
    ...(testCase.set.level === 'project' ? { projectIds: [f.projects.A] } : {}),
    ...(testCase.writableEnvironmentCategories.length
      ? { writableEnvironmentCategories: testCase.writableEnvironmentCategories }
      : {}),
  };
  const group = await f.gateway.graphql(
    'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
    { input: { name: `only ${testCase.set.id}`, permissions: [grant] } },
    f.gateway.adminToken,
  );
  expect(group.body.errors).toBeUndefined();
  const member = await insertMember(f.gateway.db, {
    accountId: f.gateway.account.id,
    email: 'member@example.com',
    name: 'Member',
    licenseType: 'developer',
    now: new Date().toISOString(),
  });
  await addGroupMember(f.gateway.db, Number(group.body.data!.createGroup.id), member.id);
  const { secret } = await startSession(f.gateway.db, defaultSessionSettings, {
    accountId: f.gateway.account.id,
    memberId: member.id,
    clientIp: '127.0.0.1',
    now: new Date(),
  });
  const fetchAsMember = (input: string, init: RequestInit) =>
    f.gateway.app.fetch(
      input,
      {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          cookie: `tollgate_session=${secret}`,
          [sessionCsrfHeader]: '1',
        },
      },
      { req: { socket: { remoteAddress: '127.0.0.1' } } },
    );
  return {
    memberId: member.id,
    fixture: {
      ...f,
      token: createTollgateClient({ url: 'http://localhost/graphql', fetch: fetchAsMember }),
      discovery: createTollgateClient({
        url: 'http://localhost/discovery/graphql',
        fetch: fetchAsMember,
      }),
    },
  };
}

const auditOutcome = (outcome: Outcome) =>
  outcome === 'allowed' ? 'success' : outcome.startsWith('FORBIDDEN') ? 'denied' : 'failed';

describeWithShared('authorization matrix for members: the same outcomes as tokens', () => {
  let checks = 0;
  afterAll(() => {
    console.log(`members' authorization matrix: ${cases.length} grants → ${checks} checks`);
  });

  it('covers every set of the Enterprise plan', () => {
    expect(cases).toHaveLength(20);
  });

  it.each(cases.map((testCase) => [testCase.set.id, testCase] as const))(
    '%s, held through a group',
    async (_name, testCase) => {
      const { fixture: f, memberId } = await asMember(await createFixture(testCase), testCase);
      const mismatches: Record<string, { actual: Outcome; expected: Outcome }> = {};

      const visible = await f.token.request(ProjectsDocument, {});
      if (visible.data?.projects) {
        const ids = visible.data.projects.edges.map((edge) => edge.node.id);
        expect(ids).toEqual(
          testCase.set.level === 'account' ? [f.projects.A, f.projects.B] : [f.projects.A],
        );
      }

      for (const operation of operations) {
        if (tokenOnly.has(operation.name)) continue;
        const audited =
          operation.audited ??
          operation.requires.some((requirement) => requirement.action === 'write');
        for (const at of locationsOf(operation)) {
          const where = `${operation.name} @ ${operation.where === 'account' ? 'account' : at.category === null ? at.project : `${at.project}/${at.category}`}`;
          const before = await f.gateway.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.max('id').as('id'))
            .executeTakeFirst();
          const expected = expectedOutcome(testCase, operation, at);
          const actual = actualOutcome(await runAt(operation, f, at));
          checks++;
          if (actual !== expected) mismatches[where] = { actual, expected };
          // Every write attempt is audited once, naming the member; reads leave nothing.
          const entries = await f.gateway.db
            .selectFrom('audit_log')
            .select(['outcome', 'actor_token_id'])
            .where('actor_member_id', '=', memberId)
            .where('id', '>', Number(before?.id ?? 0))
            .execute();
          const outcomes = entries.map((entry) => entry.outcome).join(',');
          const wantOutcomes = audited ? auditOutcome(expected) : '';
          if (outcomes !== wantOutcomes)
            mismatches[`${where} (audit)`] = { actual: outcomes, expected: wantOutcomes };
          if (entries.some((entry) => entry.actor_token_id !== null))
            mismatches[`${where} (audit actor)`] = { actual: 'a token', expected: 'the member' };
        }
      }
      expect(mismatches).toEqual({});
    },
  );
});
