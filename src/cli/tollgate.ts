#!/usr/bin/env node
import { exitStatus, runCommand } from './command-line.js';

// `tollgate <subcommand> …`: every operator command behind one name. A subcommand's module is
// loaded only when it runs, so `tollgate --help` and a refused command line cost nothing, and
// `serve` does not load the copy tool. Each module exports `main(args)` and may export
// `refusal(error)`, the one-line explanation of an error that is the input's fault (exit 1).

interface SubcommandModule {
  main(args: readonly string[]): Promise<void>;
  refusal?(error: unknown): string | undefined;
}

const subcommands: Readonly<
  Record<string, { summary: string; load(): Promise<SubcommandModule> }>
> = {
  serve: { summary: 'run the gateway (what `npm start` runs)', load: () => import('./serve.js') },
  migrate: {
    summary: 'status: list applied and pending migrations; up: apply the pending ones',
    load: () => import('./migrate.js'),
  },
  ingest: {
    summary: "store a dbt target/ folder as a new run of a job, in this host's database",
    load: () => import('./ingest.js'),
  },
  upload: {
    summary: "send a dbt target/ folder to a gateway's /graphql/upload (a CI step after dbt build)",
    load: () => import('./upload.js'),
  },
  'add-member': {
    summary: 'add a user to an account as a member',
    load: () => import('./add-member.js'),
  },
  'admin-token': {
    summary: 'mint an Account Admin token for an account (recovery), audited',
    load: async () => {
      const command = await import('./admin-token.js');
      return { main: command.adminTokenMain, refusal: command.adminTokenRefusal };
    },
  },
  runner: {
    summary:
      'claim queued runs and run their dbt commands here, reporting logs, artifacts and status',
    load: async () => {
      const command = await import('./runner.js');
      return {
        main: async (args) => {
          process.exitCode = await command.main(args);
        },
      };
    },
  },
  backup: {
    summary: 'copy the embedded SQLite database online, consistently (PostgreSQL: pg_dump advice)',
    load: () => import('./backup.js'),
  },
  'copy-to-postgres': {
    summary: 'copy the embedded database into an empty PostgreSQL one, counts verified',
    load: () => import('./copy-to-postgres.js'),
  },
  'check-config': {
    summary: 'validate the environment, print the settings, reach the database',
    load: () => import('./check-config.js'),
  },
};

function overview(): string {
  const width = Math.max(...Object.keys(subcommands).map((name) => name.length));
  return [
    'Usage: tollgate <command> [arguments]',
    '',
    'Commands:',
    ...Object.entries(subcommands).map(
      ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`,
    ),
    '',
    '`tollgate <command> --help` describes one. The commands that use a database use the',
    "server's: TOLLGATE_DATABASE_URL when set, otherwise tollgate.sqlite in TOLLGATE_DATA_DIR.",
    '',
    'Exit status: 0 done; 1 refused or failed; 2 wrong command line or environment.',
    '',
  ].join('\n');
}

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
  '28P01', // password authentication failed
  '28000', // no pg_hba.conf entry / role missing
  '3D000', // database does not exist
]);

/** An unreachable or refusing PostgreSQL, in one line (the error may be wrapped by a migration). */
function connectionRefusal(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: string }).code;
    if (code && connectionCodes.has(code))
      return `The PostgreSQL database (TOLLGATE_DATABASE_URL) cannot be reached: ${current.message}`;
    if (
      current.message.startsWith('timeout expired') ||
      current.message.includes('Connection terminated due to connection timeout')
    )
      return `The PostgreSQL database cannot be reached: ${current.message}`;
  }
  return undefined;
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(overview());
  if (name === undefined) process.exitCode = exitStatus.usage;
} else {
  const subcommand = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (!subcommand) {
    console.error(
      `Unknown command "${name}". Usage: tollgate <command> [arguments] (tollgate --help lists them)`,
    );
    process.exitCode = exitStatus.usage;
  } else {
    const module = await subcommand.load();
    runCommand(
      () => module.main(args),
      (error) => module.refusal?.(error) ?? connectionRefusal(error),
    );
  }
}
