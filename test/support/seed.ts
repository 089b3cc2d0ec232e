import type { Db } from '../../src/db/database.js';
import { insertEnvironment } from '../../src/db/environments.js';
import { insertJob } from '../../src/db/jobs.js';
import { insertProject } from '../../src/db/projects.js';
import type { JobRow } from '../../src/db/tables/deployments.js';

/**
 * A project with a production deployment environment and jobs in it, written straight through
 * the repositories: for set-ups that need rows before any gateway serves (the ingest command's
 * test, the benchmarks). Set-ups that go through the API use the builders instead.
 */
export async function seedProductionProject(
  db: Db,
  accountId: number,
  name: string,
  jobNames: readonly [string, ...string[]] = ['nightly'],
) {
  const now = new Date().toISOString();
  const project = await insertProject(db, { accountId, name, description: '', now });
  const environment = await insertEnvironment(db, {
    project_id: project.id,
    name: 'Production',
    type: 'deployment',
    category: 'production',
    dbt_version: '1.8',
    now,
  });
  const jobs: JobRow[] = [];
  for (const jobName of jobNames) {
    jobs.push(
      await insertJob(db, {
        project_id: project.id,
        environment_id: environment.id,
        name: jobName,
        description: '',
        steps: JSON.stringify(['dbt build']),
        schedule_cron: null,
        trigger_on_schedule: 0,
        trigger_on_pull_request: 0,
        trigger_on_merge: 0,
        now,
      }),
    );
  }
  return { project, environment, jobs: jobs as [JobRow, ...JobRow[]] };
}
