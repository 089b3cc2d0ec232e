import { type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// Large ingests are written in many short transactions (a worker thread stages the run's rows,
// then one transaction applies them): `complete` is 0 while a run's artifacts are being staged,
// so readers skip the run until the transaction that applies it sets 1. Existing rows are complete.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('metadata_artifacts')
    .addColumn('complete', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('metadata_artifacts').dropColumn('complete').execute();
}
