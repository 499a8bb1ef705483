import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInChunks } from '../common/delete-in-chunks';
import { CHANGE_ROW_COLUMNS as COLUMNS, type ChangeRow, toChangeDto } from './assignment-change-pages';
import { AssignmentChangeAction, AssignmentChangeDto } from './dto/assignment-change.dto';

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

  /**
   * Whether the change set has a record: one index probe, where a count reads every record (tenths of a second
   * after a 1M-row upsert, at the end of the import, which is all it needs).
   */
  async any(changeSet: string): Promise<boolean> {
    const [{ found }] = await this.db.query<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM assignment_changes WHERE change_set = $1) AS found`,
      [changeSet],
    );
    return found;
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
