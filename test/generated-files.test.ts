import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { renderGeneratedFiles, repoRoot } from '../src/cli/generated-files.js';

it("schema/schema.graphql, docs/permissions.md and the typed clients (the console's too) are current (npm run generate)", async () => {
  const files = await renderGeneratedFiles();
  expect(files.map((file) => file.path)).toEqual(
    expect.arrayContaining([
      'schema/schema.graphql',
      'docs/permissions.md',
      'src/client/generated/admin/graphql.ts',
      'src/client/generated/discovery/graphql.ts',
      'web/src/api/admin/graphql.ts',
      'web/src/api/discovery/graphql.ts',
    ]),
  );
  for (const file of files) {
    const committed = await readFile(path.join(repoRoot, file.path), 'utf8').catch(
      () => '(missing)',
    );
    expect(committed, `${file.path} is stale: run npm run generate`).toBe(file.content);
  }
});
