// Column types shared by every table family.

/** ISO-8601 UTC timestamps stored as text: sortable, and the same on SQLite and PostgreSQL. */
export type Timestamp = string;

/** Booleans are stored as 0/1 so that the same code binds them on every dialect. */
export type Flag = number;
