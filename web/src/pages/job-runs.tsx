import { useState } from 'react';
import {
  ConsoleCancelRunDocument,
  ConsoleJobDocument,
  ConsoleTriggerRunDocument,
  type EnvironmentCategory,
} from '../api/admin/graphql.js';
import { Empty, ErrorNotice, Loading, PageHeader, StatusBadge } from '../components/feedback.js';
import { runTimes, StatusStrip, Trigger } from '../components/runs.js';
import { plural } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

/** A job's run history, with trigger and cancel where the token may write runs there. */
export function JobRuns({ jobId }: { jobId: string }) {
  const { client, access } = useSession();
  const [pages, setPages] = useState(1);
  const [message, setMessage] = useState<{ error?: unknown; text?: string }>();
  const loaded = useLoad(
    () => client.request('admin', ConsoleJobDocument, { id: jobId, first: 50 * pages }),
    [client, jobId, pages],
  );
  const job = loaded.data?.job;

  const act = async (label: string, action: () => Promise<unknown>) => {
    setMessage(undefined);
    try {
      await action();
      setMessage({ text: label });
      loaded.reload();
    } catch (error) {
      setMessage({ error });
    }
  };

  if (loaded.loading && !loaded.data) return <Loading />;
  if (!job)
    return (
      <ErrorNotice
        error={loaded.error ?? new Error('There is no such job, or this token cannot see it.')}
      />
    );
  const runs = job.runs?.edges.map((edge) => edge.node) ?? [];
  const mayRun = access.writes(
    'runs',
    String(job.projectId),
    job.environment?.category as EnvironmentCategory | undefined,
  );
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/dashboard">Dashboard</Link> <span aria-hidden="true">/</span>{' '}
        <span>{job.project?.name}</span> <span aria-hidden="true">/</span> <span>{job.name}</span>
      </nav>
      <PageHeader
        title={job.name}
        description={
          <>
            {job.environment?.name} ({job.environment?.category}) ·{' '}
            {job.schedule ? `cron ${job.schedule} (UTC)` : 'no schedule'} · steps:{' '}
            <code>{job.steps.join(' && ')}</code>
          </>
        }
        actions={
          mayRun && (
            <button
              type="button"
              className="button button-primary"
              onClick={() =>
                act('A run is queued.', () =>
                  client.request('admin', ConsoleTriggerRunDocument, {
                    jobId,
                    cause: 'Triggered from the console',
                  }),
                )
              }
            >
              Run now
            </button>
          )
        }
      />
      <ErrorNotice error={message?.error} />
      {message?.text && (
        <p role="status" className="notice notice-ok">
          {message.text}
        </p>
      )}
      <p>
        <StatusStrip runs={runs.slice(0, 30)} label="Recent runs" />
      </p>
      {runs.length === 0 ? (
        <Empty title="No runs yet" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Runs of {job.name}</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Trigger</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id}>
                  <th scope="row">#{run.id}</th>
                  <td>
                    <StatusBadge status={run.status} />
                    {run.errorMessage && <span className="cell-sub">{run.errorMessage}</span>}
                  </td>
                  <td className="nowrap">{runTimes(run).started}</td>
                  <td>{runTimes(run).duration}</td>
                  <td>
                    <Trigger run={run} />
                  </td>
                  <td>
                    {mayRun && (run.status === 'queued' || run.status === 'running') && (
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={`Cancel run ${run.id}`}
                        onClick={() =>
                          act(`Run ${run.id} is cancelled.`, () =>
                            client.request('admin', ConsoleCancelRunDocument, { id: run.id }),
                          )
                        }
                      >
                        Cancel
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">{plural(job.runs?.totalCount ?? runs.length, 'run')}</p>
      {job.runs?.pageInfo.hasNextPage && (
        <button
          type="button"
          className="button"
          onClick={() => setPages((count) => count + 1)}
          disabled={pages >= 20}
        >
          Show older runs
        </button>
      )}
    </>
  );
}
