/**
 * The statements of the assignment export. COPY takes no parameters, so the filters reach it as
 * literals: only ids PostgreSQL itself returned (checked to be uuids again here), never request text.
 */

/** Filters of the export, as the ids of the clients and services asked for; null = all. */
export interface ExportFilter {
  clientIds: string[] | null;
  serviceIds: string[] | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uuidArray(ids: string[]): string {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`Not a uuid: ${id}`);
  return `'{${ids.join(',')}}'::uuid[]`;
}

function whereSql({ clientIds, serviceIds }: ExportFilter): string {
  const conditions = [
    clientIds && `a.client_id = ANY(${uuidArray(clientIds)})`,
    serviceIds && `a.billable_service_id = ANY(${uuidArray(serviceIds)})`,
  ].filter(Boolean);
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** Ids of the clients or services with these codes (lower case), and the codes they answer. */
export function resolveCodesSql(table: 'clients' | 'billable_services'): string {
  return `SELECT id, lower(code) AS code FROM ${table} WHERE lower(code) = ANY($1::text[])`;
}

export function countSql(filter: ExportFilter): string {
  return `SELECT count(*)::int AS total FROM client_billable_services a ${whereSql(filter)}`;
}

/**
 * The rows in the columns and value formats of the import (ASSIGNMENT_COLUMNS): codes as stored,
 * numeric(12,2) as text ("12.50"), dates rendered by PostgreSQL (YYYY-MM-DD), NULL for an empty cell.
 * Ordered by the codes, which are unique case-insensitively, so the order is total and repeatable.
 */
export function copySql(filter: ExportFilter): string {
  return `COPY (
    SELECT c.code, s.code, a.quantity, a.unit_price,
           to_char(a.start_date, 'YYYY-MM-DD'), to_char(a.end_date, 'YYYY-MM-DD'), a.notes
      FROM client_billable_services a
      JOIN clients c ON c.id = a.client_id
      JOIN billable_services s ON s.id = a.billable_service_id
      ${whereSql(filter)}
     ORDER BY lower(c.code) COLLATE "C", lower(s.code) COLLATE "C"
  ) TO STDOUT`;
}
