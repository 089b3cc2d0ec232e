import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAccountWithAdminToken } from '../src/bootstrap.js';
import {
  type CommandSpec,
  helpText,
  parseCommandLine,
  UsageError,
} from '../src/cli/command-line.js';
import { createPostgresDb } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { emptyPostgresDatabase, postgresFor } from './support/database.js';
import { seedProductionProject } from './support/seed.js';
import { syntheticManifest, syntheticRunResults, text } from './support/synthetic-artifacts.js';

// The operator commands as an operator runs them: a process per invocation, arguments and
// environment in, exit status and output out. The parsing rules themselves are checked in
// process, where they are quick to run.

const repoRoot = path.resolve(import.meta.dirname, '..');

const usages: Record<string, string> = {
  ingest: 'tollgate ingest <environmentId> <jobId> <target-dir>',
  'add-member': 'tollgate add-member <accountId> <email> [name]',
  generate: 'node --import tsx src/cli/generate.ts [--check]',
};

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (at most a minute); several may run at once. */
function run(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `src/cli/${script}.ts`, ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error?.killed)
          reject(new Error(`${script} ${args.join(' ')} did not finish:\n${stdout}${stderr}`));
        else resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** A data directory for one test, removed afterwards. */
async function withDataDir(work: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-cli-'));
  try {
    await work(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('command-line parsing', () => {
  const spec: CommandSpec = {
    usage: 'tool <accountId> <email> [name]',
    description: 'Does a thing.',
    required: ['accountId', 'email'],
    rest: 'name',
    flags: { dry: 'change nothing' },
  };
  const refusal = (args: string[]) => {
    try {
      parseCommandLine(spec, args);
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
    throw new Error(`${args.join(' ')} was accepted`);
  };

  it('reads required words, the rest and flags', () => {
    expect(parseCommandLine(spec, ['7', 'ada@example.com', 'Ada', 'Lovelace', '--dry'])).toEqual({
      positionals: ['7', 'ada@example.com'],
      rest: ['Ada', 'Lovelace'],
      flags: { dry: true },
      options: {},
    });
    expect(parseCommandLine(spec, ['7', 'ada@example.com'])?.flags).toEqual({ dry: false });
  });

  it('refuses in one line that ends with the usage', () => {
    expect(refusal([])).toBe('Missing <accountId> <email>. Usage: tool <accountId> <email> [name]');
    expect(refusal(['7'])).toBe('Missing <email>. Usage: tool <accountId> <email> [name]');
    expect(refusal(['7', 'a@b.example', '--wet'])).toBe(
      "Unknown option '--wet'. Usage: tool <accountId> <email> [name]",
    );
    expect(refusal(['--dry=yes', '7', 'a@b.example'])).toBe(
      "Option '--dry' does not take an argument. Usage: tool <accountId> <email> [name]",
    );
    expect(() =>
      parseCommandLine({ ...spec, rest: undefined }, ['7', 'a@b.example', 'extra']),
    ).toThrow('Unexpected argument "extra". Usage: tool <accountId> <email>');
  });

  it('lists the options and exit statuses in the help', () => {
    expect(helpText(spec)).toBe(
      [
        'Usage: tool <accountId> <email> [name]',
        '',
        'Does a thing.',
        '',
        'Options:',
        '  -h, --help  show this help',
        '  --dry       change nothing',
        '',
        'Exit status: 0 done; 1 refused or failed; 2 wrong command line or environment.',
        '',
      ].join('\n'),
    );
  });
});

describe('the operator commands', () => {
  it('print their usage for --help and exit 0', async () => {
    const scripts = Object.keys(usages);
    const helps = await Promise.all(scripts.map((script) => run(script, ['--help'])));
    helps.forEach((help, index) => {
      const script = scripts[index]!;
      expect(help.status, script).toBe(0);
      expect(help.stderr).toBe('');
      expect(help.stdout.startsWith(`Usage: ${usages[script]}\n`)).toBe(true);
      if (script !== 'generate') expect(help.stdout).toContain('TOLLGATE_DATABASE_URL when set');
    });
  }, 120_000);

  it('refuse a wrong command line in one line with the usage, exit 2, and touch no database', async () => {
    await withDataDir(async (dataDir) => {
      const cases: [string, string[], string][] = [
        ['ingest', ['1', '2'], 'Missing <target-dir>.'],
        [
          'ingest',
          ['one', '2', 'target'],
          '<environmentId> must be a positive whole number (got "one").',
        ],
        [
          'add-member',
          ['1', 'ada-at-example.com'],
          '"ada-at-example.com" is not an email address.',
        ],
        ['generate', ['--check=yes'], "Option '--check' does not take an argument."],
      ];
      const results = await Promise.all(
        cases.map(([script, args]) => run(script, args, { TOLLGATE_DATA_DIR: dataDir })),
      );
      results.forEach((result, index) => {
        const [script, args, message] = cases[index]!;
        expect(result.status, `${script} ${args.join(' ')}`).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(`${message} Usage: ${usages[script]}\n`);
      });
      expect(readdirSync(dataDir)).toEqual([]);
    });
  }, 120_000);

  it('refuse an invalid environment the way the server does, in one line, exit 2', async () => {
    await withDataDir(async (dataDir) => {
      const env = {
        TOLLGATE_DATA_DIR: dataDir,
        TOLLGATE_DATABASE_URL: 'mysql://root:hunter2@db/app',
      };
      const results = await Promise.all([
        run('add-member', ['1', 'ada@example.com'], env),
        run('ingest', ['1', '2', dataDir], env),
      ]);
      for (const result of results) {
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(
          'TOLLGATE_DATABASE_URL must be a PostgreSQL URL, postgres://user@host:5432/database (the value is not shown)\n',
        );
      }
      // Before, TOLLGATE_DATABASE_URL was ignored by the commands and a SQLite file appeared here.
      expect(readdirSync(dataDir)).toEqual([]);
    });
  }, 120_000);
});

const hasPostgres = await postgresFor("the commands' PostgreSQL test");

describe.skipIf(!hasPostgres)('the operator commands on PostgreSQL (TOLLGATE_DATABASE_URL)', () => {
  it('add members and ingest artifacts into PostgreSQL, and write no SQLite file', async () => {
    // A database of its own: the commands connect with a plain URL.
    const url = await emptyPostgresDatabase();
    const db = createPostgresDb(url);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-cli-pg-'));
    try {
      await migrateToLatest(db);
      const { account } = await createAccountWithAdminToken(db, {
        name: 'Acme',
        plan: 'enterprise',
        now: new Date(),
      });
      const {
        environment,
        jobs: [job],
      } = await seedProductionProject(db, account.id, 'synthetic');
      const env = { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_DATABASE_URL: url };

      const added = await run(
        'add-member',
        [String(account.id), 'Ada@Example.com', 'Ada', 'Lovelace'],
        env,
      );
      expect(added.stderr).toBe('');
      expect(added.status).toBe(0);
      expect(added.stdout).toContain(`(ada@example.com) to account ${account.id} "Acme"`);
      const again = await run('add-member', [String(account.id), 'ada@example.com'], env);
      expect(again.status).toBe(1);
      expect(again.stderr).toBe(`ada@example.com is already a member of account ${account.id}.\n`);

      const target = path.join(dataDir, 'target');
      const artifacts = { models: 3, testsPerModel: 1, sources: 2 };
      mkdirSync(target);
      writeFileSync(path.join(target, 'manifest.json'), text(syntheticManifest(artifacts)));
      writeFileSync(path.join(target, 'run_results.json'), text(syntheticRunResults(artifacts)));
      const ingested = await run('ingest', [String(environment.id), String(job.id), target], env);
      expect(ingested.stderr).toBe('');
      expect(ingested.status).toBe(0);
      expect(ingested.stdout).toMatch(
        new RegExp(`Run \\d+ of job ${job.id} \\(success\\): synthetic`),
      );

      expect(await db.selectFrom('members').select(['email', 'name']).execute()).toEqual([
        { email: 'ada@example.com', name: 'Ada Lovelace' },
      ]);
      const audited = await db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'in', ['addMember', 'ingestRunArtifacts'])
        .execute();
      expect(audited.map((entry) => entry.action).sort()).toEqual([
        'addMember',
        'ingestRunArtifacts',
      ]);
      expect(await db.selectFrom('runs').select(['job_id', 'status']).execute()).toEqual([
        { job_id: job.id, status: 'success' },
      ]);
      const applied = await db
        .selectFrom('metadata_applied_nodes')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(applied.count)).toBeGreaterThanOrEqual(3);
      expect(existsSync(path.join(dataDir, 'tollgate.sqlite'))).toBe(false);
    } finally {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
