/**
 * Reading a change set's records (assignment_changes) in row order, as plain code: no Nest, no
 * TypeORM, so that a thread with a pg Client of its own (the change log file's writer) reads them
 * the same way as AssignmentChangesService does.
 */
import { bytesBoundedPageSql, cutPage, type QueryRows } from '../common/bytes-bounded-page';
import type {
  AssignmentChangeAction,
  AssignmentChangeDto,
  AssignmentFieldChangesDto,
} from './dto/assignment-change.dto';

/** A row of assignment_changes as read: dates and prices rendered by PostgreSQL. */
export interface ChangeRow {
  row_number: number;
  action: AssignmentChangeAction;
  assignment_id: string | null;
  client_code: string;
  service_code: string;
  changed: number;
  q0: number | null;
  q1: number | null;
  p0: string | null;
  p1: string | null;
  sd0: string | null;
  sd1: string | null;
  ed0: string | null;
  ed1: string | null;
  n0: string | null;
  n1: string | null;
}

// Dates by PostgreSQL (node-pg would make a local-midnight Date of a `date`); numeric(12,2) as text.
export const CHANGE_ROW_COLUMNS = `row_number, action, assignment_id, client_code, service_code, changed,
  quantity_from AS q0, quantity_to AS q1, unit_price_from::text AS p0, unit_price_to::text AS p1,
  to_char(start_date_from, 'YYYY-MM-DD') AS sd0, to_char(start_date_to, 'YYYY-MM-DD') AS sd1,
  to_char(end_date_from, 'YYYY-MM-DD') AS ed0, to_char(end_date_to, 'YYYY-MM-DD') AS ed1,
  notes_from AS n0, notes_to AS n1`;

/** The bits of assignment_changes.changed, in the order the fields are shown. */
const FIELDS = [
  ['quantity', 1, 'q0', 'q1'],
  ['unitPrice', 2, 'p0', 'p1'],
  ['startDate', 4, 'sd0', 'sd1'],
  ['endDate', 8, 'ed0', 'ed1'],
  ['notes', 16, 'n0', 'n1'],
] as const;

export type ChangeField = (typeof FIELDS)[number][0];

export function toChangeDto(row: ChangeRow): AssignmentChangeDto {
  const changes: AssignmentFieldChangesDto = {};
  for (const [name, bit, from, to] of FIELDS) {
    if ((row.changed & bit) !== 0) {
      (changes as Record<string, unknown>)[name] = { from: row[from], to: row[to] };
    }
  }
  return {
    rowNumber: row.row_number,
    action: row.action,
    assignmentId: row.assignment_id,
    clientCode: row.client_code,
    serviceCode: row.service_code,
    changes,
  };
}

export interface ChangePageRequest {
  changeSet: string;
  /** Records after this row number (keyset); 0 for the first page. */
  after: number;
  maxRows: number;
  /** About how many bytes of codes and notes a page may hold. */
  maxBytes: number;
}

export interface ChangePage {
  items: AssignmentChangeDto[];
  /** Whether records follow the last one of this page. */
  more: boolean;
}

/** What a record costs besides its codes and notes: its row number, uuid, dates, prices, keys. */
const BYTES_PER_RECORD = 256;

/**
 * One page of a change set's records after row `after`, in row order, cut by count and by bytes: a
 * record's notes and codes are whatever was stored. Holds at least one record if one is left.
 */
export async function readChangePage(query: QueryRows, request: ChangePageRequest): Promise<ChangePage> {
  const rows: (ChangeRow & { fetched: number })[] = await query(
    bytesBoundedPageSql(
      CHANGE_ROW_COLUMNS,
      `SELECT *, octet_length(client_code) + octet_length(service_code) + coalesce(octet_length(notes_from), 0)
                 + coalesce(octet_length(notes_to), 0) + ${BYTES_PER_RECORD} AS bytes
         FROM assignment_changes WHERE change_set = $1 AND row_number > $2
        ORDER BY row_number LIMIT $3 + 1`,
      String(Math.max(1, Math.floor(request.maxBytes))),
    ),
    [request.changeSet, request.after, request.maxRows],
  );
  const page = cutPage(rows, request.maxRows);
  return { items: page.rows.map(toChangeDto), more: page.more };
}
