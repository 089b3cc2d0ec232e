// Under TEST_DATABASE_URL (vitest globalSetup): migrates the run's template database once for
// every test file, and drops every database of the run when it ends (./database-run.ts).
import type { TestProject } from 'vitest/node';
import { endPostgresRun, startPostgresRun, testDatabaseUrl } from './database-run.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (!testDatabaseUrl) return;
  const run = await startPostgresRun();
  project.provide('postgresRun', run);
  return () => endPostgresRun(run);
}
