import { auditedWrite } from '../audit.js';
import { refuseEscalation } from '../auth/grant-input.js';
import { parentProject, projectScope } from '../auth/scopes.js';
import type { Grant } from '../catalog/access.js';
import { normalizeGrants } from '../catalog/grants.js';
import { permissionSets } from '../catalog/permission-sets.js';
import { type Context, principalOf } from '../context.js';
import type { Db } from '../db/database.js';
import {
  addProjectToGrant,
  type HolderKind,
  insertGrants,
  listGrantsOf,
  removeProjectFromGrant,
} from '../db/grants.js';
import { findHeldGrant, type GrantHolder, type HeldGrant } from '../db/permission-grants.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { grantSummary } from './grant.js';
import {
  PermissionSet,
  PermissionSetIdEnum,
  WritableEnvironmentCategoryEnum,
} from './permission-set.js';
import { Project } from './project.js';

const PermissionHolderKindEnum = builder.enumType('PermissionHolderKind', {
  values: {
    SERVICE_TOKEN: {
      description: 'A service token (revoked tokens hold nothing and are not listed).',
    },
    GROUP: { description: 'A group of members.' },
  } as const,
});

const PermissionHolder = builder.objectRef<GrantHolder>('PermissionHolder').implement({
  description: 'Who holds a grant, as recorded with the grant (not a link to the token or group).',
  fields: (t) => ({
    kind: t.expose('kind', { type: PermissionHolderKindEnum, nullable: false }),
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
  }),
});

const grantIdPrefix: Record<HolderKind, string> = {
  SERVICE_TOKEN: 'token-grant-',
  GROUP: 'group-grant-',
};

function grantIdOf(grant: HeldGrant): string {
  return `${grantIdPrefix[grant.holder.kind]}${grant.id}`;
}

function parseGrantId(value: string | number): { kind: HolderKind; id: number } {
  const match = /^(token|group)-grant-([1-9][0-9]{0,14})$/.exec(String(value));
  if (!match)
    throw badUserInput(
      `grantId must be a grantId from Project.permissionGrants, not "${value}".`,
      'grantId',
    );
  return { kind: match[1] === 'token' ? 'SERVICE_TOKEN' : 'GROUP', id: Number(match[2]) };
}

const ProjectPermissionGrant = builder.objectRef<HeldGrant>('ProjectPermissionGrant').implement({
  description:
    'A permission set a service token or group holds on a project, through a grant on this project or on every project.',
  fields: (t) => ({
    grantId: t.id({
      nullable: false,
      description: 'Identifies the grant for revokeProjectPermission.',
      authz: 'parent',
      resolve: grantIdOf,
    }),
    holder: t.expose('holder', { type: PermissionHolder, nullable: false, authz: 'parent' }),
    permissionSet: t.field({
      type: PermissionSet,
      nullable: false,
      authz: 'parent',
      resolve: (grant) => grant.permissionSet,
    }),
    allProjects: t.boolean({
      nullable: false,
      description: 'True for grants on every project, and always for account-level sets.',
      authz: 'parent',
      resolve: (grant) => grant.projectIds === null,
    }),
    writableEnvironmentCategories: t.field({
      type: [WritableEnvironmentCategoryEnum],
      nullable: false,
      authz: 'parent',
      resolve: (grant) => grant.writableEnvironmentCategories,
    }),
  }),
});

builder.objectField(Project, 'permissionGrants', (t) =>
  t.field({
    type: [ProjectPermissionGrant],
    nullable: false,
    description: 'Which service tokens and groups hold which permission sets on this project.',
    authz: {
      resource: 'permissions',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, _args, context) => context.loaders.grantsOnProject.load(project.id),
  }),
);

async function grantsOfHolder(
  db: Db,
  holder: { kind: HolderKind; id: number },
): Promise<readonly (Grant & { readonly id: number })[]> {
  return (await listGrantsOf(db, holder.kind, [holder.id])).get(holder.id) ?? [];
}

/** The token or group named by the input (exactly one); NOT_FOUND outside the account. */
async function holderOf(
  input: { serviceTokenId?: string | number | null; groupId?: string | number | null },
  context: Context,
): Promise<GrantHolder> {
  if ((input.serviceTokenId == null) === (input.groupId == null)) {
    throw badUserInput('Give exactly one of serviceTokenId and groupId.', 'input.serviceTokenId');
  }
  if (input.serviceTokenId != null) {
    const token = await context.loaders.serviceToken.load(
      parseId(input.serviceTokenId, 'input.serviceTokenId'),
    );
    if (!token) throw notFound(`Service token ${input.serviceTokenId}`);
    if (token.revoked_at !== null)
      throw badUserInput(
        `Service token ${input.serviceTokenId} is revoked.`,
        'input.serviceTokenId',
      );
    return { kind: 'SERVICE_TOKEN', id: token.id, name: token.name };
  }
  const group = await context.loaders.group.load(parseId(input.groupId!, 'input.groupId'));
  if (!group) throw notFound(`Group ${input.groupId}`);
  return { kind: 'GROUP', id: group.id, name: group.name };
}

function auditTarget(holder: GrantHolder, projectId: number, details: Record<string, unknown>) {
  return {
    type: holder.kind === 'SERVICE_TOKEN' ? 'ServiceToken' : 'Group',
    id: holder.id,
    projectId,
    details,
  };
}

const sameCategories = (a: Grant, b: Grant) =>
  a.writableEnvironmentCategories.length === b.writableEnvironmentCategories.length &&
  a.writableEnvironmentCategories.every(
    (category, index) => category === b.writableEnvironmentCategories[index],
  );

