import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { type PermissionSetId, TriggerRunDocument } from '../src/client/index.js';
import { builders, required } from './support/builders.js';
import { createTestGateway, document } from './support/helpers.js';
import { fixtureArtifacts, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

const page = readFileSync(path.resolve(import.meta.dirname, '../docs/walkthroughs.md'), 'utf8');

/** Each block of the page with what its `# as` line says. */
const blocks = [...page.matchAll(/```graphql\n# as (\w+) → ([^\n]+)\n([\s\S]*?)```/g)].map(
  ([, set, expectation, query]) => ({
    set: set as PermissionSetId,
    expected: expectation!.replace(/, on \/discovery\/graphql$/, ''),
    discovery: expectation!.endsWith('on /discovery/graphql'),
    query: query!,
  }),
);

describeWithShared('docs/walkthroughs.md', () => {
  it('has a block for each promise of the product page', () => {
    expect(new Set(blocks.map((block) => block.set))).toEqual(
      new Set(['job_admin', 'member', 'readonly', 'metadata_only']),
    );
    expect(blocks.length).toBeGreaterThanOrEqual(15);
  });

  it('does what it says, block by block, with a token of the set named on one project', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const build = builders(admin);
    const projectId = await build.project('analytics');
    await build.environment(projectId, 'staging', 'Staging');
    const environmentId = await build.environment(projectId, 'production', 'Production');
    const jobId = await build.job(environmentId, 'nightly');
    const runId = required(await admin.request(TriggerRunDocument, { jobId }), 'triggerRun')
      .triggerRun!.id;
    const uploaded = await uploadArtifacts(
      gateway,
      gateway.adminToken,
      runId,
      fixtureArtifacts('ecommerce'),
    );
    expect(uploaded.errors).toBeUndefined();

    const tokens = new Map<string, string>();
    for (const block of blocks) {
      if (!tokens.has(block.set))
        tokens.set(
          block.set,
          (await build.token([{ permissionSet: block.set, projectIds: [projectId] }])).token,
        );
      const client = block.discovery
        ? gateway.discovery(tokens.get(block.set))
        : gateway.client(tokens.get(block.set));
      const variables = {
        projectId,
        environmentId: block.discovery ? Number(environmentId) : environmentId,
        jobId,
        runId,
      };
      const used = Object.fromEntries(
        Object.entries(variables).filter(([name]) => block.query.includes(`$${name}`)),
      );
      const response = await client.request(document(block.query), used);
      const error = response.errors?.[0];
      const actual = error
        ? `${error.extensions?.code} ${error.extensions?.requiredPermission ?? error.message}`
        : 'allowed';
      expect(actual, `${block.set}: ${block.query.split('\n')[0]}`).toBe(block.expected);
      if (!error) expect(JSON.stringify(response.data)).not.toMatch(/null\]|"edges":\[\]/);
    }
  });
});
