import { GraphQLError } from 'graphql';
import { auditedWrite } from '../audit.js';
import { grantsFromInput } from '../auth/grant-input.js';
import { keepingAnAdminToken } from '../auth/service-tokens.js';
import { defaultUsageRetentionDays } from '../auth/token-policy.js';
import {
  type Action,
  acceptedPermissionSets,
  allowsOnAccount,
  type Grant,
} from '../catalog/access.js';
import {
  firstRefusedAfter,
  type GrantSuggestion,
  permissionsGranted,
  type SuggestionAlternative,
  suggestGrants,
  type UsedPermission,
} from '../catalog/least-privilege.js';
import type { Resource } from '../catalog/matrix.js';
import { type Context, principalOf } from '../context.js';
import type { Db } from '../db/database.js';
import { deleteGrants, insertGrants, listGrantsOf, type StoredGrant } from '../db/grants.js';
import {
  findLeastPrivilegePolicy,
  listPermissionUsage,
  upsertLeastPrivilegePolicy,
} from '../db/permission-usage.js';
import type { AccountRow } from '../db/tables/accounts.js';
import type { PermissionUsageRow } from '../db/tables/least-privilege.js';
import type { ServiceTokenRow } from '../db/tables/service-tokens.js';
import { badUserInput, forbidden } from '../errors.js';
import { builder } from './builder.js';
import { ActionEnum } from './explain.js';
import { grantSummary, PermissionGrant } from './grant.js';
import { ResourceEnum } from './permission-set.js';
import { DateTime } from './scalars.js';
import { grantsOf, ServiceToken, tokenOfAccount } from './service-token.js';

// Least privilege: what a token used against what it holds, the smallest grants that cover what it
// used (src/catalog/least-privilege.ts), applying them, and the account's policy for it.

const dayMs = 24 * 60 * 60 * 1000;
const maxDays = 3650;

/** A whole number of days between 1 and ten years; otherwise BAD_USER_INPUT naming the field. */
function validDays(days: number, field: string): number {
  if (!Number.isInteger(days) || days < 1 || days > maxDays)
    throw badUserInput(`${field} must be a whole number of days between 1 and ${maxDays}.`, field);
  return days;
}

/** The account's policy with its defaults. */
async function policyOf(db: Db, account: AccountRow) {
  const stored = await findLeastPrivilegePolicy(db, account.id);
  return {
    usageRetentionDays: stored?.usage_retention_days ?? defaultUsageRetentionDays,
    revokeUnusedAfterDays: stored?.revoke_unused_after_days ?? null,
    expiryWarningDays: stored?.expiry_warning_days ?? null,
    // An account without a row was created after recording began: recorded since its creation.
    usageRecordedSince: stored?.usage_recorded_since ?? account.created_at,
    updatedAt: stored?.updated_at ?? null,
  };
}

/** What one token used in a window, and whether the recorded usage covers the whole window. */
interface UsageWindow {
  readonly token: ServiceTokenRow;
  readonly sinceDays: number;
  readonly windowStart: string;
  /** From when usage of this token is on record: its creation, recording's start or the retention. */
  readonly recordedSince: string;
  readonly coversWindow: boolean;
  readonly rows: readonly PermissionUsageRow[];
  readonly used: readonly UsedPermission[];
  readonly grants: readonly StoredGrant[];
}

async function usageWindow(
  token: ServiceTokenRow,
  sinceDays: number,
  context: Context,
): Promise<UsageWindow> {
  const days = validDays(sinceDays, 'sinceDays');
  const { account } = principalOf(context);
  const now = context.now().getTime();
  const policy = await policyOf(context.db, account);
  const windowStart = new Date(now - days * dayMs).toISOString();
  const retentionStart = new Date(now - policy.usageRetentionDays * dayMs).toISOString();
  // The window is covered when this token's usage is on record for all of it: the token existed,
  // recording ran and nothing was pruned since its start. A younger record is refused for
  // applying: its suggestion would rest on less use than the window asked for.
  const recordedSince = [token.created_at, policy.usageRecordedSince, retentionStart]
    .sort()
    .at(-1)!;
  const rows = await listPermissionUsage(context.db, [token.id], windowStart);
  return {
    token,
    sinceDays: days,
    windowStart,
    recordedSince,
    coversWindow: recordedSince <= windowStart,
    rows,
    used: rows.map((row) => ({
      resource: row.resource as Resource,
      action: row.action as Action,
      projectId: row.project_id === 0 ? null : row.project_id,
    })),
    grants: await grantsOf(token, context),
  };
}

