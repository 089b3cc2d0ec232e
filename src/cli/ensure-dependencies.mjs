// Runs before `npm start` and `npm test`: on a fresh clone (or after the lockfile changed) it
// installs exactly what package-lock.json pins, so those two commands are all the set-up needed.
// Plain JavaScript with no imports outside Node, because it runs before anything is installed.
//
// In production (NODE_ENV=production or TOLLGATE_PRODUCTION=true) `npm start` runs the compiled
// build in dist/, so only the run-time dependencies are installed (`npm ci --omit=dev`), and never
// the compilers, bundlers and test tools a full `npm ci` would bring.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

// The test suite needs the development tools whatever NODE_ENV says.
const production =
  process.env.npm_lifecycle_event !== 'pretest' &&
  (process.env.NODE_ENV === 'production' ||
    ['true', '1', 'yes', 'on'].includes(
      (process.env.TOLLGATE_PRODUCTION ?? '').trim().toLowerCase(),
    ));

if (production) {
  if (!existsSync('dist/src/cli/tollgate.js')) {
    console.error(
      [
        'No compiled build in dist/: production runs compiled JavaScript, not the TypeScript sources.',
        'Build it once (this needs the development dependencies), then keep only the run-time ones:',
        '  npm ci && npm run build && npm ci --omit=dev',
        'See docs/deploy.md.',
      ].join('\n'),
    );
    process.exit(1);
  }
}

const installed = mtime('node_modules/.package-lock.json');
const stale = installed === undefined || installed < mtime('package-lock.json');
// After `npm ci --omit=dev` the lockfile looks installed, but development needs tsx and the rest.
const missingDevelopmentTools = !production && !existsSync('node_modules/tsx/package.json');
if (stale || missingDevelopmentTools) {
  const args = production
    ? ['ci', '--omit=dev', '--no-audit', '--no-fund']
    : ['ci', '--no-audit', '--no-fund'];
  console.log(
    production
      ? 'Installing the run-time dependencies from package-lock.json (npm ci --omit=dev)...'
      : 'Installing dependencies from package-lock.json (npm ci; the first time takes about two minutes)...',
  );
  const result = spawnSync('npm', args, {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Production serves the console bundle the build put in dist/web/dist (Vite is not installed).
if (production) process.exit(0);

// Then the web console the gateway serves at `/`: built when missing or older than web/.
const { ensureConsoleBuild } = await import('./build-console.mjs');
try {
  ensureConsoleBuild();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
