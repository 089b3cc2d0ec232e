import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { runStatusOfResults } from '../dbt-statuses.js';
import { csrfHeader } from '../hardening/transport.js';
import { type ArtifactName, artifactFileNames } from '../metadata/ingest.js';
import { MalformedJsonError, readJsonSections } from '../metadata/json-sections.js';
import { type CommandSpec, idArgument, parseCommandLine, UsageError } from './command-line.js';
import { progressReporter } from './progress.js';

// `tollgate upload`: what a dbt Core CI job runs after `dbt build` to send its target/ folder to
// a gateway elsewhere, over HTTP like any client (uploadRunArtifacts on /graphql/upload). The
// files are streamed, never read whole, so the size of a manifest is no concern here.

export const command: CommandSpec = {
  usage: 'tollgate upload --url <url> --token <token> (--job <id> | --run <id>) <target-dir>',
  description: [
    'Sends the dbt artifacts in <target-dir> (manifest.json required; run_results.json,',
    'sources.json and catalog.json when present) to the gateway at <url> (e.g.',
    'https://tollgate.example.com) as one multipart request to /graphql/upload.',
    '--job <id>: triggers a run of the job, marks it running, uploads, and finishes it as success,',
    'or error when run_results.json reports an error or failure (what a CI step after',
    '`dbt build` wants). --run <id>: uploads to an existing run and changes nothing else.',
    "The token needs `runs` write on the job's project (Job Admin, for instance). Give it as",
    '--token - to read it from standard input, which keeps it out of the process list.',
    'The local database is not used: TOLLGATE_DATABASE_URL and TOLLGATE_DATA_DIR are ignored.',
  ].join('\n'),
  required: ['target-dir'],
  options: {
    url: "the gateway's base URL",
    token: 'a service token (tgs_…), or - to read it from standard input',
    job: 'trigger a new run of this job and finish it',
    run: 'upload to this existing run',
  },
};

/** The gateway refused or failed (exit status 1): its message, never the token. */
export class UploadFailed extends Error {}

interface GraphQLAnswer<T> {
  readonly data?: T | null;
  readonly errors?: readonly { message: string; extensions?: { code?: string } }[];
}

/** A response's errors in one line: message and code of each. */
function errorsOf(answer: GraphQLAnswer<unknown>, status: number): string {
  const errors = answer.errors ?? [];
  if (errors.length === 0) return `HTTP ${status}`;
  return errors
    .map(
      (error) => `${error.message}${error.extensions?.code ? ` (${error.extensions.code})` : ''}`,
    )
    .join('; ');
}

