import { auditedWrite } from '../audit.js';
import { principalOf } from '../context.js';
import { findAuthProvider, upsertAuthProvider } from '../db/auth-providers.js';
import type { AuthProviderRow, AuthProviderType } from '../db/tables/accounts.js';
import { badUserInput } from '../errors.js';
import { unlessDuplicate, validUrl } from '../validation.js';
import { builder } from './builder.js';
import { DateTime } from './scalars.js';

type AuthProviderShape = Omit<AuthProviderRow, 'updated_at'> & {
  readonly updated_at: string | null;
};

function unconfigured(accountId: number): AuthProviderShape {
  return {
    account_id: accountId,
    type: 'none',
    enabled: 0,
    login_slug: null,
    saml_metadata_url: null,
    saml_entity_id: null,
    oidc_issuer_url: null,
    oidc_client_id: null,
    oidc_client_secret: null,
    updated_at: null,
  };
}

const AuthProviderTypeEnum = builder.enumType('AuthProviderType', {
  values: {
    none: { description: 'No single sign-on.' },
    saml: {
      description:
        'SAML 2.0: the identity provider is described by its metadata URL and entity id. Stored only: sign-in supports OpenID Connect, so SAML cannot be enabled.',
    },
    oidc: { description: 'OpenID Connect: an issuer URL and a client registered there.' },
  } as const,
});

const AuthProvider = builder.objectRef<AuthProviderShape>('AuthProvider').implement({
  description: "The account's single sign-on settings. The OIDC client secret is write-only.",
  fields: (t) => ({
    type: t.expose('type', { type: AuthProviderTypeEnum, nullable: false }),
    enabled: t.boolean({
      nullable: false,
      authz: 'parent',
      resolve: (provider) => provider.enabled === 1,
    }),
    loginSlug: t.exposeString('login_slug', {
      description: "The account's part of the SSO login URL; unique across accounts.",
    }),
    samlMetadataUrl: t.exposeString('saml_metadata_url'),
    samlEntityId: t.exposeString('saml_entity_id'),
    oidcIssuerUrl: t.exposeString('oidc_issuer_url'),
    oidcClientId: t.exposeString('oidc_client_id'),
    hasClientSecret: t.boolean({
      nullable: false,
      description: 'Whether an OIDC client secret is stored. The secret itself is never returned.',
      authz: 'parent',
      resolve: (provider) => provider.oidc_client_secret !== null,
    }),
    updatedAt: t.expose('updated_at', {
      type: DateTime,
      description: 'Null until first configured.',
    }),
  }),
});

builder.queryField('authProvider', (t) =>
  t.field({
    type: AuthProvider,
    nullable: false,
    authz: { resource: 'auth_provider', action: 'read' },
    resolve: async (_root, _args, context) => {
      const { account } = principalOf(context);
      return (await findAuthProvider(context.db, account.id)) ?? unconfigured(account.id);
    },
  }),
);

const UpdateAuthProviderInput = builder.inputType('UpdateAuthProviderInput', {
  description:
    'Fields left out are unchanged; `""` clears a field. Changing `type` clears the settings of the other type. Enabling needs a login slug and every setting of the type.',
  fields: (t) => ({
    type: t.field({ type: AuthProviderTypeEnum }),
    enabled: t.boolean(),
    loginSlug: t.string({ description: '3 to 63 lower-case letters, digits and hyphens.' }),
    samlMetadataUrl: t.string({
      description: "https URL of the identity provider's SAML metadata.",
    }),
    samlEntityId: t.string(),
    oidcIssuerUrl: t.string({ description: 'https URL of the OpenID Connect issuer.' }),
    oidcClientId: t.string(),
    oidcClientSecret: t.string({ description: 'Write-only: stored sealed, never returned.' }),
  }),
});

type Setting =
  | 'samlMetadataUrl'
  | 'samlEntityId'
  | 'oidcIssuerUrl'
  | 'oidcClientId'
  | 'oidcClientSecret';

const settingsOfType: Record<Exclude<AuthProviderType, 'none'>, readonly Setting[]> = {
  saml: ['samlMetadataUrl', 'samlEntityId'],
  oidc: ['oidcIssuerUrl', 'oidcClientId', 'oidcClientSecret'],
};

const columnOf = {
  samlMetadataUrl: 'saml_metadata_url',
  samlEntityId: 'saml_entity_id',
  oidcIssuerUrl: 'oidc_issuer_url',
  oidcClientId: 'oidc_client_id',
  oidcClientSecret: 'oidc_client_secret',
} as const satisfies Record<Setting, keyof AuthProviderRow>;

const slugPattern = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** An identifier without whitespace (entity ids, client ids), 1 to `max` characters. */
function validIdentifier(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max || /\s/.test(trimmed)) {
    throw badUserInput(
      `${field.replace(/^input\./, '')} needs 1 to ${max} characters without spaces.`,
      field,
    );
  }
  return trimmed;
}

