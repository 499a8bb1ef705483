/**
 * The one statement that assigns a staged batch in create mode (AssignmentBulkService). Kept as it
 * was before write modes existed, with the change log added: create only adds.
 */

/** The staging table: one batch's rows as the parse thread wrote them (AssignmentStageBuilder). */
export const STAGE_DDL = `
  CREATE TEMP TABLE IF NOT EXISTS assignment_stage (
    rn integer NOT NULL,
    first boolean NOT NULL,
    deferred boolean NOT NULL,
    cc text NOT NULL,
    sc text NOT NULL,
    qty integer,
    price numeric(12,2),
    sd date,
    ed date,
    notes text,
    clr smallint NOT NULL
  ) ON COMMIT DELETE ROWS`;

/** The bits of assignment_changes.changed for an assignment's values as created. */
export const CREATED_BITS = (sd: string, ed: string, notes: string) =>
  `(3 | CASE WHEN ${sd} IS NULL THEN 0 ELSE 4 END | CASE WHEN ${ed} IS NULL THEN 0 ELSE 8 END
      | CASE WHEN ${notes} IS NULL THEN 0 ELSE 16 END)::smallint`;

export const CHANGE_COLUMNS = `change_set, row_number, action, assignment_id, client_code, service_code, changed,
  quantity_to, unit_price_to, start_date_to, end_date_to, notes_to`;

/** The columns of a change record that has a before-value too (an update, a revert's undo). */
export const CHANGE_COLUMNS_FROM_TO = `change_set, row_number, action, assignment_id, client_code, service_code,
  changed, quantity_from, quantity_to, unit_price_from, unit_price_to, start_date_from, start_date_to,
  end_date_from, end_date_to, notes_from, notes_to`;

/**
 * Resolves the codes of the batch's rows (deferred ones, or the others) with two joins (a client is
 * one index lookup per row, forced by the LATERAL ... OFFSET 0: the cost follows the batch, never
 * the size of the clients table, and the staging table needs no statistics), inserts the first
 * occurrence of every pair in (client, service) order, records a change for each, and reports every
 * row that was not created. Same-pair rows later in the batch ("first" false) are never inserted:
 * they are ALREADY_ASSIGNED once their pair exists. Inserting in one order keeps two one-statement
 * batches from deadlocking; PostgreSQL resolves the deadlocks that remain possible (see
 * BatchPipeline). A dry run records the pairs it would create in assignment_run_pairs instead, so
 * that later rows of the file are judged as in a real run. $1 the change set, $2 the import code.
 */
export const createSql = (target: 'real' | 'dry', deferred: boolean) => `
  WITH s AS (
    SELECT st.rn, st.first, c.id AS client_id, c.is_active, b.id AS service_id, c.code AS client_code,
           b.code AS service_code, coalesce(st.qty, 1) AS qty, coalesce(st.price, b.unit_price) AS price,
           st.sd, st.ed, st.notes
      FROM assignment_stage st
      LEFT JOIN LATERAL (SELECT id, code, is_active FROM clients WHERE lower(code) = st.cc OFFSET 0) c ON true
      LEFT JOIN billable_services b ON lower(b.code) = st.sc
     WHERE st.deferred = ${deferred}
  ),
  ins AS (
    ${
      target === 'real'
        ? `INSERT INTO client_billable_services
             (client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes,
              import_job_id, import_code)
           SELECT client_id, service_id, qty, price, sd, ed, notes, $1, $2
             FROM s
            WHERE first AND client_id IS NOT NULL AND is_active AND service_id IS NOT NULL
            ORDER BY client_id, service_id
           ON CONFLICT (client_id, billable_service_id) DO NOTHING
           RETURNING id, client_id, billable_service_id`
        : `INSERT INTO assignment_run_pairs (change_set, client_id, billable_service_id, row_number)
           SELECT $1, client_id, service_id, rn
             FROM s
            WHERE first AND client_id IS NOT NULL AND is_active AND service_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM client_billable_services x
                               WHERE x.client_id = s.client_id AND x.billable_service_id = s.service_id)
            ORDER BY client_id, service_id
           ON CONFLICT DO NOTHING
           RETURNING NULL::uuid AS id, client_id, billable_service_id`
    }
  ),
  chg AS (
    INSERT INTO assignment_changes (${CHANGE_COLUMNS})
    SELECT $1, s.rn, 'Created', ins.id, s.client_code, s.service_code, ${CREATED_BITS('s.sd', 's.ed', 's.notes')},
           s.qty, s.price, s.sd, s.ed, s.notes
      FROM ins JOIN s ON s.first AND s.client_id = ins.client_id AND s.service_id = ins.billable_service_id
  )
  SELECT s.rn,
         CASE WHEN s.client_id IS NULL THEN 'CLIENT_NOT_FOUND'
              WHEN s.service_id IS NULL THEN 'SERVICE_NOT_FOUND'
              WHEN NOT s.is_active THEN 'CLIENT_INACTIVE'
              WHEN ins.client_id IS NULL THEN 'ALREADY_ASSIGNED'
         END AS reason
    FROM s
    LEFT JOIN ins ON s.first AND ins.client_id = s.client_id AND ins.billable_service_id = s.service_id
   WHERE ins.client_id IS NULL
   ORDER BY s.rn`;
