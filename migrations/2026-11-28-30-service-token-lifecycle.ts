import { type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// Expiry, rotation with a grace window, last use, and a per-token address allowlist.

export async function up(db: Kysely<any>): Promise<void> {
  // SQLite adds one column per ALTER TABLE.
  const columns: [string, 'text' | 'integer', string | number | null][] = [
    ['expires_at', 'text', null],
    ['previous_token_hash', 'text', null],
    ['previous_token_valid_until', 'text', null],
    ['last_used_at', 'text', null],
    ['last_used_ip', 'text', null],
    ['recent_ips', 'text', '[]'],
    ['use_count', 'integer', 0],
    ['allowed_cidrs', 'text', ''],
  ];
  for (const [name, type, fallback] of columns) {
    await db.schema
      .alterTable('service_tokens')
      .addColumn(name, type, (col) => (fallback === null ? col : col.notNull().defaultTo(fallback)))
      .execute();
  }
  await db.schema.createIndex('service_tokens_previous_hash_idx').on('service_tokens').column('previous_token_hash').execute();

  await db.schema
    .createTable('service_token_policies')
    .addColumn('account_id', 'integer', (col) => col.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('max_lifetime_seconds', 'integer')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_token_policies').execute();
  await db.schema.dropIndex('service_tokens_previous_hash_idx').execute();
  for (const name of [
    'allowed_cidrs',
    'use_count',
    'recent_ips',
    'last_used_ip',
    'last_used_at',
    'previous_token_valid_until',
    'previous_token_hash',
    'expires_at',
  ]) {
    await db.schema.alterTable('service_tokens').dropColumn(name).execute();
  }
}
