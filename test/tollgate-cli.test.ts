import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import {
  type CommandSpec,
  helpText,
  parseCommandLine,
  UsageError,
} from '../src/cli/command-line.js';
import { progressReporter } from '../src/cli/progress.js';
import { createPostgresDb, createSqliteDb } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { emptyPostgresDatabase, postgresFor } from './support/database.js';
import { printedToken } from './support/processes.js';
import { seedProductionProject } from './support/seed.js';
import { syntheticManifest, syntheticRunResults, text } from './support/synthetic-artifacts.js';

// `tollgate` as an operator runs it: a process per invocation through the launcher that
// package.json's "bin" and `npm start` use (development: the sources through tsx), arguments and
// environment in, exit status and output out.

const repoRoot = path.resolve(import.meta.dirname, '..');
const launcher = path.join(repoRoot, 'src/cli/tollgate-launcher.mjs');

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a command: development, and no storage settings from the outer shell. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith('TOLLGATE_')) delete base[name];
  return { ...base, NODE_ENV: 'development', ...env };
}

/** Runs `tollgate …` to its end (at most two minutes); `input` is written to its stdin. */
function tollgate(
  args: readonly string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [launcher, ...args],
      { cwd: repoRoot, env: environment(env), encoding: 'utf8', timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error?.killed)
          reject(new Error(`tollgate ${args.join(' ')} did not finish:\n${stdout}${stderr}`));
        else resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    child.stdin!.end(input ?? '');
  });
}

interface Gateway {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: () => string;
}

