/**
 * One page of an import's not-imported rows (service_import_rows), in file order, bounded by a row
 * count AND by bytes. The rows of a page are read into memory whole (values parsed from JSON), and a
 * row may be anything from a few bytes to IMPORT_MAX_FIELD_CHARS times the header's width: a page of
 * a fixed number of rows would hold anything from kilobytes to gigabytes. PostgreSQL sizes the rows
 * (their JSON text, the message, and what the caller adds per row) and sends only those that fit, so
 * the page is cut before anything reaches Node. A page always holds at least one row, if one is left.
 */
import { bytesBoundedPageSql, cutPage, type QueryRows } from '../../common/bytes-bounded-page';

export interface NotImportedRow {
  row_number: number;
  outcome: 'Skipped' | 'Error';
  reason: string;
  message: string;
  values: string[];
  /** With `withOrigins` (a retry's rows): the row's number in the file first uploaded. */
  original_row_number?: number | null;
}

export interface PageRequest {
  jobId: string;
  /** Rows after this row number (keyset); 0 for the first page. */
  after: number;
  /** Rows to skip after `after` (offset paging); 0 for keyset paging. */
  offset?: number;
  /** Extra conditions on the rows, with their parameters numbered from $5 on. */
  filter?: { sql: string; params: unknown[] };
  maxRows: number;
  maxBytes: number;
  /** What each row costs the caller beyond its values and message (delimiters, keys...). */
  bytesPerRow: number;
  /** Also read each row's number in the file first uploaded (the rows of a retry). */
  withOrigins?: boolean;
}

export interface Page {
  rows: NotImportedRow[];
  /** Whether rows after the last one of this page match too (cut by count or by bytes). */
  more: boolean;
}

export async function readNotImportedPage(query: QueryRows, request: PageRequest): Promise<Page> {
  const filter = request.filter ? ` AND ${request.filter.sql}` : '';
  const origin = request.withOrigins
    ? `, (SELECT o.original_row_number FROM service_import_row_origins o
           WHERE o.job_id = $1 AND o.row_number = service_import_rows.row_number) AS original_row_number`
    : '';
  const rows: (NotImportedRow & { fetched: number })[] = await query(
    bytesBoundedPageSql(
      `row_number, outcome, reason, message, "values"${request.withOrigins ? ', original_row_number' : ''}`,
      `SELECT row_number, outcome, reason, message, "values"${origin},
              octet_length("values"::text) + octet_length(message) + $4 AS bytes
         FROM service_import_rows
        WHERE job_id = $1 AND row_number > $2${filter}
        ORDER BY row_number LIMIT $3 + 1 OFFSET ${Math.max(0, Math.floor(request.offset ?? 0))}`,
      String(Math.max(1, Math.floor(request.maxBytes))),
    ),
    [request.jobId, request.after, request.maxRows, request.bytesPerRow, ...(request.filter?.params ?? [])],
  );
  return cutPage(rows, request.maxRows);
}
