import { type CommandSpec, parseCommandLine } from './command-line.js';

// `tollgate serve`: the gateway itself (what `npm start` runs).

export const command: CommandSpec = {
  usage: 'tollgate serve',
  description: [
    'Runs the gateway: migrates the database, creates the account and prints an Account Admin',
    'token on the first start, then serves the admin API (/graphql), the metadata API',
    '(/discovery/graphql), the console (/) and /healthz, /readyz until SIGTERM or SIGINT.',
    'Every setting comes from the environment (TOLLGATE_*, HOST, PORT, NODE_ENV; see the README);',
    '`tollgate check-config` checks them without starting. The database is TOLLGATE_DATABASE_URL',
    'when set, otherwise tollgate.sqlite in TOLLGATE_DATA_DIR (./data).',
  ].join('\n'),
  required: [],
};

export async function main(args: readonly string[]) {
  const line = parseCommandLine(command, args);
  if (!line) return;
  // The server module starts when loaded and exits on its own (status 1 for a refused
  // configuration, 0 after a signal); nothing is left to do here once it is listening.
  await import('../server.js');
}
