import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('data_platform_configs')
    .addColumn('id', postgres ? 'serial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('project_id', 'integer', (col) => col.notNull().unique().references('projects.id').onDelete('cascade'))
    .addColumn('adapter_type', 'text', (col) => col.notNull())
    .addColumn('host', 'text', (col) => col.notNull())
    .addColumn('port', 'integer')
    .addColumn('database', 'text')
    .addColumn('warehouse', 'text')
    .addColumn('role', 'text')
    .addColumn('threads', 'integer', (col) => col.notNull())
    .addColumn('target_name', 'text', (col) => col.notNull())
    /** Sealed; never returned by the API. */
    .addColumn('private_key_sealed', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('data_platform_configs').execute();
}
