import { beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type RawResponse, type TestGateway } from './support/helpers.js';

// Bad enum (and other) input values answer like every other bad input: BAD_USER_INPUT naming
// the input path in `extensions.field`, whether the value came inline or in a variable.

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await createTestGateway();
});

async function discovery(
  query: string,
  variables: Record<string, unknown>,
  token = gateway.adminToken,
): Promise<RawResponse> {
  const response = await gateway.app.fetch('http://localhost/discovery/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** The one error of the response, as code, field and message. */
function onlyError(response: RawResponse) {
  expect(response.body.errors, JSON.stringify(response.body)).toHaveLength(1);
  const [error] = response.body.errors!;
  return {
    code: error!.extensions?.code,
    field: error!.extensions?.field,
    message: error!.message,
  };
}

const createToken =
  'mutation ($input: CreateServiceTokenInput!) { createServiceToken(input: $input) { token } }';

describe('an invalid enum value in a variable', () => {
  it('names the argument path of a nested input field, and the variable as the client named it', async () => {
    const response = await gateway.graphql(
      'mutation ($x: CreateServiceTokenInput!) { createServiceToken(input: $x) { token } }',
      {
        x: {
          name: 'ci',
          permissions: [
            { permissionSet: 'metadata_only', allProjects: true },
            { permissionSet: 'foo', allProjects: true },
          ],
        },
      },
      gateway.adminToken,
    );
    const error = onlyError(response);
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.permissions[1].permissionSet',
    });
    expect(error.message).toContain('"$x"');
    expect(error.message).toContain('Value "foo" does not exist in "PermissionSetId" enum');
    expect(error.message).not.toContain('$permissionSet');
  });

  it('names where a variable is used inside a literal, and a top-level argument', async () => {
    const inFilter = await gateway.graphql(
      'query ($s: PermissionSetId) { serviceTokens(filter: { permissionSet: $s }) { totalCount } }',
      { s: 'nope' },
      gateway.adminToken,
    );
    expect(onlyError(inFilter)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.permissionSet',
    });
    const argument = await gateway.graphql(
      'query ($r: Resource!) { viewer { can(resource: $r, action: read) { allowed } } }',
      { r: 'nope' },
      gateway.adminToken,
    );
    expect(onlyError(argument)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resource' });
  });

  it('reports other bad variable values the same way: scalars, lists, missing required fields', async () => {
    const date = await gateway.graphql(
      'query ($d: DateTime) { serviceTokens(filter: { expiringBefore: $d }) { totalCount } }',
      { d: 'soon' },
      gateway.adminToken,
    );
    expect(onlyError(date)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.expiringBefore',
    });
    const categories = await gateway.graphql(
      createToken,
      {
        input: {
          name: 'ci',
          permissions: [
            {
              permissionSet: 'analyst',
              allProjects: true,
              writableEnvironmentCategories: ['staging', 'moon'],
            },
          ],
        },
      },
      gateway.adminToken,
    );
    expect(onlyError(categories)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.permissions[0].writableEnvironmentCategories[1]',
    });
    const missing = await gateway.graphql(
      createToken,
      { input: { permissions: [] } },
      gateway.adminToken,
    );
    expect(onlyError(missing)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    const absent = await gateway.graphql(createToken, {}, gateway.adminToken);
    expect(onlyError(absent)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
  });

  it('echoes at most about a hundred characters of the value', async () => {
    const huge = 'x'.repeat(5000);
    const error = onlyError(
      await gateway.graphql(
        'query ($r: Resource!) { viewer { can(resource: $r, action: read) { allowed } } }',
        { r: huge },
        gateway.adminToken,
      ),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain(`"${'x'.repeat(99)}…`);
    expect(error.message.length).toBeLessThan(250);
  });
});

describe('an invalid enum value inline', () => {
  it('names the argument path of a nested input field', async () => {
    const response = await gateway.graphql(
      'mutation { createServiceToken(input: { name: "ci", permissions: [{ permissionSet: foo, allProjects: true }] }) { token } }',
      {},
      gateway.adminToken,
    );
    const error = onlyError(response);
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.permissions[0].permissionSet',
    });
    expect(error.message).toBe(
      'At input.permissions[0].permissionSet: Value "foo" does not exist in "PermissionSetId" enum.',
    );
  });

  it('takes a string where an enum is expected as bad input, and an input object missing a required field', async () => {
    const quoted = await gateway.graphql(
      'query { viewer { can(resource: "jobs", action: read) { allowed } } }',
      {},
      gateway.adminToken,
    );
    expect(onlyError(quoted)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resource' });
    const missing = await gateway.graphql(
      'mutation { createServiceToken(input: { permissions: [] }) { token } }',
      {},
      gateway.adminToken,
    );
    expect(onlyError(missing)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
  });

  it('echoes at most about a hundred characters of the value', async () => {
    const error = onlyError(
      await gateway.graphql(
        `query { viewer { can(resource: ${'y'.repeat(5000)}, action: read) { allowed } } }`,
        {},
        gateway.adminToken,
      ),
    );
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resource' });
    expect(error.message.length).toBeLessThan(250);
  });

  it('keeps mistakes in the shape of the document validation errors: unknown fields, arguments and input fields', async () => {
    for (const query of [
      'query { viewer { nope } }',
      'query { viewer { can(resource: jobs, action: read, colour: red) { allowed } } }',
      'query { serviceTokens(filter: { colour: "red" }) { totalCount } }',
    ]) {
      const response = await gateway.graphql(query, {}, gateway.adminToken);
      expect(
        response.body.errors?.map((error) => error.extensions?.code),
        query,
      ).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });

  it('still gives anonymous callers no suggestions', async () => {
    const response = await gateway.graphql(
      'query { viewer { can(resource: "jobs", action: read) { allowed } } }',
      {},
    );
    const error = onlyError(response);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resource' });
    expect(error.message).not.toContain('Did you mean');
  });
});

describe('the metadata (Discovery) API', () => {
  const ancestors = (types: string) =>
    `query ($id: BigInt!${types.startsWith('$') ? ', $types: [AncestorNodeType!]!' : ''}) { environment(id: $id) { applied { models(first: 1) { edges { node { ancestors(types: ${types}) { uniqueId } } } } } } }`;

  it('reports a bad enum in a list variable with its index', async () => {
    const error = onlyError(
      await discovery(ancestors('$types'), { id: 1, types: ['Model', 'Nope'] }),
    );
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'types[1]' });
  });

  it('reports a bad inline enum with its index', async () => {
    const error = onlyError(await discovery(ancestors('[Model, Nope]'), { id: 1 }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'types[1]' });
  });

  it('reports a bad id variable', async () => {
    const error = onlyError(await discovery(ancestors('[Model]'), { id: 'one' }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('a huge object where a scalar or enum is expected', () => {
  it('is not echoed whole', async () => {
    const huge = { note: 'z'.repeat(5000) };
    const error = onlyError(
      await gateway.graphql(
        'query ($r: Resource!) { viewer { can(resource: $r, action: read) { allowed } } }',
        { r: huge },
        gateway.adminToken,
      ),
    );
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resource' });
    expect(error.message.length).toBeLessThan(350);
  });
});
