import { type FormEvent, useState } from 'react';
import { ConsoleProjectsDocument } from '../api/admin/graphql.js';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/feedback.js';
import { Link, useRouter } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

const purposes = {
  docs: {
    title: 'Documentation',
    description:
      'Generated documentation of a deployment environment: models, sources, seeds, snapshots, exposures and their lineage.',
  },
  freshness: {
    title: 'Source freshness',
    description: 'How fresh each source of an environment is, from its latest freshness check.',
  },
} as const;

/**
 * Chooses the environment whose artifacts to read. A token that may list environments picks one;
 * one that may only read metadata (Metadata Only) types its ID, as with dbt's Discovery API.
 */
export function EnvironmentPicker({ purpose }: { purpose: keyof typeof purposes }) {
  const { client, access } = useSession();
  const { navigate } = useRouter();
  const [typed, setTyped] = useState('');
  const canList = access.readsAnywhere('environments');
  const loaded = useLoad(
    async () =>
      canList
        ? ((await client.request('admin', ConsoleProjectsDocument)).projects?.edges.map(
            (edge) => edge.node,
          ) ?? [])
        : [],
    [client, canList],
  );
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (/^\d+$/.test(typed.trim())) navigate(`/${purpose}/${typed.trim()}`);
  };
  const projects = (loaded.data ?? []).filter((project) =>
    access.reads('metadata', String(project.id)),
  );
  const { title, description } = purposes[purpose];
  return (
    <>
      <PageHeader title={title} description={description} />
      <ErrorNotice error={loaded.error} />
      {canList &&
        (loaded.loading && !loaded.data ? (
          <Loading />
        ) : projects.length === 0 ? (
          <Empty title="No environments with metadata to show" />
        ) : (
          <div className="cards">
            {projects.map((project) => (
              <section key={project.id} className="card" aria-labelledby={`pick-${project.id}`}>
                <h2 id={`pick-${project.id}`}>{project.name}</h2>
                <ul className="link-list">
                  {(project.environments?.edges ?? []).map(({ node: environment }) => (
                    <li key={environment.id}>
                      <Link to={`/${purpose}/${environment.id}`}>
                        {environment.name}{' '}
                        <span className="muted small">
                          ({environment.category}, {environment.type})
                        </span>
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        ))}
      <form className="card stack narrow-card" onSubmit={open} aria-labelledby="by-id">
        <h2 id="by-id">Open an environment by ID</h2>
        {!canList && (
          <p className="muted">
            This token reads metadata but cannot list environments: enter the environment's ID.
          </p>
        )}
        <div className="row">
          <label className="field">
            <span className="field-label">Environment ID</span>
            <input
              inputMode="numeric"
              pattern="[0-9]+"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              required
            />
          </label>
          <button type="submit" className="button button-primary">
            Open
          </button>
        </div>
      </form>
    </>
  );
}
