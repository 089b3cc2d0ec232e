import { useMemo, useState } from 'react';
import {
  ConsoleAccountAccessDocument,
  ConsolePermissionCatalogDocument,
  ConsoleProjectNamesDocument,
  ConsoleServiceTokensDocument,
  type ConsoleTokenFragment,
  ConsoleTokenPolicyDocument,
  type PermissionSetId,
  type ServiceTokenFilter,
  type ServiceTokenSortField,
  type ServiceTokenState,
} from '../api/admin/graphql.js';
import { Empty, ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { formatDateTime, formatRelative, plural } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { GenerateTokenDialog } from './generate-token.js';
import { ManageTokenDialog } from './manage-token.js';

type Projects = readonly { id: string; name: string }[] | undefined;

function scopeOf(grant: ConsoleTokenFragment['grants'][number], projects: Projects): string {
  if (grant.permissionSet.level === 'account') return 'account';
  if (grant.allProjects) return 'all projects';
  const names = grant.projectIds.map(
    (id) => projects?.find((project) => project.id === String(id))?.name ?? `project ${id}`,
  );
  return names.join(', ');
}

/** Account Settings → Service tokens: the inventory, and the dialogs that change it. */
export function ServiceTokens() {
  const { client, viewer, access } = useSession();
  const [search, setSearch] = useState('');
  const [state, setState] = useState<ServiceTokenState | ''>('');
  const [permissionSet, setPermissionSet] = useState<PermissionSetId | ''>('');
  const [projectId, setProjectId] = useState('');
  const [sort, setSort] = useState<ServiceTokenSortField>('CREATED_AT');
  const [generating, setGenerating] = useState(false);
  const [managing, setManaging] = useState<string>();

  const setup = useLoad(async () => {
    const [rights, catalog, policy, projects] = await Promise.all([
      client.request('admin', ConsoleAccountAccessDocument),
      client.request('admin', ConsolePermissionCatalogDocument, { plan: viewer.account.plan }),
      client.request('admin', ConsoleTokenPolicyDocument),
      access.readsAnywhere('projects')
        ? client.request('admin', ConsoleProjectNamesDocument).then((data) =>
            data.projects?.edges.map((edge) => ({
              id: String(edge.node.id),
              name: edge.node.name,
            })),
          )
        : Promise.resolve(undefined),
    ]);
    return {
      canWrite: rights.viewer.tokensWrite.allowed,
      catalog: catalog.permissionSets,
      policy: policy.serviceTokenPolicy,
      projects,
    };
  }, [client, viewer.account.plan, access]);

  const filter: ServiceTokenFilter = {
    ...(state ? { states: [state] } : {}),
    ...(permissionSet ? { permissionSet } : {}),
    ...(projectId ? { projectId } : {}),
  };
  const tokens = useLoad(
    () =>
      client.request('admin', ConsoleServiceTokensDocument, {
        filter,
        sort: { field: sort, direction: sort === 'NAME' ? 'ASC' : 'DESC' },
        first: 1000,
      }),
    [client, state, permissionSet, projectId, sort],
  );

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const all = tokens.data?.serviceTokens?.edges.map((edge) => edge.node) ?? [];
    return needle
      ? all.filter(
          (token) =>
            token.name.toLowerCase().includes(needle) ||
            token.displayHint.toLowerCase().includes(needle),
        )
      : all;
  }, [tokens.data, search]);

  const projects = setup.data?.projects;
  const managed = managing
    ? tokens.data?.serviceTokens?.edges.find((edge) => edge.node.id === managing)?.node
    : undefined;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/admin">Account settings</Link> <span aria-hidden="true">/</span>{' '}
        <span>Service tokens</span>
      </nav>
      <PageHeader
        title="Service tokens"
        description="Tokens that belong to the account rather than a person. Each carries permission sets, on every project or on chosen ones."
        actions={
          setup.data?.canWrite && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => setGenerating(true)}
            >
              Generate token
            </button>
          )
        }
      />
      <ErrorNotice error={setup.error} />
      <div className="filters" role="search" aria-label="Filter tokens">
        <label className="field">
          <span className="field-label">Search</span>
          <input
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="Name or hint"
          />
        </label>
        <label className="field">
          <span className="field-label">State</span>
          <select
            value={state}
            onChange={(event) => setState(event.target.value as ServiceTokenState | '')}
          >
            <option value="">Any state</option>
            <option value="ACTIVE">Active</option>
            <option value="REVOKED">Revoked</option>
            <option value="EXPIRED">Expired</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Permission set</span>
          <select
            value={permissionSet}
            onChange={(event) => setPermissionSet(event.target.value as PermissionSetId | '')}
          >
            <option value="">Any set</option>
            {setup.data?.catalog.map((set) => (
              <option key={set.id} value={set.id}>
                {set.name}
              </option>
            ))}
          </select>
        </label>
        {projects && (
          <label className="field">
            <span className="field-label">Project</span>
            <select value={projectId} onChange={(event) => setProjectId(event.target.value)}>
              <option value="">Any project</option>
              {projects.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">Sort by</span>
          <select
            value={sort}
            onChange={(event) => setSort(event.target.value as ServiceTokenSortField)}
          >
            <option value="CREATED_AT">Newest first</option>
            <option value="NAME">Name</option>
            <option value="LAST_USED_AT">Last used</option>
            <option value="EXPIRES_AT">Expiry</option>
          </select>
        </label>
      </div>
      <ErrorNotice error={tokens.error} />
      {tokens.loading && !tokens.data ? (
        <Loading />
      ) : shown.length === 0 ? (
        <Empty title="No tokens match">Change the filters, or generate a token.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">
              Service tokens ({plural(shown.length, 'token')})
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Permission sets</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((token) => (
                <tr key={token.id}>
                  <th scope="row">
                    <span className="cell-title">{token.name}</span>
                    <code className="cell-sub">{token.displayHint}</code>
                  </th>
                  <td>
                    <StatusBadge status={token.state} />
                  </td>
                  <td>
                    <ul className="grant-pills">
                      {token.grants.map((grant) => (
                        <li key={grant.id}>
                          <span className="pill">{grant.permissionSet.name}</span>{' '}
                          <span className="muted small">{scopeOf(grant, projects)}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{formatDateTime(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? formatRelative(token.lastUsedAt) : 'Never'}</td>
                  <td>{token.expiresAt ? formatDateTime(token.expiresAt) : 'Never'}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setManaging(token.id)}
                      aria-label={`Manage ${token.name}`}
                    >
                      Manage
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {generating && setup.data && (
        <GenerateTokenDialog
          catalog={setup.data.catalog}
          projects={projects}
          maxLifetimeSeconds={setup.data.policy.maxLifetimeSeconds}
          onCreated={tokens.reload}
          onClose={() => setGenerating(false)}
        />
      )}
      {managed && setup.data && (
        <ManageTokenDialog
          key={managed.id}
          token={managed}
          catalog={setup.data.catalog}
          projects={projects}
          canWrite={setup.data.canWrite}
          onChanged={tokens.reload}
          onClose={() => setManaging(undefined)}
        />
      )}
    </>
  );
}
