import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderGeneratedFiles, repoRoot } from './generated-files.js';

// npm run generate         writes every generated file
// npm run schema:check     exits 1 listing the stale ones, writes nothing

const check = process.argv.includes('--check');
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
  process.exit(1);
}
console.log(stale.length === 0 ? 'Generated files are current.' : `Wrote ${stale.join(', ')}`);
