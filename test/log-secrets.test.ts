import { randomBytes } from 'node:crypto';
import { type GraphQLSchema, isInputObjectType } from 'graphql';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { generateToken } from '../src/auth/token.js';
import type { Db } from '../src/db/database.js';
import { createLogger } from '../src/observability/logger.js';
import { schema } from '../src/schema/index.js';
import { projectWithEnvironments } from './support/builders.js';
import { createTestGateway, type RawResponse } from './support/helpers.js';

// Secrets go in, the log stays clean: every write-only input of the admin API, the tokens in
// Authorization headers, the secrets the API hands out once (new tokens, webhook signing
// secrets) and the sealed values stored in the database must never appear in a log line, at the
// most verbose level and in both formats.

/** Input fields and mutation arguments the schema documents as write-only. */
function writeOnlyInputs(api: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of Object.values(api.getTypeMap())) {
    if (!isInputObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields()))
      if (/write-only/i.test(field.description ?? '')) found.push(`${type.name}.${field.name}`);
  }
  for (const [name, field] of Object.entries(api.getMutationType()!.getFields()))
    for (const arg of field.args)
      if (/write-only/i.test(arg.description ?? '')) found.push(`${name}(${arg.name})`);
  return found.sort();
}

/** A secret no other text contains, labelled by where it was sent. */
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/** Every non-null `…_sealed` column value in the database. */
async function sealedValues(db: Db): Promise<string[]> {
  // Kysely's introspection lists tables and columns on SQLite and PostgreSQL alike.
  const tables = await db.introspection.getTables();
  const values: string[] = [];
  for (const { name, columns } of tables) {
    for (const column of columns.filter((c) => c.name.endsWith('_sealed'))) {
      const rows = await sql<{ value: string | null }>`
        select ${sql.ref(column.name)} as value from ${sql.table(name)}
      `.execute(db);
      for (const row of rows.rows) if (row.value) values.push(row.value);
    }
  }
  return values;
}

