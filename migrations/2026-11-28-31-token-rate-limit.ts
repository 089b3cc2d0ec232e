import { type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// Requests per minute each token of the account may make; null: the server's default.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_token_policies').addColumn('requests_per_minute', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_token_policies').dropColumn('requests_per_minute').execute();
}
