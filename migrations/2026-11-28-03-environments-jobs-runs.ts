import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('environments')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull().check(sql`type in ('development', 'deployment')`))
    .addColumn('category', 'text', (col) =>
      col.notNull().check(sql`category in ('development', 'staging', 'production', 'other')`),
    )
    .addColumn('dbt_version', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('environments_project_name_unique', ['project_id', 'name'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (col) => col.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    /** JSON array of dbt commands. */
    .addColumn('steps', 'text', (col) => col.notNull())
    .addColumn('schedule_cron', 'text')
    .addColumn('trigger_on_schedule', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('trigger_on_pull_request', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('trigger_on_merge', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('jobs_project_idx').on('jobs').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('jobs_environment_idx').on('jobs').columns(['environment_id', 'id']).execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (col) => col.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('job_id', 'integer', (col) => col.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('queued', 'running', 'success', 'error', 'cancelled')`),
    )
    .addColumn('cause', 'text', (col) => col.notNull())
    .addColumn('triggered_by_token_id', 'integer', (col) => col.references('service_tokens.id').onDelete('set null'))
    .addColumn('git_branch', 'text')
    .addColumn('git_sha', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('runs_project_idx').on('runs').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('runs_job_idx').on('runs').columns(['job_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('runs').execute();
  await db.schema.dropTable('jobs').execute();
  await db.schema.dropTable('environments').execute();
}
