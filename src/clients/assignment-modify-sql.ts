/**
 * The statements that assign a staged batch in upsert and update mode (AssignmentBulkService), run
 * in this order in the batch's transaction, on one pass's rows (the deferred ones, or the others):
 *
 * 1. resolve: codes to ids, and the rows that cannot be written (unknown or inactive client, unknown
 *    service, a pair an earlier row of the file already handled) into the work table;
 * 2. record: the pairs this pass handles, so later rows of the file know them;
 * 3. lock: the stored assignments of the pending rows, locked and read (their values before);
 *    1 to 3 are one statement (resolveSql), the lock is taken again after 4 (lockSql);
 * 4. create (upsert): the pairs the client does not have; a pair another transaction created
 *    meanwhile is not created, and is locked and updated by a second round of 3;
 * 5. apply: every pending row merged with the stored values (an empty cell keeps the stored value,
 *    a CLEAR bit clears it), checked (end date before start date), compared, written when it differs.
 * Each created and updated assignment gets a change record (assignment_changes) in the same
 * statement that writes it. A dry run does the same reads and records, and writes no assignment.
 * $1 is the change set, $2 the import code. The temporary tables have no statistics, so the planner
 * guesses a handful of rows: every lookup of a big table is one index probe per row (LATERAL ...
 * OFFSET 0, as clients in create mode, or a key the planner can only probe), and the work table has
 * indexes on what it is joined by, so a nested loop over it never scans it per row (a batch's cost
 * follows the batch, not the square of it, nor the size of the tables or of the run so far).
 */
import { CHANGE_COLUMNS, CHANGE_COLUMNS_FROM_TO, CREATED_BITS } from './assignment-create-sql';

/**
 * Half of every page left free: the steps after the first update each pending row in place (HOT, no
 * new entry in either index), which a full page cannot.
 */
export const WORK_DDL = `
  CREATE TEMP TABLE IF NOT EXISTS assignment_work (
    rn integer NOT NULL,
    client_id uuid,
    service_id uuid,
    client_code text,
    service_code text,
    catalog_price numeric(12,2),
    qty integer,
    price numeric(12,2),
    sd date,
    ed date,
    notes text,
    clr smallint NOT NULL,
    dup_of integer,
    assignment_id uuid,
    q0 integer,
    p0 numeric(12,2),
    sd0 date,
    ed0 date,
    n0 text,
    outcome text
  ) WITH (fillfactor = 50) ON COMMIT DELETE ROWS;
  CREATE INDEX IF NOT EXISTS assignment_work_rn ON assignment_work (rn);
  CREATE INDEX IF NOT EXISTS assignment_work_pair ON assignment_work (client_id, service_id)`;

/**
 * 1-3 in one statement: the rows of the pass, resolved (dup_of names the row of the file that
 * handles their pair), the pairs of the pending rows (one first row per pair) recorded for the rest
 * of the file, and the stored assignments of the pending rows locked (real) and read, in (client,
 * service) order as lockSql() does. One pass over the batch instead of three: the work table is
 * written once, not written and then updated row by row with what the lock read.
 */
