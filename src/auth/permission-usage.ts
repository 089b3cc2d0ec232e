import type { Action } from '../catalog/access.js';
import { type Resource, resourceIds } from '../catalog/matrix.js';
import type { Db } from '../db/database.js';
import { addPermissionUsage, type PermissionUsageBatch } from '../db/permission-usage.js';

/**
 * Records which catalog permissions a token's rules granted, for least privilege
 * (`ServiceToken.permissionUsage`, `suggestedGrants`). Each request keeps a small bitmap per
 * project of what it was already granted, so a permission decided again for every row of a list
 * costs one lookup and allocates nothing; the first grant of a permission in a request adds one
 * use to this process's aggregate. The aggregate is written at most once per interval (a minute)
 * per token, as additive upserts, so several instances add up (`addPermissionUsage`); it is
 * written on `flush` and `close` too. A crash loses at most one interval.
 */
export interface PermissionUsageRecorder {
  /** The recorder of one request of this token at `now`. */
  forRequest(tokenId: number, now: Date): GrantedPermissions;
  /** Writes everything pending (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** One request's record of granted permissions; see `recordGranted`. */
export interface GrantedPermissions {
  /**
   * Index (resource × action) → 1 once granted in this request, per project (0: none); made on
   * the first grant, so a request that reaches no rule allocates nothing more.
   */
  seen: Map<number, Uint8Array> | null;
  readonly tokenId: number;
  readonly at: number;
  readonly aggregate: Aggregate;
}

/** The part of a request context recording reads; absent or null: nothing is recorded. */
export interface PermissionUsageContext {
  readonly grantedPermissions?: GrantedPermissions | null;
}

const slotCount = resourceIds.length * 2;
const resourceIndex = new Map<string, number>(
  resourceIds.map((resource, index) => [resource, index]),
);

/**
 * Notes that a rule granted `action` on `resource` (in `projectId`; null for account-level or
 * across projects) to the request's token. Returns true, so that a rule can write
 * `allows(...) && recordGranted(...)`. Does nothing for a request without a recorder (no token,
 * or recording off).
 */
export function recordGranted(
  context: PermissionUsageContext,
  resource: Resource,
  action: Action,
  projectId: number | null,
): true {
  const granted = context.grantedPermissions;
  if (!granted) return true;
  const project = projectId ?? 0;
  granted.seen ??= new Map();
  let slots = granted.seen.get(project);
  if (!slots) {
    slots = new Uint8Array(slotCount);
    granted.seen.set(project, slots);
  }
  const slot = resourceIndex.get(resource)! * 2 + (action === 'write' ? 1 : 0);
  if (slots[slot] === 0) {
    slots[slot] = 1;
    granted.aggregate.add(granted.tokenId, project, slot, granted.at);
  }
  return true;
}

/** One permission granted in a request: a resource, an action, a project (null: none). */
export type GrantedPermission = readonly [
  resource: Resource,
  action: Action,
  projectId: number | null,
];

/**
 * Every distinct permission the request's rules granted so far; empty for a request that records
 * nothing. A cached response keeps this list, so that a request answered from the cache (whose
 * rules do not run) records what executing it would have (see `replayGranted`).
 */
export function grantedInRequest(context: PermissionUsageContext): GrantedPermission[] {
  const granted = context.grantedPermissions;
  if (!granted?.seen) return [];
  const permissions: GrantedPermission[] = [];
  for (const [project, slots] of granted.seen)
    for (let slot = 0; slot < slotCount; slot++)
      if (slots[slot] === 1)
        permissions.push([
          resourceIds[slot >> 1]!,
          slot & 1 ? 'write' : 'read',
          project === 0 ? null : project,
        ]);
  return permissions;
}

/**
 * Records, for a request answered without running its rules, the permissions an identical
 * request by a caller of the same access was granted (`grantedInRequest`). Permissions this
 * catalog no longer knows are skipped.
 */
export function replayGranted(
  context: PermissionUsageContext,
  permissions: readonly GrantedPermission[],
): void {
  if (!context.grantedPermissions) return;
  for (const [resource, action, projectId] of permissions)
    if (resourceIndex.has(resource)) recordGranted(context, resource, action, projectId);
}

interface Counts {
  readonly count: Uint32Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
}

interface Aggregate {
  add(tokenId: number, projectId: number, slot: number, at: number): void;
}

export function createPermissionUsageRecorder(
  db: Db,
  {
    intervalMs = 60_000,
    onError = (error) => console.error('Could not record permission usage:', error),
  }: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): PermissionUsageRecorder {
  let pending = new Map<number, Map<number, Counts>>();
  const inflight = new Set<Promise<void>>();

  const aggregate: Aggregate = {
    add(tokenId, projectId, slot, at) {
      let projects = pending.get(tokenId);
      if (!projects) {
        projects = new Map();
        pending.set(tokenId, projects);
      }
      let counts = projects.get(projectId);
      if (!counts) {
        counts = {
          count: new Uint32Array(slotCount),
          first: new Float64Array(slotCount),
          last: new Float64Array(slotCount),
        };
        projects.set(projectId, counts);
      }
      if (counts.count[slot] === 0 || at < counts.first[slot]!) counts.first[slot] = at;
      if (at > counts.last[slot]!) counts.last[slot] = at;
      counts.count[slot]! += 1;
    },
  };

  // Every pending token at once: each is written once per interval, in one statement.
  const write = () => {
    if (pending.size === 0) return;
    const batches: PermissionUsageBatch[] = [];
    for (const [tokenId, projects] of pending)
      for (const [projectId, counts] of projects)
        for (let slot = 0; slot < slotCount; slot++) {
          const count = counts.count[slot]!;
          if (count === 0) continue;
          batches.push({
            tokenId,
            resource: resourceIds[slot >> 1]!,
            action: slot & 1 ? 'write' : 'read',
            projectId,
            firstUsedAt: new Date(counts.first[slot]!).toISOString(),
            lastUsedAt: new Date(counts.last[slot]!).toISOString(),
            count,
          });
        }
    pending = new Map();
    const done = addPermissionUsage(db, batches)
      .catch(onError)
      .finally(() => inflight.delete(done));
    inflight.add(done);
  };

  const timer = setInterval(write, intervalMs);
  timer.unref();

  return {
    forRequest(tokenId, now) {
      return { seen: null, tokenId, at: now.getTime(), aggregate };
    },
    async flush() {
      write();
      await Promise.all(inflight);
    },
    async close() {
      clearInterval(timer);
      await this.flush();
    },
  };
}
