import { useState } from 'react';
import {
  ConsoleProjectJobsDocument,
  ConsoleProjectsDocument,
  ConsoleTriggerRunDocument,
  type EnvironmentCategory,
} from '../api/admin/graphql.js';
import { Empty, ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { runTimes, StatusStrip, Trigger } from '../components/runs.js';
import { plural } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

/** Projects → environments → jobs, each job with its recent runs; read-only unless the token may run jobs. */
export function Dashboard() {
  const { client, access } = useSession();
  const [message, setMessage] = useState<{ error?: unknown; text?: string }>();
  const loaded = useLoad(async () => {
    const { projects } = await client.request('admin', ConsoleProjectsDocument);
    const list = projects?.edges.map((edge) => edge.node) ?? [];
    const jobs = await Promise.all(
      list.map((project) =>
        access.reads('jobs', String(project.id))
          ? client
              .request('admin', ConsoleProjectJobsDocument, { projectId: project.id })
              .then((data) => data.project?.jobs?.edges.map((edge) => edge.node) ?? [])
          : Promise.resolve([]),
      ),
    );
    return list.map((project, index) => ({ ...project, jobs: jobs[index]! }));
  }, [client, access]);

  const trigger = async (jobId: string, name: string) => {
    setMessage(undefined);
    try {
      const data = await client.request('admin', ConsoleTriggerRunDocument, {
        jobId,
        cause: 'Triggered from the console',
      });
      setMessage({ text: `Run ${data.triggerRun?.id} of ${name} is queued.` });
      loaded.reload();
    } catch (error) {
      setMessage({ error });
    }
  };

  const projects = loaded.data ?? [];
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Projects, their environments and jobs, and each job's recent runs."
      />
      <ErrorNotice error={loaded.error} />
      <ErrorNotice error={message?.error} title="The run was not triggered" />
      {message?.text && (
        <p role="status" className="notice notice-ok">
          {message.text}
        </p>
      )}
      {loaded.loading && !loaded.data ? (
        <Loading />
      ) : projects.length === 0 ? (
        <Empty title="No projects to show">This token reads no project.</Empty>
      ) : (
        projects.map((project) => {
          const environments = project.environments?.edges.map((edge) => edge.node) ?? [];
          const categoryOf = (environmentId: string) =>
            environments.find((environment) => String(environment.id) === String(environmentId))
              ?.category as EnvironmentCategory | undefined;
          return (
            <section
              key={project.id}
              className="card project"
              aria-labelledby={`project-${project.id}`}
            >
              <header className="project-header">
                <div>
                  <h2 id={`project-${project.id}`}>{project.name}</h2>
                  {project.description && <p className="muted">{project.description}</p>}
                </div>
                <ul className="env-chips" aria-label={`Environments of ${project.name}`}>
                  {environments.map((environment) => (
                    <li key={environment.id} className="env-chip">
                      <span className={`dot dot-${environment.category}`} aria-hidden="true" />
                      {environment.name} <span className="muted small">{environment.category}</span>
                      {access.reads('metadata', String(project.id)) && (
                        <>
                          {' · '}
                          <Link to={`/docs/${environment.id}`}>
                            docs
                            <span className="visually-hidden">
                              {' '}
                              of {project.name} {environment.name}
                            </span>
                          </Link>
                        </>
                      )}
                    </li>
                  ))}
                  {environments.length === 0 && <li className="muted small">No environments</li>}
                </ul>
              </header>
              {project.jobs.length === 0 ? (
                <p className="muted">No jobs.</p>
              ) : (
                <div className="table-wrap">
                  <table className="table">
                    <caption className="visually-hidden">Jobs of {project.name}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Job</th>
                        <th scope="col">Environment</th>
                        <th scope="col">Recent runs</th>
                        <th scope="col">Last run</th>
                        <th scope="col">Started</th>
                        <th scope="col">Duration</th>
                        <th scope="col">Trigger</th>
                        <th scope="col">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {project.jobs.map((job) => {
                        const runs = job.runs?.edges.map((edge) => edge.node) ?? [];
                        const last = runs[0];
                        const environment = environments.find(
                          (candidate) => String(candidate.id) === String(job.environmentId),
                        );
                        const mayRun = access.writes(
                          'runs',
                          String(project.id),
                          categoryOf(job.environmentId),
                        );
                        return (
                          <tr key={job.id}>
                            <th scope="row">
                              <Link to={`/dashboard/jobs/${job.id}`}>{job.name}</Link>
                              <span className="cell-sub">
                                {job.schedule ? `cron ${job.schedule}` : 'no schedule'}
                              </span>
                            </th>
                            <td>{environment?.name ?? job.environmentId}</td>
                            <td>
                              <StatusStrip runs={runs} label={`Recent runs of ${job.name}`} />
                            </td>
                            <td>{last ? <StatusBadge status={last.status} /> : '—'}</td>
                            <td className="nowrap">{last ? runTimes(last).started : '—'}</td>
                            <td>{last ? runTimes(last).duration : '—'}</td>
                            <td>{last ? <Trigger run={last} /> : '—'}</td>
                            <td>
                              {mayRun && (
                                <button
                                  type="button"
                                  className="button button-small"
                                  onClick={() => trigger(job.id, job.name)}
                                  aria-label={`Run ${job.name} now`}
                                >
                                  Run now
                                </button>
                              )}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
              <p className="muted small">{plural(project.jobs.length, 'job')}</p>
            </section>
          );
        })
      )}
    </>
  );
}