export const resolveSql = (deferred: boolean, target: 'real' | 'dry') => `
  WITH r AS (
    SELECT r.*,
           CASE WHEN r.client_id IS NULL THEN 'CLIENT_NOT_FOUND'
                WHEN r.service_id IS NULL THEN 'SERVICE_NOT_FOUND'
                WHEN NOT r.is_active THEN 'CLIENT_INACTIVE'
                WHEN r.dup_of IS NOT NULL THEN 'DUPLICATE_IN_FILE'
           END AS outcome
      FROM (
        SELECT st.rn, c.id AS client_id, c.is_active, b.id AS service_id, c.code AS client_code,
               b.code AS service_code, b.unit_price AS catalog_price,
               st.qty, st.price, st.sd, st.ed, st.notes, st.clr,
               CASE WHEN st.first THEN p.row_number
                    ELSE coalesce(p.row_number, min(st.rn) OVER (PARTITION BY st.cc, st.sc)) END AS dup_of
          FROM assignment_stage st
          LEFT JOIN LATERAL (SELECT id, code, is_active FROM clients WHERE lower(code) = st.cc OFFSET 0) c ON true
          LEFT JOIN billable_services b ON lower(b.code) = st.sc
          LEFT JOIN LATERAL (SELECT row_number FROM assignment_run_pairs
                              WHERE change_set = $1 AND client_id = c.id AND billable_service_id = b.id
                             OFFSET 0) p ON true
         WHERE st.deferred = ${deferred}
      ) r
  ),
  recorded AS (
    INSERT INTO assignment_run_pairs (change_set, client_id, billable_service_id, row_number)
    SELECT $1, client_id, service_id, rn FROM r WHERE outcome IS NULL
  )
  INSERT INTO assignment_work (rn, client_id, service_id, client_code, service_code, catalog_price,
                               qty, price, sd, ed, notes, clr, dup_of, outcome,
                               assignment_id, q0, p0, sd0, ed0, n0)
  SELECT w.rn, w.client_id, w.service_id, w.client_code, w.service_code, w.catalog_price,
         w.qty, w.price, w.sd, w.ed, w.notes, w.clr, w.dup_of, w.outcome,
         x.id, x.quantity, x.unit_price, x.start_date, x.end_date, x.notes
    -- The nested loop keeps this order: the locks are taken pair by pair in (client, service) order.
    FROM (SELECT * FROM r ORDER BY client_id, service_id) w
    LEFT JOIN LATERAL (
      SELECT id, quantity, unit_price, start_date, end_date, notes FROM client_billable_services
       WHERE w.outcome IS NULL AND client_id = w.client_id AND billable_service_id = w.service_id
       ${target === 'real' ? 'FOR UPDATE' : ''}) x ON true`;

/** 3. The stored assignments of pending rows not read yet: locked (real) and read. */
export const lockSql = (target: 'real' | 'dry') => `
  WITH old AS (
    SELECT w.rn, x.id, x.quantity, x.unit_price, x.start_date, x.end_date, x.notes
      FROM (SELECT rn, client_id, service_id FROM assignment_work
             WHERE outcome IS NULL AND assignment_id IS NULL ORDER BY client_id, service_id) w
      CROSS JOIN LATERAL (
        SELECT id, quantity, unit_price, start_date, end_date, notes FROM client_billable_services
         WHERE client_id = w.client_id AND billable_service_id = w.service_id
         ${target === 'real' ? 'FOR UPDATE' : ''}) x
  )
  UPDATE assignment_work w
     SET assignment_id = old.id, q0 = old.quantity, p0 = old.unit_price, sd0 = old.start_date,
         ed0 = old.end_date, n0 = old.notes
    FROM old WHERE w.rn = old.rn`;

/** 3b (update mode). Pending rows whose pair the client does not have. */
export const NOT_ASSIGNED_SQL = `
  UPDATE assignment_work SET outcome = 'NOT_ASSIGNED' WHERE outcome IS NULL AND assignment_id IS NULL`;

/** 4 (upsert). The pairs the client does not have, created, with their change records. */
export const createMissingSql = (target: 'real' | 'dry') => `
  WITH ins AS (
    ${
      target === 'real'
        ? `INSERT INTO client_billable_services
             (client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes,
              import_job_id, import_code)
           SELECT client_id, service_id, coalesce(qty, 1), coalesce(price, catalog_price), sd, ed, notes, $1, $2
             FROM assignment_work WHERE outcome IS NULL AND assignment_id IS NULL
            ORDER BY client_id, service_id
           ON CONFLICT (client_id, billable_service_id) DO NOTHING
           RETURNING id, client_id, billable_service_id`
        : `SELECT NULL::uuid AS id, client_id, service_id AS billable_service_id
             FROM assignment_work WHERE outcome IS NULL AND assignment_id IS NULL`
    }
  ),
  done AS (
    UPDATE assignment_work w SET outcome = 'Created', assignment_id = ins.id
      FROM ins
     WHERE w.outcome IS NULL AND w.assignment_id IS NULL
       AND w.client_id = ins.client_id AND w.service_id = ins.billable_service_id
    RETURNING w.rn, ins.id, w.client_code, w.service_code, coalesce(w.qty, 1) AS qty,
              coalesce(w.price, w.catalog_price) AS price, w.sd, w.ed, w.notes
  )
  INSERT INTO assignment_changes (${CHANGE_COLUMNS})
  SELECT $1, rn, 'Created', id, client_code, service_code, ${CREATED_BITS('sd', 'ed', 'notes')},
         qty, price, sd, ed, notes
    FROM done`;

