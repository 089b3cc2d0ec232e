import { auditedWrite } from '../audit.js';
import { principalOf } from '../context.js';
import { findAccountSettings, upsertAccountSettings } from '../db/account-settings.js';
import { renameAccount } from '../db/accounts.js';
import type { AccountRow, AccountSettingsRow } from '../db/tables/accounts.js';
import { badUserInput } from '../errors.js';
import { validCount, validName } from '../validation.js';
import { builder } from './builder.js';
import { validDbtVersion } from './environment.js';
import { PlanEnum } from './permission-set.js';
import { DateTime } from './scalars.js';

/** What an account has before anyone changes its settings. */
export const defaultAccountSettings = {
  default_dbt_version: 'latest',
  run_slots: 1,
  schedule_timezone: 'UTC',
} as const;

export const maxRunSlots = 100;

type SettingsValues = Pick<
  AccountSettingsRow,
  'default_dbt_version' | 'run_slots' | 'schedule_timezone'
>;

/** The API's names of the columns, for audit details. */
const inputNames: Record<keyof SettingsValues, string> = {
  default_dbt_version: 'defaultDbtVersion',
  run_slots: 'runSlots',
  schedule_timezone: 'scheduleTimezone',
};

interface AccountSettingsShape extends SettingsValues {
  readonly account: AccountRow;
  readonly updated_at: string | null;
}

function settingsOf(
  account: AccountRow,
  stored: AccountSettingsRow | undefined,
): AccountSettingsShape {
  return { ...defaultAccountSettings, ...stored, account, updated_at: stored?.updated_at ?? null };
}

const AccountSettings = builder.objectRef<AccountSettingsShape>('AccountSettings').implement({
  description: "The account's name and settings. The plan is shown but is not self-service.",
  fields: (t) => ({
    name: t.string({
      nullable: false,
      authz: 'parent',
      resolve: (settings) => settings.account.name,
    }),
    plan: t.field({
      type: PlanEnum,
      nullable: false,
      authz: 'parent',
      resolve: (settings) => settings.account.plan,
    }),
    defaultDbtVersion: t.exposeString('default_dbt_version', {
      nullable: false,
      description: 'The dbt version new environments are offered by default.',
    }),
    runSlots: t.exposeInt('run_slots', {
      nullable: false,
      description: 'How many runs of the account may execute at once.',
    }),
    scheduleTimezone: t.exposeString('schedule_timezone', {
      nullable: false,
      description: 'The IANA time zone job schedules are shown in (e.g. "Europe/Berlin").',
    }),
    updatedAt: t.expose('updated_at', {
      type: DateTime,
      description: 'Null until the settings were first changed.',
    }),
  }),
});

/** An IANA time zone, in its canonical spelling; otherwise BAD_USER_INPUT. */
function validTimezone(value: string, field: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value.trim() }).resolvedOptions().timeZone;
  } catch {
    throw badUserInput(
      `"${value}" is not an IANA time zone such as "UTC" or "America/New_York".`,
      field,
    );
  }
}

builder.queryField('accountSettings', (t) =>
  t.field({
    type: AccountSettings,
    nullable: false,
    authz: { resource: 'account_settings', action: 'read' },
    resolve: async (_root, _args, context) => {
      const { account } = principalOf(context);
      return settingsOf(account, await findAccountSettings(context.db, account.id));
    },
  }),
);

const UpdateAccountSettingsInput = builder.inputType('UpdateAccountSettingsInput', {
  description: 'Fields left out are unchanged. The plan cannot be changed here.',
  fields: (t) => ({
    name: t.string(),
    defaultDbtVersion: t.string({ description: 'e.g. "1.10", "1.9.0-latest" or "latest".' }),
    runSlots: t.int({ description: `1 to ${maxRunSlots}.` }),
    scheduleTimezone: t.string({
      description: 'An IANA time zone, e.g. "UTC" or "Europe/Berlin".',
    }),
  }),
});

builder.mutationField('updateAccountSettings', (t) =>
  t.field({
    type: AccountSettings,
    nullable: false,
    args: { input: t.arg({ type: UpdateAccountSettingsInput, required: true }) },
    authz: { resource: 'account_settings', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const name =
        input.name == null ? undefined : validName(input.name, 'input.name', 'An account name');
      const changes: Partial<SettingsValues> = {
        ...(input.defaultDbtVersion == null
          ? {}
          : {
              default_dbt_version: validDbtVersion(
                input.defaultDbtVersion.trim(),
                'input.defaultDbtVersion',
              ),
            }),
        ...(input.runSlots == null
          ? {}
          : {
              run_slots: validCount(input.runSlots, 'input.runSlots', 1, maxRunSlots, 'runSlots'),
            }),
        ...(input.scheduleTimezone == null
          ? {}
          : { schedule_timezone: validTimezone(input.scheduleTimezone, 'input.scheduleTimezone') }),
      };
      const { account } = principalOf(context);
      return auditedWrite(context, 'updateAccountSettings', async (trx) => {
        const before = settingsOf(account, await findAccountSettings(trx, account.id));
        const renamed =
          name === undefined ? account : (await renameAccount(trx, account.id, name))!;
        const { account: _account, updated_at: _updatedAt, ...current } = before;
        const stored = await upsertAccountSettings(trx, {
          ...current,
          ...changes,
          account_id: account.id,
          updated_at: context.now().toISOString(),
        });
        const details = {
          ...(name === undefined ? {} : { name: { from: account.name, to: name } }),
          ...Object.fromEntries(
            Object.entries(changes).map(([column, value]) => [
              inputNames[column as keyof SettingsValues],
              { from: current[column as keyof SettingsValues], to: value },
            ]),
          ),
        };
        return {
          result: settingsOf(renamed, stored),
          target: { type: 'Account', id: account.id, details },
        };
      });
    },
  }),
);
