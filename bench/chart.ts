// The benchmark's chart: requests per second of every workload on the stock server, the compiled
// (graphql-jit) server and the gateway, as grouped horizontal bars. The scale is logarithmic:
// the workloads span from tens of requests per second (a 500-model page) to thousands (cached
// reads), and a linear scale would flatten the slow ones to nothing.

export interface ChartRow {
  readonly workload: string;
  readonly stock: { readonly requestsPerSecond: number };
  readonly compiled: { readonly requestsPerSecond: number };
  readonly gateway: { readonly requestsPerSecond: number };
}

const series = [
  { key: 'stock', label: 'stock yoga + Pothos', color: '#9aa5b1' },
  { key: 'compiled', label: 'stock + graphql-jit (compiled)', color: '#4c78a8' },
  { key: 'gateway', label: 'Tollgate gateway (guarded)', color: '#f58518' },
] as const;

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG document (no script, no external reference) of the rows. */
export function chart(
  rows: readonly ChartRow[],
  machine: { cores: number; cpu?: string; node: string },
  measuredAt: string,
): string {
  const labelWidth = 330;
  const plotWidth = 520;
  const barHeight = 12;
  const groupGap = 16;
  const top = 58;
  const groupHeight = series.length * barHeight + groupGap;
  const height = top + rows.length * groupHeight + 30;
  const width = labelWidth + plotWidth + 80;
  const highest = Math.max(
    10,
    ...rows.flatMap((row) => series.map((s) => row[s.key].requestsPerSecond)),
  );
  const decades = Math.ceil(Math.log10(highest));
  // 1 req/s at the left edge, the next power of ten above the fastest at the right.
  const x = (value: number) => labelWidth + (Math.log10(Math.max(1, value)) / decades) * plotWidth;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="title" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<title id="title">Requests per second of each workload: stock yoga + Pothos, the same with graphql-jit, and the Tollgate gateway</title>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">Requests per second (log scale), higher is better</text>`,
    `<text x="10" y="34" fill="#555">${escapeXml(`${machine.cores} cores (${machine.cpu ?? 'unknown CPU'}), Node ${machine.node}, ${measuredAt.slice(0, 10)}`)}</text>`,
  ];
  series.forEach((s, i) => {
    const legendX = labelWidth + i * 175;
    parts.push(
      `<rect x="${legendX}" y="42" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${legendX + 14}" y="51">${escapeXml(s.label)}</text>`,
    );
  });
  for (let decade = 0; decade <= decades; decade++) {
    const lineX = labelWidth + (decade / decades) * plotWidth;
    parts.push(
      `<line x1="${lineX}" y1="${top - 4}" x2="${lineX}" y2="${height - 26}" stroke="#ddd"/>`,
      `<text x="${lineX}" y="${height - 12}" text-anchor="middle" fill="#555">${10 ** decade}</text>`,
    );
  }
  rows.forEach((row, index) => {
    const groupTop = top + index * groupHeight;
    const label = row.workload.length > 52 ? `${row.workload.slice(0, 51)}…` : row.workload;
    parts.push(
      `<text x="${labelWidth - 8}" y="${groupTop + (series.length * barHeight) / 2 + 4}" text-anchor="end">${escapeXml(label)}</text>`,
    );
    series.forEach((s, i) => {
      const value = row[s.key].requestsPerSecond;
      const barTop = groupTop + i * barHeight;
      parts.push(
        `<rect x="${labelWidth}" y="${barTop}" width="${Math.max(1, x(value) - labelWidth).toFixed(1)}" height="${barHeight - 2}" fill="${s.color}"/>`,
        `<text x="${(x(value) + 4).toFixed(1)}" y="${barTop + barHeight - 3}" fill="#333">${value}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