interface GrantedUse {
  readonly resource: Resource;
  readonly action: Action;
  readonly projectId: number | null;
  readonly allProjects: boolean;
  readonly lastUsedAt: string | null;
  readonly useCount: number;
}

/** Each granted permission with its recorded use in the window (none: never used in it). */
function grantedUses(window: UsageWindow): GrantedUse[] {
  return permissionsGranted(window.grants).map((permission) => {
    const rows = window.rows.filter(
      (row) =>
        row.resource === permission.resource &&
        row.action === permission.action &&
        (permission.projectId === null ||
          row.project_id === permission.projectId ||
          row.project_id === 0),
    );
    return {
      ...permission,
      lastUsedAt:
        rows
          .map((row) => row.last_used_at)
          .sort()
          .at(-1) ?? null,
      useCount: rows.reduce((sum, row) => sum + row.use_count, 0),
    };
  });
}

const projectIdOf = (projectId: number | null) => (projectId === null ? null : String(projectId));

const RecordedPermission = builder.objectRef<PermissionUsageRow>('RecordedPermission').implement({
  description:
    "A permission the token's rules granted, as recorded: written at most once a minute per token and instance, so it may lag by that much.",
  fields: (t) => ({
    resource: t.field({
      type: ResourceEnum,
      nullable: false,
      authz: 'parent',
      resolve: (row) => row.resource,
    }),
    action: t.field({
      type: ActionEnum,
      nullable: false,
      authz: 'parent',
      resolve: (row) => row.action as Action,
    }),
    projectId: t.id({
      description:
        'Null for an account-level resource, and for a list across every project the token reaches (the root `runs`, `jobs`, `projects`).',
      authz: 'parent',
      resolve: (row) => (row.project_id === 0 ? null : String(row.project_id)),
    }),
    firstUsedAt: t.expose('first_used_at', { type: DateTime, nullable: false }),
    lastUsedAt: t.expose('last_used_at', { type: DateTime, nullable: false }),
    useCount: t.exposeInt('use_count', {
      nullable: false,
      description: 'Requests that were granted it, since its first recorded use.',
    }),
  }),
});

const GrantedPermissionUse = builder.objectRef<GrantedUse>('GrantedPermissionUse').implement({
  description: 'A permission the token holds, with its use in the window.',
  fields: (t) => ({
    resource: t.field({
      type: ResourceEnum,
      nullable: false,
      authz: 'parent',
      resolve: (use) => use.resource,
    }),
    action: t.field({
      type: ActionEnum,
      nullable: false,
      authz: 'parent',
      resolve: (use) => use.action,
    }),
    projectId: t.id({
      description:
        'The project of a grant on specific projects; null when allProjects or account-level.',
      authz: 'parent',
      resolve: (use) => projectIdOf(use.projectId),
    }),
    allProjects: t.exposeBoolean('allProjects', { nullable: false }),
    used: t.boolean({ nullable: false, authz: 'parent', resolve: (use) => use.useCount > 0 }),
    lastUsedAt: t.expose('lastUsedAt', { type: DateTime }),
    useCount: t.exposeInt('useCount', { nullable: false }),
  }),
});

const PermissionUsage = builder.objectRef<UsageWindow>('ServiceTokenPermissionUsage').implement({
  description: 'What a token used in a window against what it is granted.',
  fields: (t) => ({
    sinceDays: t.exposeInt('sinceDays', { nullable: false }),
    recordedSince: t.expose('recordedSince', {
      type: DateTime,
      nullable: false,
      description:
        "From when this token's usage is on record: the latest of its creation, the start of recording for the account and the retention.",
    }),
    coversWindow: t.exposeBoolean('coversWindow', {
      nullable: false,
      description:
        'Whether usage is on record for the whole window (a suggestion can be applied): the token existed, recording ran and nothing was pruned since the window began.',
    }),
    granted: t.field({
      type: [GrantedPermissionUse],
      nullable: false,
      authz: 'parent',
      resolve: grantedUses,
    }),
    unused: t.field({
      type: [GrantedPermissionUse],
      nullable: false,
      description: 'The granted permissions never used in the window.',
      authz: 'parent',
      resolve: (window) => grantedUses(window).filter((use) => use.useCount === 0),
    }),
    used: t.field({
      type: [RecordedPermission],
      nullable: false,
      authz: 'parent',
      resolve: (window) => window.rows,
    }),
  }),
});

