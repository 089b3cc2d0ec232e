import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

// No image can be built on the machines this project runs on, so this test is the Dockerfile's
// interpreter: in a clean copy of the repository (the files git knows, minus .dockerignore) it
// runs each stage's FROM, WORKDIR, ENV, COPY and RUN in a directory of its own standing for the
// stage's file system, then starts the last stage's CMD with its ENV and runs its HEALTHCHECK.
//
// Three kinds of step are not run as written, each for a stated reason:
// - the base image's system set-up (apt-get, chown, cleaning apt's lists): it needs the image's
//   root file system; the test checks instead that the last stage runs as a user other than root;
// - `npm ci`: it would download packages and compile better-sqlite3 (minutes, and a network).
//   The test puts there the very packages package-lock.json pins, hard-linked from the
//   repository's node_modules — for `npm ci --omit=dev` only the packages the lockfile does not
//   mark as development ones, with the hidden lockfile npm writes — after checking that the
//   stage's package-lock.json is the repository's;
// - absolute paths (/app, /data) inside RUN commands and ENV values are read inside the
//   stage's directory.
// The build itself (`npm run build`: tsc and the console bundle) runs for real, once, so this is
// the slowest file of the suite (about a minute of CPU); it is what keeps the Dockerfile honest.

const repoRoot = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'tollgate-image-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(' ');
      return { op: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

/** `K=V K2="V 2"` as ENV writes them. */
function envPairs(args: string): [string, string][] {
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)].map((match) => [
    match[1]!,
    match[3] ?? match[2]!,
  ]);
}

function run(command: string, args: readonly string[], cwd: string) {
  execFileSync(command, args, { cwd, stdio: 'pipe' });
}

/** The build context: what `COPY . .` sees (the files git knows, less .dockerignore's). */
function buildContext(): string {
  const context = path.join(work, 'context');
  const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const isIgnored = (file: string) =>
    ignored.some((pattern) =>
      pattern.startsWith('*.')
        ? file.endsWith(pattern.slice(1))
        : file === pattern || file.startsWith(`${pattern}/`) || path.basename(file) === pattern,
    );
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter((file) => file && !isIgnored(file) && existsSync(path.join(repoRoot, file)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(context, file)), { recursive: true });
    run('cp', ['-p', path.join(repoRoot, file), path.join(context, file)], repoRoot);
  }
  return context;
}

/** What `npm ci` would install, from the repository's node_modules (see the top comment). */
function installPinned(cwd: string, omitDev: boolean): void {
  const lock = readFileSync(path.join(cwd, 'package-lock.json'), 'utf8');
  expect(lock, 'the stage installs from the repository’s lockfile').toBe(
    readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'),
  );
  const target = path.join(cwd, 'node_modules');
  if (!omitDev) {
    symlinkSync(path.join(repoRoot, 'node_modules'), target);
    return;
  }
  const packages = (JSON.parse(lock) as { packages: Record<string, { dev?: boolean }> }).packages;
  const production = Object.entries(packages).filter(
    ([key, entry]) => key.startsWith('node_modules/') && !entry.dev,
  );
  mkdirSync(target);
  for (const [key] of production) {
    // Nested packages come with the package that holds them; platform packages may be absent.
    if (key.slice('node_modules/'.length).includes('/node_modules/')) continue;
    const source = path.join(repoRoot, key);
    if (!existsSync(source)) continue;
    mkdirSync(path.dirname(path.join(cwd, key)), { recursive: true });
    // Hard links where the temporary directory shares the repository's file system.
    try {
      run('cp', ['-al', source, path.join(cwd, key)], cwd);
    } catch {
      run('cp', ['-a', source, path.join(cwd, key)], cwd);
    }
  }
  writeFileSync(
    path.join(target, '.package-lock.json'),
    JSON.stringify({ lockfileVersion: 3, packages: Object.fromEntries(production) }, null, 2),
  );
}

/** The system set-up of a base image, which the test cannot do (see the top comment). */
const systemStep = /^(apt-get\b|chown\b|rm -rf \/var\/lib\/apt\/lists\/)/;

