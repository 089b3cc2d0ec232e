import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { CreateIdentityTrustPolicyDocument, createTollgateClient } from '../src/client/index.js';
import { createSecretBox } from '../src/secrets.js';
import { builders, required } from './support/builders.js';
import { createTestDb } from './support/database.js';
import { startTestIssuer, type TestIssuer } from './support/oidc-issuer.js';
import { syntheticManifest, text } from './support/synthetic-artifacts.js';

// "No stored secrets in CI", as a CI job lives it: a separate process whose environment holds
// only the gateway's URL, its job id and the identity token its CI platform minted — no Tollgate
// secret — exchanges the identity, triggers a run and uploads its dbt artifacts over real HTTP.

/** The job's script, in plain JavaScript, as docs/tokens.md shows it with curl. */
const ciScript = `
const { TOLLGATE_URL, ID_TOKEN, JOB_ID } = process.env;
const { readFile } = await import('node:fs/promises');
async function graphql(query, variables, token) {
  const response = await fetch(TOLLGATE_URL + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors[0].extensions) + ' ' + body.errors[0].message);
  return body.data;
}
try {
  const { exchangeIdentityToken } = await graphql(
    'mutation ($jwt: String!) { exchangeIdentityToken(jwt: $jwt) { token expiresAt } }',
    { jwt: ID_TOKEN },
  );
  const token = exchangeIdentityToken.token;
  const { triggerRun } = await graphql('mutation ($jobId: ID!) { triggerRun(jobId: $jobId) { id } }', { jobId: JOB_ID }, token);
  const form = new FormData();
  form.set('operations', JSON.stringify({
    query: 'mutation ($runId: ID!, $manifest: File!) { uploadRunArtifacts(runId: $runId, manifest: $manifest) { runId models } }',
    variables: { runId: triggerRun.id, manifest: null },
  }));
  form.set('map', JSON.stringify({ 0: ['variables.manifest'] }));
  form.set('0', new Blob([await readFile('target/manifest.json')]), 'manifest.json');
  const upload = await fetch(TOLLGATE_URL + '/graphql/upload', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + token, 'x-graphql-yoga-csrf': '1' },
    body: form,
  });
  const uploaded = await upload.json();
  console.log(JSON.stringify({ expiresAt: exchangeIdentityToken.expiresAt, uploaded }));
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
`;

let issuer: TestIssuer;
let server: Server;
let url: string;
let jobId: string;
let workDir: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  const db = await createTestDb();
  const { adminToken } = await createAccountWithAdminToken(db, {
    name: 'Acme',
    plan: 'enterprise',
    now: new Date(),
  });
  const app = createApp({
    db,
    secrets: createSecretBox(randomBytes(32)),
    identity: { outbound: { allowHttpToLocalhost: true, allowedAddresses: ['127.0.0.1/32'] } },
  });
  server = createServer(app.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const admin = createTollgateClient({ url: `${url}/graphql`, token: adminToken });
  const build = builders(admin);
  const projectId = await build.project('analytics');
  const environmentId = await build.environment(projectId, 'production', 'Production');
  jobId = await build.job(environmentId, 'dbt build');
  required(
    await admin.request(CreateIdentityTrustPolicyDocument, {
      input: {
        name: 'analytics CI',
        issuer: issuer.url,
        audience: 'tollgate',
        conditions: [
          { claim: 'repository', match: 'EXACT', value: 'acme/analytics' },
          { claim: 'ref', match: 'EXACT', value: 'refs/heads/main' },
        ],
        permissions: [{ permissionSet: 'job_admin', projectIds: [projectId] }],
        lifetimeSeconds: 600,
      },
    }),
    'createIdentityTrustPolicy',
  );

  workDir = mkdtempSync(path.join(tmpdir(), 'tollgate-ci-'));
  mkdirSync(path.join(workDir, 'target'));
  writeFileSync(
    path.join(workDir, 'target', 'manifest.json'),
    text(syntheticManifest({ models: 3, projectName: 'analytics' })),
  );
  writeFileSync(path.join(workDir, 'ci-job.mjs'), ciScript);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();
});

/** Runs the CI job in its own process with nothing but these variables (and PATH). */
function runJob(idToken: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', TOLLGATE_URL: url, ID_TOKEN: idToken, JOB_ID: jobId };
  expect(JSON.stringify(env)).not.toMatch(/tgs_/);
  const child = spawn(process.execPath, ['ci-job.mjs'], { cwd: workDir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('a CI job holding only its identity token', () => {
  it('exchanges it, triggers a run and uploads its artifacts', async () => {
    const idToken = await issuer.sign({
      sub: 'repo:acme/analytics:ref:refs/heads/main',
      aud: 'tollgate',
      repository: 'acme/analytics',
      ref: 'refs/heads/main',
      jti: randomUUID(),
    });
    const { code, stdout, stderr } = await runJob(idToken);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      expiresAt: string;
      uploaded: { data?: { uploadRunArtifacts: { models: number } }; errors?: unknown };
    };
    expect(result.uploaded.errors).toBeUndefined();
    expect(result.uploaded.data?.uploadRunArtifacts.models).toBe(3);
    const lifetime = Date.parse(result.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(600_000);
  });

  it('is refused with a forged identity, or one of another branch', async () => {
    const claims = {
      sub: 'repo:acme/analytics:ref:refs/heads/main',
      aud: 'tollgate',
      repository: 'acme/analytics',
      ref: 'refs/heads/main',
    };
    const forged = await runJob(await issuer.signWithUnpublishedKey(claims, 'rsa-1'));
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain('"reason":"invalid_signature"');
    const branch = await runJob(await issuer.sign({ ...claims, ref: 'refs/heads/evil' }));
    expect(branch.code).toBe(1);
    expect(branch.stderr).toContain('"reason":"claims_not_allowed"');
  });
});
