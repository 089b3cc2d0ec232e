import { auditedWrite } from '../audit.js';
import { environmentScope, parentProject } from '../auth/scopes.js';
import { type Context, principalOf } from '../context.js';
import {
  deleteEnvironmentCredentials,
  type EnvironmentCredentialsFields,
  findEnvironmentCredentialsByEnvironmentIds,
  insertEnvironmentCredentials,
  updateEnvironmentCredentials,
} from '../db/environment-credentials.js';
import type { CredentialAuthType, EnvironmentCredentialsRow } from '../db/tables/data-platform.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { Environment } from './environment.js';
import {
  optionalChange,
  sealedChange,
  secretFieldsTouched,
  validPlatformName,
} from './platform-fields.js';
import { DateTime } from './scalars.js';

export const CredentialAuthTypeEnum = builder.enumType('CredentialAuthType', {
  values: {
    password: { description: 'username + password.' },
    key_pair: {
      description: 'username + PEM private key (+ passphrase when the key is encrypted).',
    },
    oauth: { description: 'Each user signs in with the platform; nothing secret is stored here.' },
    service_account: { description: 'A service account key file (JSON) in privateKey.' },
  } as const,
});

export const EnvironmentCredentials = builder
  .objectRef<EnvironmentCredentialsRow>('EnvironmentCredentials')
  .implement({
    description:
      "An environment's data platform credentials. Secret fields are write-only: reads say only whether each is set.",
    fields: (t) => ({
      id: t.exposeID('id', { nullable: false }),
      environmentId: t.exposeID('environment_id', { nullable: false }),
      authType: t.expose('auth_type', { type: CredentialAuthTypeEnum, nullable: false }),
      username: t.exposeString('username'),
      schema: t.exposeString('schema', {
        nullable: false,
        description: 'The target schema dbt builds into.',
      }),
      hasPassword: t.boolean({
        nullable: false,
        authz: 'parent',
        resolve: (credentials) => credentials.password_sealed !== null,
      }),
      hasPrivateKey: t.boolean({
        nullable: false,
        authz: 'parent',
        resolve: (credentials) => credentials.private_key_sealed !== null,
      }),
      hasPrivateKeyPassphrase: t.boolean({
        nullable: false,
        authz: 'parent',
        resolve: (credentials) => credentials.private_key_passphrase_sealed !== null,
      }),
      createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
      updatedAt: t.expose('updated_at', { type: DateTime, nullable: false }),
    }),
  });

builder.objectField(Environment, 'credentials', (t) =>
  t.field({
    type: EnvironmentCredentials,
    description: 'Null until set.',
    authz: {
      resource: 'environment_credentials',
      action: 'read',
      project: parentProject(
        (environment) => environment.project_id,
        (environment) => `Environment ${environment.id}`,
      ),
    },
    resolve: (environment, _args, context) =>
      context.loaders.environmentCredentials.load(environment.id),
  }),
);

type SecretName = 'password' | 'privateKey' | 'privateKeyPassphrase';
const secretNames: readonly SecretName[] = ['password', 'privateKey', 'privateKeyPassphrase'];
const columnOf = {
  password: 'password_sealed',
  privateKey: 'private_key_sealed',
  privateKeyPassphrase: 'private_key_passphrase_sealed',
} as const satisfies Record<SecretName, keyof EnvironmentCredentialsFields>;

/** What each auth type needs and allows. Secrets an auth type does not use are removed when switching to it. */
const authTypeRules: Record<
  CredentialAuthType,
  { needsUsername: boolean; required: SecretName[]; allowed: SecretName[] }
> = {
  password: { needsUsername: true, required: ['password'], allowed: ['password'] },
  key_pair: {
    needsUsername: true,
    required: ['privateKey'],
    allowed: ['privateKey', 'privateKeyPassphrase'],
  },
  oauth: { needsUsername: false, required: [], allowed: [] },
  service_account: { needsUsername: false, required: ['privateKey'], allowed: ['privateKey'] },
};

function validSchema(value: string, field: string): string {
  const schema = value.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,254}$/.test(schema)) {
    throw badUserInput(
      'schema must start with a letter or "_" and contain only letters, digits, "_" or "$" (at most 255).',
      field,
    );
  }
  return schema;
}

/** The content check of a private key for the auth type; never echoes the value. */
function checkPrivateKey(authType: CredentialAuthType, value: string, field: string): void {
  if (
    authType === 'key_pair' &&
    !/^-----BEGIN (ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (ENCRYPTED |RSA |EC )?PRIVATE KEY-----\s*$/.test(
      value.trim(),
    )
  ) {
    throw badUserInput(
      'privateKey must be a PEM private key ("-----BEGIN PRIVATE KEY-----" …).',
      field,
    );
  }
  if (authType === 'service_account') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    const keyFile = parsed as { type?: unknown; private_key?: unknown } | undefined;
    if (
      typeof keyFile !== 'object' ||
      keyFile === null ||
      keyFile.type !== 'service_account' ||
      typeof keyFile.private_key !== 'string'
    ) {
      throw badUserInput(
        'privateKey must be a service account key file (JSON with "type": "service_account").',
        field,
      );
    }
  }
}

const SetEnvironmentCredentialsInput = builder.inputType('SetEnvironmentCredentialsInput', {
  description:
    'Creates the credentials (authType and schema required) or changes them: fields left out are unchanged; null removes a secret. Switching authType removes the secrets the new type does not use.',
  fields: (t) => ({
    authType: t.field({ type: CredentialAuthTypeEnum }),
    username: t.string(),
    schema: t.string(),
    password: t.string({ description: 'Write-only.' }),
    privateKey: t.string({
      description: 'Write-only: a PEM key (key_pair) or a key file (service_account).',
    }),
    privateKeyPassphrase: t.string({ description: 'Write-only.' }),
  }),
});

