// dbt's status vocabulary, in one place: the statuses dbt writes in its artifacts (a node's result
// in run_results.json, a source's freshness in sources.json), what each means to Tollgate, and the
// enum values the Discovery API shows them as (spelled exactly as dbt's API spells them).
// Pure data and functions: every layer that reads statuses (repositories' filters, ingestion,
// views, the Discovery schema) takes them from here.

/** A node's result status in run_results.json: models, seeds, snapshots, tests and operations. */
export type ResultStatus =
  | 'success'
  | 'error'
  | 'skipped'
  | 'pass'
  | 'fail'
  | 'warn'
  | 'runtime error'
  | 'partial success';

/** Results that count as a successful execution of the node (its last success). */
export const successStatuses = [
  'success',
  'pass',
  'warn',
] as const satisfies readonly ResultStatus[];

/** Results whose message explains a problem (shown as lastRunError / error). */
export const problemStatuses = [
  'error',
  'fail',
  'warn',
  'runtime error',
] as const satisfies readonly ResultStatus[];

/** Whether a result's message explains a problem. */
export function isProblem(status: string | null): boolean {
  return (problemStatuses as readonly (string | null)[]).includes(status);
}

/** Results that make the whole run end in error. */
export const failingStatuses = [
  'error',
  'fail',
  'runtime error',
] as const satisfies readonly ResultStatus[];

/** The status a run gets from its run_results.json: error if any node errored or failed. */
export function runStatusOfResults(statuses: Iterable<string>): 'success' | 'error' {
  for (const status of statuses)
    if ((failingStatuses as readonly string[]).includes(status)) return 'error';
  return 'success';
}

/** The Discovery API's RunStatus: how a model's, seed's or snapshot's last result is shown. */
export const discoveryRunStatuses = ['error', 'skipped', 'success'] as const;
export type DiscoveryRunStatus = (typeof discoveryRunStatuses)[number];

/** A model's, seed's or snapshot's result as a RunStatus (null for others, tests included). */
export function runStatusOf(status: string | null): DiscoveryRunStatus | null {
  if (status === 'success' || status === 'error' || status === 'skipped') return status;
  if (status === 'partial success') return 'error';
  return null;
}

/** Worst first: a node's worstTestStatus is the first of these any of its tests last had. */
export const testSeverity = [
  'error',
  'fail',
  'warn',
  'skipped',
  'pass',
] as const satisfies readonly ResultStatus[];

/** The Discovery API's FreshnessStatus. */
export const freshnessStatuses = ['Error', 'Pass', 'Skipped', 'Unknown', 'Warn'] as const;
export type FreshnessStatus = (typeof freshnessStatuses)[number];

/** The statuses of sources.json each FreshnessStatus shows; any other shows as Unknown. */
const freshnessShown = {
  Pass: ['pass'],
  Warn: ['warn'],
  Error: ['error', 'runtime error'],
} as const;

/** A source's stored freshness status as a FreshnessStatus. */
export function freshnessStatusOf(status: string | null): 'Pass' | 'Warn' | 'Error' | 'Unknown' {
  for (const [shown, stored] of Object.entries(freshnessShown)) {
    if ((stored as readonly string[]).includes(status as string))
      return shown as keyof typeof freshnessShown;
  }
  return 'Unknown';
}

/** What each FreshnessStatus filter value matches among stored statuses; `unchecked`: never checked. */
export const freshnessFilter: Record<FreshnessStatus, readonly string[]> = {
  ...freshnessShown,
  Skipped: ['skipped'],
  Unknown: ['unchecked'],
};

/**
 * The dbt commands whose run_results.json reports executions (`args.which`). The others (compile,
 * docs generate, show, run-operation, ...) report compilations: their results change no
 * execution or test state, only the definitions their manifest brings.
 */
export const executingCommands = ['run', 'build', 'seed', 'snapshot', 'test'] as const;

/**
 * Whether a run's results are executions. Unknown (null): dbt wrote no `args.which`, which only
 * happens for hand-made or very old files; those are counted as executions as before.
 */
export function isExecutingCommand(command: string | null): boolean {
  return command === null || (executingCommands as readonly string[]).includes(command);
}
