import { auditedWrite } from '../audit.js';
import { principalOf } from '../context.js';
import { countMembersByLicense, findMembersByIds, updateMember } from '../db/members.js';
import type { LicenseType } from '../db/tables/people.js';
import { badUserInput, notFound } from '../errors.js';
import { currentBilling, seatColumns } from './billing.js';
import { builder } from './builder.js';
import { LicenseTypeEnum, Member, memberOfAccount } from './member.js';

interface LicenseSeatsShape {
  readonly licenseType: LicenseType;
  readonly seats: number;
  readonly used: number;
}

const licenseTypes: readonly LicenseType[] = ['developer', 'read_only', 'it'];

const LicenseSeats = builder.objectRef<LicenseSeatsShape>('LicenseSeats').implement({
  description: 'The seats of one license type: bought (see billing), held by members, and free.',
  fields: (t) => ({
    licenseType: t.expose('licenseType', { type: LicenseTypeEnum, nullable: false }),
    seats: t.exposeInt('seats', { nullable: false }),
    used: t.exposeInt('used', { nullable: false }),
    available: t.int({
      nullable: false,
      authz: 'parent',
      resolve: (row) => Math.max(0, row.seats - row.used),
    }),
  }),
});

builder.queryField('licenseAllocation', (t) =>
  t.field({
    type: [LicenseSeats],
    nullable: false,
    description: 'Seats per license type: bought, used, available.',
    authz: { resource: 'licenses', action: 'read' },
    resolve: async (_root, _args, context) => {
      const { account } = principalOf(context);
      const billing = await currentBilling(context.db, account);
      const used = await countMembersByLicense(context.db, account.id);
      return licenseTypes.map((licenseType) => ({
        licenseType,
        seats: billing[seatColumns[licenseType]],
        used: used[licenseType],
      }));
    },
  }),
);

builder.mutationField('assignLicense', (t) =>
  t.field({
    type: Member,
    nullable: false,
    description:
      'Gives the member a seat of this license type (freeing the one it held); refused when none is free.',
    args: {
      memberId: t.arg.id({ required: true }),
      licenseType: t.arg({ type: LicenseTypeEnum, required: true }),
    },
    authz: { resource: 'licenses', action: 'write' },
    resolve: async (_root, { memberId, licenseType }, context) => {
      const { account } = principalOf(context);
      const member = await memberOfAccount(memberId, context, 'memberId');
      return auditedWrite(context, 'assignLicense', async (trx) => {
        // Re-read inside the transaction: seats are counted against what is stored now.
        const current = (await findMembersByIds(trx, account.id, [member.id]))[0];
        if (!current) throw notFound(`Member ${memberId}`);
        if (current.license_type !== licenseType) {
          const seats = (await currentBilling(trx, account))[seatColumns[licenseType]];
          const used = (await countMembersByLicense(trx, account.id))[licenseType];
          if (used >= seats) {
            throw badUserInput(
              `No ${licenseType} seat is free (${used} of ${seats} in use); buy more under billing first.`,
              'licenseType',
            );
          }
        }
        const updated = (await updateMember(trx, account.id, member.id, { licenseType }))!;
        return {
          result: updated,
          target: {
            type: 'Member',
            id: member.id,
            details: { licenseType: { from: current.license_type, to: licenseType } },
          },
        };
      });
    },
  }),
);