interface Stage {
  readonly name: string | undefined;
  readonly root: string;
  cwd: string;
  env: Record<string, string>;
  user: string;
  readonly volumes: string[];
  cmd: string[] | undefined;
  healthcheck: string | undefined;
  readonly skipped: string[];
}

/** Runs the Dockerfile's stages; returns them in order. */
function buildImage(dockerfile: string, context: string): Stage[] {
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  const inStage = (containerPath: string) => path.join(stage!.root, containerPath);
  const absolute = (value: string) =>
    value.replace(/(^|[\s=])(\/(?:app|data)\b)/g, (_m, before, p) => before + inStage(p));
  for (const { op, args } of instructions(dockerfile)) {
    if (op === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      const root = path.join(work, `stage-${stages.length}`);
      const base = stages.find((previous) => previous.name === image);
      if (base) run('cp', ['-al', base.root, root], work);
      else mkdirSync(root);
      stage = {
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        root,
        cwd: base?.cwd ?? '/',
        env: { ...(base?.env ?? {}) },
        user: base?.user ?? 'root',
        volumes: [],
        cmd: undefined,
        healthcheck: undefined,
        skipped: [],
      };
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${op} before FROM`);
    switch (op) {
      case 'WORKDIR':
        stage.cwd = path.posix.resolve(stage.cwd, args);
        mkdirSync(inStage(stage.cwd), { recursive: true });
        break;
      case 'ENV':
        for (const [name, value] of envPairs(args)) stage.env[name] = value;
        break;
      case 'COPY': {
        const words = args.split(/\s+/);
        const from = words[0]!.startsWith('--from=')
          ? words.shift()!.slice('--from='.length)
          : undefined;
        const destination = words.pop()!;
        const fromRoot = from ? stages.find((previous) => previous.name === from)!.root : context;
        const target = inStage(path.posix.resolve(stage.cwd, destination));
        for (const source of words) {
          const sourcePath = path.join(fromRoot, from ? source : path.posix.normalize(source));
          if (source === '.') {
            mkdirSync(target, { recursive: true });
            run('cp', ['-al', `${sourcePath}/.`, target], work);
          } else {
            const into = destination.endsWith('/')
              ? path.join(target, path.basename(source))
              : target;
            mkdirSync(path.dirname(into), { recursive: true });
            run('cp', ['-al', sourcePath, into], work);
          }
        }
        break;
      }
      case 'RUN':
        for (const step of args.split(/\s*&&\s*/)) {
          const cwd = inStage(stage.cwd);
          const npmCi = /^npm ci\b(.*)$/.exec(step);
          if (systemStep.test(step)) stage.skipped.push(step);
          else if (npmCi) installPinned(cwd, npmCi[1]!.includes('--omit=dev'));
          else {
            const result = spawnSync('sh', ['-c', absolute(step)], {
              cwd,
              env: { ...process.env, ...stage.env, NODE_ENV: stage.env.NODE_ENV ?? '' },
              encoding: 'utf8',
              timeout: 600_000,
            });
            if (result.status !== 0)
              throw new Error(
                `RUN ${step} failed (${result.status}):\n${result.stdout}${result.stderr}`,
              );
          }
        }
        break;
      case 'USER':
        stage.user = args;
        break;
      case 'VOLUME':
        stage.volumes.push(...args.split(/\s+/));
        break;
      case 'CMD':
        stage.cmd = JSON.parse(args) as string[];
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = /\bCMD\s+(.+)$/.exec(args)![1];
        break;
      case 'EXPOSE':
        break;
      default:
        throw new Error(`The test does not know the instruction ${op}.`);
    }
  }
  return stages;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls /healthz until it answers 200 (at most two minutes: the machine may be busy). */
async function healthy(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output()}`);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`/healthz never answered:\n${output()}`);
}

/** Starts a process in its own process group (npm start runs node under npm). */
function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      process.kill(-child.pid!, 'SIGTERM');
    });
  return { child, output: () => output, stop };
}

