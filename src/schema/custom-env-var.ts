import { auditedWrite } from '../audit.js';
import type { LocatedScope } from '../auth/authz-plugin.js';
import { parentProject, projectScope } from '../auth/scopes.js';
import type { Context } from '../context.js';
import {
  countCustomEnvVars,
  deleteCustomEnvVar,
  deleteOverride,
  insertCustomEnvVar,
  listCustomEnvVars,
  type StoredValue,
  updateCustomEnvVarValue,
  upsertOverride,
} from '../db/custom-env-vars.js';
import type { CustomEnvVarOverrideRow, CustomEnvVarRow } from '../db/tables/data-platform.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { unlessDuplicate } from '../validation.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { Project } from './project.js';
import { DateTime } from './scalars.js';

// dbt Cloud's environment variables: names start with DBT_; a project-wide default plus
// per-environment overrides; names starting with DBT_ENV_SECRET_ are secrets whose values are
// write-only (sealed at rest, read back as null). A variable cannot be renamed: renaming could
// turn a secret into a plain variable and expose its values, so delete and re-create instead.

export const secretPrefix = 'DBT_ENV_SECRET_';
const maxValueLength = 4096;

export function isSecretName(name: string): boolean {
  return name.startsWith(secretPrefix);
}

async function envVarScope(
  id: string | number,
  context: Context,
  field = 'id',
): Promise<LocatedScope> {
  const variable = await context.loaders.customEnvVar.load(parseId(id, field));
  if (!variable) throw notFound(`Environment variable ${id}`);
  return { projectId: variable.project_id, label: `Environment variable ${id}` };
}

const CustomEnvVarOverride = builder
  .objectRef<CustomEnvVarOverrideRow & { secret: boolean }>('CustomEnvVarOverride')
  .implement({
    description: "The variable's value in one environment, replacing the project default there.",
    fields: (t) => ({
      environmentId: t.exposeID('environment_id', { nullable: false }),
      value: t.string({
        description: 'Null for secret variables: their values are write-only.',
        authz: 'parent',
        resolve: (override) => (override.secret ? null : override.value),
      }),
      updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
    }),
  });

export const CustomEnvVar = builder.objectRef<CustomEnvVarRow>('CustomEnvVar').implement({
  description:
    'A project environment variable (dbt Cloud semantics): a project default and per-environment overrides.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    projectId: t.exposeID('project_id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    isSecret: t.boolean({
      nullable: false,
      description: `Whether the name starts with ${secretPrefix}: then every value is write-only.`,
      authz: 'parent',
      resolve: (variable) => isSecretName(variable.name),
    }),
    value: t.string({
      description: 'The project default; null when there is none, and always for secret variables.',
      authz: 'parent',
      resolve: (variable) => (isSecretName(variable.name) ? null : variable.value),
    }),
    hasValue: t.boolean({
      nullable: false,
      description: 'Whether a project default is set (also for secret variables).',
      authz: 'parent',
      resolve: (variable) => variable.value !== null || variable.value_sealed !== null,
    }),
    overrides: t.field({
      type: [CustomEnvVarOverride],
      nullable: false,
      description: 'Per-environment values, in environment order.',
      authz: 'parent',
      resolve: async (variable, _args, context) =>
        (await context.loaders.overridesOfEnvVar.load(variable.id)).map((override) => ({
          ...override,
          secret: isSecretName(variable.name),
        })),
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
  }),
});

const CustomEnvVarConnection = connectionType(CustomEnvVar, 'CustomEnvVar');

builder.objectField(Project, 'customEnvVars', (t) =>
  t.field({
    type: CustomEnvVarConnection,
    args: pageArgs,
    authz: {
      resource: 'custom_env_vars',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, args, context) =>
      resolveConnection(
        args,
        (page) => listCustomEnvVars(context.db, project.id, page),
        () => countCustomEnvVars(context.db, project.id),
      ),
  }),
);

builder.queryField('customEnvVar', (t) =>
  t.field({
    type: CustomEnvVar,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'custom_env_vars',
      action: 'read',
      project: (_root, { id }, context) => envVarScope(id, context),
    },
    resolve: (_root, { id }, context) => context.loaders.customEnvVar.load(Number(id)),
  }),
);

function validEnvVarName(value: string, field: string): string {
  const name = value.trim();
  if (!/^DBT_[A-Z0-9_]+$/.test(name) || name.length > 255) {
    throw badUserInput(
      'An environment variable name starts with DBT_ and has only upper-case letters, digits and "_".',
      field,
    );
  }
  if (name.startsWith('DBT_CLOUD_'))
    throw badUserInput('Names starting with DBT_CLOUD_ are reserved for the platform.', field);
  if (name === secretPrefix.replace(/_$/, '') || name === secretPrefix) {
    throw badUserInput(`A secret variable needs a name after ${secretPrefix}.`, field);
  }
  return name;
}

/** A value as stored for the variable: sealed when it is secret. Never echoes the value. */
function storedValue(
  context: Context,
  name: string,
  value: string | null,
  field: string,
): StoredValue {
  if (value === null) return { value: null, value_sealed: null };
  if (value.length > maxValueLength || value.includes('\u0000')) {
    throw badUserInput(`A value has at most ${maxValueLength} characters and no NUL.`, field);
  }
  return isSecretName(name)
    ? { value: null, value_sealed: context.secrets.seal(value) }
    : { value, value_sealed: null };
}

/** The environment must be one of the variable's project; anything else (other project, other account, none) reads alike. */
async function environmentOfProject(
  context: Context,
  environmentId: string | number,
  projectId: number,
  field: string,
) {
  const environment = await context.loaders.environment.load(parseId(environmentId, field));
  if (!environment || environment.project_id !== projectId) {
    throw badUserInput(
      `Environment ${environmentId} is not an environment of this project.`,
      field,
    );
  }
  return environment;
}

