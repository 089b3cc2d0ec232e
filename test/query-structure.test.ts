import { describe, expect, it } from 'vitest';
import { createDocumentParser, defaultQueryLimits } from '../src/hardening/query-limits.js';
import { schema } from '../src/schema/index.js';
import { createTestGateway } from './support/helpers.js';

// Structural limits are applied on the parsed document, before graphql-js validation: a refused
// document answers with exactly one error, and no validation rule has run (a validation error
// would appear beside it).

const repeat = (count: number, text: string) => Array.from({ length: count }, () => text).join(' ');

describe('structural limits before validation', () => {
  it('refuses 450 same-name root fields with one error, before validation reports anything', async () => {
    const gateway = await createTestGateway();
    // `nope` does not exist: if validation ran, its error would be reported too.
    const response = await gateway.graphql(`{ ${repeat(450, 'viewer { id }')} nope }`);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'query_limit',
    });
  });

  it('counts root fields with their fragments spread in', async () => {
    const gateway = await createTestGateway();
    const response = await gateway.graphql(
      `{ ...Many } fragment Many on Query { ${repeat(100, 'viewer { id }')} }`,
      {},
      gateway.adminToken,
    );
    expect(response.body.errors?.[0]?.extensions?.reason).toBe('query_limit');
    expect(response.body.data ?? null).toBeNull();
  });

  it('refuses fragments that expand exponentially, without expanding them', async () => {
    const gateway = await createTestGateway();
    const levels = Array.from(
      { length: 10 },
      (_, level) => `fragment F${level + 1} on Viewer { ...F${level} ...F${level} }`,
    );
    const query = ['{ viewer { ...F10 } }', 'fragment F0 on Viewer { id name }', ...levels].join(
      '\n',
    );
    const response = await gateway.graphql(query, {}, gateway.adminToken);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.extensions?.reason).toBe('query_limit');
  });

  it('refuses a selection set that is too wide at any level, and too many fields in all', async () => {
    const gateway = await createTestGateway();
    const wide = await gateway.graphql(
      `{ viewer { ${repeat(200, 'id')} } }`,
      {},
      gateway.adminToken,
    );
    expect(wide.body.errors).toHaveLength(1);
    expect(wide.body.errors![0]!.extensions?.reason).toBe('query_limit');
    expect(wide.body.errors![0]!.message).toMatch(/too many fields at one level/);
    const many = await gateway.graphql(
      `{ ${repeat(15, `viewer { ${repeat(120, 'id')} }`)} }`,
      {},
      gateway.adminToken,
    );
    expect(many.body.errors?.[0]?.extensions?.reason).toBe('query_limit');
    expect(many.body.errors![0]!.message).not.toMatch(/\d/);
  });

  it('keeps one document per text, comments and layout aside, so validation is cached', () => {
    const parse = createDocumentParser(defaultQueryLimits, schema);
    const first = parse('{ viewer { id } }');
    expect(parse('# a comment that changes per request: 1\n{ viewer { id } }')).toBe(first);
    expect(parse('{\n  viewer {\n    id # another\n  }\n}')).toBe(first);
    expect(parse('{ viewer { id name } }')).not.toBe(first);
  });
});

describe('directive overloading', () => {
  it('refuses ten unknown directives on one field with one error', async () => {
    const gateway = await createTestGateway();
    const directives = Array.from({ length: 10 }, (_, index) => `@probe${index}`).join(' ');
    const response = await gateway.graphql(
      `{ viewer { id ${directives} } }`,
      {},
      gateway.adminToken,
    );
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'query_limit',
    });
    expect(response.body.errors![0]!.message).toMatch(/unknown directive/);
  });

  it('refuses a repeated directive with one error, well below the directive limit', async () => {
    const gateway = await createTestGateway();
    const response = await gateway.graphql(
      `{ viewer { id ${repeat(5, '@include(if: true)')} } }`,
      {},
      gateway.adminToken,
    );
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.extensions?.reason).toBe('query_limit');
    expect(response.body.errors![0]!.message).toMatch(/repeats a directive/);
    // Known directives used once each still work.
    const fine = await gateway.graphql(
      '{ viewer { id @include(if: true) name @skip(if: false) } }',
      {},
      gateway.adminToken,
    );
    expect(fine.body.errors).toBeUndefined();
  });
});
