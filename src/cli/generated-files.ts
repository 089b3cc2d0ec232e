import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { discoverySchema } from '../discovery/index.js';
import { schema } from '../schema/index.js';
import { renderPermissionsDoc } from './permissions-doc.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface GeneratedFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly content: string;
}

/**
 * Every file derived from the code: the printed schemas (admin and Discovery), docs/permissions.md
 * and the typed clients (the gateway's, and the web console's under web/src/api/: every target of codegen.yml).
 * `npm run generate` writes them; a test and `npm run schema:check` fail when one is stale.
 */
export async function renderGeneratedFiles(): Promise<GeneratedFile[]> {
  const sdl = printSchema(schema);
  const discoverySdl = printSchema(discoverySchema);
  const codegenConfig = parseYaml(await readFile(path.join(repoRoot, 'codegen.yml'), 'utf8')) as {
    generates: Record<string, { schema: string }>;
  };
  // Generate from the schemas in memory, so the clients match the code even before the printed
  // schemas are written.
  const inMemory: Record<string, string> = {
    'schema/schema.graphql': sdl,
    'schema/discovery.graphql': discoverySdl,
  };
  const generates = Object.fromEntries(
    Object.entries(codegenConfig.generates).map(([output, target]) => [
      output,
      { ...target, schema: inMemory[target.schema] ?? target.schema },
    ]),
  );
  const client = await generate(
    { ...codegenConfig, generates, cwd: repoRoot, silent: true, verbose: false } as never,
    false,
  );
  return [
    { path: 'schema/schema.graphql', content: sdl + '\n' },
    { path: 'schema/discovery.graphql', content: discoverySdl + '\n' },
    { path: 'docs/permissions.md', content: renderPermissionsDoc(schema, discoverySchema) },
    ...(client as { filename: string; content: string }[]).map((file) => ({
      path: path.relative(repoRoot, path.resolve(repoRoot, file.filename)),
      content: file.content,
    })),
  ];
}
