import type { Db } from './database.js';
import type { IpRestrictionRuleRow } from './tables/accounts.js';

export async function listIpRestrictionRules(
  db: Db,
  accountId: number,
): Promise<IpRestrictionRuleRow[]> {
  return db
    .selectFrom('ip_restriction_rules')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
}

export async function insertIpRestrictionRule(
  db: Db,
  rule: {
    accountId: number;
    kind: 'allow' | 'deny';
    cidr: string;
    description: string;
    now: string;
  },
): Promise<IpRestrictionRuleRow> {
  return db
    .insertInto('ip_restriction_rules')
    .values({
      account_id: rule.accountId,
      kind: rule.kind,
      cidr: rule.cidr,
      description: rule.description,
      created_at: rule.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteIpRestrictionRule(
  db: Db,
  accountId: number,
  id: number,
): Promise<IpRestrictionRuleRow | undefined> {
  return db
    .deleteFrom('ip_restriction_rules')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