describe('the log and secrets', () => {
  it.each(['json', 'pretty'] as const)(
    'never contains a token, a write-only input or a sealed value (%s)',
    async (format) => {
      const lines: string[] = [];
      const logger = createLogger({
        level: 'trace',
        format,
        destination: { write: (line: string) => void lines.push(line) },
      });
      const gateway = await createTestGateway({ logger });
      const { project, production } = await projectWithEnvironments(gateway);
      const sent = new Map<string, string>();
      const covered = new Set<string>();
      const ok = (response: RawResponse, what: string) => {
        expect(response.body.errors, what).toBeUndefined();
        return response.body.data!;
      };
      const run = (query: string, variables: Record<string, unknown>) =>
        gateway.graphql(query, variables, gateway.adminToken);
      /** Sends `value` through `input` (a schema coordinate) and remembers it. */
      const through = (input: string, value = secret(input)) => {
        sent.set(input, value);
        covered.add(input);
        return value;
      };

      const pem = `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----\n`;
      const connection = ok(
        await run(
          'mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }',
          {
            input: {
              name: 'Warehouse',
              adapterType: 'snowflake',
              host: 'acme.eu-central-1',
              oauthClientSecret: through('CreateConnectionInput.oauthClientSecret'),
              privateKey: through('CreateConnectionInput.privateKey'),
            },
          },
        ),
        'createConnection',
      ).createConnection.id as string;
      ok(
        await run(
          'mutation ($id: ID!, $input: UpdateConnectionInput!) { updateConnection(id: $id, input: $input) { id } }',
          {
            id: connection,
            input: {
              oauthClientSecret: through('UpdateConnectionInput.oauthClientSecret'),
              privateKey: through('UpdateConnectionInput.privateKey'),
            },
          },
        ),
        'updateConnection',
      );
      ok(
        await run(
          'mutation ($projectId: ID!, $input: SetDataPlatformConfigInput!) { setDataPlatformConfig(projectId: $projectId, input: $input) { id } }',
          {
            projectId: project,
            input: {
              adapterType: 'snowflake',
              host: 'acme',
              privateKey: through('SetDataPlatformConfigInput.privateKey'),
            },
          },
        ),
        'setDataPlatformConfig',
      );
      const credentials =
        'mutation ($environmentId: ID!, $input: SetEnvironmentCredentialsInput!) { setEnvironmentCredentials(environmentId: $environmentId, input: $input) { id } }';
      ok(
        await run(credentials, {
          environmentId: production,
          input: {
            authType: 'password',
            username: 'dbt',
            schema: 'analytics',
            password: through('SetEnvironmentCredentialsInput.password'),
          },
        }),
        'setEnvironmentCredentials (password)',
      );
      ok(
        await run(credentials, {
          environmentId: production,
          input: {
            authType: 'key_pair',
            privateKey: through('SetEnvironmentCredentialsInput.privateKey', pem),
            privateKeyPassphrase: through('SetEnvironmentCredentialsInput.privateKeyPassphrase'),
          },
        }),
        'setEnvironmentCredentials (key pair)',
      );
      ok(
        await run(
          'mutation ($projectId: ID!, $input: SetSemanticLayerConfigInput!) { setSemanticLayerConfig(projectId: $projectId, input: $input) { id } }',
          {
            projectId: project,
            input: {
              enabled: true,
              environmentId: production,
              username: 'sl_user',
              password: through('SetSemanticLayerConfigInput.password'),
              privateKey: through('SetSemanticLayerConfigInput.privateKey'),
            },
          },
        ),
        'setSemanticLayerConfig',
      );
      ok(
        await run(
          'mutation ($input: UpdateAuthProviderInput!) { updateAuthProvider(input: $input) { type } }',
          {
            input: {
              type: 'oidc',
              enabled: true,
              loginSlug: 'acme',
              oidcIssuerUrl: 'https://login.example.com/',
              oidcClientId: 'tollgate',
              oidcClientSecret: through('UpdateAuthProviderInput.oidcClientSecret'),
            },
          },
        ),
        'updateAuthProvider',
      );
      // A DBT_ENV_SECRET_ variable's values (the name's description says they are write-only),
      // as the project default, an update and an environment override.
      covered.add('CreateCustomEnvVarInput.name');
      const envVar = ok(
        await run(
          'mutation ($input: CreateCustomEnvVarInput!) { createCustomEnvVar(input: $input) { id } }',
          {
            input: {
              projectId: project,
              name: 'DBT_ENV_SECRET_WAREHOUSE',
              value: through('createCustomEnvVar value'),
            },
          },
        ),
        'createCustomEnvVar',
      ).createCustomEnvVar.id as string;
      ok(
        await run(
          'mutation ($id: ID!, $value: String) { updateCustomEnvVar(id: $id, value: $value) { id } }',
          {
            id: envVar,
            value: through('updateCustomEnvVar value'),
          },
        ),
        'updateCustomEnvVar',
      );
      ok(
        await run(
          'mutation ($id: ID!, $environmentId: ID!, $value: String!) { setCustomEnvVarOverride(id: $id, environmentId: $environmentId, value: $value) { id } }',
          {
            id: envVar,
            environmentId: production,
            value: through('setCustomEnvVarOverride value'),
          },
        ),
        'setCustomEnvVarOverride',
      );

      // Secrets the API hands out once: a new token, its rotation, webhook signing secrets.
      const created = ok(
        await run(
          'mutation ($input: CreateServiceTokenInput!) { createServiceToken(input: $input) { token serviceToken { id } } }',
          {
            input: { name: 'ci', permissions: [{ permissionSet: 'readonly', allProjects: true }] },
          },
        ),
        'createServiceToken',
      ).createServiceToken;
      sent.set('createServiceToken token', created.token);
      const rotated = ok(
        await run(
          'mutation ($id: ID!) { rotateServiceToken(id: $id, graceSeconds: 60) { token } }',
          { id: created.serviceToken.id },
        ),
        'rotateServiceToken',
      ).rotateServiceToken.token as string;
      sent.set('rotateServiceToken token', rotated);
      const webhook = ok(
        await run(
          'mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id } } }',
          {
            input: {
              name: 'hook',
              url: 'https://hooks.example.com/dbt',
              events: ['job.run.completed'],
            },
          },
        ),
        'createWebhook',
      ).createWebhook;
      sent.set('createWebhook secret', webhook.secret);
      sent.set(
        'rotateWebhookSecret secret',
        ok(
          await run('mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret } }', {
            id: webhook.webhook.id,
          }),
          'rotateWebhookSecret',
        ).rotateWebhookSecret.secret,
      );

      // Tokens in headers: the rotated token in use, an unknown one, a malformed one; and a
      // leaked token reported anonymously (its argument is the token itself).
      ok(await gateway.graphql('{ viewer { name } }', {}, rotated), 'viewer');
      const unknown = generateToken();
      sent.set('unknown token in a header', unknown);
      expect((await gateway.graphql('{ viewer { name } }', {}, unknown)).status).toBe(401);
      const malformed = secret('malformed-token');
      sent.set('malformed token in a header', malformed);
      expect((await gateway.graphql('{ viewer { name } }', {}, malformed)).status).toBe(401);
      // Well-formed, but not one of ours.
      const leaked = generateToken();
      sent.set('revokeLeakedToken(token)', leaked);
      ok(
        await gateway.graphql(
          'mutation ($token: String!) { revokeLeakedToken(token: $token) { revoked } }',
          { token: leaked },
        ),
        'revokeLeakedToken',
      );
      sent.set('admin token in a header', gateway.adminToken);

      // Every write-only input the schema documents was sent above.
      expect([...covered].filter((input) => input.includes('.')).sort()).toEqual(
        writeOnlyInputs(schema),
      );
      for (const [index, value] of (await sealedValues(gateway.db)).entries())
        sent.set(`sealed value ${index}`, value);
      expect(sent.size).toBeGreaterThan(25);

      // The log is there (one line per request at least), and none of it is secret.
      const log = lines.join('');
      expect(lines.filter((line) => line.includes('/graphql')).length).toBeGreaterThanOrEqual(20);
      for (const [where, value] of sent) {
        expect(log.includes(value), `${where} appears in the log`).toBe(false);
        // A PEM key's body, in case a line holds it with escaped newlines.
        for (const part of value.split('\n').filter((piece) => piece.length >= 16))
          expect(log.includes(part), `part of ${where} appears in the log`).toBe(false);
      }
      expect(log).not.toMatch(/authorization|bearer/i);
      await gateway.app.close();
    },
  );
});
