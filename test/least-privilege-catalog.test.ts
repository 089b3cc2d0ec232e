import { describe, expect, it } from 'vitest';
import type { Grant } from '../src/catalog/access.js';
import {
  firstRefusedAfter,
  suggestGrants,
  type UsedPermission,
} from '../src/catalog/least-privilege.js';
import {
  isAssignableOnPlan,
  type PermissionSetId,
  type Plan,
  permissionSetIds,
  permissionSets,
} from '../src/catalog/permission-sets.js';

// The suggestion from the catalog alone: sufficient (the recorded permissions replayed through the
// catalog are all still allowed) and minimal (checked by brute force over every smaller choice).

const onEveryProject = (permissionSet: PermissionSetId): Grant => ({
  permissionSet,
  projectIds: null,
  writableEnvironmentCategories: [],
});
const accountAdmin = [onEveryProject('account_admin')];

function* subsets<T>(items: readonly T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let index = start; index <= items.length - size; index++)
    for (const rest of subsets(items, size - 1, index + 1)) yield [items[index]!, ...rest];
}

/**
 * Whether some choice of `size` sets of the plan, each on every project (the widest scope, so if
 * none covers, no narrower one does), allows every used permission.
 */
function someCoverOfSize(plan: Plan, size: number, used: readonly UsedPermission[]): boolean {
  const sets = permissionSetIds.filter((id) => isAssignableOnPlan(id, plan));
  for (const choice of subsets(sets, size))
    if (firstRefusedAfter(accountAdmin, choice.map(onEveryProject), used) === null) return true;
  return false;
}

function expectSufficientAndMinimal(
  plan: Plan,
  current: Grant[],
  used: UsedPermission[],
): ReturnType<typeof suggestGrants> {
  const suggestion = suggestGrants({ plan, current, used });
  expect(firstRefusedAfter(current, suggestion.grants, used)).toBeNull();
  for (const grant of suggestion.grants)
    expect(isAssignableOnPlan(grant.permissionSet, plan)).toBe(true);
  const size = suggestion.grants.length - suggestion.kept.length;
  for (let smaller = 1; smaller < size; smaller++)
    expect(someCoverOfSize(plan, smaller, used)).toBe(false);
  return suggestion;
}

