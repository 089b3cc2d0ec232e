import { auditedWrite } from '../audit.js';
import { projectScope } from '../auth/scopes.js';
import { readableProjects } from '../catalog/access.js';
import { principalOf } from '../context.js';
import {
  countProjects,
  deleteProject,
  insertProject,
  listProjects,
  updateProject,
} from '../db/projects.js';
import type { ProjectRow } from '../db/tables/deployments.js';
import { notFound } from '../errors.js';
import { unlessDuplicate, validName } from '../validation.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { DateTime } from './scalars.js';

export const Project = builder.objectRef<ProjectRow>('Project').implement({
  description: 'A dbt project of the account.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    description: t.exposeString('description', { nullable: false }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
  }),
});

const ProjectConnection = connectionType(Project, 'Project');

const duplicateName = 'The account already has a project with this name.';

builder.queryFields((t) => ({
  projects: t.field({
    type: ProjectConnection,
    description: 'The projects this token may read.',
    args: pageArgs,
    authz: { resource: 'projects', action: 'read', project: 'any' },
    resolve: (_root, args, context) => {
      const { account, access } = principalOf(context);
      const visible = readableProjects(access, 'projects');
      return resolveConnection(
        args,
        (page) => listProjects(context.db, account.id, visible, page),
        () => countProjects(context.db, account.id, visible),
      );
    },
  }),
  project: t.field({
    type: Project,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'projects',
      action: 'read',
      project: (_root, { id }, context) => projectScope(id, context.loaders),
    },
    resolve: (_root, { id }, context) =>
      context.loaders.project.load(Number(id)).then((project) => project!),
  }),
}));

const CreateProjectInput = builder.inputType('CreateProjectInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
  }),
});

const UpdateProjectInput = builder.inputType('UpdateProjectInput', {
  description: 'Fields left out are unchanged.',
  fields: (t) => ({
    name: t.string(),
    description: t.string(),
  }),
});

builder.mutationFields((t) => ({
  createProject: t.field({
    type: Project,
    args: { input: t.arg({ type: CreateProjectInput, required: true }) },
    authz: { resource: 'project_creation', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const name = validName(input.name, 'input.name', 'A project name');
      const { account } = principalOf(context);
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'createProject', async (trx) => {
            const project = await insertProject(trx, {
              accountId: account.id,
              name,
              description: input.description ?? '',
              now: context.now().toISOString(),
            });
            return {
              result: project,
              target: { type: 'Project', id: project.id, projectId: project.id, details: { name } },
            };
          }),
        'input.name',
        duplicateName,
      );
    },
  }),
  updateProject: t.field({
    type: Project,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateProjectInput, required: true }),
    },
    authz: {
      resource: 'projects',
      action: 'write',
      project: (_root, { id }, context) => projectScope(id, context.loaders),
    },
    resolve: async (_root, { id, input }, context) => {
      const name =
        input.name == null ? undefined : validName(input.name, 'input.name', 'A project name');
      const { account } = principalOf(context);
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'updateProject', async (trx) => {
            const updated = await updateProject(trx, account.id, Number(id), {
              name,
              description: input.description ?? undefined,
              now: context.now().toISOString(),
            });
            if (!updated) throw notFound(`Project ${id}`);
            return {
              result: updated,
              target: {
                type: 'Project',
                id: updated.id,
                projectId: updated.id,
                details: { ...input },
              },
            };
          }),
        'input.name',
        duplicateName,
      );
    },
  }),
  deleteProject: t.field({
    type: Project,
    description: 'Deletes the project and everything in it; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'projects',
      action: 'write',
      project: (_root, { id }, context) => projectScope(id, context.loaders),
    },
    resolve: (_root, { id }, context) =>
      auditedWrite(context, 'deleteProject', async (trx) => {
        const deleted = await deleteProject(trx, principalOf(context).account.id, Number(id));
        if (!deleted) throw notFound(`Project ${id}`);
        return {
          result: deleted,
          target: {
            type: 'Project',
            id: deleted.id,
            projectId: deleted.id,
            details: { name: deleted.name },
          },
        };
      }),
  }),
}));
