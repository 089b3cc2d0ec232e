import { describe, expect, it } from 'vitest';
import { builders } from '../support/builders.js';
import { createTestGateway, type TestGateway } from '../support/helpers.js';
import { restClient } from './support.js';

// What real clients send: both header forms, paths with and without the trailing slash, lists
// spelled four ways, and trigger bodies that are empty, null or full of nulls and extra keys.

async function oneJob(gateway: TestGateway) {
  const build = builders(gateway.client(gateway.adminToken));
  const project = await build.project('analytics');
  return build.job(await build.environment(project, 'production'));
}

const base = (gateway: TestGateway) => `/api/v2/accounts/${gateway.account.id}`;

describe('tolerance', () => {
  it('accepts "Token" and "Bearer"', async () => {
    const gateway = await createTestGateway();
    for (const scheme of ['Token', 'Bearer'] as const) {
      const response = await restClient(
        gateway,
        gateway.adminToken,
        scheme,
      )('GET', '/api/v2/accounts/');
      expect(response.status).toBe(200);
      expect(response.body.data[0].id).toBe(gateway.account.id);
    }
  });

  it('answers paths with and without the trailing slash, never with a redirect', async () => {
    const gateway = await createTestGateway();
    const job = await oneJob(gateway);
    const call = restClient(gateway, gateway.adminToken);
    for (const path of [`${base(gateway)}/jobs/${job}`, `${base(gateway)}/jobs/${job}/`]) {
      const read = await call('GET', path);
      expect(read.status).toBe(200);
      expect(read.body.data.id).toBe(Number(job));
      const triggered = await call(
        'POST',
        `${path}${path.endsWith('/') ? '' : '/'}run`.replace('//run', '/run'),
      );
      expect(triggered.status).toBe(200);
    }
    expect((await call('POST', `${base(gateway)}/jobs/${job}/run`)).status).toBe(200);
    expect((await call('POST', `${base(gateway)}/jobs/${job}/run/`)).status).toBe(200);
    expect((await call('GET', '/api/v3/accounts')).status).toBe(200);
  });

  it('reads include_related repeated, comma-separated, as a JSON array and as a Python list', async () => {
    const gateway = await createTestGateway();
    const job = await oneJob(gateway);
    const call = restClient(gateway, gateway.adminToken);
    const run = (await call('POST', `${base(gateway)}/jobs/${job}/run/`)).body.data;
    for (const query of [
      'include_related=job&include_related=trigger',
      'include_related=job,trigger',
      'include_related=["job","trigger"]',
      "include_related=['job', 'trigger']",
      'include_related=[job, trigger]',
    ]) {
      const response = await call('GET', `${base(gateway)}/runs/${run.id}/?${encodeURI(query)}`);
      expect(response.status, query).toBe(200);
      expect(response.body.data.job?.id, query).toBe(Number(job));
      expect(response.body.data.trigger?.cause, query).toBe('API');
    }
  });

  it('triggers with no body, an empty one, null, {}, or all-null fields with extra account_id and job_id', async () => {
    const gateway = await createTestGateway();
    const job = await oneJob(gateway);
    const call = restClient(gateway, gateway.adminToken);
    const allNull = {
      account_id: gateway.account.id,
      job_id: Number(job),
      cause: null,
      git_sha: null,
      git_branch: null,
      schema_override: null,
      dbt_version_override: null,
      threads_override: null,
      target_name_override: null,
      generate_docs_override: null,
      timeout_seconds_override: null,
      steps_override: null,
      a_key_from_a_newer_client: { nested: true },
    };
    for (const body of [undefined, '', 'null', '{}', allNull, { cause: '  ' }]) {
      const response = await call('POST', `${base(gateway)}/jobs/${job}/run/`, body);
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(response.body.data.status).toBe(1);
    }
    const causes = (
      await call('GET', `${base(gateway)}/runs/?include_related=trigger`)
    ).body.data.map((run: { trigger: { cause: string } }) => run.trigger.cause);
    expect(new Set(causes)).toEqual(new Set(['API']));
  });

  it('answers every refusal as JSON in the envelope: bad body, unknown route, wrong method', async () => {
    const gateway = await createTestGateway();
    const job = await oneJob(gateway);
    const call = restClient(gateway, gateway.adminToken);
    const notJson = await call('POST', `${base(gateway)}/jobs/${job}/run/`, '{cause:');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ status: { code: 400, is_success: false }, data: null });
    const list = await call('POST', `${base(gateway)}/jobs/${job}/run/`, '[1]');
    expect(list.status).toBe(400);
    const unknown = await call('GET', `${base(gateway)}/nothing-here/`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.status.is_success).toBe(false);
    const notAnId = await call('GET', `${base(gateway)}/jobs/abc/`);
    expect(notAnId.status).toBe(404);
    const wrongMethod = await call('DELETE', `${base(gateway)}/jobs/${job}/`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST, PUT');
    expect(wrongMethod.body.status.code).toBe(405);
    const tooLarge = await call('POST', `${base(gateway)}/jobs/${job}/run/`, {
      cause: 'x'.repeat(1_100_000),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.status).toMatchObject({ code: 413, is_success: false });
    const badLimit = await call('GET', `${base(gateway)}/jobs/?limit=ten`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.status.user_message).toBe('limit must be a whole number.');
  });
});
