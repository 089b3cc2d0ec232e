import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';

/**
 * The web console: the static files `npm run build:web` writes to web/dist, served at `/` beside
 * the APIs. Only GET and HEAD; only files inside the build folder; the console's own routes
 * (/tokens, /docs/…) answer its index.html so that a reload or a shared link opens the screen.
 * Every other path is left to the caller (the JSON 404 of the API).
 */

/** Where `npm run build:web` writes the console. */
export const defaultConsoleDir = fileURLToPath(new URL('../web/dist/', import.meta.url));

/**
 * The first path segments the console's router owns. A path outside them is not the console's:
 * an unknown /api-ish path keeps its JSON 404.
 */
const consoleRoutes = new Set([
  '',
  'sign-in',
  'dashboard',
  'tokens',
  'admin',
  'docs',
  'freshness',
  'graphiql',
]);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * No inline script and nothing from another origin: the console's own files and its own APIs.
 * Styles set from scripts through the DOM (the lineage graph's positions) are not inline styles
 * in CSP's sense, so style-src needs no 'unsafe-inline' either. Fonts may also be data: URLs:
 * GraphiQL's bundled stylesheet embeds its fonts that way (nothing is fetched for them).
 */
export const consoleContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const htmlHeaders: Record<string, string> = {
  'content-security-policy': consoleContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  // index.html names the hashed assets of the current build: always revalidated.
  'cache-control': 'no-cache',
};

export interface ConsoleResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Empty for HEAD. */
  readonly body: Uint8Array<ArrayBuffer>;
}

export interface ConsoleFiles {
  /** The response for a request, or undefined when the path is not the console's. */
  respond(method: string, pathname: string): ConsoleResponse | undefined;
}

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tollgate console</title></head>
<body><main><h1>The console is not built</h1><p>Run <code>npm run build:web</code> (npm start does it when the build is missing), then reload.</p>
<p>The GraphQL API is at <a href="/graphql">/graphql</a>.</p></main></body></html>`;

/**
 * Serves the build folder `root`. Files are read per request (the folder is small and the OS
 * caches it), so a rebuild is served without restarting the gateway.
 */
export function createConsoleFiles(root: string = defaultConsoleDir): ConsoleFiles {
  const base = path.resolve(root);

  /** The file a URL path names, or undefined when it is outside the folder or not a file. */
  function fileOf(pathname: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const full = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
    if (full !== base && !full.startsWith(base + path.sep)) return undefined;
    try {
      return statSync(full).isFile() ? full : undefined;
    } catch {
      return undefined;
    }
  }

  const answer = (
    method: string,
    status: number,
    headers: Record<string, string>,
    body: Uint8Array<ArrayBuffer>,
  ): ConsoleResponse => ({
    status,
    headers: { ...headers, 'content-length': String(body.byteLength) },
    body: method === 'HEAD' ? new Uint8Array(new ArrayBuffer(0)) : body,
  });

  return {
    respond(method, pathname) {
      if (method !== 'GET' && method !== 'HEAD') return undefined;
      const firstSegment = pathname.split('/')[1] ?? '';
      const isAsset =
        firstSegment === 'assets' || /^\/[\w.-]+\.(svg|png|ico|txt|webmanifest)$/.test(pathname);
      if (isAsset) {
        const file = fileOf(pathname);
        if (!file) return undefined;
        const type = contentTypes[path.extname(file)] ?? 'application/octet-stream';
        // Vite names every file under assets/ by its content hash: it never changes.
        const cache =
          firstSegment === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache';
        return answer(
          method,
          200,
          { 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff' },
          readFileSync(file),
        );
      }
      if (!consoleRoutes.has(firstSegment)) return undefined;
      const index = path.join(base, 'index.html');
      if (!existsSync(index)) {
        return answer(
          method,
          503,
          { ...htmlHeaders, 'content-type': 'text/html; charset=utf-8' },
          new TextEncoder().encode(notBuilt),
        );
      }
      return answer(
        method,
        200,
        { ...htmlHeaders, 'content-type': 'text/html; charset=utf-8' },
        readFileSync(index),
      );
    },
  };
}

/** The console's GraphiQL screens, one per API (web/src/pages/graphiql.tsx). */
export const graphiqlPages = { admin: '/graphiql', discovery: '/graphiql/discovery' } as const;

/**
 * A browser opening an API's URL (GET, Accept: text/html) is sent to the console's GraphiQL for
 * that API: bundled with the console, so nothing comes from a CDN, and the signed-in token is
 * pre-filled. Replaces yoga's own GraphiQL page, which loads its scripts from a public CDN.
 */
export function graphiqlRedirectPlugin(page: string): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'GET' || !request.headers.get('accept')?.includes('text/html')) return;
      endResponse(
        new Response(null, {
          status: 302,
          headers: { location: page, 'cache-control': 'no-store' },
        }),
      );
    },
  };
}
