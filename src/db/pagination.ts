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
