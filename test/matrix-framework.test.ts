import { expect, it } from 'vitest';
import type { Resource } from '../src/catalog/matrix.js';
import {
  CreateServiceTokenDocument,
  type PermissionSetId,
  type WritableEnvironmentCategory,
} from '../src/client/index.js';
import {
  type Case,
  type Category,
  categories,
  expectedOutcome,
  locationsOf,
  type Operation,
  read,
  write,
} from './matrix/framework.js';
import { builders, required } from './support/builders.js';
import { createTestGateway } from './support/helpers.js';
import { describeWithShared } from './support/shared.js';
import { specCell, specMatrixRows, specSets } from './support/spec.js';

// The framework's own expectations, on operations made up for the purpose, and the API's
// answers to the one question no real operation asks: a write with no environment on an `R*` cell.

const unused = () => Promise.reject(new Error('not run'));
const projectWide = (requires: Operation['requires']): Operation => ({
  name: 'project-wide',
  where: 'project',
  requires,
  run: unused,
});
const inEnvironment = (requires: Operation['requires']): Operation => ({
  name: 'in an environment',
  where: 'environment',
  requires,
  run: unused,
});

function caseOf(setId: string, writableEnvironmentCategories: readonly string[] = []): Case {
  return {
    set: specSets.find((set) => set.id === setId)!,
    plan: 'enterprise',
    writableEnvironmentCategories,
  };
}

describeWithShared('the authorization matrix framework', () => {
  it('expects no write from an R* cell on an object without an environment, whatever the grant lists', () => {
    for (const writable of [
      [],
      ['production'],
      ['development', 'staging', 'production', 'other'],
      ['all'],
    ]) {
      expect(
        expectedOutcome(caseOf('analyst', writable), projectWide([write('jobs')]), {
          project: 'A',
          category: null,
        }),
        writable.join(),
      ).toBe('FORBIDDEN jobs:write');
    }
    // A W cell writes it; an R* cell still reads it.
    expect(
      expectedOutcome(caseOf('job_admin'), projectWide([write('jobs')]), {
        project: 'A',
        category: null,
      }),
    ).toBe('allowed');
    expect(
      expectedOutcome(caseOf('analyst', ['all']), projectWide([read('jobs')]), {
        project: 'A',
        category: null,
      }),
    ).toBe('allowed');
  });

  it('expects an R* write in an environment exactly where the grant lists its category', () => {
    const writeJobs = inEnvironment([write('jobs')]);
    expect(
      expectedOutcome(caseOf('analyst', ['production']), writeJobs, {
        project: 'A',
        category: 'production',
      }),
    ).toBe('allowed');
    expect(
      expectedOutcome(caseOf('analyst', ['production']), writeJobs, {
        project: 'A',
        category: 'staging',
      }),
    ).toBe('FORBIDDEN jobs:write');
    expect(
      expectedOutcome(caseOf('analyst'), writeJobs, { project: 'A', category: 'production' }),
    ).toBe('FORBIDDEN jobs:write');
    for (const category of categories)
      expect(
        expectedOutcome(caseOf('analyst', ['all']), writeJobs, { project: 'A', category }),
      ).toBe('allowed');
  });

  it('places account-wide and project-wide operations outside any environment, and the others in every category', () => {
    expect(locationsOf(projectWide([]))).toEqual([
      { project: 'A', category: null },
      { project: 'B', category: null },
    ]);
    expect(locationsOf({ ...projectWide([]), where: 'account' })).toEqual([
      { project: 'A', category: null },
    ]);
    expect(locationsOf(inEnvironment([])).map((at) => at.category)).toEqual([
      ...categories,
      ...categories,
    ]);
  });

  it('lets account-level sets reach every project and the others only their own', () => {
    const readProjects = projectWide([read('projects')]);
    expect(
      expectedOutcome(caseOf('account_viewer'), readProjects, { project: 'B', category: null }),
    ).toBe('allowed');
    expect(expectedOutcome(caseOf('analyst'), readProjects, { project: 'B', category: null })).toBe(
      'NOT_FOUND',
    );
  });
});

describeWithShared('writes on R* cells through the API', () => {
  it('are allowed exactly where the framework expects, with and without an environment', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const project = await builders(admin).project('A');
    const starred = specMatrixRows
      .map((row) => row.resource!)
      .filter((resource) => specSets.some((set) => specCell(resource, set.id) === 'R*'));
    expect(starred.length).toBeGreaterThan(0);
    const places: (Category | null)[] = [null, ...categories];
    const questions = starred.flatMap((resource) =>
      places.map((category) => ({ resource, category })),
    );
    const query = `{ viewer { ${questions
      .map(
        ({ resource, category }, index) =>
          `q${index}: can(resource: ${resource}, action: write, projectId: "${project}"${category ? `, environmentCategory: ${category}` : ''}) { allowed }`,
      )
      .join(' ')} } }`;

    const mismatches: string[] = [];
    for (const set of specSets.filter((candidate) => candidate.environmentWrite)) {
      for (const writable of [[], ...categories.map((category) => [category]), ['all']]) {
        const created = required(
          await admin.request(CreateServiceTokenDocument, {
            input: {
              name: `${set.id} ${writable.join()}`,
              permissions: [
                {
                  permissionSet: set.id as PermissionSetId,
                  projectIds: [project],
                  writableEnvironmentCategories: writable as WritableEnvironmentCategory[],
                },
              ],
            },
          }),
          'createServiceToken',
        ).createServiceToken!;
        const answers = (await gateway.graphql(query, {}, created.token)).body.data?.viewer;
        questions.forEach(({ resource, category }, index) => {
          const operation =
            category === null
              ? projectWide([write(resource as Resource)])
              : inEnvironment([write(resource as Resource)]);
          const expected =
            expectedOutcome(caseOf(set.id, writable), operation, { project: 'A', category }) ===
            'allowed';
          if (answers?.[`q${index}`]?.allowed !== expected)
            mismatches.push(
              `${set.id} writing ${writable.join() || 'nothing'}: ${resource} in ${category ?? 'no environment'}`,
            );
        });
      }
    }
    expect(mismatches).toEqual([]);
  });
});
