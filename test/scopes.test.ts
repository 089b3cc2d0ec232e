import SchemaBuilder from '@pothos/core';
import { execute, type GraphQLFormattedError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { authzPluginName } from '../src/auth/authz-plugin.js';
import type { Principal } from '../src/auth/principal.js';
import { guardSchema } from '../src/auth/rules.js';
import { inWholeProject, projectScope, type ScopeLoaders } from '../src/auth/scopes.js';
import {
  compileAccess,
  type Grant,
  setsWritingPerCategory,
  type WritableEnvironmentCategory,
} from '../src/catalog/access.js';
import type { PermissionSetId } from '../src/catalog/permission-sets.js';

// A toy schema with one write on an `R*` resource (jobs) at each kind of scope: a project-wide
// object (no environment), and an object in a production environment.
function guardedToySchema() {
  const builder = new SchemaBuilder<{ Context: { principal: Principal | null } }>({
    plugins: [authzPluginName],
  });
  builder.queryType({
    fields: (t) => ({ ok: t.boolean({ authz: 'public', resolve: () => true }) }),
  });
  builder.mutationType({
    fields: (t) => ({
      writeProjectWide: t.boolean({
        authz: { resource: 'jobs', action: 'write', project: () => inWholeProject(1, 'Project 1') },
        resolve: () => true,
      }),
      writeInProduction: t.boolean({
        authz: {
          resource: 'jobs',
          action: 'write',
          project: () => ({ projectId: 1, environmentCategory: 'production', label: 'Job 1' }),
        },
        resolve: () => true,
      }),
    }),
  });
  return guardSchema(builder.toSchema());
}

async function call(
  field: string,
  permissionSet: PermissionSetId,
  writable: WritableEnvironmentCategory[],
) {
  const grant: Grant = { permissionSet, projectIds: [1], writableEnvironmentCategories: writable };
  // The rules read only the principal's compiled access.
  const principal = { access: compileAccess([grant]) } as Principal;
  const result = await execute({
    schema: guardedToySchema(),
    document: parse(`mutation { ${field} }`),
    contextValue: { principal },
  });
  return {
    data: result.data,
    error: result.errors?.[0]?.toJSON() as GraphQLFormattedError | undefined,
  };
}

describe('a whole-project scope', () => {
  it('refuses an R* write whatever categories the grant lists, naming the sets that never write there', async () => {
    const perCategory = setsWritingPerCategory('jobs');
    expect(perCategory).toEqual(expect.arrayContaining(['analyst', 'developer', 'team_admin']));
    for (const writable of [['production'], ['all']] as WritableEnvironmentCategory[][]) {
      const { error } = await call('writeProjectWide', 'analyst', writable);
      expect(error?.extensions?.code).toBe('FORBIDDEN');
      expect(error?.extensions?.requiredPermission).toBe('jobs:write');
      expect(error?.extensions?.acceptedPermissionSets).toContain('job_admin');
      expect(error?.message).toBe(
        `Forbidden: this token lacks jobs:write on project 1 (the whole project, outside any one environment, where ${perCategory.join(', ')} never write, whatever categories they list).`,
      );
    }
  });

  it('allows it to a set that writes everywhere', async () => {
    expect((await call('writeProjectWide', 'job_admin', [])).data).toEqual({
      writeProjectWide: true,
    });
  });

  it('leaves refusals in an environment as they were', async () => {
    const { error } = await call('writeInProduction', 'analyst', ['development']);
    expect(error?.message).toBe(
      'Forbidden: this token lacks jobs:write on project 1 (production environment).',
    );
    expect((await call('writeInProduction', 'analyst', ['production'])).data).toEqual({
      writeInProduction: true,
    });
  });

  it('is what a project id argument locates', async () => {
    const loaders = {
      project: { load: async (id: number) => ({ id }) },
    } as unknown as ScopeLoaders;
    expect(await projectScope('7', loaders)).toEqual({
      projectId: 7,
      wholeProject: true,
      label: 'Project 7',
    });
  });
});
