import { userInfo } from 'node:os';
import { GraphQLError } from 'graphql';
import { issueServiceToken } from '../auth/service-tokens.js';
import { loadStorageConfig } from '../config.js';
import { findAccountById } from '../db/accounts.js';
import { insertAuditEntry } from '../db/audit-log.js';
import { openDatabase } from '../db/connect.js';
import { type Db, inTransaction } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { findServiceTokenPolicy } from '../db/service-tokens.js';
import { validName } from '../validation.js';
import {
  type CommandSpec,
  idArgument,
  isEntryPoint,
  parseCommandLine,
  runCommand,
  UsageError,
} from './command-line.js';

// The recovery path when no one can administer an account any more (every Account Admin token
// revoked, expired or lost): the operator, on the gateway host with access to its database,
// mints a new Account Admin token. Whoever can read the database owns the gateway anyway; the
// API itself refuses the changes that would leave an account without a working admin token.

export const adminTokenCommand: CommandSpec = {
  usage: 'tollgate admin-token <accountId> [name]',
  description: [
    'Mints a new Account Admin token for the account, named [name] (the words after the id;',
    'default "Recovery admin"), prints its secret once, and records it in the audit log as done',
    'by the operator. When the account requires tokens to expire, the token expires after the',
    "account's maximum lifetime. The database is the one the server uses: TOLLGATE_DATABASE_URL",
    'when set, otherwise tollgate.sqlite in TOLLGATE_DATA_DIR (./data).',
  ].join('\n'),
  required: ['accountId'],
  rest: 'name',
};

/** A refusal of the database's state (no such account): exit status 1. */
export class AdminTokenRefused extends Error {}

export interface MintedAdminToken {
  readonly secret: string;
  readonly tokenId: number;
  readonly name: string;
  readonly accountName: string;
  readonly expiresAt: string | null;
}

/** The operator's login name for the audit entry; null where the system has none to give. */
function operatorName(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/**
 * Mints an Account Admin token for the account and appends its audit entry (no actor token: the
 * operator acted), in one transaction. Throws AdminTokenRefused when there is no such account.
 */
export async function mintAdminToken(
  db: Db,
  request: { accountId: number; name: string; now: Date; operator: string | null },
): Promise<MintedAdminToken> {
  const account = await findAccountById(db, request.accountId);
  if (!account) throw new AdminTokenRefused(`No account ${request.accountId}.`);
  const policy = await findServiceTokenPolicy(db, account.id);
  const maxSeconds = policy?.max_lifetime_seconds ?? null;
  return inTransaction(db, async (trx) => {
    const { token, serviceToken } = await issueServiceToken(trx, {
      account,
      name: request.name,
      permissions: [{ permissionSet: 'account_admin' }],
      expiresAt: maxSeconds === null ? null : new Date(request.now.getTime() + maxSeconds * 1000),
      createdByTokenId: null,
      // Nobody grants it: the operator stands outside the account's tokens.
      grantedBy: null,
      now: request.now,
    });
    await insertAuditEntry(trx, {
      account_id: account.id,
      occurred_at: request.now.toISOString(),
      actor_token_id: null,
      action: 'mintAdminToken',
      target_type: 'ServiceToken',
      target_id: String(serviceToken.id),
      project_id: null,
      outcome: 'success',
      client_ip: null,
      // The hint and the name, never the secret.
      details: JSON.stringify({
        name: serviceToken.name,
        hint: serviceToken.token_hint,
        expiresAt: serviceToken.expires_at,
        via: 'cli',
        operator: request.operator,
      }),
    });
    return {
      secret: token,
      tokenId: serviceToken.id,
      name: serviceToken.name,
      accountName: account.name,
      expiresAt: serviceToken.expires_at,
    };
  });
}

/** The command's arguments; a bad id or name is a wrong command line. */
function commandArguments(positionals: readonly string[], rest: readonly string[]) {
  const accountId = idArgument(positionals[0]!, 'accountId', adminTokenCommand);
  try {
    const name = validName(
      rest.length > 0 ? rest.join(' ') : 'Recovery admin',
      'name',
      'A service token name',
    );
    return { accountId, name };
  } catch (error) {
    if (error instanceof GraphQLError)
      throw new UsageError(`${error.message} Usage: ${adminTokenCommand.usage}`);
    throw error;
  }
}

/**
 * The command, for this file run directly and for a dispatcher: `args` is the command line after
 * the command's name. Prints the secret to stdout, once; throws as `runCommand` expects.
 */
export async function adminTokenMain(args: readonly string[]): Promise<void> {
  const line = parseCommandLine(adminTokenCommand, args);
  if (!line) return;
  const { accountId, name } = commandArguments(line.positionals, line.rest);
  const db = openDatabase(loadStorageConfig());
  try {
    await migrateToLatest(db);
    const minted = await mintAdminToken(db, {
      accountId,
      name,
      now: new Date(),
      operator: operatorName(),
    });
    console.log(
      [
        `Minted Account Admin token ${minted.tokenId} "${minted.name}" for account ${accountId} "${minted.accountName}"${minted.expiresAt ? `, expiring ${minted.expiresAt}` : ''}.`,
        'Its secret, shown this once (only its hash is stored):',
        minted.secret,
      ].join('\n'),
    );
  } finally {
    await db.destroy();
  }
}

/** The one-line explanation of a refusal (exit status 1); undefined for anything else. */
export function adminTokenRefusal(error: unknown): string | undefined {
  return error instanceof AdminTokenRefused ? error.message : undefined;
}

if (isEntryPoint(import.meta.url))
  runCommand(() => adminTokenMain(process.argv.slice(2)), adminTokenRefusal);
