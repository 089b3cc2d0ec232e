import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../support/helpers.js';
import { type Browser, describeInBrowser, launchBrowser, signIn } from './browser.js';

// GraphiQL bundled with the console from the project's own dependencies: the page and every file
// it loads name no other origin, the APIs' URLs send a browser to it, and in a browser it works
// offline with the signed-in token pre-filled, kept out of URLs and localStorage.

/**
 * Origins that appear in the bundled code as text, never as something the page loads: XML
 * namespace names (React and SVG use them as identifiers), links a person may click (GraphiQL's
 * logo and its key-map help, React Flow's attribution), and documentation inside error messages
 * and graphql-js's built-in descriptions. The browser test below checks that nothing outside the
 * page's own origin is requested.
 */
const textOnlyOrigins = new Map([
  ['http://www.w3.org', 'XML namespace names (SVG, MathML, XLink), never fetched'],
  ['https://react.dev', "links in React's error messages"],
  ['https://reactjs.org', "links in React's warnings"],
  ['https://developer.mozilla.org', "a link in a React warning's text"],
  ['https://bugs.webkit.org', 'a comment naming a browser bug worked around'],
  ['https://motion.dev', "links in framer-motion's error messages"],
  ['https://yarnpkg.com', "a link in graphql-js's duplicate-module error message"],
  ['https://reactflow.dev', "React Flow's attribution link"],
  ['https://github.com', "GraphiQL's logo links to its repository"],
  ['https://codemirror.net', "a link in GraphiQL's short-keys dialog"],
  ['https://en.wikipedia.org', "graphql-js's description of the Float scalar"],
  ['https://commonmark.org', "graphql-js's description of @deprecated"],
]);

/** Every http(s) origin named in a text. */
function originsIn(text: string): Set<string> {
  return new Set(
    [
      ...text.matchAll(
        /https?:\/\/(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?|https?:\/\/localhost(?::\d+)?/gi,
      ),
    ].map((match) => match[0].toLowerCase()),
  );
}

/** Hashed asset names a text refers to (Vite names every file it emits `name-hash.ext`). */
function assetsNamedIn(text: string): string[] {
  return [...text.matchAll(/[\w.-]+-[\w-]{8}\.(?:js|css|woff2?|svg|png)/g)].map((m) => m[0]);
}

describe('GraphiQL served with the console', () => {
  let gateway: TestGateway;
  const get = (pathname: string, init: RequestInit = {}) =>
    gateway.app.fetch(`http://localhost${pathname}`, init, {
      req: { socket: { remoteAddress: '127.0.0.1' } },
    });
  beforeAll(async () => {
    gateway = await createTestGateway({ graphiql: true });
  });
  afterAll(() => gateway.app.close());

  it('loads nothing from another origin: the page, its scripts, styles and lazy chunks', async () => {
    const page = await get('/graphiql');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const texts = new Map<string, string>([['/graphiql', html]]);
    const queue = assetsNamedIn(html);
    while (queue.length > 0) {
      const name = queue.shift()!;
      const pathname = `/assets/${name}`;
      if (texts.has(pathname)) continue;
      const response = await get(pathname);
      expect(response.status, pathname).toBe(200);
      const text = /\.(js|css|svg)$/.test(name) ? await response.text() : '';
      texts.set(pathname, text);
      queue.push(...assetsNamedIn(text));
    }
    // The GraphiQL chunk (loaded when its screen opens) and its stylesheet were reached.
    const files = [...texts.keys()];
    expect(files.some((file) => /\/graphiql-editor-[\w-]+\.js$/.test(file))).toBe(true);
    expect(files.some((file) => /\/graphiql-editor-[\w-]+\.css$/.test(file))).toBe(true);

    const unexpected: string[] = [];
    for (const [file, text] of texts) {
      for (const origin of originsIn(text))
        if (!textOnlyOrigins.has(origin) && origin !== 'http://localhost')
          unexpected.push(`${file}: ${origin}`);
      // Nothing is loaded by URL from a stylesheet or the page: no remote @import, url() or src.
      expect(text, file).not.toMatch(/@import\s+(url\()?["']?https?:/i);
      expect(text, file).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
      expect(text, file).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    }
    expect(unexpected).toEqual([]);
  });

  it('sends a browser opening either API to its GraphiQL screen, only when GraphiQL is on', async () => {
    const html = { method: 'GET', headers: { accept: 'text/html' } };
    const admin = await get('/graphql', html);
    expect(admin.status).toBe(302);
    expect(admin.headers.get('location')).toBe('/graphiql');
    const discovery = await get('/discovery/graphql', html);
    expect(discovery.headers.get('location')).toBe('/graphiql/discovery');
    // The screens are the console's: index.html under its CSP.
    expect((await get('/graphiql/discovery')).headers.get('content-type')).toContain('text/html');
    // API requests are unchanged.
    expect((await gateway.graphql('{ viewer { name } }', {}, gateway.adminToken)).status).toBe(200);

    const off = await createTestGateway({ production: true });
    const refused = await off.app.fetch('http://localhost/graphql', html);
    expect(refused.status).toBe(405);
    await off.app.close();
  });
});

describeInBrowser('GraphiQL in the browser', () => {
  let gateway: TestGateway;
  let server: Server;
  let url: string;
  let browser: Browser;
  beforeAll(async () => {
    gateway = await createTestGateway({ graphiql: true });
    server = createServer(gateway.app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await gateway?.app.close();
  });

  it('opens with the token pre-filled, runs { viewer { name } }, and keeps the token out of URLs and localStorage', async () => {
    const page = await browser.page();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await signIn(page, url, gateway.adminToken);
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'GraphiQL' })
      .click();

    const headers = page.getByRole('region', { name: 'Headers' });
    await headers.getByText(/Bearer/).waitFor();
    const headerText = (await headers.textContent())!.replace(/\s+/g, ' ');
    expect(headerText).toContain(`"Authorization": "Bearer ${gateway.adminToken}"`);

    // Replace the default query (CodeMirror closes brackets as they are typed).
    await page.getByRole('region', { name: 'Query Editor' }).click({ position: { x: 120, y: 20 } });
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ viewer { name } }');
    await page.getByRole('button', { name: /^Execute query/ }).click();
    const result = page.getByRole('region', { name: 'Result Window' });
    await result.getByText('"Bootstrap admin"').waitFor();
    expect((await result.textContent())!.replace(/\s+/g, ' ')).toContain(
      '"data": { "viewer": { "name": "Bootstrap admin" } }',
    );

    // The metadata API's screen has the same header.
    await page.getByRole('link', { name: /Metadata \(Discovery\) API/ }).click();
    await page.waitForURL(`${url}/graphiql/discovery`);
    await page
      .getByRole('region', { name: 'Headers' })
      .getByText(/Bearer/)
      .waitFor();

    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(
      gateway.adminToken,
    );
    expect(requested.filter((address) => address.includes(gateway.adminToken))).toEqual([]);
    expect(requested.filter((address) => new URL(address).origin !== url)).toEqual([]);
    expect(browser.problems).toEqual([]);
  });

  it('is where a browser opening /graphql lands', async () => {
    const page = await browser.page();
    await signIn(page, url, gateway.adminToken);
    await page.goto(`${url}/graphql`);
    await page.waitForURL(`${url}/graphiql`);
    await page
      .getByRole('region', { name: 'Headers' })
      .getByText(/Bearer/)
      .waitFor();
    expect(browser.problems).toEqual([]);
  });
});
