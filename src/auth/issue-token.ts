import { normalizeGrants, type GrantInput } from '../catalog/grants.js';
import { inTransaction, type Account, type Db, type ServiceToken } from '../db/database.js';
import { findProjectsByIds } from '../db/projects.js';
import { insertServiceToken } from '../db/service-tokens.js';
import { badUserInput } from '../errors.js';
import { validName } from '../validation.js';
import { generateToken, hashToken, tokenHint } from './token.js';

/** A token name as stored: trimmed, 1 to 255 characters. Throws BAD_USER_INPUT otherwise. */
export function validTokenName(name: string, field = 'name'): string {
  return validName(name, field, 'A service token name');
}

/**
 * Creates a service token with its grants in one transaction and returns the secret, the only
 * time it exists outside the caller's hands. Invalid grants (plan, level, environment
 * categories, projects not in the account) throw BAD_USER_INPUT and write nothing.
 */
export async function issueServiceToken(
  db: Db,
  request: {
    account: Account;
    name: string;
    permissions: readonly GrantInput[];
    createdByTokenId: number | null;
    now: Date;
  },
): Promise<{ token: string; serviceToken: ServiceToken }> {
  const name = validTokenName(request.name);
  const normalized = normalizeGrants(request.account.plan, request.permissions);
  if ('problem' in normalized) throw badUserInput(normalized.problem.message, normalized.problem.field);

  const secret = generateToken();
  const serviceToken = await inTransaction(db, async (trx) => {
    const requested = [...new Set(normalized.grants.flatMap((grant) => grant.projectIds ?? []))];
    const existing = new Set((await findProjectsByIds(trx, request.account.id, requested)).map((project) => project.id));
    for (const [index, grant] of normalized.grants.entries()) {
      const missing = grant.projectIds?.find((projectId) => !existing.has(projectId));
      if (missing !== undefined) {
        throw badUserInput(`Project ${missing} does not exist in this account.`, `permissions[${index}].projectIds`);
      }
    }
    return insertServiceToken(trx, {
      accountId: request.account.id,
      name,
      tokenHash: hashToken(secret),
      tokenHint: tokenHint(secret),
      now: request.now.toISOString(),
      createdByTokenId: request.createdByTokenId,
      grants: normalized.grants,
    });
  });
  return { token: secret, serviceToken };
}
