import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CreateProjectDocument,
  CreateServiceTokenDocument,
  type PermissionGrantInput,
  RenameServiceTokenDocument,
  RevokeServiceTokenDocument,
  ServiceTokenDocument,
  ServiceTokensDocument,
  ViewerDocument,
} from '../src/client/index.js';
import { dumpDatabase, rowCounts } from './support/checks.js';
import { createTestGateway, errorCodes, type TestGateway } from './support/helpers.js';

const grantTables = [
  'service_tokens',
  'service_token_grants',
  'service_token_grant_projects',
] as const;

async function createToken(gateway: TestGateway, permissions: PermissionGrantInput[], name = 'ci') {
  return gateway
    .client(gateway.adminToken)
    .request(CreateServiceTokenDocument, { input: { name, permissions } });
}

describe('service token secrets', () => {
  it('are returned once, in the create payload, and stored only as a SHA-256 hash', async () => {
    const gateway = await createTestGateway();
    const created = await createToken(gateway, [{ permissionSet: 'job_admin', allProjects: true }]);
    const { token, serviceToken } = created.data!.createServiceToken!;
    expect(token).toMatch(/^tgs_[0-9A-Za-z]{49}$/);
    expect(serviceToken.displayHint).toBe(`tgs_…${token.slice(-4)}`);

    const admin = gateway.client(gateway.adminToken);
    const listed = await admin.request(ServiceTokensDocument, {});
    const fetched = await admin.request(ServiceTokenDocument, { id: serviceToken.id });
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(JSON.stringify(fetched)).not.toContain(token);
    expect(JSON.stringify(await gateway.client(token).request(ViewerDocument))).not.toContain(
      token,
    );

    const dump = await dumpDatabase(gateway.db);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(4, 40));
    const stored = await gateway.db
      .selectFrom('service_tokens')
      .select('token_hash')
      .where('id', '=', Number(serviceToken.id))
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
  });
});

