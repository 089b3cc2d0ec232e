import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Every migration file in migrations/, by name. Like Kysely's FileMigrationProvider, but the
 * import happens here, so it goes through the same loader as the rest of our TypeScript (tsx,
 * or vitest's transform) instead of Node's, which cannot load .ts from inside node_modules.
 * The compiled build (dist/) has the same names ending in .js.
 */
const migrationProvider: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(migrationsFolder))
      .filter((file) => /^\d{4}-\d\d-\d\d-.+\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
      .sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.(ts|js)$/, '')] = (await import(
        pathToFileURL(path.join(migrationsFolder, file)).href
      )) as Migration;
    }
    return migrations;
  },
};

function migrator(db: Kysely<any>, options: { disableTransactions?: boolean } = {}): Migrator {
  return new Migrator({ db, provider: migrationProvider, ...options });
}

/**
 * Runs every pending migration; throws (naming the migration) if one fails. `withinTransaction`:
 * the caller has already opened a transaction on `db`'s only connection (copy-to-postgres), so
 * the migrator must not open its own.
 */
export async function migrateToLatest(
  db: Kysely<any>,
  { withinTransaction = false }: { withinTransaction?: boolean } = {},
): Promise<void> {
  const { error, results } = await migrator(db, {
    disableTransactions: withinTransaction,
  }).migrateToLatest();
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

/** Each migration in the folder, in order, with when it was applied (undefined: pending). */
export async function listMigrations(
  db: Kysely<any>,
): Promise<{ readonly name: string; readonly executedAt: Date | undefined }[]> {
  const migrations = await migrator(db).getMigrations();
  return migrations.map(({ name, executedAt }) => ({ name, executedAt }));
}
