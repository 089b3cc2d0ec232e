import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.

// Group grants mirror service token grants (same columns, same rules).
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'serial' : 'integer';

  await db.schema
    .createTable('groups')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('groups_account_name_unique', ['account_id', 'name'])
    .execute();

  await db.schema
    .createTable('group_grants')
    .addColumn('id', id, (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('permission_set', 'text', (col) => col.notNull())
    .addColumn('all_projects', 'integer', (col) => col.notNull())
    .addColumn('writable_environment_categories', 'text', (col) => col.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('group_grants_group_idx').on('group_grants').column('group_id').execute();

  await db.schema
    .createTable('group_grant_projects')
    .addColumn('grant_id', 'integer', (col) => col.notNull().references('group_grants.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_grant_projects_pk', ['grant_id', 'project_id'])
    .execute();
  await db.schema.createIndex('group_grant_projects_project_idx').on('group_grant_projects').column('project_id').execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member_id'])
    .execute();
  await db.schema.createIndex('group_members_member_idx').on('group_members').column('member_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('group_members').execute();
  await db.schema.dropTable('group_grant_projects').execute();
  await db.schema.dropTable('group_grants').execute();
  await db.schema.dropTable('groups').execute();
}