const CreateCustomEnvVarInput = builder.inputType('CreateCustomEnvVarInput', {
  fields: (t) => ({
    projectId: t.id({ required: true }),
    name: t.string({
      required: true,
      description: `DBT_…; ${secretPrefix}… makes it secret (values write-only).`,
    }),
    value: t.string({ description: 'The project default; left out or null for none.' }),
  }),
});

function auditTarget(variable: CustomEnvVarRow, details: Record<string, unknown>) {
  return {
    type: 'CustomEnvVar',
    id: variable.id,
    projectId: variable.project_id,
    details: { name: variable.name, ...details },
  };
}

builder.mutationFields((t) => ({
  createCustomEnvVar: t.field({
    type: CustomEnvVar,
    args: { input: t.arg({ type: CreateCustomEnvVarInput, required: true }) },
    authz: {
      resource: 'custom_env_vars',
      action: 'write',
      project: (_root, { input }, context) =>
        projectScope(input.projectId, context.loaders, 'input.projectId'),
    },
    resolve: (_root, { input }, context) => {
      const projectId = parseId(input.projectId, 'input.projectId');
      const name = validEnvVarName(input.name, 'input.name');
      const value = storedValue(context, name, input.value ?? null, 'input.value');
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'createCustomEnvVar', async (trx) => {
            const variable = await insertCustomEnvVar(trx, {
              project_id: projectId,
              name,
              ...value,
              now: context.now().toISOString(),
            });
            return {
              result: variable,
              target: auditTarget(variable, { hasValue: input.value != null }),
            };
          }),
        'input.name',
        'The project already has a variable with this name.',
      );
    },
  }),
  updateCustomEnvVar: t.field({
    type: CustomEnvVar,
    description: "Sets the variable's project default (null removes it).",
    args: { id: t.arg.id({ required: true }), value: t.arg.string() },
    authz: {
      resource: 'custom_env_vars',
      action: 'write',
      project: (_root, { id }, context) => envVarScope(id, context),
    },
    resolve: async (_root, { id, value }, context) => {
      const current = (await context.loaders.customEnvVar.load(Number(id)))!;
      const stored = storedValue(context, current.name, value ?? null, 'value');
      return auditedWrite(context, 'updateCustomEnvVar', async (trx) => {
        const variable = await updateCustomEnvVarValue(trx, current.id, {
          ...stored,
          now: context.now().toISOString(),
        });
        context.loaders.customEnvVar.clear(current.id).prime(current.id, variable);
        return { result: variable, target: auditTarget(variable, { hasValue: value != null }) };
      });
    },
  }),
  deleteCustomEnvVar: t.field({
    type: CustomEnvVar,
    description: 'Deletes the variable with its overrides; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'custom_env_vars',
      action: 'write',
      project: (_root, { id }, context) => envVarScope(id, context),
    },
    resolve: async (_root, { id }, context) => {
      const variable = (await context.loaders.customEnvVar.load(Number(id)))!;
      // Read before the delete: the returned variable shows the overrides it had.
      await context.loaders.overridesOfEnvVar.load(variable.id);
      return auditedWrite(context, 'deleteCustomEnvVar', async (trx) => {
        await deleteCustomEnvVar(trx, variable.id);
        return { result: variable, target: auditTarget(variable, {}) };
      });
    },
  }),
  setCustomEnvVarOverride: t.field({
    type: CustomEnvVar,
    description: "Sets the variable's value in one environment of its project.",
    args: {
      id: t.arg.id({ required: true }),
      environmentId: t.arg.id({ required: true }),
      value: t.arg.string({ required: true }),
    },
    authz: {
      resource: 'custom_env_vars',
      action: 'write',
      project: (_root, { id }, context) => envVarScope(id, context),
    },
    resolve: async (_root, { id, environmentId, value }, context) => {
      const variable = (await context.loaders.customEnvVar.load(Number(id)))!;
      const environment = await environmentOfProject(
        context,
        environmentId,
        variable.project_id,
        'environmentId',
      );
      const stored = storedValue(context, variable.name, value, 'value');
      return auditedWrite(context, 'setCustomEnvVarOverride', async (trx) => {
        await upsertOverride(trx, {
          env_var_id: variable.id,
          environment_id: environment.id,
          ...stored,
          now: context.now().toISOString(),
        });
        context.loaders.overridesOfEnvVar.clear(variable.id);
        return {
          result: variable,
          target: auditTarget(variable, { environmentId: environment.id }),
        };
      });
    },
  }),
  clearCustomEnvVarOverride: t.field({
    type: CustomEnvVar,
    description: 'Removes the override: the environment falls back to the project default.',
    args: { id: t.arg.id({ required: true }), environmentId: t.arg.id({ required: true }) },
    authz: {
      resource: 'custom_env_vars',
      action: 'write',
      project: (_root, { id }, context) => envVarScope(id, context),
    },
    resolve: async (_root, { id, environmentId }, context) => {
      const variable = (await context.loaders.customEnvVar.load(Number(id)))!;
      const environment = await environmentOfProject(
        context,
        environmentId,
        variable.project_id,
        'environmentId',
      );
      return auditedWrite(context, 'clearCustomEnvVarOverride', async (trx) => {
        if (!(await deleteOverride(trx, variable.id, environment.id))) {
          throw badUserInput(
            `The variable has no override in environment ${environment.id}.`,
            'environmentId',
          );
        }
        context.loaders.overridesOfEnvVar.clear(variable.id);
        return {
          result: variable,
          target: auditTarget(variable, { environmentId: environment.id }),
        };
      });
    },
  }),
}));