type GrantShape = Grant & { readonly id: number };
/** Suggested grants have no id yet: 0 stands for "not stored". */
const unstored = (grants: readonly Grant[]): GrantShape[] =>
  grants.map((grant) => ({ ...grant, id: 0 }));

const RemovedPermission = builder
  .objectRef<GrantSuggestion['removed'][number]>('RemovedPermission')
  .implement({
    description: 'What the token holds today that the suggestion would take away.',
    fields: (t) => ({
      resource: t.field({
        type: ResourceEnum,
        nullable: false,
        authz: 'parent',
        resolve: (removed) => removed.resource,
      }),
      action: t.field({
        type: ActionEnum,
        nullable: false,
        authz: 'parent',
        resolve: (removed) => removed.action,
      }),
      projectId: t.id({
        description: 'The project; null: account-wide, or on every project (beyond those kept).',
        authz: 'parent',
        resolve: (removed) => projectIdOf(removed.projectId),
      }),
    }),
  });

const SuggestionTie = builder.objectRef<SuggestionAlternative>('SuggestedGrantsTie').implement({
  description: 'Another cover as small as the suggestion, and what it would grant unused.',
  fields: (t) => ({
    grants: t.field({
      type: [PermissionGrant],
      nullable: false,
      authz: 'parent',
      resolve: (tie) => unstored(tie.grants),
    }),
    unusedPermissions: t.exposeInt('unusedPermissions', { nullable: false }),
    unusedWrites: t.exposeInt('unusedWrites', { nullable: false }),
  }),
});

interface SuggestionShape extends GrantSuggestion {
  readonly window: UsageWindow;
}

const SuggestedGrants = builder.objectRef<SuggestionShape>('SuggestedGrants').implement({
  description:
    'The smallest set of permission sets (allowed by the plan, each on every project or on the fewest specific projects) that still allows every permission the token used in the window.',
  fields: (t) => ({
    sinceDays: t.int({
      nullable: false,
      authz: 'parent',
      resolve: (suggestion) => suggestion.window.sinceDays,
    }),
    coversWindow: t.boolean({
      nullable: false,
      description: 'Whether usage is on record for the whole window; applying needs it.',
      authz: 'parent',
      resolve: (suggestion) => suggestion.window.coversWindow,
    }),
    recordedSince: t.field({
      type: DateTime,
      nullable: false,
      authz: 'parent',
      resolve: (suggestion) => suggestion.window.recordedSince,
    }),
    grants: t.field({
      type: [PermissionGrant],
      nullable: false,
      description: 'The suggested grants (ids are 0: not stored).',
      authz: 'parent',
      resolve: (suggestion) => unstored(suggestion.grants),
    }),
    keptGrants: t.field({
      type: [PermissionGrant],
      nullable: false,
      description:
        'Current grants kept as they are: writes used through their environment categories, which no set allows without granting more.',
      authz: 'parent',
      resolve: (suggestion) => unstored(suggestion.kept),
    }),
    removed: t.field({
      type: [RemovedPermission],
      nullable: false,
      authz: 'parent',
      resolve: (suggestion) => suggestion.removed,
    }),
    ties: t.field({
      type: [SuggestionTie],
      nullable: false,
      authz: 'parent',
      resolve: (suggestion) => suggestion.ties,
    }),
    unusedPermissions: t.exposeInt('unusedPermissions', {
      nullable: false,
      description: 'Permissions the suggestion still grants that were not used in the window.',
    }),
    explanation: t.exposeString('explanation', { nullable: false }),
  }),
});

async function suggestionFor(
  token: ServiceTokenRow,
  sinceDays: number,
  context: Context,
): Promise<SuggestionShape> {
  const window = await usageWindow(token, sinceDays, context);
  const { account } = principalOf(context);
  return {
    ...suggestGrants({ plan: account.plan, current: window.grants, used: window.used }),
    window,
  };
}

