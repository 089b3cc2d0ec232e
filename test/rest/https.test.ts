import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { printedToken, startServer, stopServer } from '../support/processes.js';

// Several dbt Cloud clients hard-code https://. The gateway serves HTTPS itself when given a
// certificate and key; this test makes a self-signed pair for 127.0.0.1 and calls the running
// server (as `npm start` runs it) over TLS, trusting only that certificate.

const directory = mkdtempSync(path.join(tmpdir(), 'tollgate-tls-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A self-signed certificate and its key, for 127.0.0.1, in `directory` under `name`. */
function selfSigned(name: string): { cert: string; key: string } {
  const cert = path.join(directory, `${name}.crt`);
  const key = path.join(directory, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** One HTTPS request trusting only `ca`; the status and parsed JSON body. */
function call(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('HTTPS', () => {
  it('serves the REST and GraphQL APIs over TLS with the configured certificate', async () => {
    const { cert, key } = selfSigned('server');
    const ca = execFileSync('cat', [cert]).toString();
    const server = await startServer(path.join(directory, 'data'), {
      TOLLGATE_TLS_CERT: cert,
      TOLLGATE_TLS_KEY: key,
    });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
      const origin = new URL(server.url).origin;
      const token = printedToken(server.output());
      const created = await call(server.url, ca, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation { createProject(input: { name: "tls" }) { id } }',
        }),
      });
      expect(created.body.data.createProject.id).toBeDefined();

      const accounts = await call(`${origin}/api/v2/accounts/`, ca, {
        headers: { authorization: `Token ${token}` },
      });
      expect(accounts.status).toBe(200);
      const accountId = accounts.body.data[0].id;
      const projects = await call(`${origin}/api/v3/accounts/${accountId}/projects`, ca, {
        headers: { authorization: `Token ${token}` },
      });
      expect(projects.body.data.map((project: { name: string }) => project.name)).toEqual(['tls']);
      // A client that does not trust the certificate is refused by TLS, not served.
      await expect(
        call(`${origin}/api/v2/accounts/`, selfSigned('stranger').cert),
      ).rejects.toThrow();
    } finally {
      expect(await stopServer(server)).toBe(0);
    }
  }, 120_000);

  it('refuses a certificate without its key, unreadable files and a key of another certificate', () => {
    const first = selfSigned('first');
    const second = selfSigned('second');
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems({ TOLLGATE_TLS_CERT: first.cert })).toEqual([
      'TOLLGATE_TLS_KEY must be set too: HTTPS needs both TOLLGATE_TLS_CERT and TOLLGATE_TLS_KEY (got only TOLLGATE_TLS_CERT)',
    ]);
    expect(
      problems({
        TOLLGATE_TLS_CERT: first.cert,
        TOLLGATE_TLS_KEY: path.join(directory, 'none.key'),
      }),
    ).toEqual([
      `TOLLGATE_TLS_KEY must be a readable file (got ${JSON.stringify(path.join(directory, 'none.key'))}: ENOENT)`,
    ]);
    const notPem = path.join(directory, 'not.pem');
    writeFileSync(notPem, 'hello');
    expect(problems({ TOLLGATE_TLS_CERT: notPem, TOLLGATE_TLS_KEY: first.key })[0]).toMatch(
      /^TOLLGATE_TLS_CERT must be a PEM file holding a certificate/,
    );
    const mismatch = problems({ TOLLGATE_TLS_CERT: first.cert, TOLLGATE_TLS_KEY: second.key });
    expect(mismatch[0]).toMatch(/^TOLLGATE_TLS_KEY must be the private key of the certificate/);
    expect(mismatch[0]).not.toContain('PRIVATE KEY');
    expect(
      loadConfig({ TOLLGATE_TLS_CERT: first.cert, TOLLGATE_TLS_KEY: first.key }).tls?.cert,
    ).toContain('BEGIN CERTIFICATE');
    expect(loadConfig({}).tls).toBeUndefined();
  });
});
