import { auditedWrite } from '../audit.js';
import { environmentScope, parentProject, projectScope } from '../auth/scopes.js';
import type { EnvironmentCategory } from '../catalog/access.js';
import {
  countEnvironments,
  deleteEnvironment,
  insertEnvironment,
  listEnvironments,
  updateEnvironment,
} from '../db/environments.js';
import type { EnvironmentRow } from '../db/tables/deployments.js';
import { badUserInput } from '../errors.js';
import { parseId } from '../ids.js';
import { unlessDuplicate, validName } from '../validation.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { EnvironmentCategoryEnum } from './permission-set.js';
import { Project } from './project.js';
import { DateTime } from './scalars.js';

export const EnvironmentTypeEnum = builder.enumType('EnvironmentType', {
  values: {
    development: { description: 'Where developers build; its category is always `development`.' },
    deployment: { description: 'Where jobs run for staging, production or other purposes.' },
  } as const,
});

export const Environment = builder.objectRef<EnvironmentRow>('Environment');

Environment.implement({
  description:
    'A development or deployment environment of a project. Its category decides where `R*` grants may write jobs and runs.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    projectId: t.exposeID('project_id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    type: t.expose('type', { type: EnvironmentTypeEnum, nullable: false }),
    category: t.expose('category', { type: EnvironmentCategoryEnum, nullable: false }),
    dbtVersion: t.exposeString('dbt_version', { nullable: false }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
    project: t.field({
      type: Project,
      authz: {
        resource: 'projects',
        action: 'read',
        project: parentProject((environment) => environment.project_id, 'Project'),
      },
      resolve: (environment, _args, context) =>
        context.loaders.project.load(environment.project_id),
    }),
  }),
});

const EnvironmentConnection = connectionType(Environment, 'Environment');

builder.objectField(Project, 'environments', (t) =>
  t.field({
    type: EnvironmentConnection,
    args: pageArgs,
    authz: {
      resource: 'environments',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, args, context) =>
      resolveConnection(
        args,
        (page) => listEnvironments(context.db, project.id, page),
        () => countEnvironments(context.db, project.id),
      ),
  }),
);

builder.queryField('environment', (t) =>
  t.field({
    type: Environment,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'environments',
      action: 'read',
      project: (_root, { id }, context) => environmentScope(id, context.loaders),
    },
    resolve: (_root, { id }, context) => context.loaders.environment.load(Number(id)),
  }),
);

const dbtVersionPattern =
  /^(latest|versionless|compatible|extended|fallback|\d+\.\d+(\.\d+)?(-latest|-pre)?)$/;

export function validDbtVersion(value: string, field: string): string {
  if (!dbtVersionPattern.test(value)) {
    throw badUserInput(
      `dbtVersion must be a dbt version such as "1.10", "1.8.0-latest" or "latest", not "${value}".`,
      field,
    );
  }
  return value;
}

/** A development environment is always of the development category, and only it is. */
function checkTypeAndCategory(
  type: EnvironmentRow['type'],
  category: EnvironmentCategory,
  field: string,
): void {
  if ((type === 'development') !== (category === 'development')) {
    throw badUserInput(
      type === 'development'
        ? 'A development environment has the development category.'
        : 'A deployment environment has the staging, production or other category.',
      field,
    );
  }
}

const duplicateName = 'The project already has an environment with this name.';

const CreateEnvironmentInput = builder.inputType('CreateEnvironmentInput', {
  fields: (t) => ({
    projectId: t.id({ required: true }),
    name: t.string({ required: true }),
    type: t.field({ type: EnvironmentTypeEnum, required: true }),
    category: t.field({ type: EnvironmentCategoryEnum, required: true }),
    dbtVersion: t.string({ required: true }),
  }),
});

const UpdateEnvironmentInput = builder.inputType('UpdateEnvironmentInput', {
  description: 'Fields left out are unchanged.',
  fields: (t) => ({
    name: t.string(),
    type: t.field({ type: EnvironmentTypeEnum }),
    category: t.field({ type: EnvironmentCategoryEnum }),
    dbtVersion: t.string(),
  }),
});

builder.mutationFields((t) => ({
  createEnvironment: t.field({
    type: Environment,
    args: { input: t.arg({ type: CreateEnvironmentInput, required: true }) },
    authz: {
      resource: 'environments',
      action: 'write',
      project: (_root, { input }, context) =>
        projectScope(input.projectId, context.loaders, 'input.projectId'),
    },
    resolve: (_root, { input }, context) => {
      const fields = {
        project_id: parseId(input.projectId, 'input.projectId'),
        name: validName(input.name, 'input.name', 'An environment name'),
        type: input.type,
        category: input.category,
        dbt_version: validDbtVersion(input.dbtVersion, 'input.dbtVersion'),
      };
      checkTypeAndCategory(fields.type, fields.category, 'input.category');
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'createEnvironment', async (trx) => {
            const environment = await insertEnvironment(trx, {
              ...fields,
              now: context.now().toISOString(),
            });
            return {
              result: environment,
              target: {
                type: 'Environment',
                id: environment.id,
                projectId: environment.project_id,
                details: { ...input },
              },
            };
          }),
        'input.name',
        duplicateName,
      );
    },
  }),
  updateEnvironment: t.field({
    type: Environment,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateEnvironmentInput, required: true }),
    },
    authz: {
      resource: 'environments',
      action: 'write',
      project: (_root, { id }, context) => environmentScope(id, context.loaders),
    },
    resolve: async (_root, { id, input }, context) => {
      const current = (await context.loaders.environment.load(Number(id)))!;
      const changes = {
        ...(input.name == null
          ? {}
          : { name: validName(input.name, 'input.name', 'An environment name') }),
        ...(input.type == null ? {} : { type: input.type }),
        ...(input.category == null ? {} : { category: input.category }),
        ...(input.dbtVersion == null
          ? {}
          : { dbt_version: validDbtVersion(input.dbtVersion, 'input.dbtVersion') }),
      };
      checkTypeAndCategory(
        changes.type ?? current.type,
        changes.category ?? current.category,
        'input.category',
      );
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'updateEnvironment', async (trx) => {
            const environment = await updateEnvironment(trx, current.id, {
              ...changes,
              now: context.now().toISOString(),
            });
            return {
              result: environment,
              target: {
                type: 'Environment',
                id: current.id,
                projectId: current.project_id,
                details: { before: current, changes },
              },
            };
          }),
        'input.name',
        duplicateName,
      );
    },
  }),
  deleteEnvironment: t.field({
    type: Environment,
    description: 'Deletes the environment with its jobs and their runs; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'environments',
      action: 'write',
      project: (_root, { id }, context) => environmentScope(id, context.loaders),
    },
    resolve: async (_root, { id }, context) => {
      const environment = (await context.loaders.environment.load(Number(id)))!;
      return auditedWrite(context, 'deleteEnvironment', async (trx) => {
        await deleteEnvironment(trx, environment.id);
        return {
          result: environment,
          target: {
            type: 'Environment',
            id: environment.id,
            projectId: environment.project_id,
            details: { name: environment.name },
          },
        };
      });
    },
  }),
}));
