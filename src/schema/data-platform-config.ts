import { auditedWrite } from '../audit.js';
import { parentProject, projectScope } from '../auth/scopes.js';
import { principalOf } from '../context.js';
import {
  type DataPlatformConfigFields,
  deleteDataPlatformConfig,
  findDataPlatformConfigsByProjectIds,
  insertDataPlatformConfig,
  updateDataPlatformConfig,
} from '../db/data-platform-configs.js';
import type { DataPlatformConfigRow } from '../db/tables/data-platform.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import {
  AdapterTypeEnum,
  definedOnly,
  optionalChange,
  sealedChange,
  secretFieldsTouched,
  validHost,
  validPlatformName,
  validPort,
} from './platform-fields.js';
import { Project } from './project.js';
import { DateTime } from './scalars.js';

export const DataPlatformConfig = builder
  .objectRef<DataPlatformConfigRow>('DataPlatformConfig')
  .implement({
    description:
      "A project's data platform configuration: what dbt's profile target is built from. Secrets are write-only.",
    fields: (t) => ({
      id: t.exposeID('id', { nullable: false }),
      projectId: t.exposeID('project_id', { nullable: false }),
      adapterType: t.expose('adapter_type', { type: AdapterTypeEnum, nullable: false }),
      host: t.exposeString('host', {
        nullable: false,
        description: 'Hostname, or account identifier (Snowflake) or GCP project (BigQuery).',
      }),
      port: t.exposeInt('port'),
      database: t.exposeString('database'),
      warehouse: t.exposeString('warehouse'),
      role: t.exposeString('role'),
      threads: t.exposeInt('threads', { nullable: false }),
      targetName: t.exposeString('target_name', { nullable: false }),
      hasPrivateKey: t.boolean({
        nullable: false,
        authz: 'parent',
        resolve: (config) => config.private_key_sealed !== null,
      }),
      createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
      updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
    }),
  });

builder.objectField(Project, 'dataPlatformConfig', (t) =>
  t.field({
    type: DataPlatformConfig,
    description: 'Null until one is set.',
    authz: {
      resource: 'data_platform_configs',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, _args, context) => context.loaders.dataPlatformConfig.load(project.id),
  }),
);

const maxThreads = 64;

const SetDataPlatformConfigInput = builder.inputType('SetDataPlatformConfigInput', {
  description:
    'Creates the configuration (adapterType and host required) or changes it: fields left out are unchanged, null clears an optional field or removes the secret.',
  fields: (t) => ({
    adapterType: t.field({ type: AdapterTypeEnum }),
    host: t.string(),
    port: t.int(),
    database: t.string(),
    warehouse: t.string(),
    role: t.string(),
    threads: t.int({ description: `1 to ${maxThreads}; default 4.` }),
    targetName: t.string({ description: 'The dbt target name; default "default".' }),
    privateKey: t.string({
      description:
        'Write-only: a service account key or SSH tunnel key, stored sealed, never returned.',
    }),
  }),
});

function validThreads(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > maxThreads)
    throw badUserInput(`threads must be between 1 and ${maxThreads}.`, field);
  return value;
}

function validTargetName(value: string, field: string): string {
  const name = value.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
    throw badUserInput('targetName needs 1 to 64 letters, digits, "_" or "-".', field);
  return name;
}

builder.mutationFields((t) => ({
  setDataPlatformConfig: t.field({
    type: DataPlatformConfig,
    args: {
      projectId: t.arg.id({ required: true }),
      input: t.arg({ type: SetDataPlatformConfigInput, required: true }),
    },
    authz: {
      resource: 'data_platform_configs',
      action: 'write',
      project: (_root, { projectId }, context) =>
        projectScope(projectId, context.loaders, 'projectId'),
    },
    resolve: async (_root, { projectId: id, input }, context) => {
      const projectId = parseId(id, 'projectId');
      for (const field of ['adapterType', 'host', 'threads', 'targetName'] as const) {
        if (input[field] === null) throw badUserInput(`${field} cannot be null.`, `input.${field}`);
      }
      const changes: Partial<DataPlatformConfigFields> = definedOnly({
        adapter_type: input.adapterType ?? undefined,
        host: input.host == null ? undefined : validHost(input.host, 'input.host'),
        port: optionalChange(input.port, (port) => validPort(port, 'input.port')),
        database: optionalChange(input.database, (value) =>
          validPlatformName(value, 'input.database', 'database'),
        ),
        warehouse: optionalChange(input.warehouse, (value) =>
          validPlatformName(value, 'input.warehouse', 'warehouse'),
        ),
        role: optionalChange(input.role, (value) => validPlatformName(value, 'input.role', 'role')),
        threads: input.threads == null ? undefined : validThreads(input.threads, 'input.threads'),
        target_name:
          input.targetName == null
            ? undefined
            : validTargetName(input.targetName, 'input.targetName'),
        private_key_sealed: sealedChange(context, input.privateKey, 'input.privateKey'),
      });
      const { privateKey: _secret, ...plain } = input;
      return auditedWrite(context, 'setDataPlatformConfig', async (trx) => {
        // Read inside the transaction: create-or-update is decided on what is there now.
        const [existing] = await findDataPlatformConfigsByProjectIds(
          trx,
          principalOf(context).account.id,
          [projectId],
        );
        if (!existing) {
          if (changes.adapter_type === undefined)
            throw badUserInput('A new configuration needs adapterType.', 'input.adapterType');
          if (changes.host === undefined)
            throw badUserInput('A new configuration needs host.', 'input.host');
        }
        const now = context.now().toISOString();
        const config = existing
          ? await updateDataPlatformConfig(trx, projectId, { ...changes, now })
          : await insertDataPlatformConfig(trx, {
              adapter_type: changes.adapter_type!,
              host: changes.host!,
              port: changes.port ?? null,
              database: changes.database ?? null,
              warehouse: changes.warehouse ?? null,
              role: changes.role ?? null,
              threads: changes.threads ?? 4,
              target_name: changes.target_name ?? 'default',
              private_key_sealed: changes.private_key_sealed ?? null,
              project_id: projectId,
              now,
            });
        context.loaders.dataPlatformConfig.clear(projectId).prime(projectId, config);
        return {
          result: config,
          target: {
            type: 'DataPlatformConfig',
            id: config.id,
            projectId,
            details: {
              ...plain,
              created: !existing,
              secretsChanged: secretFieldsTouched(input, ['privateKey']),
            },
          },
        };
      });
    },
  }),
  deleteDataPlatformConfig: t.field({
    type: DataPlatformConfig,
    description: "Deletes the project's configuration; returns it as it was.",
    args: { projectId: t.arg.id({ required: true }) },
    authz: {
      resource: 'data_platform_configs',
      action: 'write',
      project: (_root, { projectId }, context) =>
        projectScope(projectId, context.loaders, 'projectId'),
    },
    resolve: async (_root, { projectId: id }, context) => {
      const projectId = parseId(id, 'projectId');
      const config = await context.loaders.dataPlatformConfig.load(projectId);
      if (!config) throw notFound(`Data platform configuration of project ${id}`);
      return auditedWrite(context, 'deleteDataPlatformConfig', async (trx) => {
        await deleteDataPlatformConfig(trx, projectId);
        return {
          result: config,
          target: { type: 'DataPlatformConfig', id: config.id, projectId, details: {} },
        };
      });
    },
  }),
}));
