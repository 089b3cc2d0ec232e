import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CommandSpec, exitStatus, parseCommandLine, UsageError } from './command-line.js';

// npm run generate         writes every generated file
// npm run schema:check     exits 1 listing the stale ones, writes nothing

const command: CommandSpec = {
  usage: 'node --import tsx src/cli/generate.ts [--check]',
  description:
    'Writes the files derived from the code: schema/*.graphql, docs/permissions.md and the typed clients.',
  required: [],
  flags: { check: 'write nothing; exit 1 listing the files that are stale' },
};

let line: ReturnType<typeof parseCommandLine>;
try {
  line = parseCommandLine(command, process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(error.message);
  process.exit(exitStatus.usage);
}
if (!line) process.exit(exitStatus.done);
// Loaded after the arguments are read: building the schemas takes seconds, --help should not.
const { renderGeneratedFiles, repoRoot } = await import('./generated-files.js');
const check = line.flags.check === true;
const stale: string[] = [];
for (const file of await renderGeneratedFiles()) {
  const target = path.join(repoRoot, file.path);
  const current = await readFile(target, 'utf8').catch(() => undefined);
  if (current === file.content) continue;
  stale.push(file.path);
  if (!check) {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
}
if (check && stale.length > 0) {
  console.error(`Stale generated files (run npm run generate): ${stale.join(', ')}`);
  process.exit(exitStatus.failed);
}
console.log(stale.length === 0 ? 'Generated files are current.' : `Wrote ${stale.join(', ')}`);
