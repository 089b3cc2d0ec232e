import type { LocatedScope } from './authz-plugin.js';
import type { Context } from '../context.js';
import { notFound } from '../errors.js';
import { parseId } from '../ids.js';

// Scope locators: find the project (and environment category) an id argument points at, through
// the account-scoped loaders, so ids of other accounts are NOT_FOUND like ids that do not exist.
// The resolvers then load the same objects from the loaders' cache.

export async function projectScope(id: string | number, context: Context, field = 'id'): Promise<LocatedScope> {
  const projectId = parseId(id, field);
  const project = await context.loaders.project.load(projectId);
  if (!project) throw notFound(`Project ${id}`);
  return { projectId, label: `Project ${id}` };
}

export async function environmentScope(id: string | number, context: Context, field = 'id'): Promise<LocatedScope> {
  const environment = await context.loaders.environment.load(parseId(id, field));
  if (!environment) throw notFound(`Environment ${id}`);
  return { projectId: environment.project_id, environmentCategory: environment.category, label: `Environment ${id}` };
}

export async function jobScope(id: string | number, context: Context, field = 'id'): Promise<LocatedScope> {
  const job = await context.loaders.job.load(parseId(id, field));
  if (!job) throw notFound(`Job ${id}`);
  const environment = await context.loaders.environment.load(job.environment_id);
  return { projectId: job.project_id, environmentCategory: environment!.category, label: `Job ${id}` };
}

export async function runScope(id: string | number, context: Context, field = 'id'): Promise<LocatedScope> {
  const run = await context.loaders.run.load(parseId(id, field));
  if (!run) throw notFound(`Run ${id}`);
  const environment = await context.loaders.environment.load(run.environment_id);
  return { projectId: run.project_id, environmentCategory: environment!.category, label: `Run ${id}` };
}

/** For relations: the parent was already allowed, so only its project is needed. */
export function inProject(projectId: number, label: string): LocatedScope {
  return { projectId, label };
}
