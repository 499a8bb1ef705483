/**
 * One batch of a revert in two statements (LOCK_BATCH_SQL, then revertBatchSql): the next change records of the reverted import (in row
 * order, after `$2`), their assignments locked, each judged, and, in a real revert, undone; the
 * revert's own change records written; the verdict of every record returned.
 *
 * Parameters: $1 the import's change set, $2 after this row number, $3 the window (row numbers up to $2 + $3),
 * $4 the import's code, $5 the revert's change set (its job id), $6 the revert's code.
 *
 * A record is undone only if its assignment still holds what the import wrote: the import is still
 * the last to have changed it (import_code) and the fields it wrote hold its values (every field for a
 * created assignment, the changed ones for an update). Otherwise it is kept (CHANGED_SINCE, naming
 * who changed it last), or, if the assignment no longer exists, reported GONE.
 */
import { CHANGE_COLUMNS_FROM_TO } from './assignment-create-sql';

const SAME = (field: string, to: string) => `a.${field} IS NOT DISTINCT FROM r.${to}`;

const HOLDS_CREATED = [
  SAME('quantity', 'quantity_to'),
  SAME('unit_price', 'unit_price_to'),
  SAME('start_date', 'start_date_to'),
  SAME('end_date', 'end_date_to'),
  SAME('notes', 'notes_to'),
].join(' AND ');

const HOLDS_UPDATED = [
  ['quantity', 'quantity_to', 1],
  ['unit_price', 'unit_price_to', 2],
  ['start_date', 'start_date_to', 4],
  ['end_date', 'end_date_to', 8],
  ['notes', 'notes_to', 16],
]
  .map(([field, to, bit]) => `(r.changed & ${bit} = 0 OR ${SAME(field as string, to as string)})`)
  .join(' AND ');

/** Set a field back to the record's before-value if the import changed it. */
const RESTORE = (field: string, from: string, bit: number) =>
  `${field} = CASE WHEN v.changed & ${bit} <> 0 THEN v.${from} ELSE x.${field} END`;

/**
 * A window of row numbers, not a LIMIT: `row_number > $2 ORDER BY row_number LIMIT $3` read every
 * record after $2 to sort them whenever the planner misjudged the change set's size (it has no
 * statistics on a change set written moments ago), which made a revert quadratic. A window of $3 row
 * numbers holds at most $3 records, whatever the plan.
 */
const NEXT_RECORDS = `
    SELECT * FROM assignment_changes
     WHERE change_set = $1 AND row_number > $2 AND row_number <= $2 + $3 AND action IN ('Created', 'Updated')
     ORDER BY row_number`;

/**
 * First, a statement of its own: the batch's assignments locked, in id order (as every writer of
 * assignments locks them). The batch statement that follows takes a new snapshot (READ COMMITTED)
 * once the locks are held, so it judges the values as the last writer left them, and nobody can
 * change them before it commits. (Joined with the locked rows inside one statement, the planner,
 * which cannot estimate a CTE, compared every record with every locked row.)
 */
export const LOCK_BATCH_SQL = `
  SELECT a.id FROM client_billable_services a
   WHERE a.id IN (SELECT assignment_id FROM (${NEXT_RECORDS}) r)
   ORDER BY a.id FOR UPDATE`;

export const revertBatchSql = (target: 'real' | 'dry') => `
  WITH r AS (${NEXT_RECORDS}),
  v AS (
    -- Who changed it last, when not the import itself (a field edited outside any import keeps its code).
    SELECT r.*, a.id AS current_id, nullif(a.import_code, $4) AS last_code,
           a.quantity AS q, a.unit_price AS p, a.start_date AS sd, a.end_date AS ed, a.notes AS n,
           CASE WHEN a.id IS NULL THEN 'GONE'
                WHEN a.import_code IS DISTINCT FROM $4 THEN 'CHANGED_SINCE'
                WHEN r.action = 'Created' AND ${HOLDS_CREATED} THEN 'Reverted'
                WHEN r.action = 'Updated' AND ${HOLDS_UPDATED} THEN 'Reverted'
                ELSE 'CHANGED_SINCE' END AS verdict
      FROM r LEFT JOIN client_billable_services a ON a.id = r.assignment_id
  ),
  ${
    target === 'real'
      ? `deleted AS (
    DELETE FROM client_billable_services x
     USING v WHERE x.id = v.current_id AND v.verdict = 'Reverted' AND v.action = 'Created'
  ),
  restored AS (
    UPDATE client_billable_services x
       SET ${RESTORE('quantity', 'quantity_from', 1)}, ${RESTORE('unit_price', 'unit_price_from', 2)},
           ${RESTORE('start_date', 'start_date_from', 4)}, ${RESTORE('end_date', 'end_date_from', 8)},
           ${RESTORE('notes', 'notes_from', 16)},
           import_job_id = $5, import_code = $6, updated_at = now()
      FROM v WHERE x.id = v.current_id AND v.verdict = 'Reverted' AND v.action = 'Updated'
  ),`
      : ''
  }
  recorded AS (
    INSERT INTO assignment_changes (${CHANGE_COLUMNS_FROM_TO})
    SELECT $5, row_number, CASE WHEN action = 'Created' THEN 'Deleted' ELSE 'Restored' END, assignment_id,
           client_code, service_code, CASE WHEN action = 'Created' THEN 31 ELSE changed END,
           CASE WHEN action = 'Created' THEN q ELSE quantity_to END,
           CASE WHEN action = 'Created' THEN NULL ELSE quantity_from END,
           CASE WHEN action = 'Created' THEN p ELSE unit_price_to END,
           CASE WHEN action = 'Created' THEN NULL ELSE unit_price_from END,
           CASE WHEN action = 'Created' THEN sd ELSE start_date_to END,
           CASE WHEN action = 'Created' THEN NULL ELSE start_date_from END,
           CASE WHEN action = 'Created' THEN ed ELSE end_date_to END,
           CASE WHEN action = 'Created' THEN NULL ELSE end_date_from END,
           CASE WHEN action = 'Created' THEN n ELSE notes_to END,
           CASE WHEN action = 'Created' THEN NULL ELSE notes_from END
      FROM v WHERE verdict = 'Reverted'
  )
  SELECT row_number, verdict, client_code, service_code, last_code FROM v ORDER BY row_number`;