/** The environment a stage's process gets: the host's PATH and HOME, the stage's ENV. */
function stageEnv(stage: Stage, overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [name, value] of Object.entries(stage.env))
    env[name] = value.startsWith('/') ? path.join(stage.root, value) : value;
  return { ...env, ...overrides };
}

describe('the container recipe, run without Docker', () => {
  it('builds in a clean copy, runs compiled JavaScript with production dependencies only, and serves /healthz', async () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const stages = buildImage(dockerfile, buildContext());
    const image = stages.at(-1)!;
    const app = path.join(image.root, 'app');

    // What the image holds and how it runs.
    expect(image.user).not.toBe('root');
    expect(image.user).not.toBe('0');
    expect(image.volumes).toContain('/data');
    expect(image.env.TOLLGATE_DATA_DIR).toBe('/data');
    expect(image.env.NODE_ENV).toBe('production');
    expect(image.cmd).toEqual(['node', 'dist/src/cli/tollgate.js', 'serve']);
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package.json']);
    for (const tool of ['tsx', 'typescript', 'vite', 'vitest', '@biomejs'])
      expect(existsSync(path.join(app, 'node_modules', tool)), tool).toBe(false);
    expect(existsSync(path.join(app, 'dist/web/dist/index.html'))).toBe(true);
    expect(
      readdirSync(path.join(app, 'dist/migrations')).some((file) => file.endsWith('.ts')),
    ).toBe(false);
    // Only the base image's system set-up was left out.
    expect(stages.flatMap((stage) => stage.skipped)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^apt-get update/), 'chown node:node /data']),
    );
    for (const step of stages.flatMap((stage) => stage.skipped)) expect(step).toMatch(systemStep);

    // The CMD with the image's ENV (a free loopback port instead of 0.0.0.0:4000).
    const port = await freePort();
    const env = stageEnv(image, { HOST: '127.0.0.1', PORT: String(port) });
    const [command, ...args] = image.cmd!;
    expect(command).toBe('node');
    const gateway = start(process.execPath, args, app, env);
    try {
      await healthy(port, gateway.child, gateway.output);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      // Production: JSON logs, and the first start's token in an owner-only file of the data
      // volume, never on the terminal (which feeds the container's log collector).
      expect(gateway.output()).toMatch(/^\{"level":30,.*"msg":"Tollgate is serving/m);
      expect(gateway.output()).not.toMatch(/tgs_[0-9A-Za-z]{49}/);
      const tokenFile = path.join(image.root, 'data/admin-token');
      expect(gateway.output()).toContain(tokenFile);
      expect(readFileSync(tokenFile, 'utf8')).toMatch(/^tgs_[0-9A-Za-z]{49}\s*$/);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const healthcheck = spawnSync('sh', ['-c', image.healthcheck!], { env, encoding: 'utf8' });
      expect(healthcheck.status, healthcheck.stderr).toBe(0);
      expect(existsSync(path.join(image.root, 'data/tollgate.sqlite'))).toBe(true);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
    const stopped = spawnSync('sh', ['-c', image.healthcheck!], { env });
    expect(stopped.status).toBe(1);

    // Without Docker: the built checkout with only the run-time dependencies, `npm start` in
    // production (what README says) runs the same compiled build: tsx is not even installed.
    const build = stages.find((stage) => stage.name === 'build')!;
    const deps = stages.find((stage) => stage.name === 'deps')!;
    const checkout = path.join(work, 'checkout');
    run('cp', ['-al', path.join(build.root, 'app'), checkout], work);
    rmSync(path.join(checkout, 'node_modules'));
    run('cp', ['-al', path.join(deps.root, 'app/node_modules'), checkout], work);
    const npmPort = await freePort();
    const started = start('npm', ['start'], checkout, {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(npmPort),
      HOST: '127.0.0.1',
      TOLLGATE_DATA_DIR: path.join(work, 'npm-start-data'),
    });
    try {
      await healthy(npmPort, started.child, started.output);
      expect(started.output()).not.toContain('Installing');
      expect(existsSync(path.join(checkout, 'node_modules/tsx'))).toBe(false);
    } finally {
      await started.stop();
    }
  }, 900_000);
});

