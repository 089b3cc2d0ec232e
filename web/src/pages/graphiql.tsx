import { lazy, Suspense } from 'react';
import { endpoints } from '../api/client.js';
import { Loading, PageHeader } from '../components/feedback.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

/**
 * GraphiQL inside the console, bundled from the project's own dependencies: no CDN, so it works
 * offline and under the console's CSP (no inline script, nothing from another origin). The
 * signed-in token is pre-filled in the Headers tab without being written anywhere: GraphiQL gets
 * an in-memory storage, never localStorage, and the token never enters a URL.
 *
 * The editor is its own chunk, loaded when this screen opens, so the rest of the console does not
 * carry it.
 */
const Editor = lazy(() => import('./graphiql-editor.js'));

const apis = [
  {
    key: 'admin',
    to: '/graphiql',
    label: 'Admin API',
    endpoint: endpoints.admin,
    defaultQuery:
      '# The admin API: service tokens, projects, environments, jobs and runs.\n{\n  viewer {\n    name\n    grants { permissionSet { id name } allProjects projectIds }\n    account { name plan }\n  }\n}\n',
  },
  {
    key: 'discovery',
    to: '/graphiql/discovery',
    label: 'Metadata (Discovery) API',
    endpoint: endpoints.discovery,
    defaultQuery:
      '# The metadata (Discovery) API: models, tests, sources and their latest runs.\n{\n  environment(id: 1) {\n    dbtProjectName\n    applied {\n      models(first: 10) { totalCount edges { node { uniqueId executionInfo { lastRunStatus } } } }\n    }\n  }\n}\n',
  },
] as const;

export function GraphiqlPage({ api }: { api: 'admin' | 'discovery' }) {
  const session = useSession();
  // The shell opens GraphiQL for token sessions only: its Headers tab carries the token.
  const token = session.kind === 'token' ? session.token : '';
  const current = apis.find((entry) => entry.key === api)!;
  return (
    <div className="graphiql-page">
      <PageHeader
        title="GraphiQL"
        description="Write queries against the admin and metadata APIs with the signed-in token (pre-filled in the Headers tab)."
      />
      <nav className="tabs" aria-label="API">
        {apis.map((entry) => (
          <Link
            key={entry.key}
            to={entry.to}
            className="tab"
            aria-current={entry.key === api ? 'page' : undefined}
          >
            {entry.label} <code>{entry.endpoint}</code>
          </Link>
        ))}
      </nav>
      <Suspense fallback={<Loading label="Loading GraphiQL…" />}>
        <Editor
          key={current.key}
          api={current.key}
          endpoint={current.endpoint}
          token={token}
          defaultQuery={current.defaultQuery}
        />
      </Suspense>
    </div>
  );
}
