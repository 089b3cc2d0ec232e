// Runs before `npm start` and `npm test`: on a fresh clone (or after the lockfile changed) it
// installs exactly what package-lock.json pins, so those two commands are all the set-up needed.
// Plain JavaScript with no imports outside Node, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

const installed = mtime('node_modules/.package-lock.json');
if (installed === undefined || installed < mtime('package-lock.json')) {
  console.log(
    'Installing dependencies from package-lock.json (npm ci; the first time takes about two minutes)...',
  );
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Then the web console the gateway serves at `/`: built when missing or older than web/.
const { ensureConsoleBuild } = await import('./build-console.mjs');
try {
  ensureConsoleBuild();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
