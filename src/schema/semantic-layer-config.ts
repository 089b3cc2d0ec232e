import { auditedWrite } from '../audit.js';
import { parentProject, projectScope } from '../auth/scopes.js';
import { type Context, principalOf } from '../context.js';
import {
  deleteSemanticLayerConfig,
  findSemanticLayerConfigsByProjectIds,
  insertSemanticLayerConfig,
  type SemanticLayerConfigFields,
  updateSemanticLayerConfig,
} from '../db/semantic-layer-configs.js';
import type { SemanticLayerConfigRow } from '../db/tables/data-platform.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { Environment } from './environment.js';
import {
  definedOnly,
  optionalChange,
  sealedChange,
  secretFieldsTouched,
  validPlatformName,
} from './platform-fields.js';
import { Project } from './project.js';
import { DateTime } from './scalars.js';

export const SemanticLayerConfig = builder
  .objectRef<SemanticLayerConfigRow>('SemanticLayerConfig')
  .implement({
    description:
      "A project's semantic layer configuration: whether it is on, the deployment environment it serves, its credentials (secrets write-only).",
    fields: (t) => ({
      id: t.exposeID('id', { nullable: false }),
      projectId: t.exposeID('project_id', { nullable: false }),
      enabled: t.boolean({
        nullable: false,
        authz: 'parent',
        resolve: (config) => config.enabled === 1,
      }),
      environmentId: t.exposeID('environment_id', {
        description: 'Null when its environment was deleted.',
      }),
      username: t.exposeString('username'),
      hasPassword: t.boolean({
        nullable: false,
        authz: 'parent',
        resolve: (config) => config.password_sealed !== null,
      }),
      hasPrivateKey: t.boolean({
        nullable: false,
        authz: 'parent',
        resolve: (config) => config.private_key_sealed !== null,
      }),
      createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
      updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
      environment: t.field({
        type: Environment,
        description: 'The deployment environment it serves (needs environments read).',
        authz: {
          resource: 'environments',
          action: 'read',
          project: parentProject((config) => config.project_id, 'Environment'),
        },
        resolve: (config, _args, context) =>
          config.environment_id === null
            ? null
            : context.loaders.environment.load(config.environment_id),
      }),
    }),
  });

const locateProject = (
  _root: unknown,
  { projectId }: { projectId: string | number },
  context: Context,
) => projectScope(projectId, context.loaders, 'projectId');

// A root field besides the relation: semantic_layer_only grants the resource without `projects`
// read, so Project.semanticLayerConfig is out of its reach.
builder.queryField('semanticLayerConfig', (t) =>
  t.field({
    type: SemanticLayerConfig,
    description: "The project's semantic layer configuration; null until set.",
    args: { projectId: t.arg.id({ required: true }) },
    authz: { resource: 'semantic_layer_config', action: 'read', project: locateProject },
    resolve: (_root, { projectId }, context) =>
      context.loaders.semanticLayerConfig.load(Number(projectId)),
  }),
);

builder.objectField(Project, 'semanticLayerConfig', (t) =>
  t.field({
    type: SemanticLayerConfig,
    description: 'Null until set.',
    authz: {
      resource: 'semantic_layer_config',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, _args, context) => context.loaders.semanticLayerConfig.load(project.id),
  }),
);

const SetSemanticLayerConfigInput = builder.inputType('SetSemanticLayerConfigInput', {
  description:
    'Creates or changes the configuration: fields left out are unchanged; null clears the username or removes a secret.',
  fields: (t) => ({
    enabled: t.boolean({ description: 'Enabling needs an environment. Default false.' }),
    environmentId: t.id({ description: 'A deployment environment of the project.' }),
    username: t.string(),
    password: t.string({ description: 'Write-only.' }),
    privateKey: t.string({ description: 'Write-only.' }),
  }),
});