function gatewayBase(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url must be an http(s) URL (got "${value}"). Usage: ${command.usage}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url must be an http(s) URL (got "${value}"). Usage: ${command.usage}`);
  // The base is what is wanted, but the API's own address is an easy thing to paste.
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/graphql(\/upload)?$/, '') || '/';
  url.search = '';
  url.hash = '';
  return url;
}

async function readToken(value: string | undefined): Promise<string> {
  if (value === undefined) throw new UsageError(`Missing --token. Usage: ${command.usage}`);
  const token = value === '-' ? (await readStdin()).trim() : value.trim();
  if (token.length === 0) throw new UsageError(`--token is empty. Usage: ${command.usage}`);
  return token;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** A GraphQL request with a JSON body to the admin API. */
async function graphql<T>(
  base: URL,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(new URL('graphql', `${base.href.replace(/\/?$/, '/')}`), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json().catch(() => ({}))) as GraphQLAnswer<T>;
  if (!answer.data || answer.errors?.length)
    throw new UploadFailed(errorsOf(answer, response.status));
  return answer.data;
}

interface Part {
  readonly header: Buffer;
  /** A file streamed from disk, or a small value held here. */
  readonly body: { file: string; size: number } | Buffer;
}

/**
 * Posts a GraphQL multipart request (the operations, the map, then the files) with a known
 * length, streaming the files and reporting the bytes sent.
 */
export function postMultipart(
  url: URL,
  headers: Record<string, string>,
  parts: readonly Part[],
  onSent: (sent: number, total: number) => void,
): Promise<{ status: number; body: string }> {
  const boundary = `----tollgate-${randomBytes(12).toString('hex')}`;
  const opening = (part: Part, index: number) =>
    Buffer.concat([Buffer.from(`${index === 0 ? '' : '\r\n'}--${boundary}\r\n`), part.header]);
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
  const sizeOf = (body: Part['body']) => (Buffer.isBuffer(body) ? body.length : body.size);
  const total =
    parts.reduce((sum, part, index) => sum + opening(part, index).length + sizeOf(part.body), 0) +
    closing.length;

  return new Promise((resolve, reject) => {
    // A gateway refusing on the headers (a bad token) answers before the body is sent and closes
    // the connection: the next write then fails (EPIPE, ECONNRESET) although the answer is here
    // or on its way. Once answered, write errors are moot; before, one waits a moment for it.
    let answered = false;
    const failUnlessAnswered = (error: Error) => {
      if (answered) return;
      setTimeout(() => {
        if (!answered) reject(error);
      }, 1000).unref();
    };
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(total),
      },
    });
    request.on('error', failUnlessAnswered);
    request.on('response', (response) => {
      answered = true;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    let sent = 0;
    const write = (chunk: Buffer) =>
      new Promise<void>((done, fail) => {
        if (answered) return done();
        sent += chunk.length;
        const flushed = request.write(chunk, (error) => (error ? fail(error) : undefined));
        onSent(sent, total);
        if (flushed) done();
        else request.once('drain', done);
      });
    (async () => {
      for (const [index, part] of parts.entries()) {
        await write(opening(part, index));
        if (Buffer.isBuffer(part.body)) await write(part.body);
        else
          for await (const chunk of createReadStream(part.body.file, { highWaterMark: 256 * 1024 }))
            await write(chunk as Buffer);
      }
      await write(closing);
      request.end();
    })().catch((error: unknown) => failUnlessAnswered(error as Error));
  });
}

const uploadMutation = `mutation ($runId: ID!, $manifest: File!, $runResults: File, $sources: File, $catalog: File) {
  uploadRunArtifacts(runId: $runId, manifest: $manifest, runResults: $runResults, sources: $sources, catalog: $catalog) {
    runId dbtProjectName dbtVersion models tests sources seeds snapshots exposures runResults freshnessResults catalogEntries
  }
}`;

interface UploadSummary {
  readonly runId: string;
  readonly dbtProjectName: string | null;
  readonly dbtVersion: string | null;
  readonly models: number;
  readonly tests: number;
  readonly sources: number;
  readonly seeds: number;
  readonly snapshots: number;
  readonly exposures: number;
  readonly runResults: number;
  readonly freshnessResults: number;
  readonly catalogEntries: number;
}

/** The status run_results.json gives the run, read as a stream (a file may be large). */
async function runStatusOfFile(file: string): Promise<'success' | 'error'> {
  const statuses: string[] = [];
  await readJsonSections(
    createReadStream(file),
    {
      results: {
        kind: 'entries',
        onEntry: (_key, value) => {
          const status = (value as { status?: unknown } | null)?.status;
          if (typeof status === 'string') statuses.push(status);
        },
      },
    },
    () => undefined,
  );
  return runStatusOfResults(statuses);
}

export async function main(args: readonly string[]) {
  const line = parseCommandLine(command, args);
  if (!line) return;
  const { options } = line;
  if (options.url === undefined) throw new UsageError(`Missing --url. Usage: ${command.usage}`);
  const base = gatewayBase(options.url);
  if ((options.job === undefined) === (options.run === undefined))
    throw new UsageError(`Give either --job or --run. Usage: ${command.usage}`);
  const jobId = options.job === undefined ? undefined : idArgument(options.job, 'job', command);
  const existingRun =
    options.run === undefined ? undefined : idArgument(options.run, 'run', command);
  const directory = path.resolve(line.positionals[0]!);
  const token = await readToken(options.token);

  const files: [ArtifactName, string, number][] = [];
  for (const [key, name] of Object.entries(artifactFileNames) as [ArtifactName, string][]) {
    const file = path.join(directory, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) files.push([key, file, info.size]);
  }
  if (!files.some(([key]) => key === 'manifest'))
    throw new UploadFailed(
      `${path.join(directory, 'manifest.json')} not found: give a dbt target/ directory.`,
    );
  const resultsFile = files.find(([key]) => key === 'runResults')?.[1];
  // Read before anything changes on the gateway: a broken file is refused with nothing triggered.
  const finalStatus = resultsFile ? await runStatusOfFile(resultsFile) : 'success';

  let runId = existingRun === undefined ? undefined : String(existingRun);
  if (jobId !== undefined) {
    const { triggerRun } = await graphql<{ triggerRun: { id: string } }>(
      base,
      token,
      'mutation ($jobId: ID!, $input: TriggerRunInput) { triggerRun(jobId: $jobId, input: $input) { id } }',
      { jobId: String(jobId), input: { cause: 'Artifacts uploaded by tollgate upload' } },
    );
    runId = triggerRun.id;
    await moveRun(base, token, runId, 'running');
    console.log(`Triggered run ${runId} of job ${jobId}.`);
  }

  const parts: Part[] = [
    {
      header: Buffer.from('Content-Disposition: form-data; name="operations"\r\n\r\n'),
      body: Buffer.from(
        JSON.stringify({
          query: uploadMutation,
          variables: { runId, ...Object.fromEntries(files.map(([key]) => [key, null])) },
        }),
      ),
    },
    {
      header: Buffer.from('Content-Disposition: form-data; name="map"\r\n\r\n'),
      body: Buffer.from(
        JSON.stringify(
          Object.fromEntries(files.map(([key], index) => [String(index), [`variables.${key}`]])),
        ),
      ),
    },
    ...files.map(
      ([key, file, size], index): Part => ({
        header: Buffer.from(
          `Content-Disposition: form-data; name="${index}"; filename="${artifactFileNames[key]}"\r\nContent-Type: application/json\r\n\r\n`,
        ),
        body: { file, size },
      }),
    ),
  ];
  const progress = progressReporter('upload');
  const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  let summary: UploadSummary;
  try {
    const response = await postMultipart(
      new URL('graphql/upload', `${base.href.replace(/\/?$/, '/')}`),
      { authorization: `Bearer ${token}`, [csrfHeader]: '1', accept: 'application/json' },
      parts,
      (sent, total) =>
        progress.update(sent, total, `bytes, ${megabytes(sent)} of ${megabytes(total)}`),
    );
    progress.finish('bytes');
    let answer: GraphQLAnswer<{ uploadRunArtifacts: UploadSummary }>;
    try {
      answer = JSON.parse(response.body);
    } catch {
      throw new UploadFailed(
        `The gateway answered HTTP ${response.status} without a GraphQL response.`,
      );
    }
    if (!answer.data?.uploadRunArtifacts)
      throw new UploadFailed(
        `The gateway refused the upload: ${errorsOf(answer, response.status)}`,
      );
    summary = answer.data.uploadRunArtifacts;
  } catch (error) {
    // A run this command started must not stay "running" forever.
    if (jobId !== undefined && runId !== undefined)
      await moveRun(
        base,
        token,
        runId,
        'error',
        `Artifact upload failed: ${(error as Error).message}`,
      ).catch(() => undefined);
    throw error;
  }
  console.log(
    `Uploaded ${files.map(([key]) => artifactFileNames[key]).join(', ')} to run ${summary.runId}: ${summary.dbtProjectName ?? 'dbt project'} ${summary.dbtVersion ?? ''} — ${summary.models} models, ${summary.tests} tests, ${summary.sources} sources, ${summary.seeds} seeds, ${summary.snapshots} snapshots; ${summary.runResults} results, ${summary.freshnessResults} freshness checks, ${summary.catalogEntries} catalog entries.`,
  );
  if (jobId !== undefined && runId !== undefined) {
    await moveRun(
      base,
      token,
      runId,
      finalStatus,
      finalStatus === 'error' ? 'run_results.json reports errors or failures' : undefined,
    );
    console.log(`Run ${runId} finished: ${finalStatus}.`);
  }
}

async function moveRun(
  base: URL,
  token: string,
  id: string,
  status: 'running' | 'success' | 'error',
  errorMessage?: string,
): Promise<void> {
  await graphql(
    base,
    token,
    'mutation ($id: ID!, $status: RunStatus!, $errorMessage: String) { updateRunStatus(id: $id, status: $status, errorMessage: $errorMessage) { id status } }',
    { id, status, errorMessage: errorMessage ?? null },
  );
}

export function refusal(error: unknown): string | undefined {
  if (error instanceof UploadFailed) return error.message;
  if (error instanceof MalformedJsonError)
    return `run_results.json cannot be read: ${error.message}`;
  // fetch and http report an unreachable gateway with a cause (ECONNREFUSED, ENOTFOUND, …).
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = (error as { code?: string } | undefined)?.code ?? cause?.code;
  if (code && /^E[A-Z]+$/.test(code))
    return `The gateway cannot be reached: ${cause?.message ?? (error as Error).message}`;
  return undefined;
}
