#!/usr/bin/env node
// The `tollgate` command (package.json "bin", and what `npm start` runs as `tollgate serve`).
// Production runs the compiled JavaScript in dist/ (`npm run build`), with no TypeScript
// tooling installed; development runs the sources through tsx, so an edit needs no build.
// Plain JavaScript with Node's own modules only: it must run in both installations.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const compiled = new URL('dist/src/cli/tollgate.js', root);
const sources = new URL('src/cli/tollgate.ts', root);
const tsxInstalled = existsSync(fileURLToPath(new URL('node_modules/tsx/package.json', root)));

// The same two switches src/config.ts reads for production (values as its flags accept them).
const production =
  process.env.NODE_ENV === 'production' ||
  ['true', '1', 'yes', 'on'].includes((process.env.TOLLGATE_PRODUCTION ?? '').trim().toLowerCase());
const hasBuild = existsSync(fileURLToPath(compiled));

if (hasBuild && (production || !tsxInstalled)) {
  await import(compiled.href);
} else if (tsxInstalled && !production) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  console.error(
    production
      ? 'No compiled build in dist/: production runs compiled JavaScript. Build it once with `npm ci && npm run build`, then keep only the run-time dependencies with `npm ci --omit=dev` (docs/deploy.md).'
      : 'Neither tsx (development: `npm ci`) nor a compiled build (`npm run build`) is installed.',
  );
  process.exit(2);
}
