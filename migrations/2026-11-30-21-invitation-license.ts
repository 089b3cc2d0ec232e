import { sql, type Kysely } from 'kysely';

// Frozen: a migration that has shipped is never edited; changes go in a new one.
// The seat an invitation gives when it is accepted, as dbt Cloud's invitations carry a license
// type: existing invitations keep what accepting meant until now, a developer seat.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('invitations')
    .addColumn('license_type', 'text', (col) =>
      col.notNull().defaultTo('developer').check(sql`license_type in ('developer', 'read_only', 'it')`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invitations').dropColumn('license_type').execute();
}
