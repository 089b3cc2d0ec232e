import { gunzipSync } from 'node:zlib';
import type { Db } from './database.js';
import type { RunArtifactFileTable } from './tables/deployments.js';

/** A stored artifact file without its bytes. */
export type RunArtifactFileInfo = Pick<RunArtifactFileTable, 'path' | 'size' | 'created_at'>;

/** Stores a run's uploaded files (gzip-compressed by the caller), replacing those of the same paths. */
export async function replaceRunArtifactFiles(
  db: Db,
  runId: number,
  files: readonly { path: string; size: number; gzipped: Uint8Array }[],
  now: string,
): Promise<void> {
  if (files.length === 0) return;
  await db
    .insertInto('run_artifact_files')
    .values(
      files.map((file) => ({
        run_id: runId,
        path: file.path,
        size: file.size,
        content: file.gzipped,
        created_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(['run_id', 'path']).doUpdateSet((update) => ({
        size: update.ref('excluded.size'),
        content: update.ref('excluded.content'),
        created_at: update.ref('excluded.created_at'),
      })),
    )
    .execute();
}

/** The files stored for a run, by path. The run's account is checked by the caller's loader. */
export async function listRunArtifactFiles(db: Db, runId: number): Promise<RunArtifactFileInfo[]> {
  return db
    .selectFrom('run_artifact_files')
    .select(['path', 'size', 'created_at'])
    .where('run_id', '=', runId)
    .orderBy('path')
    .execute();
}

/** One stored file's bytes, decompressed; undefined when the run has no file at that path. */
export async function findRunArtifactFile(
  db: Db,
  runId: number,
  path: string,
): Promise<(RunArtifactFileInfo & { bytes: Buffer }) | undefined> {
  const row = await db
    .selectFrom('run_artifact_files')
    .selectAll()
    .where('run_id', '=', runId)
    .where('path', '=', path)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    path: row.path,
    size: row.size,
    created_at: row.created_at,
    bytes: gunzipSync(row.content),
  };
}
