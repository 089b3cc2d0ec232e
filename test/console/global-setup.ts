// Builds the web console once before the tests (a no-op when web/dist is current), so every
// browser test and the gateway's static routes see the same build.
export default async function setup(): Promise<void> {
  // @ts-expect-error: a plain JavaScript module (it runs before dependencies are installed).
  const { ensureConsoleBuild } = (await import('../../src/cli/build-console.mjs')) as {
    ensureConsoleBuild(options: { quiet: boolean }): boolean;
  };
  ensureConsoleBuild({ quiet: true });
}
