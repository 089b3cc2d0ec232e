import { expect, it } from 'vitest';
import { cellOf, matrixColumns, resourceIds, resources } from '../src/catalog/matrix.js';
import {
  type PermissionSetDefinition,
  type PermissionSetId,
  permissionSetIds,
  permissionSets,
} from '../src/catalog/permission-sets.js';
import { describeWithShared, readSharedCsv } from './support/shared.js';

/** Every way the catalog differs from the two CSVs, one line per differing cell. */
function catalogDifferences(
  setRows: Record<string, string>[],
  matrixRows: Record<string, string>[],
): string[] {
  const differences: string[] = [];
  const differ = (where: string, spec: unknown, code: unknown) => {
    if (JSON.stringify(spec) !== JSON.stringify(code))
      differences.push(`${where}: spec ${JSON.stringify(spec)}, catalog ${JSON.stringify(code)}`);
  };

  differ(
    'permission set ids',
    setRows.map((row) => row.id),
    permissionSetIds,
  );
  for (const row of setRows) {
    const set = permissionSets[row.id as PermissionSetId] as PermissionSetDefinition | undefined;
    if (!set) continue;
    differ(`${row.id}.display_name`, row.display_name, set.name);
    differ(`${row.id}.level`, row.level, set.level);
    differ(`${row.id}.team_plan`, row.team_plan === 'yes', set.plans.includes('team'));
    differ(
      `${row.id}.enterprise_plan`,
      row.enterprise_plan === 'yes',
      set.plans.includes('enterprise'),
    );
    differ(
      `${row.id}.writable_environment_categories`,
      row.writable_environment_categories === 'yes',
      set.environmentWrite,
    );
    differ(`${row.id}.alias_of`, row.alias_of, set.aliasOf ?? '');
    differ(`${row.id}.summary`, row.summary, set.summary);
  }

  differ(
    'resources',
    matrixRows.map((row) => row.resource),
    resourceIds,
  );
  const columns = Object.keys(matrixRows[0] ?? {}).filter(
    (name) => name !== 'resource' && name !== 'level',
  );
  differ('matrix columns', columns, matrixColumns);
  for (const row of matrixRows) {
    const resource = row.resource as keyof typeof resources;
    if (!resources[resource]) continue;
    differ(`${resource}.level`, row.level, resources[resource].level);
    for (const column of matrixColumns)
      differ(`${resource} × ${column}`, row[column], cellOf(resource, column));
  }
  return differences;
}

describeWithShared('the permission catalog', () => {
  const setRows = readSharedCsv('reference', 'permission-sets.csv');
  const matrixRows = readSharedCsv('reference', 'permission-matrix.csv');

  it('agrees with permission-sets.csv and permission-matrix.csv cell by cell', () => {
    expect(setRows).toHaveLength(20);
    expect(matrixRows).toHaveLength(25);
    expect(catalogDifferences(setRows, matrixRows)).toEqual([]);
  });

  it('notices a single differing cell', () => {
    const altered = matrixRows.map((row) =>
      row.resource === 'jobs' ? { ...row, analyst: 'W' } : row,
    );
    expect(catalogDifferences(setRows, altered)).toEqual([
      'jobs × analyst: spec "W", catalog "R*"',
    ]);
    const renamed = setRows.map((row) => (row.id === 'readonly' ? { ...row, alias_of: '' } : row));
    expect(catalogDifferences(renamed, matrixRows)).toEqual([
      'readonly.alias_of: spec "", catalog "stakeholder"',
    ]);
  });
});
