import type { AccountRow } from '../db/tables/accounts.js';
import { builder } from './builder.js';
import { PlanEnum } from './permission-set.js';
import { DateTime } from './scalars.js';

export const Account = builder.objectRef<AccountRow>('Account').implement({
  description: 'The account that owns projects and service tokens.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    plan: t.expose('plan', { type: PlanEnum, nullable: false }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
  }),
});
