import { execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createIdentityExchange } from '../src/app.js';
import { globMatches, validConditions } from '../src/auth/identity-conditions.js';
import { freshnessOf } from '../src/auth/identity-keys.js';
import { authenticate } from '../src/auth/principal.js';
import { createUsageRecorder } from '../src/auth/usage.js';
import type { Context } from '../src/context.js';
import { createLoaders } from '../src/loaders.js';
import { createRateLimiter } from '../src/rate-limit.js';
import { schema } from '../src/schema/index.js';
import { builders } from './support/builders.js';
import { createTestGateway } from './support/helpers.js';

// The pure rules of trust policies (claim globs, condition input, the key cache's freshness),
// and the no-escalation rule, which no token reaches through the API: only account_admin writes
// service_tokens, and it holds every permission. The rule is exercised below the shield rules.

describe('claim globs', () => {
  it.each([
    ['refs/heads/*', 'refs/heads/main', true],
    ['refs/heads/*', 'refs/heads/feature/x', false],
    ['refs/heads/**', 'refs/heads/feature/x', true],
    ['refs/tags/v?.*', 'refs/tags/v1.2', true],
    ['refs/tags/v?.*', 'refs/tags/v10.2', false],
    ['acme/*', 'acme/analytics', true],
    ['acme/*', 'acme-evil/analytics', false],
    ['acme/*', 'acme/', true],
    ['repo:acme/analytics:environment:prod*', 'repo:acme/analytics:environment:production', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['main', 'main\n', false],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});

describe('condition input', () => {
  it('keeps valid conditions and names the one at fault otherwise', () => {
    expect(
      validConditions([{ claim: ' repository ', match: 'exact', value: 'acme/x' }], 'c'),
    ).toEqual([{ claim: 'repository', match: 'exact', value: 'acme/x' }]);
    const fieldOf = (input: Parameters<typeof validConditions>[0]) => {
      try {
        validConditions(input, 'c');
      } catch (error) {
        return (error as { extensions: { field: string } }).extensions.field;
      }
      return 'accepted';
    };
    expect(fieldOf([])).toBe('c');
    expect(fieldOf([{ claim: 'sub', match: 'glob', value: '*?*' }])).toBe('c[0].value');
    expect(fieldOf([{ claim: 'iss', match: 'exact', value: 'x' }])).toBe('c[0].claim');
    expect(fieldOf([{ claim: 'a b', match: 'exact', value: 'x' }])).toBe('c[0].claim');
    expect(fieldOf([{ claim: 'ref', match: 'exact', value: '' }])).toBe('c[0].value');
    expect(
      fieldOf(Array.from({ length: 21 }, () => ({ claim: 'ref', match: 'exact', value: 'x' }))),
    ).toBe('c');
  });
});

describe('freshness of a fetched document', () => {
  const at = Date.parse('2026-11-29T00:00:00Z');
  const fresh = (headers: Record<string, string>) => freshnessOf(new Headers(headers), 300_000, at);
  it('follows Cache-Control, Age and Expires', () => {
    expect(fresh({})).toBe(300_000);
    expect(fresh({ 'cache-control': 'public, max-age=600' })).toBe(600_000);
    expect(fresh({ 'cache-control': 'max-age=600', age: '100' })).toBe(500_000);
    expect(fresh({ 'cache-control': 'max-age=60', age: '100' })).toBe(0);
    expect(fresh({ 'cache-control': 'no-store' })).toBe(0);
    expect(fresh({ 'cache-control': 'no-cache, max-age=600' })).toBe(0);
    expect(
      fresh({ expires: 'Sun, 29 Nov 2026 00:10:00 GMT', date: 'Sun, 29 Nov 2026 00:00:00 GMT' }),
    ).toBe(600_000);
    expect(fresh({ expires: '0' })).toBe(0);
  });
});

describe('no escalation through a trust policy', () => {
  it('refuses grants beyond the access of the token writing the policy, and stores nothing', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const build = builders(admin);
    const projectA = await build.project('A');
    const projectB = await build.project('B');
    const limited = await build.token([{ permissionSet: 'job_admin', projectIds: [projectA] }]);
    const usage = createUsageRecorder(gateway.db);
    const now = () => new Date();
    const principal = await authenticate(gateway.db, usage, {
      authorization: `Bearer ${limited.token}`,
      clientIp: '127.0.0.1',
      now: now(),
    });
    await usage.close();
    // The resolver as the shield rules would hand it a caller: here one with less than
    // account_admin, which the rules would have stopped before (service_tokens:write).
    const context = {
      db: gateway.db,
      secrets: gateway.secrets,
      leakReports: createRateLimiter({ limit: 10, windowMs: 60_000 }),
      identity: createIdentityExchange({}, now),
      now,
      clientIp: '127.0.0.1',
      principal,
      loaders: createLoaders(gateway.db, gateway.account.id),
    } as unknown as Context;
    const create = (permissions: unknown[]) =>
      execute({
        schema,
        document: parse(`mutation ($input: CreateIdentityTrustPolicyInput!) {
          createIdentityTrustPolicy(input: $input) { id }
        }`),
        contextValue: context,
        variableValues: {
          input: {
            name: 'ci',
            issuer: 'https://token.actions.githubusercontent.com',
            audience: 'tollgate',
            conditions: [{ claim: 'repository', match: 'EXACT', value: 'acme/analytics' }],
            permissions,
          },
        },
      });

    const beyond = [
      [{ permissionSet: 'account_admin' }, undefined],
      [{ permissionSet: 'job_admin', projectIds: [projectB] }, projectB],
      [{ permissionSet: 'job_admin', allProjects: true }, undefined],
    ] as const;
    for (const [grant, projectId] of beyond) {
      const result = await create([grant]);
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        ...(projectId ? { projectId } : {}),
      });
      expect(result.errors?.[0]?.extensions?.requiredPermission).toMatch(/^[a-z_]+:(read|write)$/);
    }
    expect(await gateway.db.selectFrom('identity_trust_policies').selectAll().execute()).toEqual(
      [],
    );
    // Within its reach, the same caller's policy is stored.
    const within = await create([{ permissionSet: 'job_viewer', projectIds: [projectA] }]);
    expect(within.errors).toBeUndefined();
    expect(
      await gateway.db.selectFrom('identity_trust_policies').select('grants').execute(),
    ).toHaveLength(1);
  });
});
