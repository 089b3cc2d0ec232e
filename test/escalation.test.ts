import { describe, expect, it } from 'vitest';
import { compileAccess, type Grant } from '../src/catalog/access.js';
import { escalationOf } from '../src/catalog/escalation.js';

const grant = (
  permissionSet: Grant['permissionSet'],
  projectIds: number[] | null,
  writable: Grant['writableEnvironmentCategories'] = [],
): Grant => ({
  permissionSet,
  projectIds,
  writableEnvironmentCategories: writable,
});

describe('escalationOf', () => {
  it('lets an account admin grant anything', () => {
    const admin = compileAccess([grant('account_admin', null)]);
    expect(
      escalationOf(admin, [
        grant('admin', null),
        grant('security_admin', null),
        grant('analyst', [1], ['all']),
      ]),
    ).toBeNull();
  });

  it('refuses sets, projects and categories beyond the caller', () => {
    const caller = compileAccess([grant('job_admin', [1]), grant('analyst', [1], ['staging'])]);
    expect(escalationOf(caller, [grant('job_viewer', [1])])).toBeNull();
    expect(escalationOf(caller, [grant('analyst', [1], ['staging'])])).toBeNull();
    expect(escalationOf(caller, [grant('job_viewer', [2])])).toMatchObject({
      action: 'read',
      projectId: 2,
    });
    expect(escalationOf(caller, [grant('job_viewer', null)])).toMatchObject({
      action: 'read',
      projectId: null,
    });
    // job_admin already writes jobs and runs in every category, so this is within reach...
    expect(escalationOf(caller, [grant('analyst', [1], ['production'])])).toBeNull();
    // ...while an analyst writing only staging cannot hand out production.
    const stagingAnalyst = compileAccess([grant('analyst', [1], ['staging'])]);
    expect(escalationOf(stagingAnalyst, [grant('analyst', [1], ['production'])])).toEqual({
      resource: 'jobs',
      action: 'write',
      projectId: 1,
    });
    expect(escalationOf(caller, [grant('account_viewer', null)])).toMatchObject({
      resource: 'account_settings',
      action: 'read',
    });
    // job_admin writes jobs in every category, so handing out category write on jobs is within reach...
    const jobsOnly = compileAccess([grant('job_admin', [1])]);
    expect(escalationOf(jobsOnly, [grant('job_runner', [1])])).toBeNull();
    // ...but analyst also brings develop write, which job_admin lacks.
    expect(escalationOf(jobsOnly, [grant('analyst', [1], ['all'])])).toMatchObject({
      resource: 'develop',
      projectId: 1,
    });
    // Writing jobs in every category is not a W cell: it writes nothing outside an environment.
    const everyCategory = compileAccess([grant('analyst', [1], ['all'])]);
    expect(escalationOf(everyCategory, [grant('analyst', [1], ['production'])])).toBeNull();
    expect(escalationOf(everyCategory, [grant('job_runner', [1])])).toEqual({
      resource: 'runs',
      action: 'write',
      projectId: 1,
    });
  });

  it('checks every project of a granted project list, not only the first', () => {
    const caller = compileAccess([grant('job_admin', [1])]);
    expect(escalationOf(caller, [grant('job_viewer', [1])])).toBeNull();
    expect(escalationOf(caller, [grant('job_viewer', [1, 2])])).toMatchObject({
      action: 'read',
      projectId: 2,
    });
    expect(escalationOf(caller, [grant('job_viewer', [2, 1])])).toMatchObject({ projectId: 2 });
  });
});
