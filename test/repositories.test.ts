import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CreateProjectDocument,
  CreateRepositoryDocument,
  CreateServiceTokenDocument,
  DeleteProjectDocument,
  DeleteRepositoryDocument,
  ProjectLinksDocument,
  ProjectRepositoriesDocument,
  ProjectRepositoryDocument,
  RegenerateDeployKeyDocument,
  RepositoryDocument,
  UpdateProjectSettingsDocument,
  UpdateRepositoryDocument,
} from '../src/client/index.js';
import { ed25519PublicKeyBlob, sshFingerprint } from '../src/deploy-key.js';
import { required } from './support/builders.js';
import { auditText, badField, dumpDatabase, expectNoSecret, rowCount } from './support/checks.js';
import { createTestGateway, errorCodes, type TestGateway } from './support/helpers.js';

async function setUp(gateway: TestGateway) {
  const admin = gateway.client(gateway.adminToken);
  const project = required(
    await admin.request(CreateProjectDocument, { input: { name: 'analytics' } }),
    'project',
  ).createProject!.id;
  return { admin, project };
}

/** Parses an OpenSSH public key line into its blob, checking the format on the way. */
function parseOpenSshLine(line: string): Buffer {
  const [algorithm, base64, comment] = line.split(' ');
  expect(algorithm).toBe('ssh-ed25519');
  expect(comment).toMatch(/^tollgate-project-\d+$/);
  const blob = Buffer.from(base64!, 'base64');
  expect(blob.readUInt32BE(0)).toBe(11);
  expect(blob.subarray(4, 15).toString()).toBe('ssh-ed25519');
  expect(blob.readUInt32BE(15)).toBe(32);
  expect(blob).toHaveLength(4 + 11 + 4 + 32);
  return blob;
}

/** Reads an unencrypted openssh-key-v1 file (OpenSSH PROTOCOL.key) far enough to check its key pair. */
function seedMatches(file: string, publicBlob: Buffer): boolean {
  const lines = file.trim().split('\n');
  expect(lines[0]).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
  expect(lines.at(-1)).toBe('-----END OPENSSH PRIVATE KEY-----');
  const body = Buffer.from(lines.slice(1, -1).join(''), 'base64');
  let offset = 0;
  const take = () => {
    const length = body.readUInt32BE(offset);
    const value = body.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return value;
  };
  expect(body.subarray(0, 15).toString()).toBe('openssh-key-v1\0');
  offset = 15;
  expect([take().toString(), take().toString(), take().length]).toEqual(['none', 'none', 0]);
  expect(body.readUInt32BE(offset)).toBe(1);
  offset += 4;
  expect(take()).toEqual(publicBlob);
  const section = take();
  expect(section.length % 8).toBe(0);
  expect(section.readUInt32BE(0)).toBe(section.readUInt32BE(4));
  const seed = section.subarray(4 + 4 + 4 + 11 + 4 + 32 + 4, 4 + 4 + 4 + 11 + 4 + 32 + 4 + 32);
  // The seed as PKCS#8 (RFC 8410): Node derives its public key, which must be the one published.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const derived = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
  return ed25519PublicKeyBlob(
    Buffer.from(derived.export({ format: 'jwk' }).x!, 'base64url'),
  ).equals(publicBlob);
}

