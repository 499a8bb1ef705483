import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { LOCK_BATCH_SQL, revertBatchSql } from './assignment-revert-sql';

/** Why a change record was not undone. */
export type RevertSkipReason = 'CHANGED_SINCE' | 'GONE';

export interface RevertBatchRequest {
  /** The reverted import's change set, and its code (what its assignments record). */
  changeSet: string;
  sourceCode: string;
  /** The revert's own change set and code. */
  revertSet: string;
  revertCode: string;
  /** Records after this row number, up to `after + window` (so at most `window` of them). */
  after: number;
  window: number;
  dryRun: boolean;
}

export interface RevertVerdict {
  rowNumber: number;
  verdict: 'Reverted' | RevertSkipReason;
  clientCode: string;
  serviceCode: string;
  /** The import that changed the assignment last, for CHANGED_SINCE; null when no other import did. */
  lastChangedBy: string | null;
}

/**
 * Undoes an import's changes, a batch of change records at a time, in the caller's transaction: an
 * assignment it created is deleted, one it updated gets back the values it replaced, each only if it
 * still holds what the import wrote; the revert's own records go into the change log (Deleted,
 * Restored). A dry run judges the same way and records what it would do, writing no assignment.
 * One statement per batch (assignment-revert-sql.ts).
 */
@Injectable()
export class AssignmentRevertService {
  async revertBatch(db: ClientBase, request: RevertBatchRequest): Promise<RevertVerdict[]> {
    await db.query(LOCK_BATCH_SQL, [request.changeSet, request.after, request.window]);
    const result = await db.query<{
      row_number: number;
      verdict: RevertVerdict['verdict'];
      client_code: string;
      service_code: string;
      last_code: string | null;
    }>(
      revertBatchSql(request.dryRun ? 'dry' : 'real'),
      // A dry run writes no assignment: the revert's code ($6) has nowhere to go.
      [request.changeSet, request.after, request.window, request.sourceCode, request.revertSet].concat(
        request.dryRun ? [] : [request.revertCode],
      ),
    );
    return result.rows.map((row) => ({
      rowNumber: row.row_number,
      verdict: row.verdict,
      clientCode: row.client_code,
      serviceCode: row.service_code,
      lastChangedBy: row.last_code,
    }));
  }

  /** How many change records of `changeSet` a revert goes through. */
  async countRevertible(db: ClientBase, changeSet: string): Promise<number> {
    const result = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM assignment_changes WHERE change_set = $1 AND action IN ('Created', 'Updated')`,
      [changeSet],
    );
    return result.rows[0].n;
  }

  /** The highest row number of `changeSet`'s records a revert goes through (0 when it has none). */
  async lastRevertible(db: ClientBase, changeSet: string): Promise<number> {
    const result = await db.query<{ n: number | null }>(
      `SELECT max(row_number) AS n FROM assignment_changes WHERE change_set = $1 AND action IN ('Created', 'Updated')`,
      [changeSet],
    );
    return result.rows[0].n ?? 0;
  }

  /** The last row number a revert has judged: its own records and its not-reverted rows say. */
  async lastJudged(db: ClientBase, revertSet: string): Promise<number> {
    const result = await db.query<{ n: number | null }>(
      `SELECT max(row_number) AS n FROM assignment_changes WHERE change_set = $1`,
      [revertSet],
    );
    return result.rows[0].n ?? 0;
  }
}
