import { describe, expect, it } from 'vitest';
import { CreateJobDocument, JobDocument, UpdateJobDocument } from '../src/client/index.js';
import { builders } from './support/builders.js';
import { createTestGateway, errorCodes } from './support/helpers.js';

async function setUp() {
  const gateway = await createTestGateway();
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);
  const project = await build.project('analytics');
  const environment = await build.environment(project, 'production');
  const job = await build.job(environment, 'nightly');
  const create = (schedule: string) =>
    admin.request(CreateJobDocument, {
      input: {
        environmentId: environment,
        name: `job ${schedule}`,
        steps: ['dbt build'],
        schedule,
      },
    });
  const update = (schedule: string) =>
    admin.request(UpdateJobDocument, { id: job, input: { schedule } });
  return { admin, job, create, update };
}

describe('job schedules', () => {
  it('take five-field cron with names, ranges, lists and steps, and nicknames', async () => {
    const { create } = await setUp();
    const accepted: [string, string][] = [
      ['0 6 * * MON-FRI', '0 6 * * MON-FRI'],
      ['*/15 9-17 * * 1-5', '*/15 9-17 * * 1-5'],
      ['0 0 1,15 JAN,JUL *', '0 0 1,15 JAN,JUL *'],
      ['30 2 * * sun', '30 2 * * sun'],
      ['  0   6  * * 7 ', '0 6 * * 7'],
      ['@daily', '@daily'],
      ['@Hourly', '@hourly'],
      ['@weekly', '@weekly'],
      ['@monthly', '@monthly'],
      ['@yearly', '@yearly'],
    ];
    for (const [schedule, stored] of accepted) {
      const response = await create(schedule);
      expect(response.errors, schedule).toBeUndefined();
      expect(response.data?.createJob?.schedule).toBe(stored);
    }
  });

  it('refuse what is not a five-field schedule with BAD_USER_INPUT on input.schedule, naming the problem', async () => {
    const { admin, job, create, update } = await setUp();
    const refused: [string, RegExp][] = [
      ['0 0 6 * * MON-FRI', /it has 6 fields: seconds are not accepted/],
      ['0 0 6 * * * 2027', /it has 7 fields: seconds and years are not accepted/],
      ['0 6 * *', /it has 4 fields; give five \(minute hour day-of-month month day-of-week\)/],
      ['daily', /it has 1 field;/],
      [
        '@reboot',
        /the nicknames are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly/,
      ],
      ['61 * * * *', /invalid value for minute: 61/],
      ['0 24 * * *', /invalid value for hour: 24/],
      ['0 6 * * FUNDAY', /not a cron schedule/],
      ['0 6 5-1 * *', /from value is larger than to value/],
      ['? ? * * *', /"\?" is not accepted/],
      ['0 0 30 2 *', /would never run/],
    ];
    for (const [schedule, reason] of refused) {
      for (const response of [await create(schedule), await update(schedule)]) {
        expect(errorCodes(response), schedule).toEqual(['BAD_USER_INPUT']);
        expect(response.errors?.[0]?.extensions?.field).toBe('input.schedule');
        expect(response.errors?.[0]?.message).toMatch(reason);
        expect(response.errors?.[0]?.message).toContain(`"${schedule}" is not a cron schedule`);
      }
    }
    // Nothing was stored by the refusals.
    expect((await admin.request(JobDocument, { id: job })).data?.job?.schedule).toBeNull();
  });

  it('change through updateJob, and a scheduled trigger still needs one', async () => {
    const { admin, job, update } = await setUp();
    expect((await update('@daily')).data?.updateJob?.schedule).toBe('@daily');
    const scheduled = await admin.request(UpdateJobDocument, {
      id: job,
      input: { schedule: '0 6 * * MON-FRI', triggers: { schedule: true } },
    });
    expect(scheduled.data?.updateJob).toMatchObject({
      schedule: '0 6 * * MON-FRI',
      triggers: { schedule: true },
    });
    const unscheduled = await admin.request(UpdateJobDocument, {
      id: job,
      input: { schedule: null },
    });
    expect(errorCodes(unscheduled)).toEqual(['BAD_USER_INPUT']);
    expect(unscheduled.errors?.[0]?.extensions?.field).toBe('input.schedule');
  });
});
