import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { permissionNeeded, requirementOf } from '../src/auth/requirements.js';
import { schema } from '../src/schema/index.js';
import { createFixture } from './matrix/fixture.js';
import type { Fixture } from './matrix/framework.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';
import { describeWithShared } from './support/shared.js';
import { specCell, specSets } from './support/spec.js';

const seeds = readdirSync(path.resolve(import.meta.dirname, '../schema/operations'))
  .filter((file) => file.endsWith('.graphql'))
  .flatMap((file) =>
    readFileSync(path.resolve(import.meta.dirname, '../schema/operations', file), 'utf8').split(
      /\n(?=query|mutation|fragment)/,
    ),
  );

/** A seed operation, perhaps damaged: characters dropped, inserted or repeated. */
const documents = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 5 })), {
        maxLength: 4,
      }),
    )
    .map(([seed, edits]) =>
      edits.reduce((text, [at, cut, insert]) => {
        const i = at % Math.max(1, text.length);
        return text.slice(0, i) + insert + text.slice(i + cut);
      }, seed),
    ),
);

const statusesByDesign = new Set([200, 400, 401, 403, 405, 413, 415, 429]);

describe('fuzzing the HTTP surface', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await createTestGateway({ hardening: { authFailuresPerAddress: 1_000_000 } });
  });

  it('never crashes, never answers 5xx, never shows a stack trace or SQL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          document: documents,
          variables: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 })),
          rawBody: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
          contentType: fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'text/plain',
            'multipart/form-data',
            '',
          ),
          authorization: fc.constantFrom<'none' | 'valid' | 'garbage' | 'wellFormed'>(
            'none',
            'valid',
            'garbage',
            'wellFormed',
          ),
          method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
        }),
        async ({ document, variables, rawBody, contentType, authorization, method }) => {
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (authorization === 'valid') headers.authorization = `Bearer ${gateway.adminToken}`;
          if (authorization === 'garbage')
            headers.authorization = `Bearer ${document.slice(0, 30)}`;
          if (authorization === 'wellFormed') headers.authorization = `Token tgs_${'A'.repeat(49)}`;
          const body =
            method === 'GET'
              ? undefined
              : (rawBody ?? JSON.stringify({ query: document, variables }));
          const response = await gateway.app.fetch(
            `http://localhost/graphql`,
            { method, headers, body },
            { req: { socket: { remoteAddress: '127.0.0.1' } } },
          );
          const text = await response.text();
          expect(statusesByDesign.has(response.status), `${response.status}: ${text}`).toBe(true);
          expect(text).not.toMatch(/\n\s+at |SQLITE|select .* from/i);
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** A placeholder for a required argument, pointing at objects of the fixture where it can. */
function placeholder(type: GraphQLInputType, f: Fixture): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType, f);
  if (isListType(type)) return [placeholder(type.ofType, f)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) return {};
  if (isScalarType(type) && type.name === 'ID') return f.projects.A;
  return isScalarType(type) && type.name === 'Int' ? 1 : 'x';
}

describeWithShared('fuzzing authorization', () => {
  it('never returns data a random grant does not allow, for any query with any arguments', async () => {
    const fixtures = new Map<string, Fixture>();
    const fixtureFor = async (setId: string) => {
      let fixture = fixtures.get(setId);
      if (!fixture) {
        const set = specSets.find((candidate) => candidate.id === setId)!;
        fixture = await createFixture({
          set,
          plan: 'enterprise',
          writableEnvironmentCategories: [],
        });
        fixtures.set(setId, fixture);
      }
      return fixture;
    };
    const queries = Object.values(schema.getQueryType()!.getFields()).filter(
      (field) => permissionNeeded(requirementOf(field)) !== null,
    );
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...specSets.map((set) => set.id)),
        fc.constantFrom(...queries),
        fc.constantFrom<'A' | 'B'>('A', 'B'),
        async (setId, field, project) => {
          const f = await fixtureFor(setId);
          const needed = permissionNeeded(requirementOf(field))!;
          const required = field.args.filter((arg) => isNonNullType(arg.type));
          const variables = Object.fromEntries(
            required.map((arg) => [
              arg.name,
              arg.name === 'id' || arg.name.endsWith('Id')
                ? f.projects[project]
                : placeholder(arg.type, f),
            ]),
          );
          const definitions = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
          const passed = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
          const composite =
            !isScalarType(getNamedType(field.type)) && !isEnumType(getNamedType(field.type));
          const query = `query${definitions ? `(${definitions})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${composite ? ' { __typename }' : ''} }`;
          const response = await f.gateway.graphql(query, variables, f.tokenSecret);
          const data = response.body.data?.[field.name];
          if (data !== null && data !== undefined) {
            answered++;
            const cell = specCell(needed.resource, setId);
            const allowed = needed.action === 'read' ? cell !== '-' : cell === 'W';
            expect(
              allowed,
              `${setId} got ${field.name} (${needed.resource}:${needed.action}) on ${project}`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
    // Not vacuous: many of the random calls were allowed and answered.
    expect(answered).toBeGreaterThan(30);
  });
});
