import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { findAccountById } from '../db/accounts.js';
import { insertAuditEntry } from '../db/audit-log.js';
import { createSqliteDb, inTransaction, isUniqueViolation, migrateToLatest, type Db } from '../db/database.js';
import { insertMember } from '../db/members.js';
import { validEmail, validName } from '../validation.js';

// node --import tsx src/cli/add-member.ts <accountId> <email> [name]
// Adds a user to an account as the operator (members have no other way in until invitations
// can be accepted). Uses the database in TOLLGATE_DATA_DIR, like the server.

const usage = 'Usage: node --import tsx src/cli/add-member.ts <accountId> <email> [name]';

async function addMember(db: Db, args: string[]): Promise<string> {
  const [accountArg, emailArg, ...nameParts] = args;
  if (!accountArg || !emailArg) throw new Error(usage);
  if (!/^[1-9][0-9]{0,14}$/.test(accountArg)) throw new Error(`accountId must be a positive integer, not "${accountArg}".`);
  const email = validEmail(emailArg, 'email');
  const name = nameParts.length > 0 ? validName(nameParts.join(' '), 'name', 'A member name') : '';

  await migrateToLatest(db);
  const account = await findAccountById(db, Number(accountArg));
  if (!account) throw new Error(`No account ${accountArg}.`);
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
    throw isUniqueViolation(error) ? new Error(`${email} is already a member of account ${account.id}.`) : error;
  });
  return `Added member ${member.id} (${member.email}) to account ${account.id} "${account.name}".`;
}

const config = loadConfig();
mkdirSync(config.dataDir, { recursive: true });
const db = createSqliteDb(path.join(config.dataDir, 'tollgate.sqlite'));
try {
  console.log(await addMember(db, process.argv.slice(2)));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
