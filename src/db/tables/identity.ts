// Tables of workload identity: trust policies, the tokens they issued, identity tokens used.

import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from './columns.js';

export interface IdentityTrustPolicyTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** The https URL identity tokens name as `iss`, exactly. */
  issuer: string;
  audience: string;
  /** JSON array of `{ claim, match, value }` (see src/auth/identity-conditions.ts). */
  conditions: string;
  /** JSON array of the grants to give, normalized by the catalog. */
  grants: string;
  lifetime_seconds: number;
  created_by_token_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IdentityIssuedTokenTable {
  service_token_id: number;
  account_id: number;
  /** The policy that issued it; kept (with its name) after the policy is deleted. */
  policy_id: number;
  policy_name: string;
  issuer: string;
  /** The identity token's `sub`. */
  subject: string;
}

export interface IdentityTokenUseTable {
  /** SHA-256 of issuer and jti, or of the whole token when it carries no jti; hex. */
  key: string;
  expires_at: Timestamp;
}

export type IdentityTrustPolicyRow = Selectable<IdentityTrustPolicyTable>;

export type IdentityIssuedTokenRow = Selectable<IdentityIssuedTokenTable>;