type CredentialsInput = {
  authType?: CredentialAuthType | null;
  username?: string | null;
  schema?: string | null;
  password?: string | null;
  privateKey?: string | null;
  privateKeyPassphrase?: string | null;
};

/** Validates the input against the credentials as they would be after it; returns the columns to write. */
function credentialChanges(
  context: Context,
  input: CredentialsInput,
  current: EnvironmentCredentialsRow | undefined,
): EnvironmentCredentialsFields {
  if (input.authType === null) throw badUserInput('authType cannot be null.', 'input.authType');
  if (input.schema === null) throw badUserInput('schema cannot be null.', 'input.schema');
  const authType = input.authType ?? current?.auth_type;
  if (!authType) throw badUserInput('New credentials need authType.', 'input.authType');
  const rules = authTypeRules[authType];
  const schema =
    input.schema === undefined ? current?.schema : validSchema(input.schema, 'input.schema');
  if (schema === undefined) throw badUserInput('New credentials need schema.', 'input.schema');
  const usernameChange = optionalChange(input.username, (value) =>
    validPlatformName(value, 'input.username', 'username'),
  );
  const username = usernameChange === undefined ? (current?.username ?? null) : usernameChange;
  if (rules.needsUsername && username === null)
    throw badUserInput(`${authType} credentials need a username.`, 'input.username');

  const switching = current !== undefined && current.auth_type !== authType;
  const sealed = {} as Record<SecretName, string | null>;
  for (const name of secretNames) {
    const field = `input.${name}`;
    const given = input[name];
    if (typeof given === 'string' && !rules.allowed.includes(name)) {
      throw badUserInput(`${authType} credentials take no ${name}.`, field);
    }
    if (name === 'privateKey' && typeof given === 'string') checkPrivateKey(authType, given, field);
    const change = sealedChange(context, given, field);
    const kept =
      switching && !rules.allowed.includes(name) ? null : (current?.[columnOf[name]] ?? null);
    sealed[name] = change === undefined ? kept : change;
    if (rules.required.includes(name) && sealed[name] === null)
      throw badUserInput(`${authType} credentials need ${name}.`, field);
  }
  return {
    auth_type: authType,
    username,
    schema,
    password_sealed: sealed.password,
    private_key_sealed: sealed.privateKey,
    private_key_passphrase_sealed: sealed.privateKeyPassphrase,
  };
}

builder.mutationFields((t) => ({
  setEnvironmentCredentials: t.field({
    type: EnvironmentCredentials,
    args: {
      environmentId: t.arg.id({ required: true }),
      input: t.arg({ type: SetEnvironmentCredentialsInput, required: true }),
    },
    authz: {
      resource: 'environment_credentials',
      action: 'write',
      project: (_root, { environmentId }, context) =>
        environmentScope(environmentId, context.loaders, 'environmentId'),
    },
    resolve: async (_root, { environmentId: id, input }, context) => {
      const environmentId = parseId(id, 'environmentId');
      const environment = (await context.loaders.environment.load(environmentId))!;
      return auditedWrite(context, 'setEnvironmentCredentials', async (trx) => {
        // Read inside the transaction: the input is validated against what is there now.
        const [current] = await findEnvironmentCredentialsByEnvironmentIds(
          trx,
          principalOf(context).account.id,
          [environmentId],
        );
        const fields = credentialChanges(context, input, current);
        const now = context.now().toISOString();
        const credentials = current
          ? await updateEnvironmentCredentials(trx, environmentId, { ...fields, now })
          : await insertEnvironmentCredentials(trx, {
              ...fields,
              environment_id: environmentId,
              now,
            });
        context.loaders.environmentCredentials
          .clear(environmentId)
          .prime(environmentId, credentials);
        return {
          result: credentials,
          target: {
            type: 'EnvironmentCredentials',
            id: credentials.id,
            projectId: environment.project_id,
            details: {
              environmentId: environment.id,
              authType: fields.auth_type,
              username: fields.username,
              schema: fields.schema,
              created: !current,
              secretsChanged: secretFieldsTouched(input, secretNames),
            },
          },
        };
      });
    },
  }),
  deleteEnvironmentCredentials: t.field({
    type: EnvironmentCredentials,
    description:
      "Deletes the environment's credentials; returns them as they were (secrets, as always, only as has* flags).",
    args: { environmentId: t.arg.id({ required: true }) },
    authz: {
      resource: 'environment_credentials',
      action: 'write',
      project: (_root, { environmentId }, context) =>
        environmentScope(environmentId, context.loaders, 'environmentId'),
    },
    resolve: async (_root, { environmentId: id }, context) => {
      const environmentId = parseId(id, 'environmentId');
      const environment = (await context.loaders.environment.load(environmentId))!;
      const credentials = await context.loaders.environmentCredentials.load(environmentId);
      if (!credentials) throw notFound(`Credentials of environment ${id}`);
      return auditedWrite(context, 'deleteEnvironmentCredentials', async (trx) => {
        await deleteEnvironmentCredentials(trx, environmentId);
        return {
          result: credentials,
          target: {
            type: 'EnvironmentCredentials',
            id: credentials.id,
            projectId: environment.project_id,
            details: { environmentId },
          },
        };
      });
    },
  }),
}));
