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
