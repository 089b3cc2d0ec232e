import { describe, expect, it } from 'vitest';
import { RunStepsDocument, TriggerRunDocument } from '../src/client/index.js';
import {
  findRunStep,
  insertRunSteps,
  maxStepLogBytes,
  updateRunStep,
} from '../src/db/run-steps.js';
import { builders, required, tokenWith } from './support/builders.js';
import { createTestGateway, errorCodes } from './support/helpers.js';

async function runWithSteps() {
  const gateway = await createTestGateway();
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project('analytics');
  const other = await build.project('other');
  const job = await build.job(await build.environment(project, 'production'), 'nightly', [
    'dbt seed',
    'dbt build',
  ]);
  const run = required(await admin.request(TriggerRunDocument, { jobId: job }), 'triggerRun')
    .triggerRun!.id;
  await insertRunSteps(gateway.db, Number(run), ['dbt seed', 'dbt build']);
  return { gateway, admin, project, other, run };
}

describe('Run.steps', () => {
  it('lists the steps in order with their logs, bounded to the last bytes', async () => {
    const { gateway, admin, run } = await runWithSteps();
    const step = (await findRunStep(gateway.db, Number(run), 1))!;
    const long = `${'x'.repeat(maxStepLogBytes)}\nthe end é\n`;
    await updateRunStep(gateway.db, step, {
      status: 'running',
      startedAt: '2026-11-29T01:00:00.000Z',
      appendLog: long,
      mask: (text) => text,
    });
    const read = required(await admin.request(RunStepsDocument, { id: run }), 'run').run!;
    expect(read.steps.map((s) => [s.index, s.name, s.status])).toEqual([
      [1, 'dbt seed', 'running'],
      [2, 'dbt build', 'queued'],
    ]);
    const first = read.steps[0]!;
    expect(Buffer.byteLength(first.logs, 'utf8')).toBeLessThanOrEqual(maxStepLogBytes);
    expect(first.logs.endsWith('the end é\n')).toBe(true);
    expect(first.logBytes).toBe(Buffer.byteLength(long, 'utf8'));
    expect(first.logTruncated).toBe(true);
    expect(read.steps[1]).toMatchObject({ logs: '', logBytes: 0, logTruncated: false });
    const tail = await gateway.graphql(
      'query ($id: ID!) { run(id: $id) { steps { logTail(bytes: 11) } } }',
      { id: run },
      gateway.adminToken,
    );
    expect(tail.body.data?.run.steps[0].logTail).toBe('the end é\n');
  });

  it('needs runs read: FORBIDDEN naming it, NOT_FOUND from another project, UNAUTHENTICATED without a token', async () => {
    const { gateway, project, other, run } = await runWithSteps();
    const noRuns = await tokenWith(gateway, [
      { permissionSet: 'metadata_only', projectIds: [project] },
    ]);
    const refused = await noRuns.client.request(RunStepsDocument, { id: run });
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors?.[0]?.extensions?.requiredPermission).toBe('runs:read');
    const elsewhere = await tokenWith(gateway, [
      { permissionSet: 'job_viewer', projectIds: [other] },
    ]);
    expect(errorCodes(await elsewhere.client.request(RunStepsDocument, { id: run }))).toEqual([
      'NOT_FOUND',
    ]);
    const anonymous = await gateway.client().request(RunStepsDocument, { id: run });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });
});
