import DataLoader from 'dataloader';
import type { YogaInitialContext } from 'graphql-yoga';
import { clientAddress } from './auth/ip-addresses.js';
import { authenticate, type Principal } from './auth/principal.js';
import type { UsageRecorder } from './auth/usage.js';
import type { AuthContext } from './auth/rules.js';
import { findConnectionsByIds } from './db/connections.js';
import { findCustomEnvVarsByIds, listOverridesOfEnvVars } from './db/custom-env-vars.js';
import { findDataPlatformConfigsByProjectIds } from './db/data-platform-configs.js';
import type {
  CustomEnvVar,
  CustomEnvVarOverride,
  DataConnection,
  DataPlatformConfig,
  Db,
  DevelopSession,
  Environment,
  EnvironmentCredentials,
  Job,
  Project,
  ProjectSettings,
  Repository,
  Run,
  SemanticLayerConfig,
  ServiceToken,
  Group,
  Invitation,
  Member,
  Webhook,
} from './db/database.js';
import { findDevelopSessionsByIds } from './db/develop-sessions.js';
import { findEnvironmentCredentialsByEnvironmentIds } from './db/environment-credentials.js';
import { findEnvironmentsByIds } from './db/environments.js';
import {
  findGroupsByIds,
  listGroupsOfMembers,
  listMembersOfGroups,
} from './db/groups.js';
import { findInvitationsByIds, listGroupsOfInvitations } from './db/invitations.js';
import { findJobsByIds } from './db/jobs.js';
import { findProjectSettingsByProjectIds } from './db/project-settings.js';
import { findMembersByIds } from './db/members.js';
import { listGrantsOnProjects, type HeldGrant } from './db/permission-grants.js';
import { findProjectsByIds } from './db/projects.js';
import { findRepositoriesByIds } from './db/repositories.js';
import { findRunsByIds } from './db/runs.js';
import { findSemanticLayerConfigsByProjectIds } from './db/semantic-layer-configs.js';
import { findServiceTokensByIds } from './db/service-tokens.js';
import { listGrantsOf, type StoredGrant } from './db/grants.js';
import { findWebhooksByIds, listJobIdsOfWebhooks } from './db/webhooks.js';
import { GraphQLError } from 'graphql';
import { rateLimited, unauthenticated } from './errors.js';
import type { RateDecision, RateLimiter } from './rate-limit.js';
import { createMetadataLoaders, type MetadataLoaders } from './metadata/loaders.js';
import type { SecretBox } from './secrets.js';

/**
 * Per-request batch loaders, scoped to the caller's account: an id of another account loads as
 * undefined, exactly like an id that does not exist.
 */
export interface Loaders {
  readonly project: DataLoader<number, Project | undefined>;
  readonly environment: DataLoader<number, Environment | undefined>;
  readonly job: DataLoader<number, Job | undefined>;
  readonly run: DataLoader<number, Run | undefined>;
  readonly serviceToken: DataLoader<number, ServiceToken | undefined>;
  readonly grantsOfToken: DataLoader<number, readonly StoredGrant[]>;
  readonly connection: DataLoader<number, DataConnection | undefined>;
  readonly repository: DataLoader<number, Repository | undefined>;
  /** By project id; undefined for a project that has no settings row (or is not the account's). */
  readonly projectSettings: DataLoader<number, ProjectSettings | undefined>;
  /** By project id. */
  readonly dataPlatformConfig: DataLoader<number, DataPlatformConfig | undefined>;
  /** By environment id. */
  readonly environmentCredentials: DataLoader<number, EnvironmentCredentials | undefined>;
  readonly customEnvVar: DataLoader<number, CustomEnvVar | undefined>;
  /** By variable id; only ever asked for variables already loaded through the account's scope. */
  readonly overridesOfEnvVar: DataLoader<number, readonly CustomEnvVarOverride[]>;
  /** By project id. */
  readonly semanticLayerConfig: DataLoader<number, SemanticLayerConfig | undefined>;
  readonly developSession: DataLoader<number, DevelopSession | undefined>;
  readonly member: DataLoader<number, Member | undefined>;
  readonly group: DataLoader<number, Group | undefined>;
  readonly invitation: DataLoader<number, Invitation | undefined>;
  readonly webhook: DataLoader<number, Webhook | undefined>;
  readonly groupsOfMember: DataLoader<number, readonly Group[]>;
  readonly membersOfGroup: DataLoader<number, readonly Member[]>;
  readonly grantsOfGroup: DataLoader<number, readonly StoredGrant[]>;
  readonly groupsOfInvitation: DataLoader<number, readonly Group[]>;
  readonly jobIdsOfWebhook: DataLoader<number, readonly number[]>;
  /** Who holds which set on a project: grants of active tokens and of groups. */
  readonly grantsOnProject: DataLoader<number, readonly HeldGrant[]>;
  /** The Discovery API's relations, batched per page. */
  readonly metadata: MetadataLoaders;
}

