import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type PermissionGrantInput,
  type RunStatus,
  TriggerRunDocument,
  UpdateRunStatusDocument,
} from '../../src/client/index.js';
import { builders, required } from '../support/builders.js';
import { createTestGateway, type TestGateway } from '../support/helpers.js';
import { fixtureArtifacts, uploadArtifacts } from '../support/metadata.js';

/**
 * A real gateway on a loopback port for the browser: the account's admin, two projects with
 * environments, jobs and a run history, the ecommerce and paystream dbt artifacts ingested, and
 * tokens of the permission sets the console tests sign in with.
 */
export interface ConsoleGateway {
  readonly url: string;
  readonly gateway: TestGateway;
  readonly adminToken: string;
  readonly tokens: { readonly readOnly: string; readonly metadataOnly: string };
  readonly analytics: {
    readonly projectId: string;
    readonly productionId: string;
    readonly nightlyJobId: string;
  };
  readonly payments: { readonly projectId: string; readonly productionId: string };
  close(): Promise<void>;
}

/** The gateway's clock: behind real time while the history is written, real time afterwards. */
function shiftedClock(startOffsetMs: number) {
  let offsetMs = startOffsetMs;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(milliseconds: number) {
      offsetMs += milliseconds;
    },
    /** Sets how far behind real time the clock runs (0: real time). */
    behindBy(milliseconds: number) {
      offsetMs = -milliseconds;
    },
  };
}

const hour = 3_600_000;

export async function startConsoleGateway(): Promise<ConsoleGateway> {
  const clock = shiftedClock(-14 * 24 * hour);
  const gateway = await createTestGateway({ now: clock.now });
  const admin = gateway.client(gateway.adminToken);
  const build = builders(admin);

  const analyticsId = await build.project('analytics');
  const production = await build.environment(analyticsId, 'production', 'Production');
  const staging = await build.environment(analyticsId, 'staging', 'Staging');
  await build.environment(analyticsId, 'development', 'Development');
  const nightly = await build.job(production, 'Nightly build', [
    'dbt source freshness',
    'dbt build',
  ]);
  const hourly = await build.job(production, 'Hourly marts', ['dbt run --select marts']);
  const ci = await build.job(staging, 'CI check', ['dbt build --select state:modified+']);

  const paymentsId = await build.project('payments');
  const paymentsProduction = await build.environment(paymentsId, 'production', 'Production');
  const paymentsJob = await build.job(paymentsProduction, 'Daily load');

  /** A run that went through its states at the clock's pace, so durations look like real ones. */
  const run = async (jobId: string, outcome: RunStatus, minutes: number) => {
    const id = required(
      await admin.request(TriggerRunDocument, { jobId, input: { cause: 'Scheduled' } }),
      'triggerRun',
    ).triggerRun!.id;
    if (outcome === 'queued') return id;
    clock.advance(60_000);
    required(
      await admin.request(UpdateRunStatusDocument, { id, status: 'running' }),
      'updateRunStatus',
    );
    if (outcome === 'running') return id;
    clock.advance(minutes * 60_000);
    required(
      await admin.request(UpdateRunStatusDocument, {
        id,
        status: outcome,
        errorMessage: outcome === 'error' ? 'Database Error in model fct_orders' : null,
      }),
      'updateRunStatus',
    );
    return id;
  };
  const history: [string, RunStatus[]][] = [
    [
      nightly,
      [
        'success',
        'success',
        'error',
        'success',
        'success',
        'success',
        'success',
        'error',
        'success',
        'success',
      ],
    ],
    [
      hourly,
      ['success', 'success', 'success', 'success', 'success', 'success', 'cancelled', 'success'],
    ],
    [ci, ['success', 'error', 'success', 'success']],
    [paymentsJob, ['success', 'success', 'success', 'error', 'error', 'success']],
  ];
  let lastNightly = '';
  for (let day = 0; day < 10; day++) {
    for (const [jobId, outcomes] of history) {
      const outcome = outcomes[day];
      if (!outcome) continue;
      const id = await run(jobId, outcome, 4 + ((day * 7 + Number(jobId)) % 13));
      if (jobId === nightly) lastNightly = id;
    }
    clock.advance(24 * hour);
  }
  // The latest runs, a few minutes ago; then the clock is the real one for the browser.
  clock.behindBy(15 * 60_000);
  const paymentsRun = await run(paymentsJob, 'success', 6);
  await run(ci, 'running', 0);
  clock.behindBy(0);

  for (const [runId, fixture] of [
    [lastNightly, 'ecommerce'],
    [paymentsRun, 'paystream'],
  ] as const) {
    const uploaded = await uploadArtifacts(
      gateway,
      gateway.adminToken,
      runId,
      fixtureArtifacts(fixture),
    );
    if (uploaded.errors)
      throw new Error(`uploading ${fixture} failed: ${JSON.stringify(uploaded.errors)}`);
  }

  const token = async (name: string, permissions: PermissionGrantInput[]) =>
    (await build.token(permissions, { name })).token;
  const readOnly = await token('Looker dashboards', [
    { permissionSet: 'readonly', allProjects: true },
  ]);
  const metadataOnly = await token('Catalog sync', [
    { permissionSet: 'metadata_only', allProjects: true },
  ]);
  await token('Airflow orchestrator', [{ permissionSet: 'job_admin', projectIds: [analyticsId] }]);

  const server: Server = createServer(gateway.app.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    adminToken: gateway.adminToken,
    tokens: { readOnly, metadataOnly },
    analytics: { projectId: analyticsId, productionId: production, nightlyJobId: nightly },
    payments: { projectId: paymentsId, productionId: paymentsProduction },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.app.close();
      await gateway.db.destroy();
    },
  };
}
