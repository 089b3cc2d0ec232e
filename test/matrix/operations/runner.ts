import {
  ClaimRunDocument,
  CreateEnvironmentDocument,
  CreateJobDocument,
  ReportRunStepDocument,
  TriggerRunDocument,
} from '../../../src/client/index.js';
import { insertRunSteps } from '../../../src/db/run-steps.js';
import { required } from '../../support/builders.js';
import { type EnvironmentLocation, type Fixture, type Operation, write } from '../framework.js';

/**
 * A queued run alone in a new environment of the location's category (made by the admin), so a
 * claim limited to that environment takes exactly this run.
 */
async function queuedRunAlone(f: Fixture, at: EnvironmentLocation) {
  const environment = required(
    await f.admin.request(CreateEnvironmentDocument, {
      input: {
        projectId: f.projects[at.project],
        name: `runner ${f.unique()}`,
        type: at.category === 'development' ? 'development' : 'deployment',
        category: at.category,
        dbtVersion: '1.10',
      },
    }),
    'createEnvironment',
  ).createEnvironment!.id;
  const job = required(
    await f.admin.request(CreateJobDocument, {
      input: { environmentId: environment, name: `runner ${f.unique()}`, steps: ['dbt build'] },
    }),
    'createJob',
  ).createJob!.id;
  const run = required(await f.admin.request(TriggerRunDocument, { jobId: job }), 'triggerRun')
    .triggerRun!.id;
  return { environment, run };
}

export const runnerOperations: Operation[] = [
  {
    name: 'claimRun',
    where: 'environment',
    requires: [write('runs')],
    run: async (f, at) => {
      const { environment } = await queuedRunAlone(f, at);
      return f.token.request(ClaimRunDocument, { input: { environmentIds: [environment] } });
    },
  },
  {
    name: 'reportRunStep',
    where: 'environment',
    requires: [write('runs')],
    run: async (f, at) => {
      const { run } = await queuedRunAlone(f, at);
      // Reports come from the token that claimed the run. The claim is set up in the database,
      // not through the token: one operation, one audit entry.
      await f.gateway.db
        .updateTable('runs')
        .set({
          status: 'running',
          started_at: new Date().toISOString(),
          runner_token_id: Number(f.tokenId),
        })
        .where('id', '=', Number(run))
        .execute();
      await insertRunSteps(f.gateway.db, Number(run), ['dbt build']);
      return f.token.request(ReportRunStepDocument, {
        runId: run,
        input: { index: 1, status: 'running' },
      });
    },
  },
];