describe('suggested grants from the catalog', () => {
  it('Account Admin reading runs of one project: Job Viewer on that project (enterprise)', () => {
    const used: UsedPermission[] = [
      { resource: 'projects', action: 'read', projectId: 7 },
      { resource: 'runs', action: 'read', projectId: 7 },
    ];
    const suggestion = expectSufficientAndMinimal('enterprise', accountAdmin, used);
    expect(suggestion.grants).toEqual([
      { permissionSet: 'job_viewer', projectIds: [7], writableEnvironmentCategories: [] },
    ]);
    expect(suggestion.unusedWrites).toBe(0);
    // Every tie of one set on project 7 grants more unused writes or more unused permissions.
    for (const tie of suggestion.ties) {
      expect(tie.grants).toHaveLength(1);
      expect(
        tie.unusedWrites > suggestion.unusedWrites ||
          tie.unusedPermissions > suggestion.unusedPermissions,
      ).toBe(true);
    }
    expect(suggestion.removed).toContainEqual({
      resource: 'service_tokens',
      action: 'write',
      projectId: null,
    });
    expect(suggestion.removed).toContainEqual({
      resource: 'runs',
      action: 'read',
      projectId: null,
    });
  });

  it('the same on a team plan uses only the sets the plan allows: Read-Only there', () => {
    const used: UsedPermission[] = [
      { resource: 'projects', action: 'read', projectId: 7 },
      { resource: 'runs', action: 'read', projectId: 7 },
    ];
    const suggestion = expectSufficientAndMinimal('team', accountAdmin, used);
    expect(suggestion.grants.map((grant) => grant.permissionSet)).toEqual(['readonly']);
    for (const option of [suggestion, ...suggestion.ties])
      for (const grant of option.grants)
        expect(['account_admin', 'member', 'job_admin', 'readonly', 'metadata_only']).toContain(
          grant.permissionSet,
        );
  });

  it('takes the fewest sets, then the fewest projects: one set on two projects beats two sets', () => {
    const used: UsedPermission[] = [
      { resource: 'runs', action: 'write', projectId: 1 },
      { resource: 'runs', action: 'write', projectId: 2 },
      { resource: 'metadata', action: 'read', projectId: 2 },
    ];
    const suggestion = expectSufficientAndMinimal('enterprise', accountAdmin, used);
    expect(suggestion.grants).toHaveLength(1);
    expect(suggestion.grants[0]!.projectIds).toEqual([1, 2]);
    // Job Runner writes runs but cannot read metadata: Job Admin is the one set covering both.
    expect(suggestion.grants[0]!.permissionSet).toBe('job_admin');
  });

  it('needs two sets when the one set that would cover alone is more than the token holds', () => {
    const used: UsedPermission[] = [
      { resource: 'audit_logs', action: 'read', projectId: null },
      { resource: 'semantic_layer_config', action: 'write', projectId: 3 },
    ];
    const suggestion = expectSufficientAndMinimal('enterprise', accountAdmin, used);
    // Only Account Admin does both alone; it is on every project, and still one set.
    expect(suggestion.grants.map((grant) => grant.permissionSet)).toEqual(['account_admin']);
    const narrower = suggestGrants({
      plan: 'enterprise',
      current: [onEveryProject('account_viewer'), onEveryProject('semantic_layer_only')],
      used,
    });
    // Without Account Admin to hand, two sets it is, the project one on project 3 only.
    expect(narrower.grants).toEqual([
      { permissionSet: 'account_viewer', projectIds: null, writableEnvironmentCategories: [] },
      { permissionSet: 'semantic_layer_only', projectIds: [3], writableEnvironmentCategories: [] },
    ]);
    expect(
      firstRefusedAfter(
        [onEveryProject('account_viewer'), onEveryProject('semantic_layer_only')],
        narrower.grants,
        used,
      ),
    ).toBeNull();
    expect(someCoverOfSize('enterprise', 1, used)).toBe(true);
  });

  it('never suggests more than the token holds; a write through environment categories keeps its grant', () => {
    const current: Grant[] = [
      { permissionSet: 'analyst', projectIds: [1], writableEnvironmentCategories: ['production'] },
      { permissionSet: 'job_viewer', projectIds: [2], writableEnvironmentCategories: [] },
    ];
    const used: UsedPermission[] = [
      { resource: 'jobs', action: 'write', projectId: 1 },
      { resource: 'runs', action: 'read', projectId: 2 },
    ];
    const suggestion = suggestGrants({ plan: 'enterprise', current, used });
    expect(suggestion.kept).toEqual([current[0]]);
    expect(suggestion.grants).toEqual([current[0], current[1]]);
    expect(suggestion.explanation).toContain('Kept as granted: analyst on project 1');
    expect(firstRefusedAfter(current, suggestion.grants, used)).toBeNull();
  });

  it('a list across projects keeps every project the token reached', () => {
    const used: UsedPermission[] = [{ resource: 'runs', action: 'read', projectId: null }];
    const everywhere = expectSufficientAndMinimal('enterprise', accountAdmin, used);
    expect(everywhere.grants.every((grant) => grant.projectIds === null)).toBe(true);
    const twoProjects: Grant[] = [
      { permissionSet: 'member', projectIds: [4, 5], writableEnvironmentCategories: [] },
    ];
    const listed = suggestGrants({ plan: 'enterprise', current: twoProjects, used });
    expect(listed.grants).toEqual([
      { permissionSet: 'job_viewer', projectIds: [4, 5], writableEnvironmentCategories: [] },
    ]);
    expect(firstRefusedAfter(twoProjects, listed.grants, used)).toBeNull();
  });

  it('nothing used: nothing suggested; and the replay catches a grant that drops a used permission', () => {
    expect(suggestGrants({ plan: 'enterprise', current: accountAdmin, used: [] }).grants).toEqual(
      [],
    );
    const used: UsedPermission[] = [{ resource: 'runs', action: 'write', projectId: 1 }];
    const tooSmall: Grant[] = [
      { permissionSet: 'job_viewer', projectIds: [1], writableEnvironmentCategories: [] },
    ];
    expect(firstRefusedAfter(accountAdmin, tooSmall, used)).toEqual(used[0]);
  });

  it('every set the plan allows, alone, is suggested back for exactly what it grants', () => {
    // A token that used everything its one set allows on project 9 keeps a set of the same power.
    for (const plan of ['team', 'enterprise'] as const) {
      for (const id of permissionSetIds.filter((set) => isAssignableOnPlan(set, plan))) {
        const grant: Grant = {
          permissionSet: id,
          projectIds: permissionSets[id].level === 'account' ? null : [9],
          writableEnvironmentCategories: [],
        };
        const suggestion = suggestGrants({
          plan,
          current: [grant],
          used: allowedBy(grant),
        });
        expect(suggestion.grants).toHaveLength(1);
        expect(firstRefusedAfter([grant], suggestion.grants, allowedBy(grant))).toBeNull();
        expect(suggestion.removed).toEqual([]);
      }
    }
  });
});

/** Every permission one grant allows, as if all were used (project 9, or account-level). */
function allowedBy(grant: Grant): UsedPermission[] {
  return suggestGrants({ plan: 'enterprise', current: [grant], used: [] }).removed.map(
    (removed) => ({
      resource: removed.resource,
      action: removed.action,
      projectId: removed.projectId ?? (grant.projectIds === null ? null : 9),
    }),
  );
}
