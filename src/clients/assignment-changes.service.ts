import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInChunks } from '../common/delete-in-chunks';
import {
  AssignmentChangeAction,
  AssignmentChangeDto,
  AssignmentFieldChangesDto,
} from './dto/assignment-change.dto';

/** A row of assignment_changes as read: dates and prices rendered by PostgreSQL. */
interface ChangeRow {
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
const COLUMNS = `row_number, action, assignment_id, client_code, service_code, changed,
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

/**
 * Reads what a run (an import, by its change set) created and changed, in row order, and forgets it
 * when asked. AssignmentBulkService writes the records, in the transaction of each batch.
 */
@Injectable()
export class AssignmentChangesService {
  constructor(private readonly db: DataSource) {}

  /** One page of a change set's records, in row order; `action` filters. */
  async page(
    changeSet: string,
    filter: { action?: AssignmentChangeAction; page: number; limit: number },
  ): Promise<{ items: AssignmentChangeDto[]; total: number }> {
    const params: unknown[] = [changeSet];
    let where = 'change_set = $1';
    if (filter.action) {
      params.push(filter.action);
      where += ` AND action = $${params.length}`;
    }
    const [{ total }] = await this.db.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM assignment_changes WHERE ${where}`,
      params,
    );
    const offset = (filter.page - 1) * filter.limit;
    const rows =
      offset < total
        ? await this.db.query<ChangeRow[]>(
            `SELECT ${COLUMNS} FROM assignment_changes WHERE ${where}
              ORDER BY row_number LIMIT ${filter.limit} OFFSET ${offset}`,
            params,
          )
        : [];
    return { items: rows.map(toChangeDto), total };
  }

  /** Up to `limit` records after row `after`, in row order (for writing them all, page by page). */
  async after(changeSet: string, after: number, limit: number): Promise<AssignmentChangeDto[]> {
    const rows = await this.db.query<ChangeRow[]>(
      `SELECT ${COLUMNS} FROM assignment_changes WHERE change_set = $1 AND row_number > $2
        ORDER BY row_number LIMIT $3`,
      [changeSet, after, limit],
    );
    return rows.map(toChangeDto);
  }

  async count(changeSet: string): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM assignment_changes WHERE change_set = $1`,
      [changeSet],
    );
    return n;
  }

  /** Forgets the pairs a run handled: needed only while it runs (its change records stay). */
  discardRunPairs(changeSet: string): Promise<void> {
    return deleteInChunks(this.db, 'assignment_run_pairs', 'change_set', changeSet);
  }

  /** Forgets everything a run recorded (its retention ended). */
  async discard(changeSet: string): Promise<void> {
    await this.discardRunPairs(changeSet);
    await deleteInChunks(this.db, 'assignment_changes', 'change_set', changeSet);
  }
}

function toChangeDto(row: ChangeRow): AssignmentChangeDto {
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
