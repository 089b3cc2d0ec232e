import { auditedWrite } from '../audit.js';
import { principalOf } from '../context.js';
import {
  type ConnectionFields,
  countConnections,
  countProjectsUsingConnection,
  deleteConnection,
  insertConnection,
  listConnections,
  updateConnection,
} from '../db/connections.js';
import type { DataConnectionRow } from '../db/tables/data-platform.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { unlessDuplicate, validName } from '../validation.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
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
import { DateTime } from './scalars.js';

export const DataConnection = builder.objectRef<DataConnectionRow>('DataConnection').implement({
  description:
    'A data platform connection of the account, shared by the projects that link it. Its secrets are write-only: reads say only whether one is set.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    adapterType: t.expose('adapter_type', { type: AdapterTypeEnum, nullable: false }),
    host: t.exposeString('host', {
      nullable: false,
      description: 'The hostname, or the account identifier (Snowflake) or GCP project (BigQuery).',
    }),
    port: t.exposeInt('port'),
    database: t.exposeString('database'),
    warehouse: t.exposeString('warehouse'),
    role: t.exposeString('role'),
    oauthClientId: t.exposeString('oauth_client_id'),
    hasOauthClientSecret: t.boolean({
      nullable: false,
      authz: 'parent',
      resolve: (connection) => connection.oauth_client_secret_sealed !== null,
    }),
    hasPrivateKey: t.boolean({
      nullable: false,
      description: 'Whether a private key (service account key or SSH tunnel key) is stored.',
      authz: 'parent',
      resolve: (connection) => connection.private_key_sealed !== null,
    }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
  }),
});

const DataConnectionConnection = connectionType(DataConnection, 'DataConnection');

builder.queryFields((t) => ({
  connections: t.field({
    type: DataConnectionConnection,
    description: "The account's data platform connections.",
    args: pageArgs,
    authz: { resource: 'connections', action: 'read' },
    resolve: (_root, args, context) => {
      const { account } = principalOf(context);
      return resolveConnection(
        args,
        (page) => listConnections(context.db, account.id, page),
        () => countConnections(context.db, account.id),
      );
    },
  }),
  connection: t.field({
    type: DataConnection,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'connections', action: 'read' },
    resolve: async (_root, { id }, context) => {
      const connection = await context.loaders.connection.load(parseId(id, 'id'));
      if (!connection) throw notFound(`Connection ${id}`);
      return connection;
    },
  }),
}));

const secretFields = ['oauthClientSecret', 'privateKey'] as const;

const CreateConnectionInput = builder.inputType('CreateConnectionInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    adapterType: t.field({ type: AdapterTypeEnum, required: true }),
    host: t.string({
      required: true,
      description: 'Hostname, or account identifier (Snowflake) or GCP project (BigQuery).',
    }),
    port: t.int(),
    database: t.string(),
    warehouse: t.string(),
    role: t.string(),
    oauthClientId: t.string(),
    oauthClientSecret: t.string({ description: 'Write-only: stored sealed, never returned.' }),
    privateKey: t.string({
      description:
        'Write-only: a service account key or SSH tunnel key, stored sealed, never returned.',
    }),
  }),
});

const UpdateConnectionInput = builder.inputType('UpdateConnectionInput', {
  description: 'Fields left out are unchanged; null clears an optional field or removes a secret.',
  fields: (t) => ({
    name: t.string(),
    adapterType: t.field({ type: AdapterTypeEnum }),
    host: t.string(),
    port: t.int(),
    database: t.string(),
    warehouse: t.string(),
    role: t.string(),
    oauthClientId: t.string(),
    oauthClientSecret: t.string({ description: 'Write-only.' }),
    privateKey: t.string({ description: 'Write-only.' }),
  }),
});

type ConnectionInput = {
  name?: string | null;
  adapterType?: ConnectionFields['adapter_type'] | null;
  host?: string | null;
  port?: number | null;
  database?: string | null;
  warehouse?: string | null;
  role?: string | null;
  oauthClientId?: string | null;
  oauthClientSecret?: string | null;
  privateKey?: string | null;
};

