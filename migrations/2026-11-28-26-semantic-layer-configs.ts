import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('semantic_layer_configs')
    .addColumn('id', postgres ? 'serial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('project_id', 'integer', (col) => col.notNull().unique().references('projects.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (col) => col.notNull().defaultTo(0))
    /** Deleting the environment leaves the configuration without one (and disabled). */
    .addColumn('environment_id', 'integer', (col) => col.references('environments.id').onDelete('set null'))
    .addColumn('username', 'text')
    /** Sealed; never returned by the API. */
    .addColumn('password_sealed', 'text')
    .addColumn('private_key_sealed', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('semantic_layer_configs').execute();
}
