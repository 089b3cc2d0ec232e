import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// The artifact files of a run as they were uploaded (gzip-compressed), so that clients of dbt
// Cloud's REST API can list and download them (`runs/{id}/artifacts/`). The Discovery API reads
// the parsed rows of the metadata tables; these are the bytes, served back unchanged.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('run_artifact_files')
    .addColumn('run_id', 'integer', (col) => col.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('size', 'integer', (col) => col.notNull())
    .addColumn('content', postgres ? 'bytea' : 'blob', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('run_artifact_files_pk', ['run_id', 'path'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('run_artifact_files').execute();
}
