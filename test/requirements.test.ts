import type { GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/principal.js';
import { interpretAuthz, permissionNeeded, requirementOf } from '../src/auth/requirements.js';
import { compileAccess } from '../src/catalog/access.js';
import { renderPermissionsDoc } from '../src/cli/permissions-doc.js';
import { schemaFor } from '../src/hardening/introspection.js';
import { schema } from '../src/schema/index.js';

describe('the authz interpreter', () => {
  it('refuses a form that does not fit the resource level, naming the field', () => {
    expect(() =>
      interpretAuthz({ resource: 'projects', action: 'read' } as never, 'Query.projects'),
    ).toThrow('Query.projects: projects is project-level');
    expect(() =>
      interpretAuthz(
        { resource: 'billing', action: 'read', project: 'any' } as never,
        'Query.billing',
      ),
    ).toThrow('Query.billing: billing is account-level');
  });

  it('names the one permission that decides whether a field is of any use', () => {
    const self = interpretAuthz(
      { resource: 'service_tokens', action: 'write', orSelf: () => 1 },
      'x',
    );
    expect(self.kind).toBe('account-or-self');
    expect(permissionNeeded(self)).toBeNull();
    expect(permissionNeeded(interpretAuthz('authenticated', 'x'))).toBeNull();
    expect(permissionNeeded(undefined)).toBeNull();
    expect(
      permissionNeeded(
        interpretAuthz(
          { resource: 'jobs', action: 'write', project: () => ({ projectId: 1, label: 'x' }) },
          'x',
        ),
      ),
    ).toEqual({
      resource: 'jobs',
      action: 'write',
    });
  });

  it('interprets each declaration once', () => {
    const field = schema.getMutationType()!.getFields().rotateServiceToken!;
    expect(requirementOf(field)).toBe(requirementOf(field));
    // A plain property declares nothing: it is read from an object a guarded field let through.
    expect(
      requirementOf((schema.getType('ServiceToken') as GraphQLObjectType).getFields().name!),
    ).toBeUndefined();
  });
});

describe('its readers agree', () => {
  it('the per-token schema and the permissions doc treat a token acting on itself alike', () => {
    // A token that may do nothing with tokens may still rotate itself: the view keeps the
    // mutation, and the doc says so.
    const principal = {
      access: compileAccess([
        { permissionSet: 'metadata_only', projectIds: [1], writableEnvironmentCategories: [] },
      ]),
    } as Principal;
    const mutations = Object.keys(
      schemaFor(schema, principal).getMutationType()?.getFields() ?? {},
    );
    expect(mutations).toContain('rotateServiceToken');
    expect(mutations).not.toContain('revokeServiceToken');
    expect(renderPermissionsDoc(schema)).toContain(
      '| `Mutation.rotateServiceToken` | `service_tokens:write` (account-wide), or none when the token acts on itself with its current secret |',
    );
  });
});
