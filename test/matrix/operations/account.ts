import {
  AuditLogDocument,
  CreateIpRestrictionDocument,
  DeleteIpRestrictionDocument,
  IpRestrictionsDocument,
} from '../../../src/client/index.js';
import { required } from '../../support/builders.js';
import type { Operation } from '../framework.js';

// Rules in TEST-NET-3 (203.0.113.0/24): they never refuse the tests' own loopback requests.

export const accountOperations: Operation[] = [
  {
    name: 'ipRestrictions',
    where: 'account',
    requires: [{ resource: 'ip_restrictions', action: 'read' }],
    run: (f) => f.token.request(IpRestrictionsDocument),
  },
  {
    name: 'createIpRestriction',
    where: 'account',
    requires: [{ resource: 'ip_restrictions', action: 'write' }],
    run: (f) =>
      f.token.request(CreateIpRestrictionDocument, {
        input: { kind: 'deny', cidr: `203.0.113.${f.unique()}/32` },
      }),
  },
  {
    name: 'deleteIpRestriction',
    where: 'account',
    requires: [{ resource: 'ip_restrictions', action: 'write' }],
    run: async (f) => {
      const created = await f.admin.request(CreateIpRestrictionDocument, {
        input: { kind: 'deny', cidr: `203.0.113.${f.unique()}` },
      });
      return f.token.request(DeleteIpRestrictionDocument, {
        id: required(created, 'createIpRestriction').createIpRestriction!.id,
      });
    },
  },
  {
    name: 'auditLog',
    where: 'account',
    requires: [{ resource: 'audit_logs', action: 'read' }],
    run: (f) => f.token.request(AuditLogDocument, { first: 5 }),
  },
];
