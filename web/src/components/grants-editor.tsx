import { useId } from 'react';
import type {
  ConsolePermissionCatalogQuery,
  PermissionGrantInput,
  PermissionSetId,
  WritableEnvironmentCategory,
} from '../api/admin/graphql.js';

export type CatalogSet = ConsolePermissionCatalogQuery['permissionSets'][number];

export interface GrantChoice {
  readonly allProjects: boolean;
  readonly projectIds: readonly string[];
  readonly categories: readonly WritableEnvironmentCategory[];
}

/** The sets chosen, each with its project scope and writable environment categories. */
export type GrantChoices = ReadonlyMap<PermissionSetId, GrantChoice>;

const categories: WritableEnvironmentCategory[] = ['development', 'staging', 'production', 'other'];

export function grantInputs(
  choices: GrantChoices,
  catalog: readonly CatalogSet[],
): PermissionGrantInput[] {
  return [...choices].map(([id, choice]) => {
    const set = catalog.find((entry) => entry.id === id);
    const input: PermissionGrantInput = { permissionSet: id };
    if (set?.level === 'project') {
      if (choice.allProjects) input.allProjects = true;
      else input.projectIds = [...choice.projectIds];
    }
    if (set?.acceptsWritableEnvironmentCategories && choice.categories.length > 0)
      input.writableEnvironmentCategories = [...choice.categories];
    return input;
  });
}

/** What the form can submit: every project-scoped set needs at least one project. */
export function grantsProblem(
  choices: GrantChoices,
  catalog: readonly CatalogSet[],
): string | undefined {
  if (choices.size === 0) return 'Choose at least one permission set.';
  for (const [id, choice] of choices) {
    const set = catalog.find((entry) => entry.id === id);
    if (set?.level === 'project' && !choice.allProjects && choice.projectIds.length === 0)
      return `Choose the projects of ${set.name}.`;
  }
  return undefined;
}

/**
 * Permission sets as the account's plan offers them (the catalog the API returns for that plan),
 * each with its one-line description; for a project-level set, every project or chosen ones; for a
 * set with `R*` cells, the environment categories it may write in.
 */
export function GrantsEditor({
  catalog,
  projects,
  value,
  onChange,
}: {
  catalog: readonly CatalogSet[];
  projects: readonly { id: string; name: string }[] | undefined;
  value: GrantChoices;
  onChange: (next: GrantChoices) => void;
}) {
  const baseId = useId();
  const update = (id: PermissionSetId, choice: GrantChoice | undefined) => {
    const next = new Map(value);
    if (choice) next.set(id, choice);
    else next.delete(id);
    onChange(next);
  };
  return (
    <fieldset className="grants">
      <legend>Permission sets</legend>
      <ul className="grant-list">
        {catalog.map((set) => {
          const choice = value.get(set.id);
          const descriptionId = `${baseId}-${set.id}-description`;
          return (
            <li key={set.id} className={choice ? 'grant grant-chosen' : 'grant'}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={choice !== undefined}
                  aria-describedby={descriptionId}
                  onChange={(event) =>
                    update(
                      set.id,
                      event.target.checked
                        ? { allProjects: true, projectIds: [], categories: [] }
                        : undefined,
                    )
                  }
                />
                <span className="check-label">{set.name}</span>
                <span className="tag">{set.level === 'account' ? 'account' : 'project'}</span>
              </label>
              <p id={descriptionId} className="grant-description">
                {set.description}
              </p>
              {choice && set.level === 'project' && (
                <fieldset className="subfield">
                  <legend>Projects for {set.name}</legend>
                  <label className="check">
                    <input
                      type="radio"
                      name={`${baseId}-${set.id}-scope`}
                      checked={choice.allProjects}
                      onChange={() => update(set.id, { ...choice, allProjects: true })}
                    />
                    All projects
                  </label>
                  <label className="check">
                    <input
                      type="radio"
                      name={`${baseId}-${set.id}-scope`}
                      checked={!choice.allProjects}
                      onChange={() => update(set.id, { ...choice, allProjects: false })}
                    />
                    Chosen projects
                  </label>
                  {!choice.allProjects && (
                    <div className="project-choices">
                      {projects === undefined ? (
                        <p className="muted small">
                          This token cannot list projects; grant every project instead.
                        </p>
                      ) : projects.length === 0 ? (
                        <p className="muted small">The account has no projects yet.</p>
                      ) : (
                        projects.map((project) => (
                          <label key={project.id} className="check">
                            <input
                              type="checkbox"
                              checked={choice.projectIds.includes(project.id)}
                              onChange={(event) =>
                                update(set.id, {
                                  ...choice,
                                  projectIds: event.target.checked
                                    ? [...choice.projectIds, project.id]
                                    : choice.projectIds.filter((id) => id !== project.id),
                                })
                              }
                            />
                            {project.name}
                          </label>
                        ))
                      )}
                    </div>
                  )}
                </fieldset>
              )}
              {choice && set.acceptsWritableEnvironmentCategories && (
                <fieldset className="subfield">
                  <legend>Writable environments for {set.name}</legend>
                  <div className="inline-checks">
                    {categories.map((category) => (
                      <label key={category} className="check">
                        <input
                          type="checkbox"
                          checked={choice.categories.includes(category)}
                          onChange={(event) =>
                            update(set.id, {
                              ...choice,
                              categories: event.target.checked
                                ? [...choice.categories, category]
                                : choice.categories.filter((c) => c !== category),
                            })
                          }
                        />
                        {category}
                      </label>
                    ))}
                  </div>
                </fieldset>
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
