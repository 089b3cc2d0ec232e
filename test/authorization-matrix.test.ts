import type { GraphQLSchema } from 'graphql';
import { afterAll, expect, it } from 'vitest';
import { writableEnvironmentCategories } from '../src/catalog/access.js';
import { ProjectsDocument } from '../src/client/index.js';
import { discoverySchema } from '../src/discovery/index.js';
import { schema } from '../src/schema/index.js';
import { operations } from './matrix/all-operations.js';
import { recordRootFields } from './matrix/coverage.js';
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

/** Sets that accept environment write are tested without it, with each category, and with `all`. */
const writableVariants: string[][] = [
  [],
  ...writableEnvironmentCategories.map((category) => [category]),
];

const cases: Case[] = specAssignments().flatMap(({ set, plan }) =>
  (set.environmentWrite ? writableVariants : [[]]).map((writableEnvironmentCategories) => ({
    set,
    plan,
    writableEnvironmentCategories,
  })),
);

function caseName({ set, plan, writableEnvironmentCategories }: Case): string {
  return `${set.id} on ${plan}${writableEnvironmentCategories.length ? ` writing ${writableEnvironmentCategories.join(',')}` : ''}`;
}

/** The audit entries the case's own token caused since `afterId`. */
async function entriesOfToken(f: Fixture, afterId: number) {
  return f.gateway.db
    .selectFrom('audit_log')
    .select(['id', 'action', 'outcome'])
    .where('actor_token_id', '=', Number(f.tokenId))
    .where('id', '>', afterId)
    .execute();
}

async function lastAuditId(f: Fixture): Promise<number> {
  const row = await f.gateway.db
    .selectFrom('audit_log')
    .select('id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? 0;
}

const auditOutcome = (outcome: Outcome) =>
  outcome === 'allowed' ? 'success' : outcome.startsWith('FORBIDDEN') ? 'denied' : 'failed';

describeWithShared(
  'authorization matrix: every permission set × every operation × project and environment category',
  () => {
    let checks = 0;
    afterAll(() => {
      console.log(
        `authorization matrix: ${cases.length} grants × ${operations.length} operations → ${checks} checks`,
      );
    });

    it('covers every assignable set on both plans, and each writable category', () => {
      // 20 sets on Enterprise + 5 on Team; the 5 sets with environment write in 6 variants each.
      expect(cases).toHaveLength(25 + 5 * 5);
    });

    it('has an operation for every Query and Mutation field of both APIs', async () => {
      // What the operations really send, recorded at the gateway: a new root field without an
      // operation of its own fails here, so it cannot stay out of the matrix.
      const f = await createFixture(cases[0]!);
      const sent = recordRootFields(f.gateway, f.tokenSecret);
      for (const operation of operations)
        for (const at of locationsOf(operation)) await runAt(operation, f, at);
      const rootFields = (api: string, schema: GraphQLSchema) =>
        [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
          Object.keys(type?.getFields() ?? {}).map((name) => `${api} ${type!.name}.${name}`),
        );
      const fields = [...rootFields('admin', schema), ...rootFields('discovery', discoverySchema)];
      expect(fields.filter((field) => !sent.has(field))).toEqual([]);
      expect(fields).toEqual(
        expect.arrayContaining([
          'admin Query.viewer',
          'admin Mutation.createServiceToken',
          'discovery Query.environment',
        ]),
      );
    });

    it.each(cases.map((testCase) => [caseName(testCase), testCase] as const))(
      '%s',
      async (_name, testCase) => {
        const f = await createFixture(testCase);
        const mismatches: Record<string, { actual: Outcome; expected: Outcome }> = {};

        const visible = await f.token.request(ProjectsDocument, {});
        if (visible.data?.projects) {
          const ids = visible.data.projects.edges.map((edge) => edge.node.id);
          expect(ids).toEqual(
            testCase.set.level === 'account' ? [f.projects.A, f.projects.B] : [f.projects.A],
          );
        }

        for (const operation of operations) {
          const audited =
            operation.audited ??
            operation.requires.some((requirement) => requirement.action === 'write');
          for (const at of locationsOf(operation)) {
            const where = `${operation.name} @ ${operation.where === 'account' ? 'account' : at.category === null ? at.project : `${at.project}/${at.category}`}`;
            const before = await lastAuditId(f);
            const expected = expectedOutcome(testCase, operation, at);
            const actual = actualOutcome(await runAt(operation, f, at));
            checks++;
            if (actual !== expected) mismatches[where] = { actual, expected };

            // Every write attempt leaves exactly one audit entry with its outcome; reads leave none.
            const entries = await entriesOfToken(f, before);
            const outcomes = entries.map((entry) => entry.outcome).join(',');
            const wantOutcomes = audited ? auditOutcome(expected) : '';
            if (outcomes !== wantOutcomes)
              mismatches[`${where} (audit)`] = { actual: outcomes, expected: wantOutcomes };
          }
        }
        expect(mismatches).toEqual({});
      },
    );
  },
);
