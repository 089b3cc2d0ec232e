import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { hashToken } from '../src/auth/token.js';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import { createPostgresDb } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { createSecretBox } from '../src/secrets.js';
import { dataDirDatabase, migratedPostgresDatabase, postgresFor } from './support/database.js';

// The last working Account Admin token (issue 19, item 8): the operator's recovery command, run
// as an operator runs it, and the last-admin check under concurrent revocations on PostgreSQL.

const repoRoot = path.resolve(import.meta.dirname, '..');

function adminToken(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/admin-token.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error?.killed) reject(new Error(`admin-token did not finish:\n${stdout}${stderr}`));
        else resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

function viewerRequest(app: ReturnType<typeof createApp>, secret: string) {
  return app.fetch(
    'http://localhost/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ viewer { name grants { permissionSet { id } } } }' }),
    },
    { req: { socket: { remoteAddress: '127.0.0.1' } } },
  );
}

describe('the admin-token command', () => {
  it('mints a working Account Admin token for an account no one can administer, prints it once, audited', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-admin-token-'));
    const database = await dataDirDatabase(dataDir);
    const db = database.open();
    try {
      await migrateToLatest(db);
      const { account } = await createAccountWithAdminToken(db, {
        name: 'Acme',
        plan: 'enterprise',
        now: new Date(),
      });
      // Every admin token gone (as a direct database change could leave it): no one can recover.
      await db
        .updateTable('service_tokens')
        .set({ revoked_at: new Date().toISOString() })
        .execute();
      await db
        .insertInto('service_token_policies')
        .values({
          account_id: account.id,
          max_lifetime_seconds: 86_400,
          requests_per_minute: null,
          updated_at: new Date().toISOString(),
        })
        .execute();
      const { env } = database;

      const minted = await adminToken([String(account.id), 'Night', 'shift'], env);
      expect(minted.stderr).toBe('');
      expect(minted.status).toBe(0);
      const lines = minted.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        new RegExp(
          `^Minted Account Admin token \\d+ "Night shift" for account ${account.id} "Acme", expiring `,
        ),
      );
      const secret = lines.at(-1)!;
      expect(secret).toMatch(/^tgs_[0-9A-Za-z]{49}$/);

      const app = createApp({ db, secrets: createSecretBox(randomBytes(32)) });
      const response = await viewerRequest(app, secret);
      expect(await response.json()).toMatchObject({
        data: {
          viewer: { name: 'Night shift', grants: [{ permissionSet: { id: 'account_admin' } }] },
        },
      });
      await app.close();

      const stored = await db
        .selectFrom('service_tokens')
        .select(['id', 'token_hash', 'expires_at', 'created_by_token_id'])
        .where('name', '=', 'Night shift')
        .executeTakeFirstOrThrow();
      expect(stored.token_hash).toBe(hashToken(secret));
      expect(stored.expires_at).not.toBeNull();
      expect(stored.created_by_token_id).toBeNull();
      const audit = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'mintAdminToken')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        account_id: account.id,
        actor_token_id: null,
        target_id: String(stored.id),
        outcome: 'success',
      });
      expect(JSON.parse(audit[0]!.details)).toMatchObject({ name: 'Night shift', via: 'cli' });
      expect(audit[0]!.details).not.toContain(secret);

      const unknown = await adminToken(['999'], env);
      expect(unknown).toMatchObject({ status: 1, stderr: 'No account 999.\n' });
      const wrong = await adminToken(['abc'], env);
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain('<accountId> must be a positive whole number');
    } finally {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

const postgres = await postgresFor('the last-admin check on PostgreSQL');

describe.skipIf(!postgres)('the last-admin check on PostgreSQL', () => {
  it('lets only one of two concurrent revocations of the last two admin tokens through', async () => {
    const db = createPostgresDb(await migratedPostgresDatabase());
    try {
      const { adminToken: first } = await createAccountWithAdminToken(db, {
        name: 'Acme',
        plan: 'enterprise',
        now: new Date(),
      });
      const app = createApp({ db, secrets: createSecretBox(randomBytes(32)) });
      const graphql = async (query: string, secret: string) =>
        (await (
          await app.fetch(
            'http://localhost/graphql',
            {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
              body: JSON.stringify({ query }),
            },
            { req: { socket: { remoteAddress: '127.0.0.1' } } },
          )
        ).json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
      // Five rounds: the current admin makes two more admin tokens and steps aside; the two then
      // revoke each other at the same moment. Exactly one revocation may pass each time.
      let current = first;
      for (let round = 0; round < 5; round++) {
        const created = await graphql(
          `mutation {
            a: createServiceToken(input: { name: "a${round}", permissions: [{ permissionSet: account_admin }] }) { token serviceToken { id } }
            b: createServiceToken(input: { name: "b${round}", permissions: [{ permissionSet: account_admin }] }) { token serviceToken { id } }
          }`,
          current,
        );
        const { a, b } = created.data;
        const own = (await graphql('{ viewer { id } }', current)).data.viewer.id;
        expect(
          (await graphql(`mutation { revokeServiceToken(id: "${own}") { id } }`, current)).errors,
        ).toBeUndefined();
        const results = await Promise.all([
          graphql(`mutation { revokeServiceToken(id: "${b.serviceToken.id}") { state } }`, a.token),
          graphql(`mutation { revokeServiceToken(id: "${a.serviceToken.id}") { state } }`, b.token),
        ]);
        const passed = results.map((result) => result.data?.revokeServiceToken?.state ?? null);
        expect(passed.filter(Boolean), `round ${round}`).toEqual(['REVOKED']);
        // The other is refused by the last-admin check, or, when the first revocation committed
        // before it had authenticated, as coming from a revoked token.
        const refused = results.flatMap((result) => result.errors ?? []);
        expect(refused).toHaveLength(1);
        expect(['BAD_USER_INPUT', 'UNAUTHENTICATED']).toContain(refused[0]?.extensions?.code);
        const working = await db
          .selectFrom('service_tokens')
          .select('id')
          .where('revoked_at', 'is', null)
          .execute();
        expect(working).toHaveLength(1);
        current = passed[0] ? a.token : b.token;
      }
      await app.close();
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
