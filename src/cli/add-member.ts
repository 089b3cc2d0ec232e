import { GraphQLError } from 'graphql';
import { loadStorageConfig } from '../config.js';
import { findAccountById } from '../db/accounts.js';
import { insertAuditEntry } from '../db/audit-log.js';
import { openDatabase } from '../db/connect.js';
import { type Db, inTransaction, isUniqueViolation } from '../db/database.js';
import { insertMember } from '../db/members.js';
import { migrateToLatest } from '../db/migrator.js';
import { validEmail, validName } from '../validation.js';
import {
  type CommandSpec,
  idArgument,
  isEntryPoint,
  parseCommandLine,
  runCommand,
  UsageError,
} from './command-line.js';

// Adds a user to an account as the operator (members have no other way in until invitations
// can be accepted).

const command: CommandSpec = {
  usage: 'tollgate add-member <accountId> <email> [name]',
  description: [
    'Adds <email> to the account as a member, named [name] (the words after the email), and',
    'records it in the audit log as done by the operator. The database is the one the server',
    'uses: TOLLGATE_DATABASE_URL when set, otherwise tollgate.sqlite in TOLLGATE_DATA_DIR (./data).',
  ].join('\n'),
  required: ['accountId', 'email'],
  rest: 'name',
};

/** A refusal of the database's state (no such account, already a member): exit status 1. */
class Refused extends Error {}

/** The member to add, from the command line; a malformed email or name is a wrong command line. */
function memberArguments(positionals: readonly string[], rest: readonly string[]) {
  const [accountArg, emailArg] = positionals as [string, string];
  const accountId = idArgument(accountArg, 'accountId', command);
  try {
    const email = validEmail(emailArg, 'email');
    const name = rest.length > 0 ? validName(rest.join(' '), 'name', 'A member name') : '';
    return { accountId, email, name };
  } catch (error) {
    if (error instanceof GraphQLError)
      throw new UsageError(`${error.message} Usage: ${command.usage}`);
    throw error;
  }
}

async function addMember(
  db: Db,
  { accountId, email, name }: ReturnType<typeof memberArguments>,
): Promise<string> {
  await migrateToLatest(db);
  const account = await findAccountById(db, accountId);
  if (!account) throw new Refused(`No account ${accountId}.`);
  const now = new Date().toISOString();
  const member = await inTransaction(db, async (trx) => {
    const added = await insertMember(trx, { accountId: account.id, email, name, now });
    // The operator acts without a token: the entry has no actor and no client address.
    await insertAuditEntry(trx, {
      account_id: account.id,
      occurred_at: now,
      actor_token_id: null,
      action: 'addMember',
      target_type: 'Member',
      target_id: String(added.id),
      project_id: null,
      outcome: 'success',
      client_ip: null,
      details: JSON.stringify({ email, via: 'cli' }),
    });
    return added;
  }).catch((error: unknown) => {
    throw isUniqueViolation(error)
      ? new Refused(`${email} is already a member of account ${account.id}.`)
      : error;
  });
  return `Added member ${member.id} (${member.email}) to account ${account.id} "${account.name}".`;
}

export async function main(args: readonly string[]) {
  const line = parseCommandLine(command, args);
  if (!line) return;
  const member = memberArguments(line.positionals, line.rest);
  const db = openDatabase(loadStorageConfig());
  try {
    console.log(await addMember(db, member));
  } finally {
    await db.destroy();
  }
}

/** The explanation of a refusal by the database's state (exit status 1); undefined for a bug. */
export function refusal(error: unknown): string | undefined {
  return error instanceof Refused ? error.message : undefined;
}

if (isEntryPoint(import.meta.url)) runCommand(() => main(process.argv.slice(2)), refusal);