const sinceDaysArg = {
  description: 'The window, in days back from now (1 to 3650).',
  defaultValue: 90,
};

builder.objectFields(ServiceToken, (t) => ({
  permissionUsage: t.field({
    type: PermissionUsage,
    nullable: false,
    description:
      'Each permission the token holds with its last use and count in the window, the ones never used, and every recorded use.',
    args: { sinceDays: t.arg.int({ ...sinceDaysArg, required: true }) },
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: (token, { sinceDays }, context) => usageWindow(token, sinceDays, context),
  }),
  suggestedGrants: t.field({
    type: SuggestedGrants,
    nullable: false,
    description:
      'The smallest grants that still allow every permission the token used in the window, with what they would remove and why (ties explained).',
    args: { sinceDays: t.arg.int({ ...sinceDaysArg, required: true }) },
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: (token, { sinceDays }, context) => suggestionFor(token, sinceDays, context),
  }),
}));

const ApplySuggestedGrantsPayload = builder
  .objectRef<{ serviceToken: ServiceTokenRow; suggestion: SuggestionShape }>(
    'ApplySuggestedGrantsPayload',
  )
  .implement({
    fields: (t) => ({
      serviceToken: t.expose('serviceToken', {
        type: ServiceToken,
        nullable: false,
        authz: 'parent',
      }),
      suggestion: t.expose('suggestion', {
        type: SuggestedGrants,
        nullable: false,
        authz: 'parent',
      }),
    }),
  });

builder.mutationField('applySuggestedGrants', (t) =>
  t.field({
    type: ApplySuggestedGrantsPayload,
    nullable: false,
    description:
      "Replaces the token's grants by `suggestedGrants(sinceDays)` in one audited transaction. Refused (BAD_USER_INPUT) when usage is not on record for the whole window, when the token used nothing in it (revoke it instead), or when it would leave the account without a working Account Admin token. Nobody grants what they do not hold.",
    args: {
      id: t.arg.id({ required: true }),
      sinceDays: t.arg.int({ ...sinceDaysArg, required: true }),
    },
    authz: { resource: 'service_tokens', action: 'write', token: (args) => args.id },
    resolve: async (_root, { id, sinceDays }, context) => {
      const token = await tokenOfAccount(id, context);
      const suggestion = await suggestionFor(token, sinceDays, context);
      const { window } = suggestion;
      if (!window.coversWindow)
        throw badUserInput(
          `Usage of this token is on record only since ${window.recordedSince}, less than the ${window.sinceDays} days asked (the token was created then, recording began then, or older usage is past the retention); ask for a shorter window or wait.`,
          'sinceDays',
        );
      if (suggestion.grants.length === 0)
        throw badUserInput(
          `The token used no permission in the last ${window.sinceDays} days: revoke it instead.`,
          'sinceDays',
        );
      // The suggestion is proved to allow every recorded use; checked again before it is stored.
      if (firstRefusedAfter(window.grants, suggestion.grants, window.used) !== null)
        throw new Error('A suggestion refused a recorded permission.');
      const { account, access } = principalOf(context);
      const applied = await auditedWrite(context, 'applySuggestedGrants', async (outer) => {
        const { before, after } = await keepingAnAdminToken(
          outer,
          { accountId: account.id, now: context.now(), field: 'id' },
          async (trx) => {
            const before =
              (await listGrantsOf(trx, 'SERVICE_TOKEN', [token.id])).get(token.id) ?? [];
            const grants = await grantsFromInput(
              trx,
              account,
              suggestion.grants.map((grant) => ({
                permissionSet: grant.permissionSet,
                allProjects: grant.projectIds === null ? true : undefined,
                projectIds: grant.projectIds,
                writableEnvironmentCategories: grant.writableEnvironmentCategories,
              })),
              { grantedBy: access, field: 'suggestion.grants' },
            );
            await deleteGrants(trx, 'SERVICE_TOKEN', token.id, 'all');
            await insertGrants(trx, 'SERVICE_TOKEN', token.id, grants);
            return { before, after: grants };
          },
        );
        return {
          result: { serviceToken: token, suggestion },
          target: {
            type: 'ServiceToken',
            id: token.id,
            details: {
              sinceDays: window.sinceDays,
              before: before.map(grantSummary),
              after: after.map(grantSummary),
              removed: suggestion.removed.length,
            },
          },
        };
      });
      // The grants were loaded for the suggestion in this request: the payload reads the new ones.
      context.loaders.grantsOfToken.clear(token.id);
      return applied;
    },
  }),
);

