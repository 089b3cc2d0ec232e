import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// A value is in `value` (plain) or, for secret variables, in `value_sealed`; never both.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';
  await db.schema
    .createTable('custom_env_vars')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('value', 'text')
    .addColumn('value_sealed', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('custom_env_vars_project_name_unique', ['project_id', 'name'])
    .execute();

  await db.schema
    .createTable('custom_env_var_overrides')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('env_var_id', 'integer', (col) => col.notNull().references('custom_env_vars.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (col) => col.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('value', 'text')
    .addColumn('value_sealed', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('custom_env_var_overrides_unique', ['env_var_id', 'environment_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('custom_env_var_overrides').execute();
  await db.schema.dropTable('custom_env_vars').execute();
}
