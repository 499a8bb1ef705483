import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { Principal } from '../../auth/principal';
import { ImportService } from '../import.service';
import { ServiceImportJob } from '../service-import-job.entity';
import {
  ImportRowOutcome,
  ImportRowReason,
  ListServiceImportRowsQueryDto,
} from './dto/list-service-import-rows.dto';
import { ServiceImportRowDto, ServiceImportRowPageDto } from './dto/service-import-row.dto';

/** The rows of an import that were not imported, page by page in file order; readable while it runs. */
@Injectable()
export class ImportRowsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(ServiceImportJob) private readonly jobs: Repository<ServiceImportJob>,
    private readonly imports: ImportService,
  ) {}

  async list(
    code: string,
    principal: Principal,
    query: ListServiceImportRowsQueryDto,
  ): Promise<ServiceImportRowPageDto> {
    await this.imports.get(code, principal); // the same lookup, ownership and 404 as GET /{code}
    const job = await this.jobs.findOneOrFail({ select: { id: true, header: true }, where: { code } });
    const where = ['job_id = $1'];
    const params: unknown[] = [job.id];
    if (query.outcome) where.push(`outcome = $${params.push(query.outcome)}`);
    if (query.reason) where.push(`reason = $${params.push(query.reason)}`);
    const filter = where.join(' AND ');

    const [counted, rows] = await Promise.all([
      this.db.query(`SELECT count(*)::int AS total FROM service_import_rows WHERE ${filter}`, params),
      this.db.query(
        `SELECT row_number, outcome, reason, message, "values" FROM service_import_rows WHERE ${filter}
          ORDER BY row_number LIMIT ${query.limit} OFFSET ${(query.page - 1) * query.limit}`,
        params,
      ),
    ]);
    const keys = columnKeys(job.header);
    return {
      items: (rows as RowRecord[]).map((row) => toRowDto(row, keys)),
      total: (counted as { total: number }[])[0].total,
      page: query.page,
      limit: query.limit,
    };
  }
}

interface RowRecord {
  row_number: number;
  outcome: ImportRowOutcome;
  reason: ImportRowReason;
  message: string;
  values: string[];
}

function toRowDto(row: RowRecord, keys: string[]): ServiceImportRowDto {
  // As in the report: one value per header column; values beyond the header are not kept. Built from
  // entries, which define own properties: an assignment to "__proto__" would set the prototype and
  // lose the column.
  const values: Record<string, string> = Object.fromEntries(keys.map((key, i) => [key, row.values[i] ?? '']));
  return {
    rowNumber: row.row_number,
    outcome: row.outcome,
    reason: row.reason,
    message: row.message,
    values,
  };
}

/** The header's names as object keys: a blank name becomes "column N", a repeated one gets " (2)". */
export function columnKeys(header: string[]): string[] {
  const used = new Set<string>();
  return header.map((name, i) => {
    const base = name.trim() === '' ? `column ${i + 1}` : name;
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base} (${n})`;
    used.add(key);
    return key;
  });
}
