// Progress of long commands (ingest, upload, copy-to-postgres, backup): a bar redrawn in place
// on a terminal; plain lines about every 10% otherwise, so that a CI log or a file receiving
// the output stays short and readable.

export interface ProgressOutput {
  /** Whether the output is a terminal (the bar is redrawn in place with a carriage return). */
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
  write(text: string): unknown;
}

export interface Progress {
  /** `done` of `total` units are finished; `detail` is shown after the figures. */
  update(done: number, total: number, detail?: string): void;
  /** Ends the bar (or prints the last line) with `detail`. */
  finish(detail?: string): void;
}

const barWidth = 24;
/** A terminal is redrawn at most this often: a redraw per row would cost more than the copy. */
const redrawIntervalMs = 100;

/**
 * A progress report for one piece of work named `label`, on `output` (standard output unless
 * given): a bar on a terminal, a line per tenth otherwise.
 */
export function progressReporter(
  label: string,
  { output = process.stdout, now = Date.now }: { output?: ProgressOutput; now?: () => number } = {},
): Progress {
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastTenth = -1;
  let last = { done: 0, total: 0, detail: '' };
  let finished = false;

  const figures = (done: number, total: number) => {
    const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    return {
      percent,
      text: `${percent}% (${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})`,
    };
  };

  const draw = (done: number, total: number, detail: string) => {
    const { percent, text } = figures(done, total);
    const filled = Math.round((percent / 100) * barWidth);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${text}${detail ? ` ${detail}` : ''}`;
    const width = output.columns ?? 120;
    // Clear to the end of the line: the previous line may have been longer.
    output.write(`\r${line.slice(0, Math.max(20, width - 1))}\x1b[K`);
  };

  return {
    update(done, total, detail = '') {
      if (finished) return;
      last = { done, total, detail };
      if (output.isTTY) {
        if (now() - lastDraw < redrawIntervalMs) return;
        lastDraw = now();
        draw(done, total, detail);
        return;
      }
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (tenth <= lastTenth || tenth >= 10) return;
      lastTenth = tenth;
      output.write(`${label}: ${figures(done, total).text}${detail ? ` ${detail}` : ''}\n`);
    },
    finish(detail = '') {
      if (finished) return;
      finished = true;
      const total = last.total;
      if (output.isTTY) {
        draw(total, total, detail);
        output.write('\n');
        return;
      }
      output.write(`${label}: ${figures(total, total).text}${detail ? ` ${detail}` : ''}\n`);
    },
  };
}
