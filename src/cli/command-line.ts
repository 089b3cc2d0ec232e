import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';

// What the operator commands share: argument parsing with node:util's parseArgs, --help, and
// exit statuses a script can act on.

/** 0: done. 1: the input was refused or the work failed. 2: the command line or environment is wrong. */
export const exitStatus = { done: 0, failed: 1, usage: 2 } as const;

/** The command line is wrong: the message is one line, ending with the usage. */
export class UsageError extends Error {}

export interface CommandSpec {
  /** How to run it, e.g. `node --import tsx src/cli/ingest.ts <environmentId> <jobId> <target-dir>`. */
  readonly usage: string;
  /** What the command does and what it reads, for --help. */
  readonly description: string;
  /** Names of the required positional arguments, in order. */
  readonly required: readonly string[];
  /** The name of optional words after the required ones (`[name]`); without it, extra words are refused. */
  readonly rest?: string;
  /** Boolean options besides --help: name → help text. */
  readonly flags?: Readonly<Record<string, string>>;
  /** Options taking a value (`--url <value>`): name → help text. */
  readonly options?: Readonly<Record<string, string>>;
}

export interface CommandLine {
  readonly positionals: readonly string[];
  readonly rest: readonly string[];
  readonly flags: Readonly<Record<string, boolean>>;
  /** The options given with a value; absent ones are left out. */
  readonly options: Readonly<Record<string, string>>;
}

/** The --help text: usage, description, options and exit statuses. */
export function helpText(spec: CommandSpec): string {
  const options: [string, string][] = [
    ['-h, --help', 'show this help'],
    ...Object.entries(spec.flags ?? {}).map(([name, help]): [string, string] => [
      `--${name}`,
      help,
    ]),
    ...Object.entries(spec.options ?? {}).map(([name, help]): [string, string] => [
      `--${name} <${name}>`,
      help,
    ]),
  ];
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `Usage: ${spec.usage}`,
    '',
    spec.description,
    '',
    'Options:',
    ...options.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`),
    '',
    'Exit status: 0 done; 1 refused or failed; 2 wrong command line or environment.',
    '',
  ].join('\n');
}

/**
 * Parses `args` (process.argv without node and the script). Returns undefined after printing the
 * help when --help was asked for; throws UsageError for an unknown option, a missing argument or
 * too many of them.
 */
export function parseCommandLine(
  spec: CommandSpec,
  args: readonly string[],
): CommandLine | undefined {
  const usage = `Usage: ${spec.usage}`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          Object.keys(spec.flags ?? {}).map((name) => [name, { type: 'boolean' as const }]),
        ),
        ...Object.fromEntries(
          Object.keys(spec.options ?? {}).map((name) => [name, { type: 'string' as const }]),
        ),
      },
    });
  } catch (error) {
    // parseArgs explains how to pass a positional starting with "-" in a second sentence; the
    // first one says what is wrong.
    const first = (error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    throw new UsageError(`${first}. ${usage}`);
  }
  if (parsed.values.help) {
    process.stdout.write(helpText(spec));
    return undefined;
  }
  const { positionals } = parsed;
  const missing = spec.required.slice(positionals.length);
  if (missing.length > 0)
    throw new UsageError(`Missing ${missing.map((name) => `<${name}>`).join(' ')}. ${usage}`);
  const rest = positionals.slice(spec.required.length);
  if (rest.length > 0 && !spec.rest)
    throw new UsageError(`Unexpected argument "${rest[0]}". ${usage}`);
  const flags = Object.fromEntries(
    Object.keys(spec.flags ?? {}).map((name) => [name, parsed.values[name] === true]),
  );
  const options = Object.fromEntries(
    Object.keys(spec.options ?? {}).flatMap((name) => {
      const value = parsed.values[name];
      return typeof value === 'string' ? [[name, value]] : [];
    }),
  );
  return { positionals: positionals.slice(0, spec.required.length), rest, flags, options };
}

/** A positive whole-number id argument; otherwise UsageError naming it. */
export function idArgument(value: string, name: string, spec: CommandSpec): number {
  if (!/^[1-9]\d{0,14}$/.test(value)) {
    throw new UsageError(
      `<${name}> must be a positive whole number (got "${value}"). Usage: ${spec.usage}`,
    );
  }
  return Number(value);
}

/**
 * Runs a command's `main` and sets the exit status: usage and configuration problems print their
 * lines and give 2; an error `refusal` recognizes prints its one-line explanation and gives 1;
 * anything else is a bug, printed whole (stack included), and gives 1.
 */
export function runCommand(
  main: () => Promise<void>,
  refusal: (error: unknown) => string | undefined,
): void {
  main().then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof UsageError || error instanceof ConfigError) {
        console.error(error.message);
        process.exitCode = exitStatus.usage;
        return;
      }
      console.error(refusal(error) ?? error);
      process.exitCode = exitStatus.failed;
    },
  );
}

/**
 * Whether the module at `moduleUrl` is the script node was started with (`node ingest.ts …`),
 * rather than a module `tollgate` imported to run one of its subcommands.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}
