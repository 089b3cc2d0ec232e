import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operations } from '../../src/rest/operations.js';
import { routes } from '../../src/rest/routes.js';
import { schema } from '../../src/schema/index.js';
import { builders } from '../support/builders.js';
import { createTestGateway } from '../support/helpers.js';
import { fixtureArtifacts, uploadArtifacts } from '../support/metadata.js';
import { restClient } from './support.js';

// The OpenAPI document served at /api/openapi.json against the implementation: every documented
// path and method is served (called with real ids), every route is documented, and every
// persisted operation is a valid document of the admin schema.

describe('the OpenAPI document', () => {
  it('is served, and every path and method it documents is served by a route', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const build = builders(admin);
    const project = await build.project('analytics');
    const environment = await build.environment(project, 'production');
    const job = await build.job(environment);
    const call = restClient(gateway, gateway.adminToken);
    const runOf = async () =>
      (await call('POST', `/api/v2/accounts/${gateway.account.id}/jobs/${job}/run/`)).body.data.id;
    const run = await runOf();
    await uploadArtifacts(gateway, gateway.adminToken, String(run), {
      manifest: fixtureArtifacts('ecommerce').manifest,
    });
    const token = (await build.token([{ permissionSet: 'job_viewer', allProjects: true }]))
      .serviceToken.id;

    const served = await restClient(gateway, undefined)('GET', '/api/openapi.json');
    expect(served.status).toBe(200);
    const document = served.body;
    expect(document.openapi).toBe('3.1.0');

    const ids: Record<string, string> = {
      account_id: String(gateway.account.id),
      project_id: project,
      environment_id: environment,
      job_id: job,
      run_id: String(run),
      token_id: token,
      path: 'manifest.json',
    };
    const documented: string[] = [];
    for (const [path, methods] of Object.entries(document.paths as Record<string, object>)) {
      for (const [method, operation] of Object.entries(methods as Record<string, any>)) {
        documented.push(`${method.toUpperCase()} ${path}`);
        expect(operation['x-graphql-operations'].length).toBeGreaterThan(0);
        const concrete = path.replace(/\{([a-z_]+)\}/g, (_, name: string) => ids[name]!);
        // Cancelling acts on a run of its own: the run of the other calls stays queued.
        const response = await call(
          method.toUpperCase(),
          concrete.replace(`/runs/${run}/cancel/`, `/runs/${await runOf()}/cancel/`),
          method === 'get' || method === 'delete'
            ? undefined
            : concrete.endsWith('/permissions/')
              ? [{ permission_set: 'job_viewer', all_projects: true }]
              : concrete.endsWith('/service-tokens/')
                ? { name: 'documented' }
                : concrete.endsWith('/jobs/')
                  ? {
                      environment_id: Number(environment),
                      name: 'documented',
                      execute_steps: ['dbt run'],
                    }
                  : {},
        );
        expect(response.status, `${method} ${concrete}: ${response.text}`).toBeLessThan(300);
      }
    }
    const routed = routes.flatMap((route) =>
      route.versions.map(
        (version) =>
          `${route.method} /api/${version}/${route.path.replace('{path+}', '{path}')}${route.raw ? '' : '/'}`,
      ),
    );
    expect(documented.sort()).toEqual([...new Set(routed)].sort());
  }, 120_000);

  it("every route's operations are valid documents of the admin schema, and every operation has a route", () => {
    for (const [name, source] of Object.entries(operations)) {
      const errors = validate(schema, parse(source));
      expect(
        errors.map((error) => error.message),
        name,
      ).toEqual([]);
    }
    const used = new Set(routes.flatMap((route) => route.operations));
    expect([...used].sort()).toEqual(Object.keys(operations).sort());
  });
});
