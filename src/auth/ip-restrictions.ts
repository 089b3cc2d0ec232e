import type { IpRestrictionRuleRow } from '../db/tables/accounts.js';
import { addressSet, type Cidr, parseCidr } from './ip-addresses.js';

/**
 * Whether an account's IP restriction rules let `address` in: never when a deny rule matches;
 * when there are allow rules, only if one matches. No rules: everyone. An unknown address is
 * refused whenever there are rules (fail closed).
 */
export function isAddressAllowed(
  rules: readonly Pick<IpRestrictionRuleRow, 'kind' | 'cidr'>[],
  address: string | null,
): boolean {
  if (rules.length === 0) return true;
  if (address === null) return false;
  const cidrs = (kind: 'allow' | 'deny') =>
    rules
      .filter((rule) => rule.kind === kind)
      .map((rule) => parseCidr(rule.cidr))
      .filter((cidr): cidr is Cidr => cidr !== null);
  if (addressSet(cidrs('deny'))(address)) return false;
  const allow = cidrs('allow');
  return allow.length === 0 || addressSet(allow)(address);
}
