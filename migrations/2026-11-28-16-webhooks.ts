import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('webhooks')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    /** Comma-separated event names. */
    .addColumn('events', 'text', (col) => col.notNull())
    // A flag rather than "no rows in webhook_jobs": deleting the last listed job must not widen
    // the subscription to every job.
    .addColumn('all_jobs', 'integer', (col) => col.notNull())
    .addColumn('active', 'integer', (col) => col.notNull())
    /** The signing secret, sealed (AES-GCM); shown once and never returned again. */
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('webhooks_account_idx').on('webhooks').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('webhook_jobs')
    .addColumn('webhook_id', 'integer', (col) => col.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('job_id', 'integer', (col) => col.notNull().references('jobs.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('webhook_jobs_pk', ['webhook_id', 'job_id'])
    .execute();
  await db.schema.createIndex('webhook_jobs_job_idx').on('webhook_jobs').column('job_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_jobs').execute();
  await db.schema.dropTable('webhooks').execute();
}
