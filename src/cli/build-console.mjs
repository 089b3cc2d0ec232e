// Builds the web console (web/ → web/dist) when the build is missing or older than its sources.
// Plain JavaScript with Node's own modules only: `npm start` runs it before anything else, and
// it must cost next to nothing when the build is current (one walk of web/ comparing times).
//
//   node src/cli/build-console.mjs           build if stale
//   node src/cli/build-console.mjs --force   build now (npm run build:web)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
/** Written after a successful build: its time is the build's. */
const stamp = path.join(dist, '.build-stamp');

/** The newest modification time among the console's sources and the pinned dependencies. */
function newestSource() {
  let newest = 0;
  const visit = (entry) => {
    const stats = statSync(entry);
    if (stats.isDirectory()) {
      for (const name of readdirSync(entry))
        if (name !== 'dist' && name !== 'node_modules') visit(path.join(entry, name));
    } else newest = Math.max(newest, stats.mtimeMs);
  };
  visit(web);
  for (const file of ['package-lock.json']) {
    const full = path.join(root, file);
    if (existsSync(full)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether web/dist is missing or older than a source file. */
export function consoleBuildIsStale() {
  if (!existsSync(stamp) || !existsSync(path.join(dist, 'index.html'))) return true;
  return statSync(stamp).mtimeMs < newestSource();
}

/**
 * Builds the console with Vite when stale (or always, with force). Returns false, after saying
 * why, when it cannot build (Vite not installed); throws when the build itself fails.
 */
export function ensureConsoleBuild({ force = false, quiet = false } = {}) {
  if (!force && !consoleBuildIsStale()) return true;
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    console.warn(
      'The web console cannot be built: Vite is not installed (npm ci installs it). The APIs work without it.',
    );
    return false;
  }
  if (!quiet) console.log('Building the web console (web/ → web/dist)...');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', web, '--logLevel', quiet ? 'error' : 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0)
    throw new Error(`Building the web console failed (vite exited with ${result.status}).`);
  writeFileSync(stamp, new Date().toISOString() + '\n');
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureConsoleBuild({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
