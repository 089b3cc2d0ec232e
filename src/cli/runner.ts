import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// The runner: on any machine with dbt and a token, it claims queued runs over the GraphQL API,
// runs each of the job's dbt commands in the project directory (no shell: the command is split
// into words and dbt is found on PATH), streams their output back, uploads target/'s artifacts
// and sets the outcome. It talks to the gateway only over HTTP, so it needs nothing of the
// server's code, and works the same against a remote gateway.

export interface RunnerOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:4000. */
  readonly gatewayUrl: string;
  readonly token: string;
  /** Where the dbt project is (dbt_project.yml); dbt runs here and writes target/ here. */
  readonly projectDir: string;
  /** How long to wait when nothing is queued. */
  readonly pollIntervalMs: number;
  /** The environments (ids) whose runs this runner takes. */
  readonly environmentIds: readonly string[];
  /** How often output is sent and the run's status checked while a step runs. */
  readonly reportIntervalMs?: number;
  /** Grace between SIGTERM and SIGKILL when a step is stopped. */
  readonly killGraceMs?: number;
  /** The environment dbt starts from (default: this process's, without the runner's token). */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /** One line per event (claimed, step finished, …); never a secret. */
  readonly log?: (line: string) => void;
}

/** Output sent per report at most (the gateway takes 256 KiB). */
const maxChunkBytes = 64 * 1024;
const defaultReportIntervalMs = 1_000;
const defaultKillGraceMs = 5_000;
/** The variables the runner reads; removed from what dbt sees. */
const runnerVariables = ['TOLLGATE_RUNNER_TOKEN'];
const artifactFiles = {
  manifest: 'manifest.json',
  runResults: 'run_results.json',
  sources: 'sources.json',
  catalog: 'catalog.json',
} as const;

interface Claimed {
  readonly run: {
    readonly id: string;
    readonly projectId: string;
    readonly environmentId: string;
    readonly jobId: string;
  };
  readonly commands: readonly string[];
  readonly environmentVariables: readonly {
    name: string;
    value: string;
    isSecret: boolean;
  }[];
}

class GatewayError extends Error {}

