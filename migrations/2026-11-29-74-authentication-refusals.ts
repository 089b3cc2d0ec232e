import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// Refusals of valid tokens by address (the account's IP restrictions or the token's own
// allowlist), counted per token and window: the audit log, append-only, gets one entry per token
// and window, and this table holds how many refusals that entry stands for. Without it every
// refused request wrote an audit row, unthrottled.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('authentication_refusals')
    .addColumn('id', postgres ? 'serial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    // No foreign keys, like the audit log it counts for: the record outlives the token.
    .addColumn('account_id', 'integer', (col) => col.notNull())
    .addColumn('token_id', 'integer', (col) => col.notNull())
    .addColumn('window_start', 'text', (col) => col.notNull())
    .addColumn('refused_by', 'text', (col) => col.notNull())
    .addColumn('audit_entry_id', 'integer')
    .addColumn('refusals', 'integer', (col) => col.notNull())
    .addColumn('last_refused_at', 'text', (col) => col.notNull())
    .addColumn('last_client_ip', 'text')
    .addUniqueConstraint('authentication_refusals_window_key', ['token_id', 'window_start', 'refused_by'])
    .execute();
  await db.schema
    .createIndex('authentication_refusals_entry_idx')
    .on('authentication_refusals')
    .column('audit_entry_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('authentication_refusals').execute();
}