const GrantProjectPermissionInput = builder.inputType('GrantProjectPermissionInput', {
  description: 'Exactly one of serviceTokenId and groupId.',
  fields: (t) => ({
    serviceTokenId: t.id(),
    groupId: t.id(),
    permissionSet: t.field({
      type: PermissionSetIdEnum,
      required: true,
      description: 'A project-level set.',
    }),
    writableEnvironmentCategories: t.field({
      type: [WritableEnvironmentCategoryEnum],
      description:
        'Only for sets that accept it (analyst, database_admin, developer, git_admin, team_admin).',
    }),
  }),
});

builder.mutationFields((t) => ({
  grantProjectPermission: t.field({
    type: ProjectPermissionGrant,
    nullable: false,
    description:
      "Grants a project-level permission set on this project to a service token or group. No one grants what they do not hold: anything beyond the calling token's own access is FORBIDDEN. A token's new grant applies from its next request.",
    args: {
      projectId: t.arg.id({ required: true }),
      input: t.arg({ type: GrantProjectPermissionInput, required: true }),
    },
    authz: {
      resource: 'permissions',
      action: 'write',
      project: (_root, { projectId }, context) =>
        projectScope(projectId, context.loaders, 'projectId'),
    },
    resolve: async (_root, { projectId: projectArg, input }, context) => {
      const principal = principalOf(context);
      const projectId = parseId(projectArg, 'projectId');
      const holder = await holderOf(input, context);
      if (permissionSets[input.permissionSet].level === 'account') {
        throw badUserInput(
          `Permission set "${input.permissionSet}" is account-level; it cannot be granted on one project (grant it on the service token or group).`,
          'input.permissionSet',
        );
      }
      const normalized = normalizeGrants(principal.account.plan, [
        {
          permissionSet: input.permissionSet,
          projectIds: [projectId],
          writableEnvironmentCategories: input.writableEnvironmentCategories,
        },
      ]);
      if ('problem' in normalized) {
        throw badUserInput(
          normalized.problem.message,
          `input.${normalized.problem.field.replace(/^permissions\[0\]\./, '')}`,
        );
      }
      const grant = normalized.grants[0]!;
      refuseEscalation(principal.access, [grant]);

      return auditedWrite(context, 'grantProjectPermission', async (trx) => {
        const before = await grantsOfHolder(trx, holder);
        const alike = before.filter(
          (held) => held.permissionSet === grant.permissionSet && sameCategories(held, grant),
        );
        if (alike.some((held) => held.projectIds === null || held.projectIds.includes(projectId))) {
          throw badUserInput(
            `${holder.name} already holds ${grant.permissionSet} on project ${projectId}.`,
            'input.permissionSet',
          );
        }
        // Extend a grant of the same set and categories rather than adding a twin.
        const extendable = alike.find((held) => held.projectIds !== null);
        let grantId: number;
        if (extendable) {
          await addProjectToGrant(trx, holder.kind, extendable.id, projectId);
          grantId = extendable.id;
        } else {
          [grantId] = (await insertGrants(trx, holder.kind, holder.id, [grant])) as [number];
        }
        const after = await grantsOfHolder(trx, holder);
        const result: HeldGrant = { ...grant, id: grantId, holder };
        const details = {
          grantId: grantIdOf(result),
          permissionSet: grant.permissionSet,
          before: before.map(grantSummary),
          after: after.map(grantSummary),
        };
        return { result, target: auditTarget(holder, projectId, details) };
      });
    },
  }),
  revokeProjectPermission: t.field({
    type: ProjectPermissionGrant,
    nullable: false,
    description:
      'Takes this project out of a grant on specific projects (a grant left with no project is deleted); returns the grant as it was here. Grants on every project are changed on their token or group instead.',
    args: { projectId: t.arg.id({ required: true }), grantId: t.arg.id({ required: true }) },
    authz: {
      resource: 'permissions',
      action: 'write',
      project: (_root, { projectId }, context) =>
        projectScope(projectId, context.loaders, 'projectId'),
    },
    resolve: async (_root, { projectId: projectArg, grantId }, context) => {
      const { account } = principalOf(context);
      const projectId = parseId(projectArg, 'projectId');
      const { kind, id } = parseGrantId(grantId);
      return auditedWrite(context, 'revokeProjectPermission', async (trx) => {
        const grant = await findHeldGrant(trx, account.id, kind, id);
        if (!grant || (grant.projectIds !== null && !grant.projectIds.includes(projectId))) {
          throw notFound(`Permission grant ${grantId} on project ${projectId}`);
        }
        if (grant.projectIds === null) {
          throw badUserInput(
            kind === 'GROUP'
              ? `Grant ${grantId} applies to every project; change it with updateGroup instead.`
              : `Grant ${grantId} applies to every project; change the token's grants with setServiceTokenGrants instead.`,
            'grantId',
          );
        }
        const before = await grantsOfHolder(trx, grant.holder);
        await removeProjectFromGrant(trx, kind, id, projectId);
        const after = await grantsOfHolder(trx, grant.holder);
        const result: HeldGrant = { ...grant, projectIds: [projectId] };
        const details = {
          grantId: grantIdOf(result),
          permissionSet: grant.permissionSet,
          before: before.map(grantSummary),
          after: after.map(grantSummary),
        };
        return { result, target: auditTarget(grant.holder, projectId, details) };
      });
    },
  }),
}));
