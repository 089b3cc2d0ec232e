import type { LoaderFactory } from './db/batch-loaders.js';
import { loaders as connections } from './db/connections.js';
import { loaders as customEnvVars } from './db/custom-env-vars.js';
import { loaders as dataPlatformConfigs } from './db/data-platform-configs.js';
import type { Db } from './db/database.js';
import { loaders as developSessions } from './db/develop-sessions.js';
import { loaders as environmentCredentials } from './db/environment-credentials.js';
import { loaders as environments } from './db/environments.js';
import { loaders as grants } from './db/grants.js';
import { loaders as groups } from './db/groups.js';
import { loaders as identity } from './db/identity.js';
import { loaders as invitations } from './db/invitations.js';
import { loaders as jobs } from './db/jobs.js';
import { loaders as members } from './db/members.js';
import { loaders as permissionGrants } from './db/permission-grants.js';
import { loaders as projectSettings } from './db/project-settings.js';
import { loaders as projects } from './db/projects.js';
import { loaders as repositories } from './db/repositories.js';
import { loaders as runSteps } from './db/run-steps.js';
import { loaders as runs } from './db/runs.js';
import { loaders as semanticLayerConfigs } from './db/semantic-layer-configs.js';
import { loaders as serviceTokens } from './db/service-tokens.js';
import { loaders as webhooks } from './db/webhooks.js';
import { createMetadataLoaders, type MetadataLoaders } from './metadata/loaders.js';

// The loader registry. Each repository declares its loaders beside its finders (`export const
// loaders`), under the account-scoping rule of src/db/batch-loaders.ts; this file only composes
// them. A new resource adds its repository's `loaders` to this list, nothing else.
const registered = [
  projects,
  environments,
  jobs,
  runs,
  runSteps,
  serviceTokens,
  grants,
  connections,
  repositories,
  projectSettings,
  dataPlatformConfigs,
  environmentCredentials,
  customEnvVars,
  semanticLayerConfigs,
  developSessions,
  members,
  groups,
  invitations,
  webhooks,
  permissionGrants,
  identity,
] as const;

/** All registered loaders as one object type: the union of the parts, intersected. */
type AllOf<Part> = (Part extends unknown ? (part: Part) => void : never) extends (
  part: infer All,
) => void
  ? All
  : never;
type Merged = AllOf<(typeof registered)[number]>;

/** The batch loaders of one request, scoped to the caller's account (src/db/batch-loaders.ts). */
export type Loaders = {
  readonly [Name in keyof Merged]: Merged[Name] extends (...args: never[]) => infer Loader
    ? Loader
    : never;
} & {
  /** The Discovery API's relations, batched per page. */
  readonly metadata: MetadataLoaders;
};

const factories = new Map<string, LoaderFactory<unknown>>();
for (const part of registered) {
  for (const [name, factory] of Object.entries(part)) {
    // Two repositories registering one name would silently shadow each other: refuse to start.
    if (factories.has(name) || name === 'metadata')
      throw new Error(`Loader "${name}" is registered twice`);
    factories.set(name, factory as LoaderFactory<unknown>);
  }
}

/** The loaders of one request; `accountId` is the caller's account. */
export function createLoaders(db: Db, accountId: number): Loaders {
  const loaders: Record<string, unknown> = { metadata: createMetadataLoaders(db) };
  for (const [name, factory] of factories) loaders[name] = factory(db, accountId);
  return loaders as Loaders;
}