describe('authentication', () => {
  it('accepts "Bearer <token>" and "Token <token>"', async () => {
    const gateway = await createTestGateway();
    for (const scheme of ['Bearer', 'Token', 'bearer']) {
      const response = await gateway.graphql('{ viewer { name } }', {}, undefined, {
        headers: { authorization: `${scheme} ${gateway.adminToken}` },
      });
      expect(response.body.data?.viewer.name).toBe('Bootstrap admin');
    }
  });

  it('answers UNAUTHENTICATED with HTTP 401 when the header is missing', async () => {
    const gateway = await createTestGateway();
    const response = await gateway.graphql('{ viewer { name } }');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(errorCodes(response.body)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses malformed tokens and bad checksums before any SQL, and unknown ones alike', async () => {
    const gateway = await createTestGateway();
    const token = gateway.adminToken;
    const lastChar = token.at(-1) === 'a' ? 'b' : 'a';
    const badChecksum = token.slice(0, -1) + lastChar;
    const wrongBody = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    const cases: Record<string, string> = {
      'not a token': 'Bearer hello',
      'wrong prefix': `Bearer ghp_${token.slice(4)}`,
      'bad checksum': `Bearer ${badChecksum}`,
      'typo in body': `Bearer ${wrongBody}`,
      'no scheme': token,
      'basic scheme': `Basic ${token}`,
    };
    const bodies = new Set<string>();
    for (const [name, header] of Object.entries(cases)) {
      gateway.queries.length = 0;
      const response = await gateway.graphql('{ viewer { name } }', {}, undefined, {
        headers: { authorization: header },
      });
      expect(response.status, name).toBe(401);
      expect(errorCodes(response.body), name).toEqual(['UNAUTHENTICATED']);
      expect(gateway.queries, `${name}: SQL statements`).toEqual([]);
      bodies.add(JSON.stringify(response.body));
    }

    // A well-formed token that was never issued costs one indexed lookup and looks the same.
    const { generateToken } = await import('../src/auth/token.js');
    gateway.queries.length = 0;
    const unknown = await gateway.graphql('{ viewer { name } }', {}, generateToken());
    expect(unknown.status).toBe(401);
    expect(gateway.queries).toHaveLength(1);
    bodies.add(JSON.stringify(unknown.body));
    expect(bodies.size).toBe(1);
  });

  it('refuses a revoked token on its very next request', async () => {
    const gateway = await createTestGateway();
    const created = await createToken(gateway, [{ permissionSet: 'member', allProjects: true }]);
    const { token, serviceToken } = created.data!.createServiceToken!;
    expect((await gateway.client(token).request(ViewerDocument)).data?.viewer.name).toBe('ci');

    const revoked = await gateway
      .client(gateway.adminToken)
      .request(RevokeServiceTokenDocument, { id: serviceToken.id });
    expect(revoked.data?.revokeServiceToken).toMatchObject({ state: 'REVOKED' });
    expect(revoked.data?.revokeServiceToken?.revokedAt).toBeTruthy();

    const after = await gateway.client(token).request(ViewerDocument);
    expect(after.status).toBe(401);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('createServiceToken input', () => {
  async function refused(
    gateway: TestGateway,
    permissions: PermissionGrantInput[],
    field: string,
    message: RegExp,
    name = 'x',
  ) {
    const before = await rowCounts(gateway.db, grantTables);
    const response = await createToken(gateway, permissions, name);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0]!.extensions?.field).toBe(field);
    expect(response.errors![0]!.message).toMatch(message);
    expect(response.data?.createServiceToken ?? null).toBeNull();
    expect(await rowCounts(gateway.db, grantTables)).toEqual(before);
  }

  it('on the Team plan allows exactly account_admin, member, job_admin, readonly and metadata_only', async () => {
    const gateway = await createTestGateway({ plan: 'team' });
    for (const permissionSet of ['member', 'job_admin', 'readonly', 'metadata_only'] as const) {
      const response = await createToken(gateway, [{ permissionSet, allProjects: true }]);
      expect(response.errors, permissionSet).toBeUndefined();
    }
    expect(
      (await createToken(gateway, [{ permissionSet: 'account_admin' }])).errors,
    ).toBeUndefined();
    for (const permissionSet of [
      'stakeholder',
      'admin',
      'analyst',
      'job_viewer',
      'account_viewer',
      'webhooks_only',
    ] as const) {
      await refused(
        gateway,
        [{ permissionSet, allProjects: true }],
        'permissions[0].permissionSet',
        /cannot be assigned on the team plan/,
      );
    }
  });

  it('refuses each rule violation with BAD_USER_INPUT naming the field, writing nothing', async () => {
    const gateway = await createTestGateway();
    const other = await gateway.addAccount('Other', 'enterprise');
    const foreignProject = (
      await gateway
        .client(other.adminToken)
        .request(CreateProjectDocument, { input: { name: 'theirs' } })
    ).data!.createProject!.id;
    const mine = (
      await gateway
        .client(gateway.adminToken)
        .request(CreateProjectDocument, { input: { name: 'mine' } })
    ).data!.createProject!.id;

    await refused(gateway, [], 'permissions', /At least one permission grant/);
    await refused(
      gateway,
      [{ permissionSet: 'account_viewer', projectIds: [mine] }],
      'permissions[0].projectIds',
      /account-level/,
    );
    await refused(
      gateway,
      [{ permissionSet: 'job_admin' }],
      'permissions[0].projectIds',
      /allProjects: true or at least one/,
    );
    await refused(
      gateway,
      [{ permissionSet: 'job_admin', allProjects: true, projectIds: [mine] }],
      'permissions[0].projectIds',
      /not both/,
    );
    await refused(
      gateway,
      [
        {
          permissionSet: 'job_admin',
          allProjects: true,
          writableEnvironmentCategories: ['production'],
        },
      ],
      'permissions[0].writableEnvironmentCategories',
      /does not accept/,
    );
    // The second grant is bad: the first, valid one is not written either.
    await refused(
      gateway,
      [
        {
          permissionSet: 'analyst',
          projectIds: [mine],
          writableEnvironmentCategories: ['staging'],
        },
        { permissionSet: 'member', projectIds: [mine, foreignProject] },
      ],
      'permissions[1].projectIds',
      new RegExp(`Project ${foreignProject} does not exist in this account`),
    );
    await refused(
      gateway,
      [{ permissionSet: 'member', projectIds: ['99999'] }],
      'permissions[0].projectIds',
      /does not exist/,
    );
    await refused(
      gateway,
      [{ permissionSet: 'member', projectIds: ['abc'] }],
      'input.permissions[0].projectIds',
      /positive integer/,
    );
    await refused(
      gateway,
      [{ permissionSet: 'member', allProjects: true }],
      'name',
      /needs 1 to 255 characters/,
      '   ',
    );
  });

  it('stores environment categories and normalizes duplicates', async () => {
    const gateway = await createTestGateway();
    const mine = (
      await gateway
        .client(gateway.adminToken)
        .request(CreateProjectDocument, { input: { name: 'p' } })
    ).data!.createProject!.id;
    const response = await createToken(gateway, [
      {
        permissionSet: 'analyst',
        projectIds: [mine, mine],
        writableEnvironmentCategories: ['staging', 'development', 'staging'],
      },
      {
        permissionSet: 'developer',
        allProjects: true,
        writableEnvironmentCategories: ['production', 'all'],
      },
    ]);
    expect(response.data?.createServiceToken?.serviceToken.grants).toEqual([
      {
        id: expect.any(String),
        permissionSet: { id: 'analyst' },
        allProjects: false,
        projectIds: [mine],
        writableEnvironmentCategories: ['development', 'staging'],
      },
      {
        id: expect.any(String),
        permissionSet: { id: 'developer' },
        allProjects: true,
        projectIds: [],
        writableEnvironmentCategories: ['all'],
      },
    ]);
  });
});

describe('service token management', () => {
  it('renames, refuses a blank name, and answers NOT_FOUND for unknown or foreign ids', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const { serviceToken } = (
      await createToken(gateway, [{ permissionSet: 'member', allProjects: true }])
    ).data!.createServiceToken!;

    const renamed = await admin.request(RenameServiceTokenDocument, {
      id: serviceToken.id,
      name: '  deploy bot  ',
    });
    expect(renamed.data?.renameServiceToken?.name).toBe('deploy bot');
    const blank = await admin.request(RenameServiceTokenDocument, {
      id: serviceToken.id,
      name: ' ',
    });
    expect(errorCodes(blank)).toEqual(['BAD_USER_INPUT']);
    expect(
      (await admin.request(ServiceTokenDocument, { id: serviceToken.id })).data?.serviceToken?.name,
    ).toBe('deploy bot');

    const other = await gateway.addAccount('Other', 'enterprise');
    const theirs = gateway.client(other.adminToken);
    for (const response of [
      await theirs.request(ServiceTokenDocument, { id: serviceToken.id }),
      await theirs.request(RenameServiceTokenDocument, { id: serviceToken.id, name: 'stolen' }),
      await theirs.request(RevokeServiceTokenDocument, { id: serviceToken.id }),
      await admin.request(ServiceTokenDocument, { id: '424242' }),
    ]) {
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    }
    const theirList = await theirs.request(ServiceTokensDocument, {});
    expect(theirList.data?.serviceTokens?.edges.map((edge) => edge.node.name)).toEqual([
      'Bootstrap admin',
    ]);
    expect(
      (await admin.request(ServiceTokenDocument, { id: serviceToken.id })).data?.serviceToken
        ?.state,
    ).toBe('ACTIVE');
  });

  it('pages through serviceTokens exactly once, with a hard cap on first', async () => {
    const gateway = await createTestGateway();
    for (let i = 0; i < 6; i++)
      await createToken(gateway, [{ permissionSet: 'metadata_only', allProjects: true }], `t${i}`);
    const admin = gateway.client(gateway.adminToken);
    const seen: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    do {
      const page = (await admin.request(ServiceTokensDocument, { first: 3, after })).data!
        .serviceTokens!;
      expect(page.totalCount).toBe(7);
      seen.push(...page.edges.map((edge) => edge.node.name));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(['Bootstrap admin', 't0', 't1', 't2', 't3', 't4', 't5']);

    expect(errorCodes(await admin.request(ServiceTokensDocument, { first: 1001 }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await admin.request(ServiceTokensDocument, { first: -1 }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await admin.request(ServiceTokensDocument, { after: 'bm9wZQ' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});
