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
    // The web console's build, for its browser tests and the gateway's static routes.
    globalSetup: ['test/console/global-setup.ts'],
    // Under TEST_DATABASE_URL (PostgreSQL), each file drops the databases it created.
    setupFiles: ['test/support/database-setup.ts'],
    // On PostgreSQL every gateway copies a database and every query crosses a socket: slower.
    testTimeout: process.env.TEST_DATABASE_URL ? 120_000 : 30_000,
    hookTimeout: process.env.TEST_DATABASE_URL ? 120_000 : 30_000,
  },
});
