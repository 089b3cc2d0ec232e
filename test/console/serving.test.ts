import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConsoleFiles, defaultConsoleDir } from '../../src/console.js';
import { createTestGateway, type TestGateway } from '../support/helpers.js';

// The gateway serving the console's build (global-setup builds it): HTML with its security
// headers on the console's routes, hashed assets cached for good, and the API's paths unchanged.

describe('the console served by the gateway', () => {
  let gateway: TestGateway;
  const get = (pathname: string, init: RequestInit = {}) =>
    gateway.app.fetch(`http://localhost${pathname}`, init, {
      req: { socket: { remoteAddress: '127.0.0.1' } },
    });
  beforeAll(async () => {
    gateway = await createTestGateway();
  });

  it('answers its routes with index.html under a CSP without inline scripts', async () => {
    for (const route of [
      '/',
      '/sign-in',
      '/tokens',
      '/admin',
      '/admin/audit',
      '/dashboard/jobs/4',
      '/docs/7/nodes/model.shop.orders',
      '/freshness/7',
    ]) {
      const response = await get(route);
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const html = await response.text();
      expect(html).toMatch(
        /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/,
      );
      // Nothing from another origin, and no inline script.
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it('serves hashed assets with their content type and a year of caching', async () => {
    const assets = readdirSync(path.join(defaultConsoleDir, 'assets'));
    const script = assets.find((name) => name.endsWith('.js'))!;
    const style = assets.find((name) => name.endsWith('.css'))!;
    const js = await get(`/assets/${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get(`/assets/${style}`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    const head = await get(`/assets/${script}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('keeps the API and its JSON 404s: nothing outside the build folder, no other methods', async () => {
    for (const pathname of [
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/missing.js',
      '/api/tokens',
      '/nope',
      '/graphql/nope',
      '/%E0%A4%A',
    ]) {
      const response = await get(pathname);
      expect(response.status, pathname).toBe(404);
      expect(response.headers.get('content-type'), pathname).toBe('application/json');
    }
    expect((await get('/', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await get('/healthz')).status).toBe(200);
    const viewer = await gateway.graphql('{ viewer { name } }', {}, gateway.adminToken);
    expect(viewer.body.data?.viewer.name).toBe('Bootstrap admin');
  });

  it('says how to build it when the build is missing', () => {
    const files = createConsoleFiles(path.join(defaultConsoleDir, 'no-such-build'));
    const page = files.respond('GET', '/tokens')!;
    expect(page.status).toBe(503);
    expect(new TextDecoder().decode(page.body)).toContain('npm run build:web');
    expect(files.respond('GET', '/api')).toBeUndefined();
  });
});