/** A GraphQL request to the gateway; throws GatewayError with the errors' messages. */
async function graphql<T>(
  options: RunnerOptions,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data: T | null; errors: { message: string; extensions?: { code?: string } }[] }> {
  const response = await fetch(new URL('/graphql', options.gatewayUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${options.token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    data?: T | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (!body.data && body.errors?.length)
    throw new GatewayError(body.errors.map((error) => error.message).join('; '));
  if (!body.data) throw new GatewayError(`The gateway answered ${response.status}.`);
  return { data: body.data, errors: body.errors ?? [] };
}

const claimQuery = `mutation ($input: ClaimRunInput!) {
  claimRun(input: $input) {
    run { id projectId environmentId jobId }
    commands
    environmentVariables { name value isSecret }
  }
}`;

/**
 * Claims one run. The custom variables come only to a token that may read them: without
 * custom_env_vars read the claim still succeeds and the steps run without them.
 */
async function claim(options: RunnerOptions): Promise<Claimed | null> {
  const input = { environmentIds: options.environmentIds };
  const { data, errors } = await graphql<{ claimRun: Claimed | null }>(options, claimQuery, {
    input,
  });
  const claimed = data?.claimRun ?? null;
  if (!claimed) {
    if (errors.length) throw new GatewayError(errors.map((error) => error.message).join('; '));
    return null;
  }
  if (errors.length > 0)
    options.log?.(
      `Run ${claimed.run.id}: custom environment variables withheld (${errors[0]!.message})`,
    );
  return { ...claimed, environmentVariables: claimed.environmentVariables ?? [] };
}

const reportQuery = `mutation ($runId: ID!, $input: ReportRunStepInput!) {
  reportRunStep(runId: $runId, input: $input) { runStatus }
}`;

async function report(
  options: RunnerOptions,
  runId: string,
  input: { index: number; status?: string; log?: string; errorMessage?: string },
): Promise<string> {
  const { data } = await graphql<{ reportRunStep: { runStatus: string } }>(options, reportQuery, {
    runId,
    input,
  });
  return data!.reportRunStep.runStatus;
}

async function finish(options: RunnerOptions, runId: string, status: string, message?: string) {
  await graphql(
    options,
    `mutation ($id: ID!, $status: RunStatus!, $errorMessage: String) {
      updateRunStatus(id: $id, status: $status, errorMessage: $errorMessage) { id status }
    }`,
    { id: runId, status, errorMessage: message ?? null },
  );
}

/** Uploads target/'s artifacts to the run (the manifest is required; the others if present). */
async function uploadArtifacts(options: RunnerOptions, runId: string): Promise<boolean> {
  const target = path.join(options.projectDir, 'target');
  const present = Object.entries(artifactFiles).filter(([, file]) =>
    existsSync(path.join(target, file)),
  );
  if (!present.some(([name]) => name === 'manifest')) return false;
  const form = new FormData();
  const names = present.map(([name]) => name);
  form.set(
    'operations',
    JSON.stringify({
      query: `mutation ($runId: ID!, ${names.map((name) => `$${name}: File${name === 'manifest' ? '!' : ''}`).join(', ')}) {
        uploadRunArtifacts(runId: $runId, ${names.map((name) => `${name}: $${name}`).join(', ')}) { runId }
      }`,
      variables: { runId, ...Object.fromEntries(names.map((name) => [name, null])) },
    }),
  );
  form.set(
    'map',
    JSON.stringify(Object.fromEntries(names.map((name, i) => [String(i), [`variables.${name}`]]))),
  );
  present.forEach(([, file], i) => {
    form.set(
      String(i),
      new Blob([readFileSync(path.join(target, file))], { type: 'application/json' }),
      file,
    );
  });
  const response = await fetch(new URL('/graphql/upload', options.gatewayUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'x-graphql-yoga-csrf': 'runner' },
    body: form,
  });
  const body = (await response.json().catch(() => ({}))) as { errors?: { message: string }[] };
  if (body.errors?.length)
    throw new GatewayError(
      `Uploading the artifacts failed: ${body.errors.map((e) => e.message).join('; ')}`,
    );
  return true;
}

/** Splits a dbt command into words: whitespace separates, single and double quotes group. */
export function commandWords(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  for (const character of command) {
    if (quote) {
      if (character === quote) quote = null;
      else current += character;
    } else if (character === '"' || character === "'") {
      quote = character;
      started = true;
    } else if (/\s/.test(character)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += character;
      started = true;
    }
  }
  if (quote) throw new Error('An unclosed quote in the command.');
  if (started) words.push(current);
  return words;
}

/** Replaces each secret value in the text. */
function masker(secrets: readonly string[]): (text: string) => string {
  const sorted = secrets.filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((masked, secret) => masked.split(secret).join('*****'), text);
}

/** Stops the step's whole process group: SIGTERM, then SIGKILL after the grace period. */
function stopGroup(child: ChildProcess, graceMs: number): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  setTimeout(() => signal('SIGKILL'), graceMs).unref();
}

interface StepResult {
  readonly outcome: 'success' | 'error' | 'cancelled';
  readonly message?: string;
}

/** Runs one step, streaming its output; stops it when the run is cancelled. */
async function runStep(
  options: RunnerOptions,
  claimed: Claimed,
  index: number,
  command: string,
  env: NodeJS.ProcessEnv,
  mask: (text: string) => string,
): Promise<StepResult> {
  const runId = claimed.run.id;
  let status = await report(options, runId, { index, status: 'running' });
  if (status === 'cancelled') return { outcome: 'cancelled' };
  const words = commandWords(command);
  // The process leads its own group (detached), so a cancel stops dbt and whatever it started.
  const child = spawn(words[0]!, words.slice(1), {
    cwd: options.projectDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  let lastLine = '';
  const collect = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code }));
  });

  let cancelled = false;
  let stopping = false;
  /** Sends complete lines (or a large chunk) of output; learns the run's status. */
  const flush = async (all: boolean) => {
    let cut = all ? pending.length : pending.lastIndexOf('\n') + 1;
    if (cut === 0 && Buffer.byteLength(pending) > maxChunkBytes) cut = pending.length;
    let text = pending.slice(0, cut);
    pending = pending.slice(cut);
    do {
      const piece = text.slice(0, maxChunkBytes / 4);
      text = text.slice(piece.length);
      const lines = piece.split('\n').filter((line) => line.trim() !== '');
      if (lines.length > 0) lastLine = lines[lines.length - 1]!;
      status = await report(options, runId, { index, log: mask(piece) });
    } while (text.length > 0);
    if (status === 'cancelled' && !stopping) {
      cancelled = true;
      stopping = true;
      options.log?.(`Run ${runId}: cancelled, stopping step ${index}`);
      stopGroup(child, options.killGraceMs ?? defaultKillGraceMs);
    }
  };

  let done = false;
  const reporter = (async () => {
    while (!done) {
      await new Promise((resolve) =>
        setTimeout(resolve, options.reportIntervalMs ?? defaultReportIntervalMs),
      );
      if (!done) await flush(false).catch(() => undefined);
    }
  })();
  const { code, error } = await exited;
  done = true;
  await reporter;
  await flush(true);
  if (cancelled || status === 'cancelled') {
    await report(options, runId, { index, status: 'cancelled' }).catch(() => undefined);
    return { outcome: 'cancelled' };
  }
  if (code === 0) {
    await report(options, runId, { index, status: 'success' });
    return { outcome: 'success' };
  }
  const reason = error
    ? `could not start ${words[0]}: ${error.message}`
    : `exited with status ${code ?? 'unknown (killed)'}`;
  const message = mask(
    `Step ${index} (${command}) failed: ${reason}${lastLine ? `. ${lastLine.trim().slice(0, 500)}` : ''}`,
  );
  await report(options, runId, { index, status: 'error', errorMessage: message });
  return { outcome: 'error', message };
}

