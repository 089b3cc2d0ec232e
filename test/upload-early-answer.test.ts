import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { postMultipart } from '../src/cli/upload.js';

// The upload route refuses a bad token on the headers alone and closes the connection without
// reading the body (a stranger must not make it read 100 MB). The command line must then report
// that answer, not the broken pipe its next write runs into.

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) server.close();
});

it('reports the answer a server gave before the body was sent, not the write that failed after it', async () => {
  const refusal = JSON.stringify({
    errors: [{ message: 'Unauthenticated.', extensions: { code: 'UNAUTHENTICATED' } }],
  });
  const server = createServer((_request, response) => {
    response.writeHead(401, { 'content-type': 'application/json', connection: 'close' });
    response.end(refusal, () => response.socket?.destroy());
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const answer = await postMultipart(
    new URL(`http://127.0.0.1:${port}/graphql/upload`),
    { authorization: 'Bearer tgs_not-a-real-token' },
    [
      {
        header: Buffer.from('Content-Disposition: form-data; name="operations"\r\n\r\n'),
        // Far more than the sockets' buffers hold: writing goes on after the refusal.
        body: Buffer.alloc(64 * 2 ** 20, 0x20),
      },
    ],
    () => undefined,
  );
  expect(answer).toEqual({ status: 401, body: refusal });
});
