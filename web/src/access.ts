import type { ConsoleViewerQuery, EnvironmentCategory, Resource } from './api/admin/graphql.js';

type Entry = ConsoleViewerQuery['viewer']['effectivePermissions'][number];

/**
 * What the signed-in token may do, from the API's own answer (`viewer.effectivePermissions`):
 * the console never reasons about permission sets or roles, only about these entries. An entry
 * without a project applies account-wide or to every project.
 */
export interface Access {
  /** May read `resource` somewhere (in any project for project-level resources). */
  readsAnywhere(resource: Resource): boolean;
  reads(resource: Resource, projectId: string): boolean;
  /** May write `resource` in the project, in an environment of this category when given. */
  writes(resource: Resource, projectId: string, category?: EnvironmentCategory): boolean;
}

export function accessFrom(entries: readonly Entry[]): Access {
  const applying = (resource: Resource, projectId: string) =>
    entries.filter(
      (entry) =>
        entry.resource === resource &&
        (entry.projectId == null || String(entry.projectId) === projectId),
    );
  return {
    readsAnywhere: (resource) => entries.some((entry) => entry.resource === resource && entry.read),
    reads: (resource, projectId) => applying(resource, projectId).some((entry) => entry.read),
    writes: (resource, projectId, category) =>
      applying(resource, projectId).some(
        (entry) =>
          entry.write ||
          (category !== undefined && entry.writableEnvironmentCategories.includes(category)),
      ),
  };
}
