import type { ConsoleRunFragment } from '../api/admin/graphql.js';
import { formatDateTime, formatDuration } from '../format.js';

/** The recent runs of a job as small squares, oldest on the left, newest on the right. */
export function StatusStrip({
  runs,
  label,
}: {
  runs: readonly ConsoleRunFragment[];
  label: string;
}) {
  const ordered = [...runs].reverse();
  const summary =
    ordered.length === 0 ? 'no runs yet' : ordered.map((run) => run.status).join(', ');
  return (
    <span className="strip" role="img" aria-label={`${label}: ${summary}`}>
      {ordered.map((run) => (
        <span
          key={run.id}
          className={`strip-cell strip-${run.status}`}
          title={`Run ${run.id}: ${run.status}, ${formatDateTime(run.startedAt ?? run.createdAt)}`}
        />
      ))}
      {ordered.length === 0 && <span className="muted small">No runs yet</span>}
    </span>
  );
}

/** Who or what started a run: its cause, and the token that triggered it when one did. */
export function Trigger({ run }: { run: ConsoleRunFragment }) {
  return (
    <>
      {run.cause}
      {run.triggeredByTokenId && (
        <span className="cell-sub">by token {run.triggeredByTokenId}</span>
      )}
    </>
  );
}

export function runTimes(run: ConsoleRunFragment): { started: string; duration: string } {
  return {
    started: formatDateTime(run.startedAt ?? run.createdAt),
    duration: formatDuration(run.durationSeconds),
  };
}
