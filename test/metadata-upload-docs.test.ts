import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../src/cli/generated-files.js';
import { createTestGateway } from './support/helpers.js';
import { deployment, fixturePath } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

// docs/metadata.md's upload example, sent as curl would send it: its path, headers and form
// fields, with the ecommerce fixture's files for `@target/...`.

/** The shell words of a curl command: unquoted and single-quoted parts joined, as sh does. */
function words(command: string): string[] {
  const result: string[] = [];
  let word: string | null = null;
  const text = command.replace(/\\\n/g, ' ');
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(char)) {
      if (word !== null) result.push(word);
      word = null;
    } else word = (word ?? '') + char;
  }
  if (word !== null) result.push(word);
  return result;
}

describeWithShared(
  "docs/metadata.md's upload example",
  () => {
    it('stores the artifacts as written, and /graphql refuses multipart naming the upload route', async () => {
      const markdown = readFileSync(path.join(repoRoot, 'docs/metadata.md'), 'utf8');
      const example = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)]
        .map((match) => match[1]!)
        .find((block) => block.includes('uploadRunArtifacts'));
      expect(example).toBeDefined();
      const args = words(example!);
      const url = new URL(args.find((word) => word.startsWith('http'))!);
      const headers: Record<string, string> = {};
      const form = new FormData();
      const gateway = await createTestGateway();
      const target = await deployment(gateway, 'ecommerce');
      const runId = await target.run();
      for (let i = 0; i < args.length; i++) {
        if (args[i] === '-H') {
          const [name, ...value] = args[++i]!.split(':');
          headers[name!.toLowerCase()] = value
            .join(':')
            .trim()
            .replace('<token>', gateway.adminToken);
        } else if (args[i] === '-F') {
          const field = args[++i]!;
          const at = field.indexOf('=');
          const [name, value] = [field.slice(0, at), field.slice(at + 1)];
          if (value.startsWith('@target/')) {
            const file = path.basename(value.slice(1));
            form.set(
              name,
              new File([readFileSync(path.join(fixturePath('ecommerce'), file))], file),
            );
          } else {
            form.set(name, value.replace('"runId":"42"', `"runId":"${runId}"`));
          }
        }
      }
      expect(url.pathname).toBe('/graphql/upload');
      expect(headers).toHaveProperty('x-graphql-yoga-csrf');
      const send = (pathname: string) =>
        gateway.app.fetch(
          `http://localhost${pathname}`,
          { method: 'POST', headers, body: form },
          { req: { socket: { remoteAddress: '127.0.0.1' } } },
        );
      const response = await send(url.pathname);
      const body = (await response.json()) as { data?: any; errors?: unknown };
      expect(body.errors).toBeUndefined();
      const manifest = JSON.parse(
        readFileSync(path.join(fixturePath('ecommerce'), 'manifest.json'), 'utf8'),
      );
      const models = Object.values(
        manifest.nodes as Record<string, { resource_type: string }>,
      ).filter((node) => node.resource_type === 'model');
      expect(body.data.uploadRunArtifacts).toMatchObject({ runId, models: models.length });

      for (const elsewhere of ['/graphql', '/discovery/graphql']) {
        const refused = await send(elsewhere);
        expect(refused.status, elsewhere).toBe(415);
        const { errors } = (await refused.json()) as { errors: { message: string }[] };
        expect(errors[0]!.message, elsewhere).toContain('go to /graphql/upload');
      }
    });
  },
  60_000,
);