/** Pending rows still without an assignment after a round of 4 and 3 (deleted meanwhile). */
export const UNRESOLVED_SQL = `
  SELECT count(*)::int AS n FROM assignment_work WHERE outcome IS NULL AND assignment_id IS NULL`;

const bit = (on: string, value: number) => `CASE WHEN ${on} THEN ${value} ELSE 0 END`;
const fromTo = (bitValue: number, from: string, to: string) =>
  `CASE WHEN changed & ${bitValue} <> 0 THEN ${from} END, CASE WHEN changed & ${bitValue} <> 0 THEN ${to} END`;

/** 5. Every pending row with its assignment: merged, checked, compared, written (real) and recorded. */
export const applySql = (target: 'real' | 'dry') => `
  WITH n AS (
    SELECT rn, assignment_id, client_code, service_code, q0, p0, sd0, ed0, n0,
           coalesce(qty, q0) AS q1,
           coalesce(price, p0) AS p1,
           CASE WHEN clr & 1 <> 0 THEN NULL ELSE coalesce(sd, sd0) END AS sd1,
           CASE WHEN clr & 2 <> 0 THEN NULL ELSE coalesce(ed, ed0) END AS ed1,
           CASE WHEN clr & 4 <> 0 THEN NULL ELSE coalesce(notes, n0) END AS n1
      FROM assignment_work WHERE outcome IS NULL AND assignment_id IS NOT NULL
  ),
  d AS (
    SELECT n.*,
           (${bit('q1 IS DISTINCT FROM q0', 1)} | ${bit('p1 IS DISTINCT FROM p0', 2)}
            | ${bit('sd1 IS DISTINCT FROM sd0', 4)} | ${bit('ed1 IS DISTINCT FROM ed0', 8)}
            | ${bit('n1 IS DISTINCT FROM n0', 16)})::smallint AS changed,
           coalesce(ed1 < sd1, false) AS bad_range
      FROM n
  ),
  ${
    target === 'real'
      ? `upd AS (
    UPDATE client_billable_services x
       SET quantity = d.q1, unit_price = d.p1, start_date = d.sd1, end_date = d.ed1, notes = d.n1,
           import_job_id = $1, import_code = $2, updated_at = now()
      FROM d WHERE x.id = d.assignment_id AND d.changed <> 0 AND NOT d.bad_range
  ),`
      : ''
  }
  chg AS (
    INSERT INTO assignment_changes (${CHANGE_COLUMNS_FROM_TO})
    SELECT $1, rn, 'Updated', assignment_id, client_code, service_code, changed,
           ${fromTo(1, 'q0', 'q1')}, ${fromTo(2, 'p0', 'p1')}, ${fromTo(4, 'sd0', 'sd1')},
           ${fromTo(8, 'ed0', 'ed1')}, ${fromTo(16, 'n0', 'n1')}
      FROM d WHERE changed <> 0 AND NOT bad_range
  )
  UPDATE assignment_work w
     SET outcome = CASE WHEN d.bad_range THEN 'INVALID_DATE_RANGE'
                        WHEN d.changed = 0 THEN 'Unchanged' ELSE 'Updated' END,
         sd = d.sd1, ed = d.ed1
    FROM d WHERE w.rn = d.rn`;

/** The pass's outcomes: how many of each, and the rows that were not imported. */
export const OUTCOMES_SQL = `
  SELECT rn, outcome, dup_of, to_char(sd, 'YYYY-MM-DD') AS sd, to_char(ed, 'YYYY-MM-DD') AS ed
    FROM assignment_work WHERE outcome NOT IN ('Created', 'Updated', 'Unchanged')
   ORDER BY rn`;

export const COUNTS_SQL = `
  SELECT count(*) FILTER (WHERE outcome = 'Created')::int AS created,
         count(*) FILTER (WHERE outcome = 'Updated')::int AS updated,
         count(*) FILTER (WHERE outcome = 'Unchanged')::int AS unchanged
    FROM assignment_work`;
