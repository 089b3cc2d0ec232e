import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Every migration file in migrations/, by name. Like Kysely's FileMigrationProvider, but the
 * import happens here, so it goes through the same loader as the rest of our TypeScript (tsx,
 * or vitest's transform) instead of Node's, which cannot load .ts from inside node_modules.
 */
const migrationProvider: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(migrationsFolder))
      .filter((file) => /^\d{4}-\d\d-\d\d-.+\.ts$/.test(file))
      .sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.ts$/, '')] = (await import(
        pathToFileURL(path.join(migrationsFolder, file)).href
      )) as Migration;
    }
    return migrations;
  },
};

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

/** Runs every pending migration; throws (naming the migration) if one fails. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Whether every migration in the folder has been applied (the readiness check). */
export async function migrationsAreCurrent(db: Kysely<any>): Promise<boolean> {
  const migrations = await migrator(db).getMigrations();
  return migrations.every((migration) => migration.executedAt !== undefined);
}
