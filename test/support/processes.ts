import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export interface StartedServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** `npm start`'s command on a loopback port chosen by the OS, with its own data directory. */
export async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<StartedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      TOLLGATE_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'development',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      // The URL line comes last, after the first-start banner.
      const match = /serving (https?:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

/** Sends a signal and waits for the process to exit; resolves to its exit code (null if killed). */
export async function stopServer(
  { child }: StartedServer,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill(signal);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The admin token printed on first start. */
export function printedToken(output: string): string {
  const token = /^\s+(tgs_[0-9A-Za-z]{49})$/m.exec(output)?.[1];
  if (!token) throw new Error(`no token printed:\n${output}`);
  return token;
}