/** The columns an input sets (validated, secrets sealed); undefined for those left out. */
function connectionChanges(
  input: ConnectionInput,
  context: Parameters<typeof sealedChange>[0],
): Partial<ConnectionFields> {
  if (input.name === null) throw badUserInput('name cannot be null.', 'input.name');
  if (input.adapterType === null)
    throw badUserInput('adapterType cannot be null.', 'input.adapterType');
  if (input.host === null) throw badUserInput('host cannot be null.', 'input.host');
  return definedOnly({
    name:
      input.name === undefined
        ? undefined
        : validName(input.name, 'input.name', 'A connection name'),
    adapter_type: input.adapterType,
    host: input.host === undefined ? undefined : validHost(input.host, 'input.host'),
    port: optionalChange(input.port, (port) => validPort(port, 'input.port')),
    database: optionalChange(input.database, (value) =>
      validPlatformName(value, 'input.database', 'database'),
    ),
    warehouse: optionalChange(input.warehouse, (value) =>
      validPlatformName(value, 'input.warehouse', 'warehouse'),
    ),
    role: optionalChange(input.role, (value) => validPlatformName(value, 'input.role', 'role')),
    oauth_client_id: optionalChange(input.oauthClientId, (value) =>
      validPlatformName(value, 'input.oauthClientId', 'oauthClientId'),
    ),
    oauth_client_secret_sealed: sealedChange(
      context,
      input.oauthClientSecret,
      'input.oauthClientSecret',
    ),
    private_key_sealed: sealedChange(context, input.privateKey, 'input.privateKey'),
  });
}

/** What the audit log records of a connection input: the plain fields, and only the names of secrets set. */
function auditDetails(input: ConnectionInput): Record<string, unknown> {
  const { oauthClientSecret: _secret, privateKey: _key, ...plain } = input;
  return { ...plain, secretsChanged: secretFieldsTouched(input, secretFields) };
}

const duplicateName = 'The account already has a connection with this name.';

builder.mutationFields((t) => ({
  createConnection: t.field({
    type: DataConnection,
    args: { input: t.arg({ type: CreateConnectionInput, required: true }) },
    authz: { resource: 'connections', action: 'write' },
    resolve: (_root, { input }, context) => {
      const fields = connectionChanges(input, context);
      const { account } = principalOf(context);
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'createConnection', async (trx) => {
            const connection = await insertConnection(trx, {
              account_id: account.id,
              name: fields.name!,
              adapter_type: fields.adapter_type!,
              host: fields.host!,
              port: fields.port ?? null,
              database: fields.database ?? null,
              warehouse: fields.warehouse ?? null,
              role: fields.role ?? null,
              oauth_client_id: fields.oauth_client_id ?? null,
              oauth_client_secret_sealed: fields.oauth_client_secret_sealed ?? null,
              private_key_sealed: fields.private_key_sealed ?? null,
              now: context.now().toISOString(),
            });
            return {
              result: connection,
              target: { type: 'Connection', id: connection.id, details: auditDetails(input) },
            };
          }),
        'input.name',
        duplicateName,
      );
    },
  }),
  updateConnection: t.field({
    type: DataConnection,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateConnectionInput, required: true }),
    },
    authz: { resource: 'connections', action: 'write' },
    resolve: async (_root, { id, input }, context) => {
      const current = await context.loaders.connection.load(parseId(id, 'id'));
      if (!current) throw notFound(`Connection ${id}`);
      const changes = connectionChanges(input, context);
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'updateConnection', async (trx) => {
            const connection = await updateConnection(trx, current.id, {
              ...changes,
              now: context.now().toISOString(),
            });
            context.loaders.connection.clear(current.id).prime(current.id, connection);
            return {
              result: connection,
              target: { type: 'Connection', id: current.id, details: auditDetails(input) },
            };
          }),
        'input.name',
        duplicateName,
      );
    },
  }),
  deleteConnection: t.field({
    type: DataConnection,
    description: 'Deletes a connection no project links; returns it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'connections', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const connection = await context.loaders.connection.load(parseId(id, 'id'));
      if (!connection) throw notFound(`Connection ${id}`);
      return auditedWrite(context, 'deleteConnection', async (trx) => {
        const users = await countProjectsUsingConnection(trx, connection.id);
        if (users > 0) {
          throw badUserInput(
            `The connection is used by ${users} project${users === 1 ? '' : 's'}; link ${users === 1 ? 'it' : 'them'} to another connection first.`,
            'id',
          );
        }
        await deleteConnection(trx, connection.id);
        return {
          result: connection,
          target: { type: 'Connection', id: connection.id, details: { name: connection.name } },
        };
      });
    },
  }),
}));
