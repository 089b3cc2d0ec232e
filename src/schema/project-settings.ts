import { auditedWrite } from '../audit.js';
import { parentProject, projectScope } from '../auth/scopes.js';
import { principalOf } from '../context.js';
import {
  defaultProjectSettings,
  type ProjectSettingsFields,
  upsertProjectSettings,
} from '../db/project-settings.js';
import { updateProject } from '../db/projects.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { DataConnection } from './data-connection.js';
import { Project } from './project.js';
import { Repository } from './repository.js';

// The project's settings: its repository link, connection link and dbt project subdirectory.
// They belong to the `projects` resource (the spec's "project settings, repository link,
// connection link"), so setting a link needs `projects` write only; reading the object a link
// points at is checked for that object's own resource.

builder.objectFields(Project, (t) => ({
  dbtProjectSubdirectory: t.string({
    nullable: false,
    description: 'Where dbt_project.yml lives inside the repository; "" for the root.',
    authz: 'parent',
    resolve: async (project, _args, context) =>
      ((await context.loaders.projectSettings.load(project.id)) ?? defaultProjectSettings)
        .dbt_project_subdirectory,
  }),
  repository: t.field({
    type: Repository,
    description: 'The repository the project builds from (one of `repositories`).',
    authz: {
      resource: 'repositories',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: async (project, _args, context) => {
      const repositoryId =
        (await context.loaders.projectSettings.load(project.id))?.repository_id ?? null;
      return repositoryId === null ? null : context.loaders.repository.load(repositoryId);
    },
  }),
  connection: t.field({
    type: DataConnection,
    description: "The account's data platform connection the project uses.",
    authz: { resource: 'connections', action: 'read' },
    resolve: async (project, _args, context) => {
      const connectionId =
        (await context.loaders.projectSettings.load(project.id))?.connection_id ?? null;
      return connectionId === null ? null : context.loaders.connection.load(connectionId);
    },
  }),
}));

/** A relative path inside the repository: segments of letters, digits, ".", "_", "-"; no "." or "..". */
function validSubdirectory(value: string, field: string): string {
  const path = value.trim().replace(/\/+$/, '');
  if (path === '') return '';
  const segments = path.split('/');
  if (
    path.length > 255 ||
    segments.some(
      (segment) => !/^[A-Za-z0-9._-]+$/.test(segment) || segment === '.' || segment === '..',
    )
  ) {
    throw badUserInput(
      'dbtProjectSubdirectory must be a relative path inside the repository, such as "transform/dbt".',
      field,
    );
  }
  return path;
}

const UpdateProjectSettingsInput = builder.inputType('UpdateProjectSettingsInput', {
  description: 'Fields left out are unchanged; null unlinks.',
  fields: (t) => ({
    repositoryId: t.id({ description: "One of the project's repositories." }),
    connectionId: t.id({ description: "One of the account's connections." }),
    dbtProjectSubdirectory: t.string(),
  }),
});

builder.mutationField('updateProjectSettings', (t) =>
  t.field({
    type: Project,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateProjectSettingsInput, required: true }),
    },
    authz: {
      resource: 'projects',
      action: 'write',
      project: (_root, { id }, context) => projectScope(id, context.loaders),
    },
    resolve: async (_root, { id, input }, context) => {
      const projectId = parseId(id, 'id');
      const changes: Partial<ProjectSettingsFields> = {};
      if (input.repositoryId !== undefined) {
        if (input.repositoryId === null) changes.repository_id = null;
        else {
          // Another project's or account's repository reads exactly like one that does not exist.
          const repository = await context.loaders.repository.load(
            parseId(input.repositoryId, 'input.repositoryId'),
          );
          if (!repository || repository.project_id !== projectId) {
            throw badUserInput(
              `Repository ${input.repositoryId} is not a repository of this project.`,
              'input.repositoryId',
            );
          }
          changes.repository_id = repository.id;
        }
      }
      if (input.connectionId !== undefined) {
        if (input.connectionId === null) changes.connection_id = null;
        else {
          const connection = await context.loaders.connection.load(
            parseId(input.connectionId, 'input.connectionId'),
          );
          if (!connection)
            throw badUserInput(
              `Connection ${input.connectionId} is not a connection of this account.`,
              'input.connectionId',
            );
          changes.connection_id = connection.id;
        }
      }
      if (input.dbtProjectSubdirectory != null) {
        changes.dbt_project_subdirectory = validSubdirectory(
          input.dbtProjectSubdirectory,
          'input.dbtProjectSubdirectory',
        );
      }
      return auditedWrite(context, 'updateProjectSettings', async (trx) => {
        const settings = await upsertProjectSettings(trx, projectId, changes);
        const project = await updateProject(trx, principalOf(context).account.id, projectId, {
          now: context.now().toISOString(),
        });
        if (!project) throw notFound(`Project ${id}`);
        context.loaders.projectSettings.clear(projectId).prime(projectId, settings);
        context.loaders.project.clear(projectId).prime(projectId, project);
        return {
          result: project,
          target: { type: 'Project', id: projectId, projectId, details: { ...input } },
        };
      });
    },
  }),
);
