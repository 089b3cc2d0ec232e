import { readableProjects } from '../catalog/access.js';
import { principalOf, type Context } from '../context.js';
import type { Project as ProjectRow } from '../db/database.js';
import { isUniqueViolation } from '../db/pagination.js';
import { countProjects, deleteProject, insertProject, listProjects, updateProject } from '../db/projects.js';
import { badUserInput, notFound } from '../errors.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, pageRequest, toConnection } from './connection.js';
import { parseId } from './ids.js';
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

/** Locates the project named by an `id` argument; NOT_FOUND if the account has no such project. */
export async function projectArgument(id: string, context: Context, field = 'id') {
  const projectId = parseId(id, field);
  const project = await context.loaders.project.load(projectId);
  if (!project) throw notFound(`Project ${id}`);
  return { projectId, label: `Project ${id}` };
}

const maxNameLength = 255;

function validName(name: string, field: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > maxNameLength) {
    throw badUserInput(`A project name needs 1 to ${maxNameLength} characters.`, field);
  }
  return trimmed;
}

async function uniqueName<T>(write: () => Promise<T>, field: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw badUserInput('The account already has a project with this name.', field);
    throw error;
  }
}

builder.queryFields((t) => ({
  projects: t.field({
    type: ProjectConnection,
    description: 'The projects this token may read.',
    args: pageArgs,
    authz: { resource: 'projects', action: 'read', project: 'any' },
    resolve: async (_root, args, context) => {
      const { account, access } = principalOf(context);
      const visible = readableProjects(access, 'projects');
      const request = pageRequest(args);
      const page = await listProjects(context.db, account.id, visible, request);
      return toConnection(page, request, () => countProjects(context.db, account.id, visible));
    },
  }),
  project: t.field({
    type: Project,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'projects', action: 'read', project: (_root, { id }, context) => projectArgument(String(id), context) },
    resolve: (_root, { id }, context) => context.loaders.project.load(Number(id)).then((project) => project!),
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
      const name = validName(input.name, 'input.name');
      const { account } = principalOf(context);
      return uniqueName(
        () =>
          insertProject(context.db, {
            accountId: account.id,
            name,
            description: input.description ?? '',
            now: context.now().toISOString(),
          }),
        'input.name',
      );
    },
  }),
  updateProject: t.field({
    type: Project,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateProjectInput, required: true }) },
    authz: { resource: 'projects', action: 'write', project: (_root, { id }, context) => projectArgument(String(id), context) },
    resolve: async (_root, { id, input }, context) => {
      const name = input.name == null ? undefined : validName(input.name, 'input.name');
      const { account } = principalOf(context);
      const updated = await uniqueName(
        () =>
          updateProject(context.db, account.id, Number(id), {
            name,
            description: input.description ?? undefined,
            now: context.now().toISOString(),
          }),
        'input.name',
      );
      if (!updated) throw notFound(`Project ${id}`);
      return updated;
    },
  }),
  deleteProject: t.field({
    type: Project,
    description: 'Deletes the project and everything in it; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'projects', action: 'write', project: (_root, { id }, context) => projectArgument(String(id), context) },
    resolve: async (_root, { id }, context) => {
      const deleted = await deleteProject(context.db, principalOf(context).account.id, Number(id));
      if (!deleted) throw notFound(`Project ${id}`);
      return deleted;
    },
  }),
}));