// The account's least-privilege policy.

type PolicyShape = Awaited<ReturnType<typeof policyOf>>;

const LeastPrivilegePolicy = builder.objectRef<PolicyShape>('LeastPrivilegePolicy').implement({
  description:
    "The account's least-privilege policy, applied about once an hour by every instance; revocations and expiry warnings are audited.",
  fields: (t) => ({
    usageRetentionDays: t.exposeInt('usageRetentionDays', {
      nullable: false,
      description: 'Recorded permission usage older than this is deleted (default 90).',
    }),
    revokeUnusedAfterDays: t.exposeInt('revokeUnusedAfterDays', {
      description:
        "Working tokens not used for this many days are revoked (never the account's last working Account Admin token). Null: off, the default.",
    }),
    expiryWarningDays: t.exposeInt('expiryWarningDays', {
      description:
        'A `token.expiring` webhook event (and an audit entry) this many days before a token expires. Null: off.',
    }),
    usageRecordedSince: t.expose('usageRecordedSince', { type: DateTime, nullable: false }),
    updatedAt: t.expose('updatedAt', { type: DateTime }),
  }),
});

builder.queryField('leastPrivilegePolicy', (t) =>
  t.field({
    type: LeastPrivilegePolicy,
    nullable: false,
    authz: { resource: 'account_settings', action: 'read' },
    resolve: (_root, _args, context) => policyOf(context.db, principalOf(context).account),
  }),
);

builder.mutationField('updateLeastPrivilegePolicy', (t) =>
  t.field({
    type: LeastPrivilegePolicy,
    nullable: false,
    description:
      'Sets the usage retention, the revocation of unused tokens and the expiry warning; an argument left out is unchanged, null turns a setting off (the retention cannot be off). Setting revokeUnusedAfterDays also needs service_tokens:write, as revoking tokens does.',
    args: {
      usageRetentionDays: t.arg.int(),
      revokeUnusedAfterDays: t.arg.int(),
      expiryWarningDays: t.arg.int(),
    },
    authz: { resource: 'account_settings', action: 'write' },
    resolve: async (_root, args, context) => {
      if (args.usageRetentionDays === null)
        throw badUserInput('usageRetentionDays cannot be null.', 'usageRetentionDays');
      // Revoking tokens is a service_tokens write, whoever may change the account's settings:
      // otherwise a project Member (account_settings write) could revoke the account's tokens.
      if (
        args.revokeUnusedAfterDays !== undefined &&
        !allowsOnAccount(principalOf(context).access, 'service_tokens', 'write')
      ) {
        const refused = forbidden({
          resource: 'service_tokens',
          action: 'write',
          acceptedPermissionSets: acceptedPermissionSets('service_tokens', 'write'),
        });
        throw new GraphQLError(refused.message, {
          extensions: { ...refused.extensions, field: 'revokeUnusedAfterDays' },
        });
      }
      const changes = {
        ...(args.usageRetentionDays === undefined
          ? {}
          : { usageRetentionDays: validDays(args.usageRetentionDays, 'usageRetentionDays') }),
        ...(args.revokeUnusedAfterDays === undefined
          ? {}
          : {
              revokeUnusedAfterDays:
                args.revokeUnusedAfterDays === null
                  ? null
                  : validDays(args.revokeUnusedAfterDays, 'revokeUnusedAfterDays'),
            }),
        ...(args.expiryWarningDays === undefined
          ? {}
          : {
              expiryWarningDays:
                args.expiryWarningDays === null
                  ? null
                  : validDays(args.expiryWarningDays, 'expiryWarningDays'),
            }),
      };
      const { account } = principalOf(context);
      return auditedWrite(context, 'updateLeastPrivilegePolicy', async (trx) => {
        const current = await policyOf(trx, account);
        await upsertLeastPrivilegePolicy(trx, {
          accountId: account.id,
          recordedSince: current.usageRecordedSince,
          ...changes,
          now: context.now().toISOString(),
        });
        return {
          result: await policyOf(trx, account),
          target: { type: 'LeastPrivilegePolicy', id: account.id, details: changes },
        };
      });
    },
  }),
);
