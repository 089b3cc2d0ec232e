import { auditedWrite } from '../audit.js';
import type { Plan } from '../catalog/permission-sets.js';
import { principalOf } from '../context.js';
import { defaultBilling, findBilling, upsertBilling } from '../db/billing.js';
import type { Db } from '../db/database.js';
import { countMembersByLicense } from '../db/members.js';
import type { AccountBillingRow } from '../db/tables/accounts.js';
import type { LicenseType } from '../db/tables/people.js';
import { badUserInput } from '../errors.js';
import { validCount, validEmail } from '../validation.js';
import { builder } from './builder.js';
import { PlanEnum } from './permission-set.js';
import { DateTime } from './scalars.js';

export const maxSeats = 10_000;
/** dbt Cloud's Team plan stops at 8 developer seats; more needs Enterprise. */
export const maxTeamDeveloperSeats = 8;

type BillingValues = Omit<AccountBillingRow, 'account_id' | 'updated_at'>;

export interface BillingShape extends BillingValues {
  readonly plan: Plan;
  readonly updated_at: string | null;
}

/** The account's billing settings, stored or default. */
export async function currentBilling(
  db: Db,
  account: { id: number; plan: Plan },
): Promise<BillingShape> {
  const stored = await findBilling(db, account.id);
  return {
    ...defaultBilling,
    ...stored,
    plan: account.plan,
    updated_at: stored?.updated_at ?? null,
  };
}

export const seatColumns: Record<LicenseType, 'developer_seats' | 'read_only_seats' | 'it_seats'> =
  {
    developer: 'developer_seats',
    read_only: 'read_only_seats',
    it: 'it_seats',
  };

const Billing = builder.objectRef<BillingShape>('Billing').implement({
  description: 'The plan (not self-service) and the seats bought per license type.',
  fields: (t) => ({
    plan: t.expose('plan', { type: PlanEnum, nullable: false }),
    billingEmail: t.exposeString('billing_email', { description: 'Where invoices go.' }),
    developerSeats: t.exposeInt('developer_seats', { nullable: false }),
    readOnlySeats: t.exposeInt('read_only_seats', { nullable: false }),
    itSeats: t.exposeInt('it_seats', { nullable: false }),
    updatedAt: t.expose('updated_at', {
      type: DateTime,
      description: 'Null until billing was first changed.',
    }),
  }),
});

builder.queryField('billing', (t) =>
  t.field({
    type: Billing,
    nullable: false,
    authz: { resource: 'billing', action: 'read' },
    resolve: (_root, _args, context) => currentBilling(context.db, principalOf(context).account),
  }),
);

const UpdateBillingInput = builder.inputType('UpdateBillingInput', {
  description:
    'Fields left out are unchanged; `billingEmail: ""` removes it. The plan is not self-service.',
  fields: (t) => ({
    billingEmail: t.string(),
    developerSeats: t.int({ description: `At most ${maxTeamDeveloperSeats} on the team plan.` }),
    readOnlySeats: t.int(),
    itSeats: t.int(),
  }),
});

/** The API's names of the columns, for audit details. */
const inputNames: Record<keyof BillingValues, string> = {
  billing_email: 'billingEmail',
  developer_seats: 'developerSeats',
  read_only_seats: 'readOnlySeats',
  it_seats: 'itSeats',
};

const seatInputs = [
  ['developer', 'developerSeats'],
  ['read_only', 'readOnlySeats'],
  ['it', 'itSeats'],
] as const;

builder.mutationField('updateBilling', (t) =>
  t.field({
    type: Billing,
    nullable: false,
    args: { input: t.arg({ type: UpdateBillingInput, required: true }) },
    authz: { resource: 'billing', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const { account } = principalOf(context);
      const changes: Partial<BillingValues> = {};
      if (input.billingEmail != null) {
        changes.billing_email =
          input.billingEmail.trim() === ''
            ? null
            : validEmail(input.billingEmail, 'input.billingEmail');
      }
      for (const [licenseType, field] of seatInputs) {
        const value = input[field];
        if (value == null) continue;
        const max =
          licenseType === 'developer' && account.plan === 'team' ? maxTeamDeveloperSeats : maxSeats;
        changes[seatColumns[licenseType]] = validCount(
          value,
          `input.${field}`,
          0,
          max,
          `${field} on the ${account.plan} plan`,
        );
      }
      return auditedWrite(context, 'updateBilling', async (trx) => {
        const before = await currentBilling(trx, account);
        const used = await countMembersByLicense(trx, account.id);
        for (const [licenseType, field] of seatInputs) {
          const seats = changes[seatColumns[licenseType]];
          if (seats !== undefined && seats < used[licenseType]) {
            throw badUserInput(
              `${used[licenseType]} members hold a ${licenseType} license; reassign or remove some before going down to ${seats} seats.`,
              `input.${field}`,
            );
          }
        }
        const { plan: _plan, updated_at: _updatedAt, ...current } = before;
        const stored = await upsertBilling(trx, {
          ...current,
          ...changes,
          account_id: account.id,
          updated_at: context.now().toISOString(),
        });
        const details = Object.fromEntries(
          Object.entries(changes).map(([column, value]) => [
            inputNames[column as keyof BillingValues],
            { from: current[column as keyof BillingValues], to: value },
          ]),
        );
        return {
          result: { ...stored, plan: account.plan },
          target: { type: 'Account', id: account.id, details },
        };
      });
    },
  }),
);
