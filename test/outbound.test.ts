import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { refusedAddress } from '../src/outbound/addresses.js';
import { OutboundError, type OutboundPolicy, safeFetch } from '../src/outbound/safe-fetch.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver on a loopback port; returns its port and the requests it got. */
async function receiver(handle: (request: IncomingMessage, response: ServerResponse) => void) {
  const received: {
    method?: string;
    url?: string;
    headers: IncomingMessage['headers'];
    body: string;
  }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      handle(request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received };
}

const loopback: OutboundPolicy = { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'] };

async function refusal(promise: Promise<unknown>): Promise<OutboundError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OutboundError);
  return error as OutboundError;
}

describe('refusedAddress', () => {
  it('refuses internal ranges, the IPv6 forms that embed IPv4, and allows public addresses', () => {
    const refused = [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:8.8.8.8',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
    ];
    for (const address of refused) expect(refusedAddress(address), address).not.toBeNull();
    expect(refusedAddress('::ffff:127.0.0.1')).toBe('loopback');
    expect(refusedAddress('169.254.169.254')).toMatch(/link-local/);
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '93.184.215.14'])
      expect(refusedAddress(address), address).toBeNull();
  });

  it('lets the allowlist open exactly what it names', async () => {
    const { addressAllowlist } = await import('../src/outbound/addresses.js');
    const allow = addressAllowlist(['127.0.0.1/32', '10.2.0.0/16']);
    expect(refusedAddress('127.0.0.1', allow)).toBeNull();
    expect(refusedAddress('127.0.0.2', allow)).toBe('loopback');
    expect(refusedAddress('10.2.9.9', allow)).toBeNull();
    expect(refusedAddress('10.3.0.1', allow)).toBe('private');
    expect(() => addressAllowlist(['not-an-address'])).toThrow(/not-an-address/);
  });
});

describe('safeFetch', () => {
  it('sends the request to an allowed loopback receiver and reads its answer', async () => {
    const { port, received } = await receiver((_request, response) =>
      response.writeHead(202, { 'x-answer': 'yes' }).end('ok'),
    );
    const response = await safeFetch(
      `http://127.0.0.1:${port}/hook?x=1`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
      loopback,
    );
    expect(response).toMatchObject({ status: 202, truncated: false, address: '127.0.0.1' });
    expect(response.body.toString()).toBe('ok');
    expect(response.headers['x-answer']).toBe('yes');
    expect(received).toEqual([
      expect.objectContaining({ method: 'POST', url: '/hook?x=1', body: '{"a":1}' }),
    ]);
  });

  it('refuses schemes other than https, and http except to localhost when allowed', async () => {
    expect((await refusal(safeFetch('http://example.com/', {}, loopback))).code).toBe(
      'scheme_refused',
    );
    expect((await refusal(safeFetch('http://127.0.0.1:1/', {}))).code).toBe('scheme_refused');
    expect((await refusal(safeFetch('ftp://example.com/', {}, loopback))).code).toBe(
      'scheme_refused',
    );
    expect((await refusal(safeFetch('file:///etc/passwd', {}, loopback))).code).toBe(
      'scheme_refused',
    );
    expect((await refusal(safeFetch('https://user:pw@example.com/', {}))).code).toBe('invalid_url');
    expect((await refusal(safeFetch('not a url', {}))).code).toBe('invalid_url');
  });

  it('refuses loopback, private, link-local, unique-local and mapped addresses without the allowlist', async () => {
    const { port, received } = await receiver((_request, response) => response.end('no'));
    const http = { allowHttpToLocalhost: true };
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://[::1]:${port}/`,
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://2130706433/',
      'https://0x7f.1/',
    ]) {
      const error = await refusal(safeFetch(url, {}, http));
      expect(error.code, url).toBe('address_refused');
    }
    expect(received).toEqual([]);
  });

  it('checks every address a name resolves to and connects to the checked one (no rebinding)', async () => {
    const { port, received } = await receiver((_request, response) => response.end('pinned'));
    // A name with a public and an internal address is refused, not raced.
    const mixed = await refusal(
      safeFetch(
        'https://mixed.example/',
        {},
        {
          resolve: async () => [
            { address: '93.184.215.14', family: 4 },
            { address: '10.0.0.5', family: 4 },
          ],
        },
      ),
    );
    expect(mixed.code).toBe('address_refused');
    expect(mixed.message).toContain('10.0.0.5');

    // A resolver that answers differently the second time: the connection never asks it again.
    let calls = 0;
    const rebinding: OutboundPolicy = {
      ...loopback,
      resolve: async () => {
        calls++;
        return [{ address: calls === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
      },
    };
    const response = await safeFetch(`http://localhost:${port}/`, {}, rebinding);
    expect(response.body.toString()).toBe('pinned');
    expect(response.address).toBe('127.0.0.1');
    expect(calls).toBe(1);
    expect(received).toHaveLength(1);

    const unresolvable = await refusal(
      safeFetch('https://nowhere.example/', {}, { resolve: async () => [] }),
    );
    expect(unresolvable.code).toBe('resolution_failed');
  });

  it('returns redirects without following them', async () => {
    const target = await receiver((_request, response) => response.end('should not be reached'));
    const { port } = await receiver((_request, response) =>
      response.writeHead(302, { location: `http://127.0.0.1:${target.port}/` }).end(),
    );
    const response = await safeFetch(`http://127.0.0.1:${port}/`, {}, loopback);
    expect(response.status).toBe(302);
    expect(target.received).toEqual([]);
  });

  it('keeps at most maxResponseBytes of the body', async () => {
    const { port } = await receiver((_request, response) => {
      response.writeHead(200);
      response.end(Buffer.alloc(1024 * 1024, 'a'));
    });
    const response = await safeFetch(
      `http://127.0.0.1:${port}/`,
      {},
      {
        ...loopback,
        maxResponseBytes: 1000,
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(1000);
    expect(response.truncated).toBe(true);
  });

  it('gives up at the deadline when the receiver does not answer', async () => {
    const { port } = await receiver(() => {
      // Never answers.
    });
    const error = await refusal(
      safeFetch(
        `http://127.0.0.1:${port}/`,
        { method: 'POST', body: 'x' },
        {
          ...loopback,
          timeoutMs: 300,
        },
      ),
    );
    expect(error.code).toBe('timeout');
  });
});
