import { type ReactNode, useEffect } from 'react';
import { Loading } from './components/feedback.js';
import { AccountSettings } from './pages/account-settings.js';
import { AuditLog } from './pages/audit-log.js';
import { Dashboard } from './pages/dashboard.js';
import { DocsHome } from './pages/docs-home.js';
import { DocsNode } from './pages/docs-node.js';
import { EnvironmentPicker } from './pages/environment-picker.js';
import { Freshness } from './pages/freshness.js';
import { GraphiqlPage } from './pages/graphiql.js';
import { JobRuns } from './pages/job-runs.js';
import { LineagePage } from './pages/lineage.js';
import { NotFound, NotPermitted } from './pages/not-found.js';
import { ServiceTokens } from './pages/service-tokens.js';
import { SignIn } from './pages/sign-in.js';
import { Link, match, useRouter } from './router.js';
import { type Session, useSession, useSessionState } from './session.js';

interface Screen {
  readonly pattern: string;
  readonly title: string;
  /** Whether the token may open it, from the API's answer; a screen says what it needs. */
  readonly allowed: (session: Session) => boolean;
  readonly needs: string;
  readonly render: (params: Record<string, string>) => ReactNode;
}

const canReadProjects = (session: Session) => session.access.readsAnywhere('projects');
const canReadMetadata = (session: Session) => session.access.readsAnywhere('metadata');
// The token screens ask the API what the signed-in token may do (viewer.can): token sessions only.
const isToken = (session: Session) => session.kind === 'token';
const canReadTokens = (session: Session) =>
  isToken(session) && session.access.readsAnywhere('service_tokens');
const canReadAudit = (session: Session) =>
  isToken(session) && session.access.readsAnywhere('audit_logs');

const screens: Screen[] = [
  {
    pattern: '/dashboard',
    title: 'Dashboard',
    allowed: canReadProjects,
    needs: 'projects:read',
    render: () => <Dashboard />,
  },
  {
    pattern: '/dashboard/jobs/:jobId',
    title: 'Run history',
    allowed: canReadProjects,
    needs: 'runs:read',
    render: (p) => <JobRuns jobId={p.jobId!} />,
  },
  {
    pattern: '/docs',
    title: 'Documentation',
    allowed: canReadMetadata,
    needs: 'metadata:read',
    render: () => <EnvironmentPicker purpose="docs" />,
  },
  {
    pattern: '/docs/:env',
    title: 'Documentation',
    allowed: canReadMetadata,
    needs: 'metadata:read',
    render: (p) => <DocsHome environmentId={p.env!} />,
  },
  {
    pattern: '/docs/:env/lineage',
    title: 'Lineage',
    allowed: canReadMetadata,
    needs: 'metadata:read',
    render: (p) => <LineagePage environmentId={p.env!} />,
  },
  {
    pattern: '/docs/:env/nodes/:uniqueId',
    title: 'Documentation',
    allowed: canReadMetadata,
    needs: 'metadata:read',
    render: (p) => <DocsNode environmentId={p.env!} uniqueId={p.uniqueId!} />,
  },
  {
    pattern: '/freshness',
    title: 'Source freshness',
    allowed: canReadMetadata,
    needs: 'metadata:read',
    render: () => <EnvironmentPicker purpose="freshness" />,
  },
  {
    pattern: '/freshness/:env',
    title: 'Source freshness',
    allowed: canReadMetadata,
    needs: 'metadata:read',
    render: (p) => <Freshness environmentId={p.env!} />,
  },
  {
    pattern: '/tokens',
    title: 'Service tokens',
    allowed: canReadTokens,
    needs: 'service_tokens:read',
    render: () => <ServiceTokens />,
  },
  {
    pattern: '/admin',
    title: 'Account settings',
    allowed: (s) => canReadTokens(s) || canReadAudit(s),
    needs: 'service_tokens:read',
    render: () => <AccountSettings />,
  },
  {
    pattern: '/admin/audit',
    title: 'Audit log',
    allowed: canReadAudit,
    needs: 'audit_logs:read',
    render: () => <AuditLog />,
  },
  {
    pattern: '/graphiql',
    title: 'GraphiQL',
    allowed: isToken,
    needs: '',
    render: () => <GraphiqlPage api="admin" />,
  },
  {
    pattern: '/graphiql/discovery',
    title: 'GraphiQL',
    allowed: isToken,
    needs: '',
    render: () => <GraphiqlPage api="discovery" />,
  },
];

/** Where `/` leads: the first screen this token may open. */
function homeOf(session: Session): string {
  if (canReadProjects(session)) return '/dashboard';
  if (canReadMetadata(session)) return '/docs';
  if (canReadTokens(session)) return '/tokens';
  return isToken(session) ? '/graphiql' : '/dashboard';
}

export function App() {
  const { session, restoring } = useSessionState();
  const { path, navigate } = useRouter();
  useEffect(() => {
    if (restoring) return;
    if (!session && path !== '/sign-in') navigate('/sign-in', { replace: true });
    if (session && (path === '/' || path === '/sign-in'))
      navigate(homeOf(session), { replace: true });
  }, [session, restoring, path, navigate]);
  if (restoring) return <Loading label="Checking your sign-in…" />;
  if (!session) return <SignIn />;
  return <Shell />;
}

function Shell() {
  const session = useSession();
  const { path } = useRouter();
  let content: ReactNode = <NotFound />;
  let title = 'Not found';
  for (const screen of screens) {
    const params = match(screen.pattern, path);
    if (!params) continue;
    title = screen.title;
    content = screen.allowed(session) ? (
      screen.render(params)
    ) : (
      <NotPermitted permission={screen.needs} />
    );
    break;
  }
  useEffect(() => {
    document.title = `${title} · Tollgate`;
  }, [title]);
  const { viewer } = session;
  const nav = [
    { to: '/dashboard', label: 'Dashboard', show: canReadProjects(session) },
    { to: '/docs', label: 'Documentation', show: canReadMetadata(session) },
    { to: '/freshness', label: 'Source freshness', show: canReadMetadata(session) },
    { to: '/tokens', label: 'Service tokens', show: canReadTokens(session) },
    {
      to: '/admin',
      label: 'Account settings',
      show: canReadTokens(session) || canReadAudit(session),
    },
    { to: '/graphiql', label: 'GraphiQL', show: isToken(session) },
  ].filter((item) => item.show);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Tollgate console home">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>Tollgate</span>
        </Link>
        <span className="account-name">{viewer.account.name}</span>
        <div className="topbar-end">
          {session.kind === 'token' ? (
            <span className="token-chip" title="The signed-in service token">
              <span className="token-chip-name">{session.viewer.name}</span>
              <code>{session.viewer.displayHint}</code>
            </span>
          ) : (
            <span className="token-chip" title={`Signed in as ${session.member.email}`}>
              <span className="token-chip-name">{viewer.name}</span>
              <span className="token-chip-groups">
                {session.member.groups.length > 0
                  ? session.member.groups.map((group) => group.name).join(', ')
                  : 'no groups'}
              </span>
            </span>
          )}
          <button type="button" className="button button-small" onClick={session.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Console">
        <ul>
          {nav.map((item) => {
            const current = path === item.to || path.startsWith(item.to + '/');
            return (
              <li key={item.to}>
                <Link to={item.to} aria-current={current ? 'page' : undefined} className="nav-link">
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {content}
      </main>
    </div>
  );
}
