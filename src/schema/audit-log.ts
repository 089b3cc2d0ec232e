import { principalOf } from '../context.js';
import { countAuditEntries, listAuditEntries } from '../db/audit-log.js';
import type { AuditEntryRow } from '../db/tables/accounts.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { DateTime, JSONObject } from './scalars.js';

const AuditOutcome = builder.enumType('AuditOutcome', {
  values: {
    success: { description: 'The write happened.' },
    denied: { description: 'Refused: missing permission or IP restriction.' },
    failed: { description: 'Refused for bad input, a missing object, or an error.' },
  } as const,
});

const AuditEntry = builder.objectRef<AuditEntryRow>('AuditEntry').implement({
  description:
    'One entry of the append-only audit log: who did what, to what, from where, and how it went.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    occurredAt: t.expose('occurred_at', { type: DateTime, nullable: false }),
    actorTokenId: t.exposeID('actor_token_id', {
      description: 'The service token that made the request; null when a member did.',
    }),
    actorMemberId: t.exposeID('actor_member_id', {
      description:
        'The member whose single sign-on session made the request; null when a token did.',
    }),
    action: t.exposeString('action', {
      nullable: false,
      description: 'The mutation, or `authenticate`.',
    }),
    targetType: t.exposeString('target_type'),
    targetId: t.exposeID('target_id'),
    projectId: t.exposeID('project_id'),
    outcome: t.expose('outcome', { type: AuditOutcome, nullable: false }),
    clientIp: t.exposeString('client_ip'),
    details: t.field({
      type: JSONObject,
      nullable: false,
      authz: 'parent',
      resolve: (entry) => JSON.parse(entry.details),
    }),
  }),
});

const AuditEntryConnection = connectionType(AuditEntry, 'AuditEntry');

const AuditLogFilter = builder.inputType('AuditLogFilter', {
  fields: (t) => ({
    action: t.string(),
    actorTokenId: t.id(),
    actorMemberId: t.id(),
    projectId: t.id(),
    outcome: t.field({ type: AuditOutcome }),
    since: t.field({ type: DateTime }),
  }),
});

builder.queryField('auditLog', (t) =>
  t.field({
    type: AuditEntryConnection,
    description: "The account's audit log, newest first.",
    args: { ...pageArgs, filter: t.arg({ type: AuditLogFilter }) },
    authz: { resource: 'audit_logs', action: 'read' },
    resolve: (_root, args, context) => {
      const { account } = principalOf(context);
      const filter = {
        action: args.filter?.action,
        outcome: args.filter?.outcome,
        actorTokenId:
          args.filter?.actorTokenId == null
            ? null
            : parseId(args.filter.actorTokenId, 'filter.actorTokenId'),
        actorMemberId:
          args.filter?.actorMemberId == null
            ? null
            : parseId(args.filter.actorMemberId, 'filter.actorMemberId'),
        projectId:
          args.filter?.projectId == null
            ? null
            : parseId(args.filter.projectId, 'filter.projectId'),
        since: args.filter?.since?.toISOString(),
      };
      return resolveConnection(
        args,
        (page) => listAuditEntries(context.db, account.id, filter, page),
        () => countAuditEntries(context.db, account.id, filter),
      );
    },
  }),
);
