/** A keyset page request: up to `first` rows ordered by id, after the row with id `afterId`. */
export interface PageRequest {
  readonly first: number;
  readonly afterId: number | null;
}

/** Rows of one page plus whether more follow. Repositories fetch one extra row to know. */
export interface Page<T> {
  readonly rows: T[];
  readonly hasNextPage: boolean;
}

export function toPage<T>(rows: T[], request: PageRequest): Page<T> {
  return { rows: rows.slice(0, request.first), hasNextPage: rows.length > request.first };
}

/** Whether a database error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
