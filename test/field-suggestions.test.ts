import { beforeAll, describe, expect, it } from 'vitest';
import { tokenWith } from './support/builders.js';
import { createTestGateway, type TestGateway } from './support/helpers.js';

// graphql-js suggests names from the schema it validates against: the full schema. A token's
// introspection shows only what its grants can reach, so its "Did you mean" must come from the
// same view, or it would name fields and types the token is never shown.

let gateway: TestGateway;
let jobViewer: string;
let webhooksOnly: string;

async function discovery(query: string, token: string) {
  const response = await gateway.app.fetch(
    'http://localhost/discovery/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    },
    { req: { socket: { remoteAddress: '127.0.0.1' } } },
  );
  return (await response.json()) as { errors?: { message: string }[] };
}

beforeAll(async () => {
  gateway = await createTestGateway();
  jobViewer = (await tokenWith(gateway, [{ permissionSet: 'job_viewer', allProjects: true }]))
    .secret;
  webhooksOnly = (await tokenWith(gateway, [{ permissionSet: 'webhooks_only', allProjects: true }]))
    .secret;
});

describe('field suggestions on /graphql', () => {
  it('name no field outside the token’s view', async () => {
    const response = await gateway.graphql('{ webhok(id: "1") { id } }', {}, jobViewer);
    const message = response.body.errors?.[0]?.message;
    expect(message).toBe('Cannot query field "webhok" on type "Query".');
  });

  it('name no type outside the token’s view', async () => {
    const response = await gateway.graphql('query ($w: Webhok) { viewer { id } }', {}, jobViewer);
    const messages = response.body.errors?.map((error) => error.message) ?? [];
    expect(messages).toContain('Unknown type "Webhok".');
    expect(JSON.stringify(messages)).not.toMatch(/Webhook/);
  });

  it('still suggest what the token can reach', async () => {
    const mine = await gateway.graphql('{ jbo(id: "1") { id } }', {}, jobViewer);
    expect(mine.body.errors?.[0]?.message).toMatch(/Did you mean "job"/);
    const admin = await gateway.graphql('{ webhok(id: "1") { id } }', {}, gateway.adminToken);
    expect(admin.body.errors?.[0]?.message).toMatch(/Did you mean "webhook"/);
  });
});

describe('field suggestions on /discovery/graphql', () => {
  it('name no field outside the token’s view, and still help a token that can read metadata', async () => {
    const outside = await discovery('{ modls(environmentId: 1) { totalCount } }', webhooksOnly);
    expect(outside.errors?.[0]?.message).not.toContain('Did you mean');
    const inside = await discovery('{ modls(environmentId: 1) { totalCount } }', jobViewer);
    expect(inside.errors?.[0]?.message).toMatch(/Did you mean "models"/);
  });
});
