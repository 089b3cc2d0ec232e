import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// The steps of a run as a runner executes them (one row per dbt command of the job, made when the
// run is claimed), with the tail of each step's log, and on the run the token that claimed it.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('run_steps')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('run_id', 'integer', (col) => col.notNull().references('runs.id').onDelete('cascade'))
    /** 1-based position in the job's steps. */
    .addColumn('step_index', 'integer', (col) => col.notNull())
    /** The dbt command, as stored on the job when the run was claimed. */
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('queued', 'running', 'success', 'error', 'cancelled', 'skipped')`),
    )
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    /** The last bytes of the step's output (bounded by the application), secrets masked. */
    .addColumn('logs', 'text', (col) => col.notNull().defaultTo(''))
    /** Every byte the runner reported, kept or not: tells a reader how much was cut. */
    .addColumn('log_bytes', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('error_message', 'text')
    .addUniqueConstraint('run_steps_run_index_unique', ['run_id', 'step_index'])
    .execute();

  await db.schema
    .alterTable('runs')
    .addColumn('runner_token_id', 'integer', (col) => col.references('service_tokens.id').onDelete('set null'))
    .execute();
  // The claim looks for the oldest queued runs.
  await db.schema.createIndex('runs_status_idx').on('runs').columns(['status', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('runs_status_idx').execute();
  await db.schema.alterTable('runs').dropColumn('runner_token_id').execute();
  await db.schema.dropTable('run_steps').execute();
}
