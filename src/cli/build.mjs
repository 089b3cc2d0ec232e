// `npm run build`: the compiled production build in dist/. TypeScript to JavaScript (the server,
// the commands, the migrations: tsconfig.build.json), then the web console's bundle beside it
// (dist/web/dist, where the compiled src/console.js looks, as src/console.ts looks in web/dist).
// Production then runs `node dist/src/cli/tollgate.js serve` with only the run-time
// dependencies installed (`npm ci --omit=dev`): no tsx, no TypeScript.
// Plain JavaScript with Node's own modules only, like the other build scripts.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureConsoleBuild } from './build-console.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.join(root, 'dist');

// A file deleted from src/ must not live on in dist/.
rmSync(dist, { recursive: true, force: true });
console.log('Compiling TypeScript (tsconfig.build.json → dist/)...');
const tsc = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' },
);
if (tsc.status !== 0) {
  console.error(`The TypeScript build failed (tsc exited with ${tsc.status}).`);
  process.exit(1);
}
try {
  if (!ensureConsoleBuild()) process.exit(1);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
cpSync(path.join(root, 'web', 'dist'), path.join(dist, 'web', 'dist'), { recursive: true });
chmodSync(path.join(dist, 'src', 'cli', 'tollgate.js'), 0o755);
console.log(
  'Built dist/: run it with `node dist/src/cli/tollgate.js serve` (or `npm start` with NODE_ENV=production).',
);
