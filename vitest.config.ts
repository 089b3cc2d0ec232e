import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql for everyone: without this, our files get graphql's ESM build and yoga, Pothos
    // and shield the CommonJS one ("Cannot use GraphQLObjectType from another module or realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The web console's build, for its browser tests and the gateway's static routes; under
    // TEST_DATABASE_URL, the run's PostgreSQL template (test/support/database-run.ts).
    globalSetup: ['test/console/global-setup.ts', 'test/support/database-global-setup.ts'],
    // Each file closes its PostgreSQL pools and drops or hands on the databases it made.
    setupFiles: ['test/support/database-setup.ts'],
    // On PostgreSQL every query crosses a socket and child processes migrate their database.
    testTimeout: process.env.TEST_DATABASE_URL ? 120_000 : 30_000,
    hookTimeout: process.env.TEST_DATABASE_URL ? 120_000 : 30_000,
    // Dropping the run's PostgreSQL databases: each drop waits for a checkpoint of the server.
    teardownTimeout: 300_000,
  },
});
