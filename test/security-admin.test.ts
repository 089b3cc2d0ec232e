import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { permissionSets } from '../src/catalog/permission-sets.js';
import {
  CreateProjectDocument,
  GrantProjectPermissionDocument,
  ProjectPermissionGrantsDocument,
  RevokeProjectPermissionDocument,
} from '../src/client/index.js';
import { required, tokenWith } from './support/builders.js';
import { createTestGateway } from './support/helpers.js';

// Security Admin holds `permissions` write (dbt Cloud's matrix, kept cell for cell) and no
// project-level set. The decision: it reviews and takes away project access, and grants none;
// the catalog says why and docs/permissions.md prints it.

describe('a security_admin token', () => {
  it('sees every project grant and revokes one, but can grant no project permission', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const project = required(
      await admin.request(CreateProjectDocument, { input: { name: 'analytics' } }),
      'project',
    ).createProject!.id;
    const ci = await tokenWith(gateway, [{ permissionSet: 'job_admin', projectIds: [project] }]);
    const security = await tokenWith(gateway, [{ permissionSet: 'security_admin' }], 'security');

    const listed = required(
      await security.client.request(ProjectPermissionGrantsDocument, { projectId: project }),
      'grants',
    ).project!.permissionGrants;
    const ciGrant = listed.find((grant) => grant.holder.id === ci.id)!;
    expect(ciGrant.permissionSet.id).toBe('job_admin');

    for (const permissionSet of ['job_viewer', 'stakeholder', 'admin'] as const) {
      const granted = await security.client.request(GrantProjectPermissionDocument, {
        projectId: project,
        input: { serviceTokenId: ci.id, permissionSet },
      });
      expect(granted.errors?.[0]?.extensions?.code, permissionSet).toBe('FORBIDDEN');
    }

    const revoked = await security.client.request(RevokeProjectPermissionDocument, {
      projectId: project,
      grantId: ciGrant.grantId,
    });
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data?.revokeProjectPermission.permissionSet.id).toBe('job_admin');
  });

  it('carries the reason in the catalog, and docs/permissions.md prints it', () => {
    const note = (permissionSets.security_admin as { note?: string }).note ?? '';
    expect(note).toMatch(/grant no project permission/);
    expect(note).toMatch(/revokeProjectPermission/);
    const doc = readFileSync(path.resolve(import.meta.dirname, '../docs/permissions.md'), 'utf8');
    expect(doc).toContain(`- \`security_admin\`: ${note}`);
  });
});
