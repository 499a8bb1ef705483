import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../../auth/principal';
import { InvalidInputError } from '../../common/domain-errors';
import { ImportService } from '../import.service';
import {
  ImportRowOutcome,
  ImportRowReason,
  ListServiceImportRowsQueryDto,
  MAX_ROWS_PAGE_BYTES,
} from './dto/list-service-import-rows.dto';
import { ServiceImportRowDto, ServiceImportRowPageDto } from './dto/service-import-row.dto';
import { NotImportedRow, readNotImportedPage } from './not-imported-page';

/** The rows of an import that were not imported, page by page in file order; readable while it runs. */
@Injectable()
export class ImportRowsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly imports: ImportService,
  ) {}

  async list(
    code: string,
    principal: Principal,
    query: ListServiceImportRowsQueryDto,
  ): Promise<ServiceImportRowPageDto> {
    const job = await this.imports.findByCode(code, principal); // ownership and 404 as GET /{code}
    if (query.after !== undefined && query.page !== 1) {
      throw new InvalidInputError('Use either page or after, not both: after continues from a rowNumber.');
    }
    const conditions: string[] = [];
    const params: unknown[] = [];
    // Numbered after readNotImportedPage's own four parameters.
    if (query.outcome) conditions.push(`outcome = $${4 + params.push(query.outcome)}`);
    if (query.reason) conditions.push(`reason = $${4 + params.push(query.reason)}`);
    const filter = conditions.length > 0 ? { sql: conditions.join(' AND '), params } : undefined;
    const keys = columnKeys(job.header);

    const [total, page] = await Promise.all([
      this.count(job.id, query),
      readNotImportedPage((sql, params) => this.db.query(sql, params), {
        jobId: job.id,
        after: query.after ?? 0,
        offset: query.after === undefined ? (query.page - 1) * query.limit : 0,
        filter,
        maxRows: query.limit,
        maxBytes: MAX_ROWS_PAGE_BYTES,
        // Every row repeats the header's keys (its values are keyed by them) and some JSON framing.
        bytesPerRow: keysBytes(keys) + 160,
        withOrigins: job.retryOfId !== null,
      }),
    ]);
    const items = page.rows.map((row) => toRowDto(row, keys));
    return {
      items,
      total,
      page: query.page,
      limit: query.limit,
      nextAfter: page.more && items.length > 0 ? items[items.length - 1].rowNumber : null,
    };
  }

  private async count(jobId: string, query: ListServiceImportRowsQueryDto): Promise<number> {
    const where = ['job_id = $1'];
    const params: unknown[] = [jobId];
    if (query.outcome) where.push(`outcome = $${params.push(query.outcome)}`);
    if (query.reason) where.push(`reason = $${params.push(query.reason)}`);
    const counted: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total FROM service_import_rows WHERE ${where.join(' AND ')}`,
      params,
    );
    return counted[0].total;
  }
}

/** The JSON the keys of one row's values take: "key":"", for each. */
function keysBytes(keys: string[]): number {
  let bytes = 0;
  for (const key of keys) bytes += Buffer.byteLength(JSON.stringify(key)) + 4;
  return bytes;
}

function toRowDto(row: NotImportedRow, keys: string[]): ServiceImportRowDto {
  // As in the report: one value per header column; values beyond the header are not kept. Built from
  // entries, which define own properties: an assignment to "__proto__" would set the prototype and
  // lose the column.
  const values: Record<string, string> = Object.fromEntries(keys.map((key, i) => [key, row.values[i] ?? '']));
  return {
    rowNumber: row.row_number,
    originalRowNumber: row.original_row_number ?? null,
    outcome: row.outcome as ImportRowOutcome,
    reason: row.reason as ImportRowReason,
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
