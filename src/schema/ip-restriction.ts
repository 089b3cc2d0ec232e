import { auditedWrite } from '../audit.js';
import { parseCidr } from '../auth/ip-addresses.js';
import { isAddressAllowed } from '../auth/ip-restrictions.js';
import { type Context, principalOf } from '../context.js';
import {
  deleteIpRestrictionRule,
  insertIpRestrictionRule,
  listIpRestrictionRules,
} from '../db/ip-restrictions.js';
import type { IpRestrictionRuleRow } from '../db/tables/accounts.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { DateTime } from './scalars.js';

const IpRestrictionKind = builder.enumType('IpRestrictionKind', {
  values: {
    allow: { description: 'When any allow rule exists, only matching addresses are let in.' },
    deny: { description: 'Matching addresses are refused, whatever the allow rules say.' },
  } as const,
});

const IpRestrictionRule = builder.objectRef<IpRestrictionRuleRow>('IpRestrictionRule').implement({
  description: 'A CIDR rule applied to all service-token traffic of the account.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    kind: t.expose('kind', { type: IpRestrictionKind, nullable: false }),
    cidr: t.exposeString('cidr', { nullable: false }),
    description: t.exposeString('description', { nullable: false }),
    createdAt: t.expose('created_at', { type: DateTime, nullable: false }),
  }),
});

/** An account has at most this many rules, so the list needs no pagination and checking stays cheap. */
export const maxIpRestrictionRules = 200;

builder.queryField('ipRestrictions', (t) =>
  t.field({
    type: [IpRestrictionRule],
    nullable: false,
    description: `The account's IP restriction rules (at most ${maxIpRestrictionRules}).`,
    authz: { resource: 'ip_restrictions', action: 'read' },
    resolve: (_root, _args, context) =>
      listIpRestrictionRules(context.db, principalOf(context).account.id),
  }),
);

/** Refuses a rule set under which this very request would be refused: that locks the account out. */
function refuseLockout(
  context: Context,
  rules: Pick<IpRestrictionRuleRow, 'kind' | 'cidr'>[],
  field: string,
): void {
  if (!isAddressAllowed(rules, context.clientIp)) {
    throw badUserInput(
      `With this change the account's tokens could no longer be used from this request's address (${context.clientIp ?? 'unknown'}); add an allow rule for it first.`,
      field,
    );
  }
}

const CreateIpRestrictionInput = builder.inputType('CreateIpRestrictionInput', {
  fields: (t) => ({
    kind: t.field({ type: IpRestrictionKind, required: true }),
    cidr: t.string({
      required: true,
      description: 'An IPv4 or IPv6 range such as 203.0.113.0/24, or one address.',
    }),
    description: t.string(),
  }),
});

builder.mutationFields((t) => ({
  createIpRestriction: t.field({
    type: IpRestrictionRule,
    args: { input: t.arg({ type: CreateIpRestrictionInput, required: true }) },
    authz: { resource: 'ip_restrictions', action: 'write' },
    resolve: async (_root, { input }, context) => {
      const cidr = parseCidr(input.cidr);
      if (!cidr)
        throw badUserInput(`"${input.cidr}" is not an IP address or CIDR range.`, 'input.cidr');
      const { account } = principalOf(context);
      const normalized = `${cidr.address}/${cidr.prefix}`;
      return auditedWrite(context, 'createIpRestriction', async (trx) => {
        const existing = await listIpRestrictionRules(trx, account.id);
        if (existing.length >= maxIpRestrictionRules) {
          throw badUserInput(
            `An account may have at most ${maxIpRestrictionRules} IP restriction rules.`,
            'input',
          );
        }
        refuseLockout(context, [...existing, { kind: input.kind, cidr: normalized }], 'input.cidr');
        const rule = await insertIpRestrictionRule(trx, {
          accountId: account.id,
          kind: input.kind,
          cidr: normalized,
          description: (input.description ?? '').trim(),
          now: context.now().toISOString(),
        });
        return {
          result: rule,
          target: {
            type: 'IpRestrictionRule',
            id: rule.id,
            details: { kind: rule.kind, cidr: rule.cidr },
          },
        };
      });
    },
  }),
  deleteIpRestriction: t.field({
    type: IpRestrictionRule,
    args: { id: t.arg.id({ required: true }) },
    authz: { resource: 'ip_restrictions', action: 'write' },
    resolve: async (_root, { id }, context) => {
      const ruleId = parseId(id, 'id');
      const { account } = principalOf(context);
      return auditedWrite(context, 'deleteIpRestriction', async (trx) => {
        const existing = await listIpRestrictionRules(trx, account.id);
        if (!existing.some((rule) => rule.id === ruleId))
          throw notFound(`IP restriction rule ${id}`);
        refuseLockout(
          context,
          existing.filter((rule) => rule.id !== ruleId),
          'id',
        );
        const deleted = (await deleteIpRestrictionRule(trx, account.id, ruleId))!;
        return {
          result: deleted,
          target: {
            type: 'IpRestrictionRule',
            id: ruleId,
            details: { kind: deleted.kind, cidr: deleted.cidr },
          },
        };
      });
    },
  }),
}));
