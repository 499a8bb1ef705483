import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/domain-errors';
import { ClientBillableServiceDto, ClientBillableServicePageDto } from './dto/client-billable-service.dto';
import { PageQueryDto } from '../common/dto/page-query.dto';

// Dates are rendered by PostgreSQL: node-pg would turn a `date` into a JS Date at local midnight,
// which shifts the day in any time zone west of UTC. numeric(12,2) as text is always "12.50".
const ASSIGNMENTS_PAGE_SQL = `
  SELECT a.id,
         a.client_id AS "clientId",
         c.code AS "clientCode",
         a.billable_service_id AS "billableServiceId",
         s.code AS "serviceCode",
         s.name AS "serviceName",
         a.quantity,
         a.unit_price::text AS "unitPrice",
         to_char(a.start_date, 'YYYY-MM-DD') AS "startDate",
         to_char(a.end_date, 'YYYY-MM-DD') AS "endDate",
         a.notes,
         a.import_code AS "importJobCode",
         a.created_at AS "createdAt",
         a.updated_at AS "updatedAt"
    FROM client_billable_services a
    JOIN clients c ON c.id = a.client_id
    JOIN billable_services s ON s.id = a.billable_service_id
   WHERE a.client_id = $1
   ORDER BY lower(s.code), a.id
   LIMIT $2 OFFSET $3`;

interface AssignmentRow extends Omit<ClientBillableServiceDto, 'createdDate' | 'updatedDate'> {
  createdAt: Date;
  updatedAt: Date | null;
}

/** Reads the services assigned to a client; the Import module writes them (AssignmentBulkService). */
@Injectable()
export class ClientBillableServicesService {
  constructor(private readonly dataSource: DataSource) {}

  async listForClient(
    clientId: string,
    { page, limit }: PageQueryDto,
  ): Promise<ClientBillableServicePageDto> {
    const [found] = await this.dataSource.query<{ total: number }[]>(
      `SELECT (SELECT count(*)::int FROM client_billable_services WHERE client_id = c.id) AS total
         FROM clients c WHERE c.id = $1`,
      [clientId],
    );
    if (!found) throw new NotFoundError(`Client ${clientId} not found`);
    const offset = (page - 1) * limit;
    const rows =
      offset < found.total
        ? await this.dataSource.query<AssignmentRow[]>(ASSIGNMENTS_PAGE_SQL, [clientId, limit, offset])
        : [];
    const items = rows.map(({ createdAt, updatedAt, ...row }) => ({
      ...row,
      createdDate: createdAt.toISOString(),
      updatedDate: updatedAt ? updatedAt.toISOString() : null,
    }));
    return { items, total: found.total, page, limit };
  }
}
