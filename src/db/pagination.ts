/** How many rows a list of the admin API returns when `first` is left out, and at most. */
export const defaultPageSize = 100;
export const maxPageSize = 1000;

/**
 * A keyset page request: up to `first` rows after the row with id `afterId` (and, for lists
 * sorted by another column, that row's sort value `afterKey`).
 */
export interface PageRequest {
  readonly first: number;
  readonly afterId: number | null;
  readonly afterKey?: string;
}

/** Rows of one page plus whether more follow. Repositories fetch one extra row to know. */
export interface Page<T> {
  readonly rows: T[];
  readonly hasNextPage: boolean;
}

export function toPage<T>(rows: T[], request: PageRequest): Page<T> {
  return { rows: rows.slice(0, request.first), hasNextPage: rows.length > request.first };
}

/** What a cursor holds: the keyset position of a row (its id, its sort value, ...). */
export type CursorPart = string | number | null;

/**
 * The one cursor codec of both APIs: a row's keyset position as base64url JSON. Clients treat
 * cursors as opaque; each list checks the decoded parts against its own position shape.
 */
export function encodeCursor(parts: readonly CursorPart[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The parts of a cursor `encodeCursor` made; undefined for any other string. */
export function decodeCursor(cursor: string): unknown[] | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    return Array.isArray(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a decoded cursor part is a row id (a positive safe integer). */
export function isRowId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}