function byId<T extends { id: number }>(
  find: (db: Db, accountId: number, ids: readonly number[]) => Promise<T[]>,
  db: Db,
  accountId: number,
): DataLoader<number, T | undefined> {
  return new DataLoader(async (ids) => {
    const found = new Map((await find(db, accountId, ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id));
  });
}

/** Like byId, for rows looked up by another unique column (one per project, per environment). */
function byKey<T, K extends keyof T>(
  find: (db: Db, accountId: number, keys: readonly number[]) => Promise<T[]>,
  key: K,
  db: Db,
  accountId: number,
): DataLoader<number, T | undefined> {
  return new DataLoader(async (keys) => {
    const found = new Map((await find(db, accountId, keys)).map((row) => [row[key] as number, row]));
    return keys.map((k) => found.get(k));
  });
}

/** Lists keyed by the id of what they belong to; ids with nothing get an empty list. */
function listsById<T>(list: (ids: readonly number[]) => Promise<Map<number, T[]>>): DataLoader<number, readonly T[]> {
  return new DataLoader(async (ids) => {
    const found = await list(ids);
    return ids.map((id) => found.get(id) ?? []);
  });
}

export function createLoaders(db: Db, accountId: number): Loaders {
  return {
    project: byId(findProjectsByIds, db, accountId),
    environment: byId(findEnvironmentsByIds, db, accountId),
    job: byId(findJobsByIds, db, accountId),
    run: byId(findRunsByIds, db, accountId),
    serviceToken: byId(findServiceTokensByIds, db, accountId),
    grantsOfToken: listsById((ids) => listGrantsOf(db, 'SERVICE_TOKEN', ids)),
    connection: byId(findConnectionsByIds, db, accountId),
    repository: byId(findRepositoriesByIds, db, accountId),
    projectSettings: byKey(findProjectSettingsByProjectIds, 'project_id', db, accountId),
    dataPlatformConfig: byKey(findDataPlatformConfigsByProjectIds, 'project_id', db, accountId),
    environmentCredentials: byKey(findEnvironmentCredentialsByEnvironmentIds, 'environment_id', db, accountId),
    customEnvVar: byId(findCustomEnvVarsByIds, db, accountId),
    overridesOfEnvVar: new DataLoader(async (ids) => {
      const overrides = await listOverridesOfEnvVars(db, ids);
      return ids.map((id) => overrides.get(id) ?? []);
    }),
    semanticLayerConfig: byKey(findSemanticLayerConfigsByProjectIds, 'project_id', db, accountId),
    developSession: byId(findDevelopSessionsByIds, db, accountId),
    member: byId(findMembersByIds, db, accountId),
    group: byId(findGroupsByIds, db, accountId),
    invitation: byId(findInvitationsByIds, db, accountId),
    webhook: byId(findWebhooksByIds, db, accountId),
    // Keyed by objects the account-scoped loaders above already found.
    groupsOfMember: listsById((ids) => listGroupsOfMembers(db, ids)),
    membersOfGroup: listsById((ids) => listMembersOfGroups(db, ids)),
    grantsOfGroup: listsById((ids) => listGrantsOf(db, 'GROUP', ids)),
    groupsOfInvitation: listsById((ids) => listGroupsOfInvitations(db, ids)),
    jobIdsOfWebhook: listsById((ids) => listJobIdsOfWebhooks(db, ids)),
    grantsOnProject: listsById((ids) => listGrantsOnProjects(db, accountId, ids)),
    metadata: createMetadataLoaders(db),
  };
}

export interface Context extends AuthContext {
  readonly db: Db;
  readonly leakReports: RateLimiter;
  /** Seals and opens secrets stored in the database. */
  readonly secrets: SecretBox;
  readonly now: () => Date;
  /** The client's address (see `clientAddress`); null when unknown. */
  readonly clientIp: string | null;
  readonly loaders: Loaders;
}

export interface ContextDependencies {
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly usage: UsageRecorder;
  /** Limits reports of leaked tokens per client address. */
  readonly leakReports: RateLimiter;
  /** Counts failed authentications per client address (brute force). */
  readonly authFailures: RateLimiter;
  /** Counts requests per token; the account's policy may set the limit. */
  readonly tokenRequests: RateLimiter;
  readonly now: () => Date;
  /** Peers whose X-Forwarded-For is believed; null: none. */
  readonly isTrustedProxy: ((address: string) => boolean) | null;
}

/** The node request yoga passes along when it is served by node:http (absent under bare fetch). */
export interface NodeServerContext {
  readonly req?: { readonly socket?: { readonly remoteAddress?: string } };
}

function refuseIfLimited(decision: RateDecision): void {
  if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
}

/** Who is calling, settled before the request is parsed. */
export interface Caller {
  readonly principal: Principal | null;
  readonly clientIp: string | null;
}

/**
 * Identifies the caller, first thing for every request; see `authenticate` for what is refused.
 * An address with too many failed authentications is refused before its token is even looked
 * at, and a token over its request rate is refused after (both RATE_LIMITED, HTTP 429 with
 * Retry-After). Throws the GraphQLError to answer with.
 */
export async function identifyCaller(
  { db, usage, authFailures, tokenRequests, now, isTrustedProxy }: ContextDependencies,
  request: Request,
  serverContext: NodeServerContext,
): Promise<Caller> {
  const clientIp = clientAddress(serverContext.req?.socket?.remoteAddress, request.headers.get('x-forwarded-for'), isTrustedProxy);
  const authorization = request.headers.get('authorization');
  const at = now();
  const ipKey = clientIp ?? 'unknown';
  if (authorization !== null) refuseIfLimited(authFailures.check(ipKey, at));
  let principal: Principal | null;
  try {
    principal = await authenticate(db, usage, { authorization, clientIp, now: at });
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') authFailures.hit(ipKey, at);
    throw error;
  }
  if (principal) refuseIfLimited(tokenRequests.hit(String(principal.token.id), at, principal.requestsPerMinute ?? undefined));
  return { principal, clientIp };
}

/** The per-request context for an identified caller. */
export function createContext(
  { db, secrets, leakReports, now }: ContextDependencies,
  { principal, clientIp }: Caller,
): Omit<Context, keyof YogaInitialContext> {
  // Anonymous callers never get past the rules to a loader; if one did, account 0 (ids start
  // at 1) would find nothing.
  return { db, secrets, leakReports, now, clientIp, principal, loaders: createLoaders(db, principal?.account.id ?? 0) };
}

/** The caller, for resolvers behind a rule that already required one. */
export function principalOf(context: Context): Principal {
  if (!context.principal) throw unauthenticated();
  return context.principal;
}