builder.mutationFields((t) => ({
  setSemanticLayerConfig: t.field({
    type: SemanticLayerConfig,
    args: {
      projectId: t.arg.id({ required: true }),
      input: t.arg({ type: SetSemanticLayerConfigInput, required: true }),
    },
    authz: { resource: 'semantic_layer_config', action: 'write', project: locateProject },
    resolve: async (_root, { projectId: id, input }, context) => {
      const projectId = parseId(id, 'projectId');
      if (input.enabled === null) throw badUserInput('enabled cannot be null.', 'input.enabled');
      let environmentId: number | null | undefined;
      if (input.environmentId === null) environmentId = null;
      else if (input.environmentId !== undefined) {
        const environment = await context.loaders.environment.load(
          parseId(input.environmentId, 'input.environmentId'),
        );
        if (
          !environment ||
          environment.project_id !== projectId ||
          environment.type !== 'deployment'
        ) {
          throw badUserInput(
            `Environment ${input.environmentId} is not a deployment environment of this project.`,
            'input.environmentId',
          );
        }
        environmentId = environment.id;
      }
      const changes: Partial<SemanticLayerConfigFields> = definedOnly({
        enabled: input.enabled === undefined ? undefined : input.enabled ? 1 : 0,
        environment_id: environmentId,
        username: optionalChange(input.username, (value) =>
          validPlatformName(value, 'input.username', 'username'),
        ),
        password_sealed: sealedChange(context, input.password, 'input.password'),
        private_key_sealed: sealedChange(context, input.privateKey, 'input.privateKey'),
      });
      const { password: _password, privateKey: _key, ...plain } = input;
      return auditedWrite(context, 'setSemanticLayerConfig', async (trx) => {
        // Read inside the transaction: create-or-update is decided on what is there now.
        const [existing] = await findSemanticLayerConfigsByProjectIds(
          trx,
          principalOf(context).account.id,
          [projectId],
        );
        const enabled = changes.enabled ?? existing?.enabled ?? 0;
        const environment =
          changes.environment_id !== undefined
            ? changes.environment_id
            : (existing?.environment_id ?? null);
        if (enabled === 1 && environment === null) {
          throw badUserInput(
            'An enabled semantic layer needs a deployment environment.',
            'input.environmentId',
          );
        }
        const now = context.now().toISOString();
        const config = existing
          ? await updateSemanticLayerConfig(trx, projectId, { ...changes, now })
          : await insertSemanticLayerConfig(trx, {
              enabled,
              environment_id: environment,
              username: changes.username ?? null,
              password_sealed: changes.password_sealed ?? null,
              private_key_sealed: changes.private_key_sealed ?? null,
              project_id: projectId,
              now,
            });
        context.loaders.semanticLayerConfig.clear(projectId).prime(projectId, config);
        return {
          result: config,
          target: {
            type: 'SemanticLayerConfig',
            id: config.id,
            projectId,
            details: {
              ...plain,
              created: !existing,
              secretsChanged: secretFieldsTouched(input, ['password', 'privateKey']),
            },
          },
        };
      });
    },
  }),
  deleteSemanticLayerConfig: t.field({
    type: SemanticLayerConfig,
    description: "Deletes the project's semantic layer configuration; returns it as it was.",
    args: { projectId: t.arg.id({ required: true }) },
    authz: { resource: 'semantic_layer_config', action: 'write', project: locateProject },
    resolve: async (_root, { projectId: id }, context) => {
      const projectId = parseId(id, 'projectId');
      const config = await context.loaders.semanticLayerConfig.load(projectId);
      if (!config) throw notFound(`Semantic layer configuration of project ${id}`);
      return auditedWrite(context, 'deleteSemanticLayerConfig', async (trx) => {
        await deleteSemanticLayerConfig(trx, projectId);
        return {
          result: config,
          target: { type: 'SemanticLayerConfig', id: config.id, projectId, details: {} },
        };
      });
    },
  }),
}));
