import { auditedWrite } from '../audit.js';
import type { LocatedScope } from '../auth/authz-plugin.js';
import { callerToken } from '../auth/principal.js';
import { parentProject, projectScope } from '../auth/scopes.js';
import { type Context, principalOf } from '../context.js';
import {
  countDevelopSessions,
  endDevelopSession,
  insertDevelopSession,
  listDevelopSessions,
} from '../db/develop-sessions.js';
import type { DevelopSessionRow } from '../db/tables/data-platform.js';
import { badUserInput, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { builder } from './builder.js';
import { connectionType, pageArgs, resolveConnection } from './pagination.js';
import { validBranch } from './platform-fields.js';
import { Project } from './project.js';
import { DateTime } from './scalars.js';

// Development sessions: the record of a token developing on a branch in a development
// environment. The catalog's `develop` row has W cells and no R cells, so reads are declared
// as `develop` read — which a W cell includes — and only the sets that may develop can list
// sessions. Declaring them `write` would allow exactly the same sets but name the wrong action
// in a refusal, and would silently stop matching should the catalog ever gain an R cell.

async function developSessionScope(
  id: string | number,
  context: Context,
  field = 'id',
): Promise<LocatedScope> {
  const session = await context.loaders.developSession.load(parseId(id, field));
  if (!session) throw notFound(`Develop session ${id}`);
  return { projectId: session.project_id, label: `Develop session ${id}` };
}

export const DevelopSession = builder.objectRef<DevelopSessionRow>('DevelopSession').implement({
  description:
    'A development session: who develops on which branch, in which development environment.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    projectId: t.exposeID('project_id', { nullable: false }),
    environmentId: t.exposeID('environment_id', { nullable: false }),
    branch: t.exposeString('branch', { nullable: false }),
    startedByTokenId: t.exposeID('started_by_token_id', {
      description: 'The service token that started it.',
    }),
    startedAt: t.expose('started_at', { type: DateTime, nullable: false }),
    endedAt: t.expose('ended_at', { type: DateTime }),
    active: t.boolean({
      nullable: false,
      authz: 'parent',
      resolve: (session) => session.ended_at === null,
    }),
  }),
});

const DevelopSessionConnection = connectionType(DevelopSession, 'DevelopSession');

builder.objectField(Project, 'developSessions', (t) =>
  t.field({
    type: DevelopSessionConnection,
    description: 'Development sessions, newest first.',
    args: { ...pageArgs, activeOnly: t.arg.boolean({ description: 'Only sessions not ended.' }) },
    authz: {
      resource: 'develop',
      action: 'read',
      project: parentProject(
        (project) => project.id,
        (project) => `Project ${project.id}`,
      ),
    },
    resolve: (project, args, context) => {
      const filter = { projectId: project.id, activeOnly: args.activeOnly };
      return resolveConnection(
        args,
        (page) => listDevelopSessions(context.db, filter, page),
        () => countDevelopSessions(context.db, filter),
      );
    },
  }),
);

builder.queryField('developSession', (t) =>
  t.field({
    type: DevelopSession,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'develop',
      action: 'read',
      project: (_root, { id }, context) => developSessionScope(id, context),
    },
    resolve: (_root, { id }, context) => context.loaders.developSession.load(Number(id)),
  }),
);

const StartDevelopSessionInput = builder.inputType('StartDevelopSessionInput', {
  fields: (t) => ({
    environmentId: t.id({
      required: true,
      description: 'A development environment of the project.',
    }),
    branch: t.string({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  startDevelopSession: t.field({
    type: DevelopSession,
    args: {
      projectId: t.arg.id({ required: true }),
      input: t.arg({ type: StartDevelopSessionInput, required: true }),
    },
    authz: {
      resource: 'develop',
      action: 'write',
      project: (_root, { projectId }, context) =>
        projectScope(projectId, context.loaders, 'projectId'),
    },
    resolve: async (_root, { projectId: id, input }, context) => {
      const projectId = parseId(id, 'projectId');
      const environment = await context.loaders.environment.load(
        parseId(input.environmentId, 'input.environmentId'),
      );
      if (
        !environment ||
        environment.project_id !== projectId ||
        environment.type !== 'development'
      ) {
        throw badUserInput(
          `Environment ${input.environmentId} is not a development environment of this project.`,
          'input.environmentId',
        );
      }
      const branch = validBranch(input.branch, 'input.branch');
      return auditedWrite(context, 'startDevelopSession', async (trx) => {
        const session = await insertDevelopSession(trx, {
          project_id: projectId,
          environment_id: environment.id,
          branch,
          started_by_token_id: callerToken(principalOf(context))?.id ?? null,
          now: context.now().toISOString(),
        });
        return {
          result: session,
          target: {
            type: 'DevelopSession',
            id: session.id,
            projectId,
            details: { environmentId: environment.id, branch },
          },
        };
      });
    },
  }),
  endDevelopSession: t.field({
    type: DevelopSession,
    args: { id: t.arg.id({ required: true }) },
    authz: {
      resource: 'develop',
      action: 'write',
      project: (_root, { id }, context) => developSessionScope(id, context),
    },
    resolve: async (_root, { id }, context) => {
      const current = (await context.loaders.developSession.load(Number(id)))!;
      if (current.ended_at !== null) throw badUserInput('The session has already ended.', 'id');
      return auditedWrite(context, 'endDevelopSession', async (trx) => {
        const ended = await endDevelopSession(trx, current.id, context.now().toISOString());
        if (!ended) throw badUserInput('The session has already ended.', 'id');
        return {
          result: ended,
          target: {
            type: 'DevelopSession',
            id: ended.id,
            projectId: ended.project_id,
            details: {},
          },
        };
      });
    },
  }),
}));