/** `tollgate serve` on a loopback port the OS picks, until the URL line is printed. */
async function serve(env: Record<string, string>): Promise<Gateway> {
  const child = spawn(process.execPath, [launcher, 'serve'], {
    cwd: repoRoot,
    env: environment({ PORT: '0', HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /serving (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return { child, base, output: () => output };
}

async function stop({ child }: Gateway): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A directory for one test, removed afterwards. */
async function withDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-cmd-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A dbt target/ folder: a manifest and run results, `failEvery` model failing if given. */
function writeTarget(dir: string, options: { models: number; failEvery?: number }): string {
  const target = path.join(dir, 'target');
  mkdirSync(target, { recursive: true });
  const artifacts = { testsPerModel: 1, sources: 2, ...options };
  writeFileSync(path.join(target, 'manifest.json'), text(syntheticManifest(artifacts)));
  writeFileSync(path.join(target, 'run_results.json'), text(syntheticRunResults(artifacts)));
  return target;
}

/** A SQLite data directory with the account, a production project and its job. */
async function seededDataDir(dataDir: string) {
  const db = createSqliteDb(path.join(dataDir, 'tollgate.sqlite'));
  try {
    await migrateToLatest(db);
    const { account, adminToken } = await createAccountWithAdminToken(db, {
      name: 'Acme',
      plan: 'enterprise',
      now: new Date(),
    });
    const seeded = await seedProductionProject(db, account.id, 'synthetic');
    return { account, adminToken, environment: seeded.environment, job: seeded.jobs[0] };
  } finally {
    await db.destroy();
  }
}

const subcommands = [
  'serve',
  'migrate',
  'ingest',
  'upload',
  'add-member',
  'admin-token',
  'runner',
  'backup',
  'copy-to-postgres',
  'check-config',
];

describe('tollgate: the command line', () => {
  it('lists its subcommands, and each prints its usage for --help', async () => {
    const [overview, none, unknown, ...helps] = await Promise.all([
      tollgate(['--help']),
      tollgate([]),
      tollgate(['frobnicate']),
      ...subcommands.map((name) => tollgate([name, '--help'])),
    ]);
    expect(overview.status).toBe(0);
    for (const name of subcommands) expect(overview.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(none.status).toBe(2);
    expect(none.stdout).toBe(overview.stdout);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      'Unknown command "frobnicate". Usage: tollgate <command> [arguments] (tollgate --help lists them)\n',
    );
    helps.forEach((help, index) => {
      const name = subcommands[index]!;
      expect(help.stderr, name).toBe('');
      expect(help.status, name).toBe(0);
      expect(help.stdout.startsWith(`Usage: tollgate ${name}`), name).toBe(true);
      expect(help.stdout).toContain('Exit status: 0 done; 1 refused or failed;');
    });
  }, 240_000);

  it('refuses a wrong command line in one line with the usage, exit 2, touching no database', async () => {
    await withDir(async (dataDir) => {
      const env = { TOLLGATE_DATA_DIR: dataDir };
      const cases: [string[], string][] = [
        [['migrate', 'sideways'], 'Unknown action "sideways". Usage: tollgate migrate <status|up>'],
        [['migrate'], 'Missing <status|up>. Usage: tollgate migrate <status|up>'],
        [['backup'], 'Missing <file>. Usage: tollgate backup <file>'],
        [
          ['copy-to-postgres', 'mysql://db/x'],
          '<url> must be a PostgreSQL URL, postgres://user@host:5432/database. Usage: tollgate copy-to-postgres <url>',
        ],
        [
          ['upload', '--url', 'http://127.0.0.1:1', '--token', 'x', 'target'],
          'Give either --job or --run. Usage: tollgate upload --url <url> --token <token> (--job <id> | --run <id>) <target-dir>',
        ],
        [
          ['upload', '--url', 'ftp://x', '--token', 'x', '--run', '1', 'target'],
          '--url must be an http(s) URL (got "ftp://x"). Usage: tollgate upload --url <url> --token <token> (--job <id> | --run <id>) <target-dir>',
        ],
        [['check-config', 'extra'], 'Unexpected argument "extra". Usage: tollgate check-config'],
      ];
      const results = await Promise.all(cases.map(([args]) => tollgate(args, env)));
      results.forEach((result, index) => {
        const [args, message] = cases[index]!;
        expect(result.stderr, args.join(' ')).toBe(`${message}\n`);
        expect(result.status).toBe(2);
      });
      expect(readdirSync(dataDir)).toEqual([]);
    });
  }, 240_000);
});

describe('tollgate on the embedded database', () => {
  it('check-config prints the settings without secrets, and refuses a bad variable in one line', async () => {
    await withDir(async (dataDir) => {
      const [valid, invalid, offline] = await Promise.all([
        tollgate(['check-config'], {
          TOLLGATE_DATA_DIR: dataDir,
          TOLLGATE_SECRET_KEY: randomBytes(32).toString('base64'),
          TOLLGATE_TRUSTED_PROXIES: '10.0.0.0/8',
        }),
        tollgate(['check-config'], { TOLLGATE_DATA_DIR: dataDir, PORT: 'eighty' }),
        tollgate(['check-config', '--offline'], {
          TOLLGATE_DATABASE_URL: 'postgres://tollgate:hunter2@db.invalid:5432/tollgate',
        }),
      ]);
      expect(valid.stderr).toBe('');
      expect(valid.status).toBe(0);
      expect(valid.stdout).toContain('The environment is valid.');
      expect(valid.stdout).toMatch(/secret key\s+TOLLGATE_SECRET_KEY\n/);
      expect(valid.stdout).toMatch(/trusted proxies\s+10\.0\.0\.0\/8\n/);
      expect(valid.stdout).toContain('Database: none yet; the first start creates it.');
      expect(invalid.status).toBe(2);
      expect(invalid.stdout).toBe('');
      expect(invalid.stderr).toBe('PORT must be a whole number from 0 to 65535 (got "eighty")\n');
      expect(offline.status).toBe(0);
      expect(offline.stdout).toContain(
        'PostgreSQL postgres://tollgate:***@db.invalid:5432/tollgate',
      );
      expect(offline.stdout).not.toContain('hunter2');
      // Nothing was created by checking.
      expect(readdirSync(dataDir)).toEqual([]);
    });
  }, 120_000);

  it('migrate status lists pending migrations, up applies them, status then says up to date', async () => {
    await withDir(async (dataDir) => {
      const env = { TOLLGATE_DATA_DIR: dataDir };
      const before = await tollgate(['migrate', 'status'], env);
      expect(before.status).toBe(0);
      expect(before.stdout).toMatch(/pending\s+2026-11-27-01-accounts\n/);
      expect(before.stdout).toMatch(
        /^\d+ of \d+ migrations pending: run `tollgate migrate up`\.$/m,
      );
      const up = await tollgate(['migrate', 'up'], env);
      expect(up.stderr).toBe('');
      expect(up.status).toBe(0);
      expect(up.stdout).toContain('Applied 2026-11-27-01-accounts\n');
      const after = await tollgate(['migrate', 'status'], env);
      expect(after.stdout).toMatch(/applied \d{4}-\d\d-\d\dT[\d:.]+Z\s+2026-11-27-01-accounts\n/);
      expect(after.stdout).toMatch(/^Up to date: \d+ migrations applied\.$/m);
      const again = await tollgate(['migrate', 'up'], env);
      expect(again.stdout).toMatch(/nothing to do/);
    });
  }, 120_000);

  it('serve answers /healthz; backup copies the database while it serves and writes go on', async () => {
    await withDir(async (dir) => {
      const dataDir = path.join(dir, 'data');
      const gateway = await serve({ TOLLGATE_DATA_DIR: dataDir });
      try {
        const token = printedToken(gateway.output());
        expect((await fetch(`${gateway.base}/healthz`)).status).toBe(200);
        const write = (name: string) =>
          fetch(`${gateway.base}/graphql`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              query: 'mutation ($name: String!) { createProject(input: { name: $name }) { id } }',
              variables: { name },
            }),
          }).then((response) => response.json() as Promise<{ data?: unknown }>);
        await write('before the backup');
        const file = path.join(dir, 'backup.sqlite');
        // The gateway keeps writing while the backup runs.
        const [backup, ...written] = await Promise.all([
          tollgate(['backup', file], { TOLLGATE_DATA_DIR: dataDir }),
          write('during 1'),
          write('during 2'),
        ]);
        expect(backup.stderr).toBe('');
        expect(backup.status).toBe(0);
        expect(backup.stdout).toMatch(
          /Backed up .+tollgate\.sqlite to .+backup\.sqlite \(\d+ pages, integrity checked\)/,
        );
        expect(backup.stdout).toContain('backup: 100%');
        for (const answer of written) expect(answer.data).toBeTruthy();

        const copy = new BetterSqlite3(file, { readonly: true });
        try {
          const names = (copy.prepare('select name from projects').all() as { name: string }[]).map(
            (row) => row.name,
          );
          expect(names).toContain('before the backup');
          expect(copy.prepare('select count(*) as n from service_tokens').get()).toEqual({ n: 1 });
        } finally {
          copy.close();
        }
        const refused = await tollgate(['backup', file], { TOLLGATE_DATA_DIR: dataDir });
        expect(refused.status).toBe(1);
        expect(refused.stderr).toBe(`${file} exists; give the name of a new file.\n`);
      } finally {
        expect(await stop(gateway)).toBe(0);
      }
    });
  }, 180_000);

  it('upload sends a target/ folder to a gateway as a CI step: run triggered, stored, finished', async () => {
    await withDir(async (dir) => {
      const dataDir = path.join(dir, 'data');
      mkdirSync(dataDir);
      const seeded = await seededDataDir(dataDir);
      const gateway = await serve({ TOLLGATE_DATA_DIR: dataDir });
      try {
        const passing = writeTarget(path.join(dir, 'passing'), { models: 4 });
        const failing = writeTarget(path.join(dir, 'failing'), { models: 4, failEvery: 2 });
        const job = String(seeded.job.id);
        // The token on standard input, not in the process list.
        const ok = await tollgate(
          ['upload', '--url', `${gateway.base}/graphql`, '--token', '-', '--job', job, passing],
          {},
          `${seeded.adminToken}\n`,
        );
        expect(ok.stderr).toBe('');
        expect(ok.status).toBe(0);
        expect(ok.stdout).toMatch(/^Triggered run (\d+) of job \d+\.$/m);
        expect(ok.stdout).toContain('upload: 100%');
        expect(ok.stdout).toMatch(
          /Uploaded manifest\.json, run_results\.json to run \d+: synthetic 1\.\d+\.\d+ — 4 models, 4 tests/,
        );
        expect(ok.stdout).toMatch(/^Run \d+ finished: success\.$/m);
        const failed = await tollgate([
          'upload',
          '--url',
          gateway.base,
          '--token',
          seeded.adminToken,
          '--job',
          job,
          failing,
        ]);
        expect(failed.status).toBe(0);
        expect(failed.stdout).toMatch(/^Run \d+ finished: error\.$/m);

        const bad = await tollgate([
          'upload',
          '--url',
          gateway.base,
          '--token',
          'tgs_not-a-real-token',
          '--run',
          '1',
          passing,
        ]);
        expect(bad.status).toBe(1);
        expect(bad.stderr).toMatch(/^The gateway refused the upload: .+\(UNAUTHENTICATED\)\n$/);
        expect(bad.stderr).not.toContain('tgs_not-a-real-token');

        const noManifest = await tollgate([
          'upload',
          '--url',
          gateway.base,
          '--token',
          seeded.adminToken,
          '--job',
          job,
          dir,
        ]);
        expect(noManifest.status).toBe(1);
        expect(noManifest.stderr).toBe(
          `${path.join(dir, 'manifest.json')} not found: give a dbt target/ directory.\n`,
        );

        const db = new BetterSqlite3(path.join(dataDir, 'tollgate.sqlite'), { readonly: true });
        try {
          // Two runs (the missing manifest triggered none), finished by their results.
          expect(
            db.prepare('select status, cause from runs order by id').all() as unknown[],
          ).toEqual([
            { status: 'success', cause: 'Artifacts uploaded by tollgate upload' },
            { status: 'error', cause: 'Artifacts uploaded by tollgate upload' },
          ]);
          expect(
            db.prepare('select count(*) as n from metadata_artifacts').get() as unknown,
          ).toEqual({ n: 2 });
        } finally {
          db.close();
        }
      } finally {
        expect(await stop(gateway)).toBe(0);
      }
    });
  }, 240_000);
});

describe('options with a value', () => {
  const spec: CommandSpec = {
    usage: 'tool --url <url> <dir>',
    description: 'Sends a folder.',
    required: ['dir'],
    options: { url: 'where to' },
  };

  it('reads them, leaves absent ones out, lists them in the help and refuses a missing value', () => {
    expect(parseCommandLine(spec, ['--url', 'http://x', 'target'])).toEqual({
      positionals: ['target'],
      rest: [],
      flags: {},
      options: { url: 'http://x' },
    });
    expect(parseCommandLine(spec, ['target'])?.options).toEqual({});
    expect(helpText(spec)).toContain('  --url <url>  where to\n');
    expect(() => parseCommandLine(spec, ['target', '--url'])).toThrow(
      new UsageError("Option '--url <value>' argument missing. Usage: tool --url <url> <dir>"),
    );
  });
});

describe('progress', () => {
  it('draws a bar on a terminal and prints a line per tenth otherwise', () => {
    const lines: string[] = [];
    const plain = progressReporter('copy', { output: { write: (text) => lines.push(text) } });
    for (let done = 0; done <= 1000; done += 50) plain.update(done, 1000, 'rows');
    plain.finish('rows');
    expect(lines).toEqual([
      'copy: 0% (0 of 1,000) rows\n',
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(
        (tenth) =>
          `copy: ${tenth * 10}% (${(tenth * 100).toLocaleString('en-US')} of 1,000) rows\n`,
      ),
      'copy: 100% (1,000 of 1,000) rows\n',
    ]);

    const drawn: string[] = [];
    let clock = 0;
    const bar = progressReporter('copy', {
      output: { isTTY: true, columns: 80, write: (text) => drawn.push(text) },
      now: () => clock,
    });
    bar.update(250, 1000);
    bar.update(300, 1000); // within 100 ms of the last drawing: skipped
    clock += 150;
    bar.update(500, 1000);
    bar.finish();
    expect(drawn).toEqual([
      '\rcopy [######..................] 25% (250 of 1,000)\x1b[K',
      '\rcopy [############............] 50% (500 of 1,000)\x1b[K',
      '\rcopy [########################] 100% (1,000 of 1,000)\x1b[K',
      '\n',
    ]);
  });
});

const hasPostgres = await postgresFor('the tollgate PostgreSQL tests');

describe.skipIf(!hasPostgres)('tollgate on PostgreSQL (TOLLGATE_DATABASE_URL)', () => {
  it('migrate, ingest, add-member and check-config use PostgreSQL and write no SQLite file', async () => {
    await withDir(async (dir) => {
      const url = await emptyPostgresDatabase();
      const dataDir = path.join(dir, 'data');
      const env = { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_DATABASE_URL: url };
      const up = await tollgate(['migrate', 'up'], env);
      expect(up.stderr).toBe('');
      expect(up.status).toBe(0);
      expect(up.stdout).toContain(`to PostgreSQL ${url}`);

      const db = createPostgresDb(url);
      try {
        const { account } = await createAccountWithAdminToken(db, {
          name: 'Acme',
          plan: 'enterprise',
          now: new Date(),
        });
        const {
          environment,
          jobs: [job],
        } = await seedProductionProject(db, account.id, 'synthetic');
        const target = writeTarget(dir, { models: 3 });
        const [ingested, added, checked, backup] = await Promise.all([
          tollgate(['ingest', String(environment.id), String(job.id), target], env),
          tollgate(['add-member', String(account.id), 'ada@example.com', 'Ada'], env),
          tollgate(['check-config'], env),
          tollgate(['backup', path.join(dir, 'backup.sqlite')], env),
        ]);
        expect(ingested.stderr).toBe('');
        expect(ingested.status).toBe(0);
        expect(ingested.stdout).toMatch(new RegExp(`Run \\d+ of job ${job.id} \\(success\\)`));
        expect(added.status).toBe(0);
        expect(checked.stdout).toMatch(/Database reachable; all \d+ migrations applied\./);
        expect(backup.status).toBe(1);
        expect(backup.stderr).toContain('pg_dump --format=custom');
        expect(await db.selectFrom('runs').select('job_id').execute()).toEqual([
          { job_id: job.id },
        ]);
        expect(await db.selectFrom('members').select('email').execute()).toEqual([
          { email: 'ada@example.com' },
        ]);
      } finally {
        await db.destroy();
      }
      // The ingest bug of old: in PostgreSQL mode a SQLite file appeared in the data directory.
      expect(existsSync(path.join(dataDir, 'tollgate.sqlite'))).toBe(false);

      const unreachable = await tollgate(['migrate', 'status'], {
        TOLLGATE_DATA_DIR: dataDir,
        TOLLGATE_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing',
      });
      expect(unreachable.status).toBe(1);
      expect(unreachable.stderr).toMatch(
        /^The PostgreSQL database \(TOLLGATE_DATABASE_URL\) cannot be reached: .*ECONNREFUSED.*\n$/,
      );
    });
  }, 240_000);

  it('copy-to-postgres copies every row in one transaction, and the gateway serves from the copy', async () => {
    await withDir(async (dir) => {
      const dataDir = path.join(dir, 'data');
      mkdirSync(dataDir);
      const seeded = await seededDataDir(dataDir);
      const env = { TOLLGATE_DATA_DIR: dataDir };
      const target = writeTarget(dir, { models: 5 });
      const ingested = await tollgate(
        ['ingest', String(seeded.environment.id), String(seeded.job.id), target],
        env,
      );
      expect(ingested.status).toBe(0);

      const url = await emptyPostgresDatabase();
      const copied = await tollgate(['copy-to-postgres', url], env);
      expect(copied.stderr).toBe('');
      expect(copied.status).toBe(0);
      expect(copied.stdout).toMatch(/^Copied [\d,]+ rows in \d+ tables, every count verified\./m);
      expect(copied.stdout).toContain('copy: 100%');

      // Every table has the row count of the source.
      const source = new BetterSqlite3(path.join(dataDir, 'tollgate.sqlite'), { readonly: true });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const tables = (
          source
            .prepare(
              "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'",
            )
            .all() as { name: string }[]
        ).map((row) => row.name);
        expect(tables.length).toBeGreaterThan(20);
        for (const table of tables) {
          const expected = (
            source.prepare(`select count(*) as n from "${table}"`).get() as {
              n: number;
            }
          ).n;
          const { rows } = await client.query(`select count(*)::int as n from "${table}"`);
          expect(rows[0].n, table).toBe(expected);
        }
      } finally {
        source.close();
        await client.end();
      }

      // A target with tables is refused, and left as it was.
      const again = await tollgate(['copy-to-postgres', url], env);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(
        /^The target database is not empty \(.+\): copy-to-postgres writes only into an empty one\.\n$/,
      );
      // The source must be the embedded database.
      const fromPostgres = await tollgate(['copy-to-postgres', url], {
        ...env,
        TOLLGATE_DATABASE_URL: url,
      });
      expect(fromPostgres.status).toBe(2);

      // The gateway on the copy, with the same data directory (the secret key): the admin token
      // made in SQLite works, and new rows get fresh ids (the sequences were moved past the copy).
      const gateway = await serve({ TOLLGATE_DATA_DIR: dataDir, TOLLGATE_DATABASE_URL: url });
      try {
        const response = await fetch(`${gateway.base}/graphql`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${seeded.adminToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            query: 'mutation { createProject(input: { name: "after the move" }) { id } }',
          }),
        });
        const answer = (await response.json()) as {
          data?: { createProject: { id: string } };
          errors?: unknown;
        };
        expect(answer.errors).toBeUndefined();
        expect(Number(answer.data!.createProject.id)).toBeGreaterThan(
          Number(seeded.environment.id),
        );
      } finally {
        expect(await stop(gateway)).toBe(0);
      }
    });
  }, 240_000);
});