describe('repositories', () => {
  it('generate an Ed25519 deploy key: OpenSSH public key, ssh-keygen fingerprint, sealed private half that matches', async () => {
    const gateway = await createTestGateway();
    const { admin, project } = await setUp(gateway);
    const repository = required(
      await admin.request(CreateRepositoryDocument, {
        input: { projectId: project, gitUrl: 'git@github.com:acme/analytics.git' },
      }),
      'create',
    ).createRepository!;
    expect(repository).toMatchObject({
      cloneStrategy: 'deploy_key',
      defaultBranch: 'main',
      projectId: project,
    });
    const blob = parseOpenSshLine(repository.deployPublicKey!);
    expect(repository.deployKeyFingerprint).toBe(sshFingerprint(blob));
    expect(repository.deployKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);

    const stored = await gateway.db
      .selectFrom('repositories')
      .selectAll()
      .executeTakeFirstOrThrow();
    const privateFile = gateway.secrets.open(stored.deploy_key_private_sealed!);
    expect(stored.deploy_key_private_sealed).not.toContain('PRIVATE KEY');
    expect(seedMatches(privateFile, blob)).toBe(true);

    const rotated = required(
      await admin.request(RegenerateDeployKeyDocument, { id: repository.id }),
      'rotate',
    ).regenerateDeployKey!;
    expect(rotated.deployKeyFingerprint).not.toBe(repository.deployKeyFingerprint);
    expect(rotated.deployKeyFingerprint).toBe(
      sshFingerprint(parseOpenSshLine(rotated.deployPublicKey!)),
    );

    // The private key never comes back, and is nowhere in plain text.
    const base64Body = privateFile
      .split('\n')
      .filter((line) => line && !line.startsWith('-----'))
      .join('');
    const listed = await admin.request(ProjectRepositoriesDocument, { projectId: project });
    expectNoSecret(
      {
        api: JSON.stringify([repository, rotated, listed]),
        audit: await auditText(admin),
        database: await dumpDatabase(gateway.db),
      },
      [base64Body, 'PRIVATE KEY'],
    );
  });

  it('switch strategies: away from deploy_key drops the key, back to it makes a new one', async () => {
    const gateway = await createTestGateway();
    const { admin, project } = await setUp(gateway);
    const https = required(
      await admin.request(CreateRepositoryDocument, {
        input: { projectId: project, gitUrl: 'https://github.com/acme/analytics.git' },
      }),
      'create',
    ).createRepository!;
    expect(https).toMatchObject({
      cloneStrategy: 'github_app',
      deployPublicKey: null,
      deployKeyFingerprint: null,
    });
    expect(badField(await admin.request(RegenerateDeployKeyDocument, { id: https.id }))).toBe('id');

    expect(
      badField(
        await admin.request(UpdateRepositoryDocument, {
          id: https.id,
          input: { cloneStrategy: 'deploy_key' },
        }),
      ),
    ).toBe('input.cloneStrategy');
    const ssh = required(
      await admin.request(UpdateRepositoryDocument, {
        id: https.id,
        input: {
          gitUrl: 'ssh://git@gitlab.example.com:2222/data/analytics.git',
          cloneStrategy: 'deploy_key',
          defaultBranch: 'release/2026',
        },
      }),
      'update',
    ).updateRepository!;
    expect(ssh).toMatchObject({ cloneStrategy: 'deploy_key', defaultBranch: 'release/2026' });
    expect(ssh.deployPublicKey).toMatch(/^ssh-ed25519 /);
    const back = required(
      await admin.request(UpdateRepositoryDocument, {
        id: https.id,
        input: {
          gitUrl: 'https://gitlab.example.com/data/analytics.git',
          cloneStrategy: 'gitlab_deploy_token',
        },
      }),
      'update',
    ).updateRepository!;
    expect(back).toMatchObject({ deployPublicKey: null, deployKeyFingerprint: null });
    const stored = await gateway.db
      .selectFrom('repositories')
      .select('deploy_key_private_sealed')
      .executeTakeFirstOrThrow();
    expect(stored.deploy_key_private_sealed).toBeNull();
  });

  it('validate git URLs and branches, naming the field and writing nothing', async () => {
    const gateway = await createTestGateway();
    const { admin, project } = await setUp(gateway);
    const accepted = [
      'git@github.com:acme/analytics.git',
      'git@bitbucket.org:acme/dbt',
      'ssh://git@github.com/acme/analytics.git',
      'ssh://git@git.example.com:7999/data/dbt.git',
    ];
    for (const gitUrl of accepted) {
      expect(
        errorCodes(
          await admin.request(CreateRepositoryDocument, { input: { projectId: project, gitUrl } }),
        ),
        gitUrl,
      ).toEqual([]);
    }
    expect(
      errorCodes(
        await admin.request(CreateRepositoryDocument, {
          input: {
            projectId: project,
            gitUrl: 'https://dev.azure.com/acme/data/_git/dbt',
            cloneStrategy: 'azure_devops_app',
          },
        }),
      ),
    ).toEqual([]);
    const before = await rowCount(gateway.db, 'repositories');

    const refused: [Record<string, unknown>, string][] = [
      [{ gitUrl: 'http://github.com/acme/analytics.git' }, 'input.gitUrl'],
      [{ gitUrl: 'https://user:token@github.com/acme/analytics.git' }, 'input.gitUrl'],
      [{ gitUrl: 'https://oauth2@github.com/acme/analytics.git' }, 'input.gitUrl'],
      [{ gitUrl: 'git://github.com/acme/analytics.git' }, 'input.gitUrl'],
      [{ gitUrl: 'file:///srv/git/analytics.git' }, 'input.gitUrl'],
      [{ gitUrl: 'git@-oProxyCommand=evil:acme/x.git' }, 'input.gitUrl'],
      [{ gitUrl: 'https://github.com/acme/../secrets.git' }, 'input.gitUrl'],
      [{ gitUrl: 'https://github.com/acme/x.git?ref=main' }, 'input.gitUrl'],
      [{ gitUrl: 'https://github.com/' }, 'input.gitUrl'],
      [{ gitUrl: 'not a url' }, 'input.gitUrl'],
      [{ gitUrl: '' }, 'input.gitUrl'],
      [{ gitUrl: 'git@github.com:acme/analytics.git' }, 'input.gitUrl'],
      [
        { gitUrl: 'https://github.com/acme/other.git', cloneStrategy: 'deploy_key' },
        'input.cloneStrategy',
      ],
      [
        { gitUrl: 'git@github.com:acme/other.git', cloneStrategy: 'github_app' },
        'input.cloneStrategy',
      ],
      [
        { gitUrl: 'git@github.com:acme/other.git', defaultBranch: 'has space' },
        'input.defaultBranch',
      ],
      [{ gitUrl: 'git@github.com:acme/other.git', defaultBranch: 'a..b' }, 'input.defaultBranch'],
      [{ gitUrl: 'git@github.com:acme/other.git', defaultBranch: '-rf' }, 'input.defaultBranch'],
      [
        { gitUrl: 'git@github.com:acme/other.git', defaultBranch: 'feature/x.lock' },
        'input.defaultBranch',
      ],
      [{ gitUrl: 'git@github.com:acme/other.git', defaultBranch: 'main/' }, 'input.defaultBranch'],
    ];
    for (const [change, field] of refused) {
      const response = await admin.request(CreateRepositoryDocument, {
        input: { projectId: project, gitUrl: '', ...change } as never,
      });
      expect(badField(response), JSON.stringify(change)).toBe(field);
    }
    expect(await rowCount(gateway.db, 'repositories')).toBe(before);
    expect(
      errorCodes(
        await admin.request(CreateRepositoryDocument, {
          input: { projectId: '99999', gitUrl: 'git@github.com:a/b.git' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await admin.request(RepositoryDocument, { id: '99999' }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('are linked to their project, cannot be deleted while linked, and go with the project', async () => {
    const gateway = await createTestGateway();
    const { admin, project } = await setUp(gateway);
    const repository = required(
      await admin.request(CreateRepositoryDocument, {
        input: { projectId: project, gitUrl: 'git@github.com:acme/analytics.git' },
      }),
      'create',
    ).createRepository!;
    const other = required(
      await admin.request(CreateProjectDocument, { input: { name: 'other' } }),
      'project',
    ).createProject!.id;

    expect(
      badField(
        await admin.request(UpdateProjectSettingsDocument, {
          id: other,
          input: { repositoryId: repository.id },
        }),
      ),
    ).toBe('input.repositoryId');
    required(
      await admin.request(UpdateProjectSettingsDocument, {
        id: project,
        input: { repositoryId: repository.id },
      }),
      'link',
    );
    expect(
      (await admin.request(ProjectRepositoryDocument, { id: project })).data?.project?.repository
        ?.id,
    ).toBe(repository.id);
    expect(badField(await admin.request(DeleteRepositoryDocument, { id: repository.id }))).toBe(
      'id',
    );
    expect(await rowCount(gateway.db, 'repositories')).toBe(1);

    required(await admin.request(DeleteProjectDocument, { id: project }), 'deleteProject');
    expect(await rowCount(gateway.db, 'repositories')).toBe(0);
    expect(await rowCount(gateway.db, 'project_settings')).toBe(0);
  });

  it('are guarded per project: another project is NOT_FOUND, reading needs repositories read', async () => {
    const gateway = await createTestGateway();
    const { admin, project } = await setUp(gateway);
    const other = required(
      await admin.request(CreateProjectDocument, { input: { name: 'other' } }),
      'project',
    ).createProject!.id;
    const repository = required(
      await admin.request(CreateRepositoryDocument, {
        input: { projectId: other, gitUrl: 'git@github.com:acme/other.git' },
      }),
      'create',
    ).createRepository!;
    required(
      await admin.request(UpdateProjectSettingsDocument, {
        id: other,
        input: { repositoryId: repository.id },
      }),
      'link',
    );
    const tokenFor = async (permissionSet: 'git_admin' | 'analyst', projectIds: string[]) =>
      gateway.client(
        required(
          await admin.request(CreateServiceTokenDocument, {
            input: { name: permissionSet, permissions: [{ permissionSet, projectIds }] },
          }),
          'token',
        ).createServiceToken!.token,
      );

    const gitAdminOfFirst = await tokenFor('git_admin', [project]);
    expect(
      errorCodes(await gitAdminOfFirst.request(RepositoryDocument, { id: repository.id })),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(
        await gitAdminOfFirst.request(UpdateRepositoryDocument, {
          id: repository.id,
          input: { defaultBranch: 'x' },
        }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(await gitAdminOfFirst.request(DeleteRepositoryDocument, { id: repository.id })),
    ).toEqual(['NOT_FOUND']);

    // Analysts hold projects read but not repositories: the project is theirs, its repository is not.
    const analyst = await tokenFor('analyst', [other]);
    const walked = await analyst.request(ProjectLinksDocument, { id: other });
    expect(walked.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredPermission: 'repositories:read',
    });
    expect(walked.data?.project?.repository).toBeNull();
    expect(walked.data?.project?.dbtProjectSubdirectory).toBe('');
  });

  it('are isolated between accounts', async () => {
    const gateway = await createTestGateway();
    const { admin, project } = await setUp(gateway);
    const other = await gateway.addAccount('Other', 'enterprise');
    const theirs = gateway.client(other.adminToken);
    const theirProject = required(
      await theirs.request(CreateProjectDocument, { input: { name: 'theirs' } }),
      'project',
    ).createProject!.id;
    const theirRepository = required(
      await theirs.request(CreateRepositoryDocument, {
        input: { projectId: theirProject, gitUrl: 'git@github.com:other/x.git' },
      }),
      'create',
    ).createRepository!;
    required(
      await admin.request(CreateRepositoryDocument, {
        input: { projectId: project, gitUrl: 'git@github.com:acme/x.git' },
      }),
      'create',
    );

    expect(errorCodes(await admin.request(RepositoryDocument, { id: theirRepository.id }))).toEqual(
      ['NOT_FOUND'],
    );
    expect(
      errorCodes(await admin.request(RegenerateDeployKeyDocument, { id: theirRepository.id })),
    ).toEqual(['NOT_FOUND']);
    expect(
      errorCodes(await admin.request(ProjectRepositoriesDocument, { projectId: theirProject })),
    ).toEqual(['NOT_FOUND']);
    expect(
      badField(
        await admin.request(UpdateProjectSettingsDocument, {
          id: project,
          input: { repositoryId: theirRepository.id },
        }),
      ),
    ).toBe('input.repositoryId');
    const mine = (await admin.request(ProjectRepositoriesDocument, { projectId: project })).data!
      .project!.repositories!;
    expect(mine.edges.map((edge) => edge.node.gitUrl)).toEqual(['git@github.com:acme/x.git']);
  });
});
