import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// People sign in: server-side sessions of members, the single sign-on attempts in flight, and the
// member an audit entry was written by.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('member_sessions')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    // A removed member's sessions go with it.
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    /** SHA-256 of the cookie's random value: the value itself is never stored. */
    .addColumn('secret_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('last_seen_at', 'text', (col) => col.notNull())
    /** The absolute end, whatever the activity. */
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('client_ip', 'text')
    .execute();
  await db.schema.createIndex('member_sessions_member_idx').on('member_sessions').columns(['member_id', 'id']).execute();

  await db.schema
    .createTable('sign_in_attempts')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    /** SHA-256 of the browser-bound cookie value that started the attempt. */
    .addColumn('secret_hash', 'text', (col) => col.notNull().unique())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('nonce', 'text', (col) => col.notNull())
    .addColumn('code_verifier', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .execute();

  // No foreign key: the entry keeps naming its member after the member is removed.
  await db.schema.alterTable('audit_log').addColumn('actor_member_id', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').dropColumn('actor_member_id').execute();
  await db.schema.dropTable('sign_in_attempts').execute();
  await db.schema.dropTable('member_sessions').execute();
}