/** The environment dbt runs with: the base without the runner's token, the run's variables, dbt Cloud's run variables. */
function stepEnvironment(options: RunnerOptions, claimed: Claimed): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.baseEnv ?? process.env) };
  for (const name of runnerVariables) delete env[name];
  for (const variable of claimed.environmentVariables) env[variable.name] = variable.value;
  env.DBT_CLOUD_RUN_ID = claimed.run.id;
  env.DBT_CLOUD_JOB_ID = claimed.run.jobId;
  env.DBT_CLOUD_PROJECT_ID = claimed.run.projectId;
  env.DBT_CLOUD_ENVIRONMENT_ID = claimed.run.environmentId;
  return env;
}

/** Executes a claimed run to its end: steps, artifacts, outcome. */
async function execute(options: RunnerOptions, claimed: Claimed): Promise<string> {
  const runId = claimed.run.id;
  const mask = masker(claimed.environmentVariables.filter((v) => v.isSecret).map((v) => v.value));
  const env = stepEnvironment(options, claimed);
  let failure: string | undefined;
  for (const [position, command] of claimed.commands.entries()) {
    const result = await runStep(options, claimed, position + 1, command, env, mask);
    if (result.outcome === 'cancelled') return 'cancelled';
    if (result.outcome === 'error') {
      failure = result.message;
      break;
    }
  }
  try {
    await uploadArtifacts(options, runId);
  } catch (error) {
    failure ??= (error as Error).message;
  }
  await finish(options, runId, failure ? 'error' : 'success', failure);
  return failure ? 'error' : 'success';
}

/** Claims and executes at most one run; 'idle' when none was queued. */
export async function runOnce(options: RunnerOptions): Promise<string> {
  const claimed = await claim(options);
  if (!claimed) return 'idle';
  options.log?.(`Run ${claimed.run.id}: claimed, ${claimed.commands.length} step(s)`);
  const outcome = await execute(options, claimed).catch(async (error: Error) => {
    options.log?.(`Run ${claimed.run.id}: the runner failed: ${error.message}`);
    await finish(options, claimed.run.id, 'error', `The runner failed: ${error.message}`).catch(
      () => undefined,
    );
    return 'error';
  });
  options.log?.(`Run ${claimed.run.id}: ${outcome}`);
  return outcome;
}

