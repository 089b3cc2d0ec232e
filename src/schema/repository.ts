import { auditedWrite } from '../audit.js';
import type { LocatedScope } from '../auth/authz-plugin.js';
import { parentProject, projectScope } from '../auth/scopes.js';
import type { Context } from '../context.js';
import {
  countRepositories,
  deleteRepository,
  insertRepository,
  isRepositoryLinked,
  listRepositories,
  type RepositoryFields,
  updateRepository,
} from '../db/repositories.js';
import type { CloneStrategy, RepositoryRow, RepositoryTable } from '../db/tables/data-platform.js';
import { generateDeployKey } from '../deploy-key.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { unlessDuplicate } from '../validation.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { validBranch } from './platform-fields.js';
import { Project } from './project.js';
import { DateTime } from './scalars.js';

export async function repositoryScope(
  id: string | number,
  context: Context,
  field = 'id',
): Promise<LocatedScope> {
  const repository = await context.loaders.repository.load(parseId(id, field));
  if (!repository) throw notFound(`Repository ${id}`);
  return { projectId: repository.project_id, label: `Repository ${id}` };
}

export const CloneStrategyEnum = builder.enumType('GitCloneStrategy', {
  description: 'How the repository is cloned. `deploy_key` clones over SSH; the others over HTTPS.',
  values: {
    deploy_key: {
      description:
        'SSH with the Ed25519 deploy key generated for the repository (add its public key to the git host).',
    },
    github_app: { description: 'HTTPS with a GitHub App installation token.' },
    gitlab_deploy_token: { description: 'HTTPS with a GitLab deploy token.' },
    azure_devops_app: { description: 'HTTPS with an Azure DevOps (Entra ID) app.' },
  } as const,
});

export const Repository = builder.objectRef<RepositoryRow>('Repository').implement({
  description:
    "A git repository of a project. The deploy key's private half is stored sealed and never returned.",
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    projectId: t.exposeID('project_id', { nullable: false }),
    gitUrl: t.exposeString('git_url', { nullable: false }),
    defaultBranch: t.exposeString('default_branch', { nullable: false }),
    cloneStrategy: t.expose('clone_strategy', { type: CloneStrategyEnum, nullable: false }),
    deployPublicKey: t.exposeString('deploy_key_public', {
      description:
        'With `deploy_key`: the public key in OpenSSH format, to add to the git host as a deploy key.',
    }),
    deployKeyFingerprint: t.exposeString('deploy_key_fingerprint', {
      description: 'Its SHA256 fingerprint, as `ssh-keygen -lf` prints it.',
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
  }),
});

const RepositoryConnection = connectionType(Repository, 'Repository');

builder.objectField(Project, 'repositories', (t) =>
  t.field({
    type: RepositoryConnection,
    args: pageArgs,
    authz: {
      resource: 'repositories',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, args, context) =>
      resolveConnection(
        args,
        (page) => listRepositories(context.db, project.id, page),
        () => countRepositories(context.db, project.id),
      ),
  }),
);

builder.queryField('repository', (t) =>
  t.field({
    type: Repository,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'repositories',
      action: 'read',
      project: (_root, { id }, context) => repositoryScope(id, context),
    },
    resolve: (_root, { id }, context) => context.loaders.repository.load(Number(id)),
  }),
);

const maxUrlLength = 2048;
const pathPattern = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?$/;
const hostPattern = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/**
 * A git remote URL: `https://host[:port]/path`, `ssh://[user@]host[:port]/path`, or scp-like
 * `user@host:path`. Refused: other schemes (plain http, git://, file://), credentials inside the
 * URL (they would be stored and shown in plain text), query strings, `..` segments, and hosts
 * starting with "-" (read by ssh as an option).
 */
