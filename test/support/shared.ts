import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/**
 * The shared specification and fixtures live beside the repository, in ../shared. A clone
 * elsewhere has none: those tests skip with a notice, except under CI=true where that fails.
 */
export const sharedDir = path.resolve(
  fileURLToPath(new URL('../../', import.meta.url)),
  '../shared',
);
export const hasShared = existsSync(sharedDir);

if (!hasShared) {
  if (process.env.CI === 'true')
    throw new Error(`CI=true but the shared folder ${sharedDir} is missing.`);
  console.warn(
    `NOTICE: ${sharedDir} not found; tests that read the shared spec and fixtures are skipped.`,
  );
}

/** `describe` when ../shared exists, `describe.skip` otherwise. */
export const describeWithShared = hasShared ? describe : describe.skip;

export function readShared(...parts: string[]): string {
  return readFileSync(path.join(sharedDir, ...parts), 'utf8');
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes) into rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(field), (field = '');
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += char;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

/** A CSV file of ../shared as objects keyed by its header. */
export function readSharedCsv(...parts: string[]): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readShared(...parts));
  return rows.map((row) =>
    Object.fromEntries(header!.map((name, index) => [name, row[index] ?? ''])),
  );
}
