// The assignments as a spec seeds and reads them back (codes, not ids; dates and prices as text).
import { DataSource } from 'typeorm';
import { byPair, type StoredAssignment } from './assignment-model';

/** Replaces every assignment with `list`; returns them as stored (with their ids), by pair. */
export async function seedAssignments(db: DataSource, list: StoredAssignment[]): Promise<StoredAssignment[]> {
  await db.query(`DELETE FROM client_billable_services`);
  if (list.length === 0) return [];
  await db.query(
    `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes)
     SELECT c.id, s.id, v.q, v.p::numeric, v.sd::date, v.ed::date, v.n
       FROM jsonb_to_recordset($1::jsonb) AS v(c text, s text, q int, p text, sd text, ed text, n text)
       JOIN clients c ON c.code = v.c JOIN billable_services s ON s.code = v.s`,
    [
      JSON.stringify(
        list.map((a) => ({
          c: a.client,
          s: a.service,
          q: a.quantity,
          p: a.unitPrice,
          sd: a.startDate,
          ed: a.endDate,
          n: a.notes,
        })),
      ),
    ],
  );
  return readAssignments(db);
}

/** Every assignment, by client then service code. */
export async function readAssignments(db: DataSource): Promise<StoredAssignment[]> {
  const rows: StoredAssignment[] = await db.query(
    `SELECT a.id, c.code AS client, s.code AS service, a.quantity, a.unit_price::text AS "unitPrice",
            to_char(a.start_date, 'YYYY-MM-DD') AS "startDate", to_char(a.end_date, 'YYYY-MM-DD') AS "endDate",
            a.notes, a.import_code AS "importCode"
       FROM client_billable_services a JOIN clients c ON c.id = a.client_id
       JOIN billable_services s ON s.id = a.billable_service_id`,
  );
  return rows.sort(byPair);
}
