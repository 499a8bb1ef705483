/**
 * Pages of rows cut by bytes as well as by count, in PostgreSQL, before anything reaches Node: a
 * row whose size the caller cannot bound (a user's values, notes) makes a page of a fixed number of
 * rows anything from kilobytes to gigabytes. Plain code (no Nest, no TypeORM): threads with a pg
 * Client of their own read pages too.
 */

/** Runs one SQL statement and gives its rows (a TypeORM DataSource's query, or a pg Client's). */
export type QueryRows = (sql: string, params: unknown[]) => Promise<any[]>;

/**
 * Wraps `inner`, a query of at most maxRows + 1 rows in row_number order that gives each row its
 * size in a `bytes` column, into one that keeps `columns` of the rows whose predecessors leave
 * them room under `maxBytes` (an SQL expression), plus `fetched`, how many `inner` found. The first
 * row always fits; read one row more than asked, cutPage() tells whether more follow.
 */
export function bytesBoundedPageSql(columns: string, inner: string, maxBytes: string): string {
  // The window sums the bytes of the rows before each one.
  return `SELECT ${columns}, fetched FROM (
       SELECT s.*, count(*) OVER () AS fetched,
              coalesce(sum(bytes) OVER (ORDER BY row_number ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                AS bytes_before
         FROM (${inner}) s
     ) w
     WHERE bytes_before < ${maxBytes}
     ORDER BY row_number`;
}

/** The rows of a bytesBoundedPageSql() answer, at most maxRows of them, and whether more follow. */
export function cutPage<T extends { fetched: number | string }>(
  rows: T[],
  maxRows: number,
): { rows: T[]; more: boolean } {
  const fetched = rows.length > 0 ? Number(rows[0].fetched) : 0;
  if (rows.length > maxRows) rows.length = maxRows;
  return { rows, more: fetched > rows.length };
}