/** Polls and runs until the signal aborts (the run in progress finishes first). */
export async function runRunner(options: RunnerOptions, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const outcome = await runOnce(options).catch((error: Error) => {
      options.log?.(`Could not claim a run: ${error.message}`);
      return 'idle';
    });
    if (outcome === 'idle' && !signal.aborted)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollIntervalMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
  }
}

export const usage = `Usage: tollgate runner --project-dir <dir> [--url <gateway>] [--poll-interval <seconds>] --environment <id>... [--once]

Claims queued runs of the environments named from the gateway and runs their dbt commands in the project directory (dbt is
found on PATH), streams the output back, uploads target/'s artifacts and reports the outcome.
The token is read from TOLLGATE_RUNNER_TOKEN (never from the command line, where other users of
the machine could read it); it needs runs write in the environments it runs (Job Runner or Job
Admin), and custom_env_vars read for the environments' custom variables (Job Admin).

Options:
  --url <gateway>            the gateway (default TOLLGATE_URL, else http://127.0.0.1:4000)
  --project-dir <dir>        the dbt project (default TOLLGATE_RUNNER_PROJECT_DIR)
  --poll-interval <seconds>  wait between claims when nothing is queued (default 5)
  --environment <id>         take runs of this environment (required; repeatable)
  --once                     run at most one queued run, then exit
  -h, --help                 show this help

Exit status: 0 done; 1 refused or failed; 2 wrong command line or environment.
(1: the run failed, or the gateway refused the token or a report.)
`;

/** The command: exit status 0, 1 or 2 (see the usage). */
export async function main(
  args: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed: ReturnType<typeof parseRunnerArgs>;
  try {
    parsed = parseRunnerArgs(args);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(usage);
    return 0;
  }
  const token = env.TOLLGATE_RUNNER_TOKEN?.trim();
  const projectDir = parsed.projectDir ?? env.TOLLGATE_RUNNER_PROJECT_DIR;
  const problems: string[] = [];
  if (!token) problems.push("TOLLGATE_RUNNER_TOKEN must hold the runner's service token");
  if (!projectDir || !existsSync(projectDir))
    problems.push('--project-dir must name an existing directory (the dbt project)');
  const gatewayUrl = parsed.url ?? env.TOLLGATE_URL ?? 'http://127.0.0.1:4000';
  if (!URL.canParse(gatewayUrl))
    problems.push(`--url must be a URL (got ${JSON.stringify(gatewayUrl)})`);
  if (parsed.environments.length === 0)
    problems.push('--environment must name at least one environment whose runs this runner takes');
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    return 2;
  }
  const options: RunnerOptions = {
    gatewayUrl,
    token: token!,
    projectDir: path.resolve(projectDir!),
    pollIntervalMs: parsed.pollSeconds * 1000,
    environmentIds: parsed.environments,
    baseEnv: env,
    log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  };
  if (parsed.once) {
    try {
      const outcome = await runOnce(options);
      return outcome === 'success' || outcome === 'idle' ? 0 : 1;
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
  }
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  await runRunner(options, stop.signal);
  return 0;
}

function parseRunnerArgs(args: readonly string[]) {
  const { values } = parseArgs({
    args: [...args],
    options: {
      url: { type: 'string' },
      'project-dir': { type: 'string' },
      'poll-interval': { type: 'string' },
      environment: { type: 'string', multiple: true },
      once: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  const pollText = values['poll-interval'] ?? '5';
  if (!/^\d{1,5}(\.\d+)?$/.test(pollText) || Number(pollText) <= 0)
    throw new Error(`--poll-interval must be a number of seconds > 0 (got "${pollText}")`);
  for (const id of values.environment ?? [])
    if (!/^\d{1,15}$/.test(id)) throw new Error(`--environment must be an id (got "${id}")`);
  return {
    url: values.url,
    projectDir: values['project-dir'],
    pollSeconds: Number(pollText),
    environments: values.environment ?? [],
    once: values.once ?? false,
    help: values.help ?? false,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
