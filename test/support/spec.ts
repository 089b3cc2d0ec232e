import { hasShared, readSharedCsv } from './shared.js';

/**
 * The permission spec read straight from ../shared/reference/*.csv. Tests compute what they
 * expect from here, never from the code's catalog, so a wrong catalog cannot agree with itself.
 */

export type SpecCell = 'W' | 'R' | 'R*' | '-';

export interface SpecSet {
  readonly id: string;
  readonly displayName: string;
  readonly level: 'account' | 'project';
  readonly team: boolean;
  readonly enterprise: boolean;
  readonly environmentWrite: boolean;
  readonly aliasOf: string;
  readonly summary: string;
}

export const specSets: SpecSet[] = hasShared
  ? readSharedCsv('reference', 'permission-sets.csv').map((row) => ({
      id: row.id!,
      displayName: row.display_name!,
      level: row.level as 'account' | 'project',
      team: row.team_plan === 'yes',
      enterprise: row.enterprise_plan === 'yes',
      environmentWrite: row.writable_environment_categories === 'yes',
      aliasOf: row.alias_of!,
      summary: row.summary!,
    }))
  : [];

export const specMatrixRows: Record<string, string>[] = hasShared
  ? readSharedCsv('reference', 'permission-matrix.csv')
  : [];

/** The spec's cell for a resource and a set (aliases read their target's column). */
export function specCell(resource: string, setId: string): SpecCell {
  const set = specSets.find((candidate) => candidate.id === setId);
  if (!set) throw new Error(`No permission set ${setId} in the spec`);
  const row = specMatrixRows.find((candidate) => candidate.resource === resource);
  if (!row) throw new Error(`No resource ${resource} in the spec`);
  const cell = row[set.aliasOf || set.id];
  if (cell === undefined) throw new Error(`No column ${set.aliasOf || set.id} in the spec`);
  return cell as SpecCell;
}

export function specResourceLevel(resource: string): 'account' | 'project' {
  return specMatrixRows.find((row) => row.resource === resource)!.level as 'account' | 'project';
}

/** Every (set, plan) a service token may be given, per the spec. */
export function specAssignments(): { set: SpecSet; plan: 'team' | 'enterprise' }[] {
  return specSets.flatMap((set) => [
    ...(set.team ? [{ set, plan: 'team' as const }] : []),
    ...(set.enterprise ? [{ set, plan: 'enterprise' as const }] : []),
  ]);
}