describe('production start-up without a build', () => {
  it('npm start’s pre-start step and the launcher refuse, saying how to build, and install nothing', () => {
    const checkout = path.join(work, 'unbuilt');
    mkdirSync(path.join(checkout, 'src/cli'), { recursive: true });
    for (const file of ['src/cli/ensure-dependencies.mjs', 'src/cli/tollgate-launcher.mjs'])
      run('cp', [path.join(repoRoot, file), path.join(checkout, file)], repoRoot);
    writeFileSync(path.join(checkout, 'package-lock.json'), '{}');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' };
    const prestart = spawnSync(process.execPath, ['src/cli/ensure-dependencies.mjs'], {
      cwd: checkout,
      env,
      encoding: 'utf8',
    });
    expect(prestart.status).toBe(1);
    expect(prestart.stderr).toContain('npm ci && npm run build && npm ci --omit=dev');
    expect(prestart.stdout).toBe('');
    const launcher = spawnSync(process.execPath, ['src/cli/tollgate-launcher.mjs', 'serve'], {
      cwd: checkout,
      env,
      encoding: 'utf8',
    });
    expect(launcher.status).toBe(2);
    expect(launcher.stderr).toMatch(
      /^No compiled build in dist\/: production runs compiled JavaScript\./,
    );
    expect(readdirSync(checkout).sort()).toEqual(['package-lock.json', 'src']);
  });
});

describe('the deployment files', () => {
  it('compose.yaml runs the gateway on PostgreSQL and Redis with a shared secret key', () => {
    const compose = parseYaml(readFileSync(path.join(repoRoot, 'compose.yaml'), 'utf8')) as {
      services: Record<
        string,
        {
          build?: string;
          environment: Record<string, string>;
          volumes?: string[];
          depends_on?: unknown;
          ports?: string[];
          healthcheck?: { test: string[] };
        }
      >;
      volumes: Record<string, unknown>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'postgres', 'redis']);
    const gateway = compose.services.gateway!;
    expect(gateway.build).toBe('.');
    expect(gateway.environment.TOLLGATE_DATABASE_URL).toMatch(
      /^postgres:\/\/tollgate:.+@postgres:5432\/tollgate$/,
    );
    expect(gateway.environment.TOLLGATE_REDIS_URL).toBe('redis://redis:6379');
    // Required, never defaulted: each instance must get the same key.
    expect(gateway.environment.TOLLGATE_SECRET_KEY).toMatch(/^\$\{TOLLGATE_SECRET_KEY:\?/);
    expect(gateway.volumes).toEqual(['tollgate-data:/data']);
    expect(gateway.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    // Published on loopback only: a proxy in front terminates TLS.
    expect(gateway.ports).toEqual(['127.0.0.1:4000:4000']);
    expect(compose.services.postgres!.healthcheck!.test).toContain('pg_isready');
  });

  it('the systemd unit runs the compiled build as an unprivileged user, data in its state directory', () => {
    const unit = readFileSync(path.join(repoRoot, 'deploy/tollgate.service'), 'utf8');
    const settings = new Map<string, string[]>();
    for (const line of unit.split('\n')) {
      const match = /^([A-Za-z]+)=(.*)$/.exec(line);
      if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
    }
    expect(settings.get('ExecStart')).toEqual([
      '/usr/bin/node /opt/tollgate/dist/src/cli/tollgate.js serve',
    ]);
    expect(settings.get('User')).toEqual(['tollgate']);
    expect(settings.get('Environment')).toEqual([
      'NODE_ENV=production',
      'TOLLGATE_DATA_DIR=/var/lib/tollgate',
    ]);
    expect(settings.get('StateDirectory')).toEqual(['tollgate']);
    expect(settings.get('NoNewPrivileges')).toEqual(['yes']);
    expect(settings.get('ProtectSystem')).toEqual(['strict']);
    // Longer than the default request timeout (30 s): a stop lets requests in flight finish.
    expect(Number(settings.get('TimeoutStopSec')![0])).toBeGreaterThan(30);
  });
});