export function parseGitUrl(
  value: string,
  field: string,
): { url: string; transport: 'ssh' | 'https' } {
  const url = value.trim();
  const refuse = (why: string) => badUserInput(`gitUrl ${why}.`, field);
  if (url.length === 0 || url.length > maxUrlLength || /\s/.test(url))
    throw refuse(`needs 1 to ${maxUrlLength} characters without spaces`);
  const scpLike = /^([A-Za-z0-9._-]+)@([^:/]+):(?!\/\/)(.+)$/.exec(url);
  if (scpLike && !url.includes('://')) {
    const [, , host, path] = scpLike;
    if (!hostPattern.test(host!)) throw refuse('has an invalid host');
    if (!pathPattern.test(path!.replace(/^\//, '')) || path!.split('/').includes('..'))
      throw refuse('has an invalid repository path');
    return { url, transport: 'ssh' };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('must be an https:// or ssh:// URL, or scp-like user@host:path');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'ssh:')
    throw refuse('must use https or ssh (not plain http, git or file)');
  if (parsed.password || (parsed.protocol === 'https:' && parsed.username))
    throw refuse('must not carry credentials');
  if (parsed.search || parsed.hash) throw refuse('must not have a query or fragment');
  if (!hostPattern.test(parsed.hostname)) throw refuse('has an invalid host');
  const path = parsed.pathname.replace(/^\//, '');
  // The URL parser resolves ".." away; the stored URL is the raw one, so look at that.
  const rawPath = url
    .slice(url.indexOf('://') + 3)
    .split('/')
    .slice(1);
  if (!pathPattern.test(path) || rawPath.includes('..') || rawPath.includes('.')) {
    throw refuse('has an invalid repository path');
  }
  return { url, transport: parsed.protocol === 'ssh:' ? 'ssh' : 'https' };
}

/** deploy_key clones over SSH; every other strategy over HTTPS. */
function checkStrategy(strategy: CloneStrategy, transport: 'ssh' | 'https', field: string): void {
  if ((strategy === 'deploy_key') !== (transport === 'ssh')) {
    throw badUserInput(
      strategy === 'deploy_key'
        ? 'The deploy_key strategy needs an SSH git URL (git@host:org/repo.git or ssh://…).'
        : `The ${strategy} strategy needs an https:// git URL.`,
      field,
    );
  }
}

type DeployKeyColumns = Pick<
  RepositoryTable,
  'deploy_key_public' | 'deploy_key_fingerprint' | 'deploy_key_private_sealed'
>;

function newDeployKey(context: Context, projectId: number): DeployKeyColumns {
  const key = generateDeployKey(`tollgate-project-${projectId}`);
  return {
    deploy_key_public: key.publicKey,
    deploy_key_fingerprint: key.fingerprint,
    deploy_key_private_sealed: context.secrets.seal(key.privateKeyOpenSsh),
  };
}

const noDeployKey: DeployKeyColumns = {
  deploy_key_public: null,
  deploy_key_fingerprint: null,
  deploy_key_private_sealed: null,
};

const CreateRepositoryInput = builder.inputType('CreateRepositoryInput', {
  fields: (t) => ({
    projectId: t.id({ required: true }),
    gitUrl: t.string({ required: true }),
    defaultBranch: t.string({ description: 'Default "main".' }),
    cloneStrategy: t.field({
      type: CloneStrategyEnum,
      description: 'Default deploy_key for SSH URLs, github_app for https.',
    }),
  }),
});

const UpdateRepositoryInput = builder.inputType('UpdateRepositoryInput', {
  description:
    'Fields left out are unchanged. Switching to deploy_key generates a new key; switching away drops it.',
  fields: (t) => ({
    gitUrl: t.string(),
    defaultBranch: t.string(),
    cloneStrategy: t.field({ type: CloneStrategyEnum }),
  }),
});

const duplicateUrl = 'The project already has a repository with this git URL.';

builder.mutationFields((t) => ({
  createRepository: t.field({
    type: Repository,
    description: 'Adds a repository; with deploy_key, generates its Ed25519 key pair.',
    args: { input: t.arg({ type: CreateRepositoryInput, required: true }) },
    authz: {
      resource: 'repositories',
      action: 'write',
      project: (_root, { input }, context) =>
        projectScope(input.projectId, context.loaders, 'input.projectId'),
    },
    resolve: (_root, { input }, context) => {
      const projectId = parseId(input.projectId, 'input.projectId');
      const { url, transport } = parseGitUrl(input.gitUrl, 'input.gitUrl');
      const strategy = input.cloneStrategy ?? (transport === 'ssh' ? 'deploy_key' : 'github_app');
      checkStrategy(strategy, transport, 'input.cloneStrategy');
      const fields: RepositoryFields = {
        git_url: url,
        default_branch: validBranch(input.defaultBranch ?? 'main', 'input.defaultBranch'),
        clone_strategy: strategy,
        ...(strategy === 'deploy_key' ? newDeployKey(context, projectId) : noDeployKey),
      };
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'createRepository', async (trx) => {
            const repository = await insertRepository(trx, {
              ...fields,
              project_id: projectId,
              now: context.now().toISOString(),
            });
            return {
              result: repository,
              target: {
                type: 'Repository',
                id: repository.id,
                projectId,
                details: {
                  gitUrl: url,
                  defaultBranch: fields.default_branch,
                  cloneStrategy: strategy,
                  deployKeyFingerprint: fields.deploy_key_fingerprint,
                },
              },
            };
          }),
        'input.gitUrl',
        duplicateUrl,
      );
    },
  }),
  updateRepository: t.field({
    type: Repository,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateRepositoryInput, required: true }),
    },
    authz: {
      resource: 'repositories',
      action: 'write',
      project: (_root, { id }, context) => repositoryScope(id, context),
    },
    resolve: async (_root, { id, input }, context) => {
      const current = (await context.loaders.repository.load(Number(id)))!;
      const { url, transport } =
        input.gitUrl == null
          ? parseGitUrl(current.git_url, 'input.gitUrl')
          : parseGitUrl(input.gitUrl, 'input.gitUrl');
      const strategy = input.cloneStrategy ?? current.clone_strategy;
      checkStrategy(
        strategy,
        transport,
        input.cloneStrategy == null ? 'input.gitUrl' : 'input.cloneStrategy',
      );
      const keyChange =
        strategy === current.clone_strategy
          ? {}
          : strategy === 'deploy_key'
            ? newDeployKey(context, current.project_id)
            : noDeployKey;
      const changes: Partial<RepositoryFields> = {
        ...(input.gitUrl == null ? {} : { git_url: url }),
        ...(input.defaultBranch == null
          ? {}
          : { default_branch: validBranch(input.defaultBranch, 'input.defaultBranch') }),
        clone_strategy: strategy,
        ...keyChange,
      };
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'updateRepository', async (trx) => {
            const repository = await updateRepository(trx, current.id, {
              ...changes,
              now: context.now().toISOString(),
            });
            context.loaders.repository.clear(current.id).prime(current.id, repository);
            return {
              result: repository,
              target: {
                type: 'Repository',
                id: current.id,
                projectId: current.project_id,
                details: { ...input, deployKeyFingerprint: repository.deploy_key_fingerprint },
              },
            };
          }),
        'input.gitUrl',
        duplicateUrl,
      );
    },
  }),
  regenerateDeployKey: t.field({
    type: Repository,
    description:
      'Replaces the deploy key of a deploy_key repository with a new pair; the old public key stops being ours.',
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'repositories',
      action: 'write',
      project: (_root, { id }, context) => repositoryScope(id, context),
    },
    resolve: async (_root, { id }, context) => {
      const current = (await context.loaders.repository.load(Number(id)))!;
      if (current.clone_strategy !== 'deploy_key') {
        throw badUserInput(`A ${current.clone_strategy} repository has no deploy key.`, 'id');
      }
      const key = newDeployKey(context, current.project_id);
      return auditedWrite(context, 'regenerateDeployKey', async (trx) => {
        const repository = await updateRepository(trx, current.id, {
          ...key,
          now: context.now().toISOString(),
        });
        context.loaders.repository.clear(current.id).prime(current.id, repository);
        return {
          result: repository,
          target: {
            type: 'Repository',
            id: current.id,
            projectId: current.project_id,
            details: { from: current.deploy_key_fingerprint, to: key.deploy_key_fingerprint },
          },
        };
      });
    },
  }),
  deleteRepository: t.field({
    type: Repository,
    description:
      "Deletes a repository that is not its project's linked repository; returns it as it was.",
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'repositories',
      action: 'write',
      project: (_root, { id }, context) => repositoryScope(id, context),
    },
    resolve: async (_root, { id }, context) => {
      const repository = (await context.loaders.repository.load(Number(id)))!;
      return auditedWrite(context, 'deleteRepository', async (trx) => {
        if (await isRepositoryLinked(trx, repository.id)) {
          throw badUserInput(
            'The project links this repository; link another one or unlink it (updateProject) first.',
            'id',
          );
        }
        await deleteRepository(trx, repository.id);
        return {
          result: repository,
          target: {
            type: 'Repository',
            id: repository.id,
            projectId: repository.project_id,
            details: { gitUrl: repository.git_url },
          },
        };
      });
    },
  }),
}));