type AuthProviderInput = {
  type?: AuthProviderType | null;
  enabled?: boolean | null;
  loginSlug?: string | null;
} & {
  [S in Setting]?: string | null;
};

/**
 * The settings after the input is applied, validated as a whole: settings of the other type are
 * refused (and cleared when the type changes); enabling needs a slug and every setting of the
 * type. Throws BAD_USER_INPUT naming the field.
 */
function applyChanges(
  current: AuthProviderShape,
  input: AuthProviderInput,
  seal: (secret: string) => string,
): { next: AuthProviderShape; changed: string[] } {
  const type = input.type ?? current.type;
  const next: AuthProviderShape = { ...current, type };
  const changed = [
    ...(input.type == null ? [] : ['type']),
    ...(input.enabled == null ? [] : ['enabled']),
  ];
  const applies = (setting: Setting) => type !== 'none' && settingsOfType[type].includes(setting);
  if (type !== current.type) {
    for (const setting of Object.keys(columnOf) as Setting[])
      if (!applies(setting)) next[columnOf[setting]] = null;
  }

  for (const setting of Object.keys(columnOf) as Setting[]) {
    const given = input[setting];
    if (given == null) continue;
    const field = `input.${setting}`;
    if (!applies(setting))
      throw badUserInput(`${setting} does not apply to an auth provider of type ${type}.`, field);
    let stored: string | null = null;
    if (given !== '') {
      if (setting === 'samlMetadataUrl' || setting === 'oidcIssuerUrl')
        stored = validUrl(given, field);
      else if (setting === 'samlEntityId') stored = validIdentifier(given, field, 1024);
      else if (setting === 'oidcClientId') stored = validIdentifier(given, field, 255);
      else if (given.length > 4096)
        throw badUserInput('oidcClientSecret may have at most 4096 characters.', field);
      else stored = seal(given);
    }
    next[columnOf[setting]] = stored;
    changed.push(setting);
  }
  if (input.loginSlug != null) {
    const slug = input.loginSlug.trim().toLowerCase();
    if (slug !== '' && !slugPattern.test(slug)) {
      throw badUserInput(
        'loginSlug needs 3 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen.',
        'input.loginSlug',
      );
    }
    next.login_slug = slug === '' ? null : slug;
    changed.push('loginSlug');
  }

  const enabled = input.enabled ?? (type === 'none' ? false : current.enabled === 1);
  if (enabled) {
    if (type === 'none')
      throw badUserInput(
        'Choose type saml or oidc before enabling single sign-on.',
        'input.enabled',
      );
    if (next.login_slug === null)
      throw badUserInput('Enabling single sign-on needs a loginSlug.', 'input.loginSlug');
    const missing = settingsOfType[type].find((setting) => next[columnOf[setting]] === null);
    if (missing)
      throw badUserInput(`Enabling ${type} single sign-on needs ${missing}.`, `input.${missing}`);
    // Stored SAML settings are kept, but no sign-in reads them: enabling them would promise a
    // sign-in that does not exist (docs/people.md).
    if (type === 'saml')
      throw badUserInput(
        'SAML single sign-on cannot be enabled: Tollgate signs people in through OpenID Connect only. Configure type oidc, or keep SAML settings disabled.',
        'input.enabled',
      );
  }
  next.enabled = enabled ? 1 : 0;
  return { next, changed };
}

builder.mutationField('updateAuthProvider', (t) =>
  t.field({
    type: AuthProvider,
    nullable: false,
    args: { input: t.arg({ type: UpdateAuthProviderInput, required: true }) },
    authz: { resource: 'auth_provider', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const { account } = principalOf(context);
      return unlessDuplicate(
        () =>
          auditedWrite(context, 'updateAuthProvider', async (trx) => {
            const current = (await findAuthProvider(trx, account.id)) ?? unconfigured(account.id);
            const { next, changed } = applyChanges(current, input, (secret) =>
              context.secrets.seal(secret),
            );
            const stored = await upsertAuthProvider(trx, {
              ...next,
              updated_at: context.now().toISOString(),
            });
            // The client secret never appears, only whether one is stored.
            const details = {
              changed,
              type: stored.type,
              enabled: stored.enabled === 1,
              loginSlug: stored.login_slug,
              samlMetadataUrl: stored.saml_metadata_url,
              samlEntityId: stored.saml_entity_id,
              oidcIssuerUrl: stored.oidc_issuer_url,
              oidcClientId: stored.oidc_client_id,
              hasClientSecret: stored.oidc_client_secret !== null,
            };
            return { result: stored, target: { type: 'AuthProvider', id: account.id, details } };
          }),
        'input.loginSlug',
        'This login slug is used by another account.',
      );
    },
  }),
);
