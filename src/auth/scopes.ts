import { notFound } from '../errors.js';
import { parseId } from '../ids.js';
import type { Loaders } from '../loaders.js';
import type { LocatedScope } from './authz-plugin.js';

// Scope locators: find the project (and environment category) an id argument points at, through
// the account-scoped loaders, so ids of other accounts are NOT_FOUND like ids that do not exist.
// The resolvers then load the same objects from the loaders' cache.

/** The loaders a locator reads: only account-scoped ones (see src/db/batch-loaders.ts). */
export type ScopeLoaders = Pick<Loaders, 'project' | 'environment' | 'job' | 'run'>;

/** What a project id argument points at: the whole project (see `inWholeProject`). */
export async function projectScope(
  id: string | number,
  loaders: ScopeLoaders,
  field = 'id',
): Promise<LocatedScope> {
  const projectId = parseId(id, field);
  const project = await loaders.project.load(projectId);
  if (!project) throw notFound(`Project ${id}`);
  return inWholeProject(projectId, `Project ${id}`);
}

export async function environmentScope(
  id: string | number,
  loaders: ScopeLoaders,
  field = 'id',
): Promise<LocatedScope> {
  const environment = await loaders.environment.load(parseId(id, field));
  if (!environment) throw notFound(`Environment ${id}`);
  return {
    projectId: environment.project_id,
    environmentCategory: environment.category,
    label: `Environment ${id}`,
  };
}

export async function jobScope(
  id: string | number,
  loaders: ScopeLoaders,
  field = 'id',
): Promise<LocatedScope> {
  const job = await loaders.job.load(parseId(id, field));
  if (!job) throw notFound(`Job ${id}`);
  const environment = await loaders.environment.load(job.environment_id);
  return {
    projectId: job.project_id,
    environmentCategory: environment!.category,
    label: `Job ${id}`,
  };
}

export async function runScope(
  id: string | number,
  loaders: ScopeLoaders,
  field = 'id',
): Promise<LocatedScope> {
  const run = await loaders.run.load(parseId(id, field));
  if (!run) throw notFound(`Run ${id}`);
  const environment = await loaders.environment.load(run.environment_id);
  return {
    projectId: run.project_id,
    environmentCategory: environment!.category,
    label: `Run ${id}`,
  };
}

/** For relations: the parent was already allowed, so only its project is needed. */
function inProject(projectId: number, label: string): LocatedScope {
  return { projectId, label };
}

/** A relation's locator: the project read off the parent (see `parentProject`). */
export interface ParentLocator<Parent> {
  (parent: Parent): LocatedScope;
  /** The parent's project alone, read without allocating anything. */
  readonly projectOf: (parent: Parent) => number;
}

/**
 * The locator of a relation: the parent was already allowed, so only its project is needed. On
 * the rows of a project its rule already allowed in the request, the guarded resolver reads
 * `projectOf` alone (src/auth/rules.ts): a row costs no scope object. `label` names the object
 * in a NOT_FOUND error.
 */
export function parentProject<Parent>(
  projectOf: (parent: Parent) => number,
  label: string | ((parent: Parent) => string),
): ParentLocator<Parent> {
  const locate = (parent: Parent) =>
    inProject(projectOf(parent), typeof label === 'string' ? label : label(parent));
  return Object.assign(locate, { projectOf });
}

/**
 * For an object that lives in the project but in no one environment. A write on an `R*` cell
 * there needs a grant writable in every category (`all`), and its refusal names the sets that
 * would allow it with one.
 */
export function inWholeProject(projectId: number, label: string): LocatedScope {
  return { projectId, wholeProject: true, label };
}
