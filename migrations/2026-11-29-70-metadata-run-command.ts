import { type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// The dbt command that wrote a run's run_results.json (`args.which`: run, build, test, compile,
// generate, ...): only executions update the applied state's execution and test results.
// Null when the run has no run_results.json, or one that does not say.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('metadata_artifacts').addColumn('command', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('metadata_artifacts').dropColumn('command').execute();
}
