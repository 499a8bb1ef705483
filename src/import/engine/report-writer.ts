import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { StorageService } from '../../storage/storage.service';
import { REPORT_BOM, csvLine } from '../csv/report-csv';

// Each page is read and formatted in one go on the main thread: small pages keep that short, so the
// HTTP requests of the same process are not held up while a report is written.
const PAGE = 1000;

/**
 * Builds the not-imported report from the rows kept in the database, in file order, and streams it
 * to storage. Built from the database rather than from memory, a re-run after a crash writes the
 * identical file.
 */
@Injectable()
export class ReportWriter {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly storage: StorageService,
  ) {}

  static keyFor(importId: string): string {
    return `reports/${importId}.csv`;
  }

  async write(importId: string, header: string[]): Promise<string> {
    const key = ReportWriter.keyFor(importId);
    await this.storage.put(key, Readable.from(this.lines(importId, header)), {
      contentType: 'text/csv; charset=utf-8',
    });
    return key;
  }

  private async *lines(importId: string, header: string[]): AsyncGenerator<string> {
    yield REPORT_BOM + csvLine(['rowNumber', ...header, 'outcome', 'reason', 'message']);
    let after = 0;
    for (;;) {
      const rows: {
        row_number: number;
        outcome: string;
        reason: string;
        message: string;
        values: string[];
      }[] = await this.db.query(
        `SELECT row_number, outcome, reason, message, "values" FROM service_import_rows
            WHERE job_id = $1 AND row_number > $2 ORDER BY row_number LIMIT ${PAGE}`,
        [importId, after],
      );
      if (rows.length === 0) return;
      let chunk = '';
      for (const row of rows) {
        const cells = new Array<string>(header.length);
        for (let i = 0; i < header.length; i++) cells[i] = row.values[i] ?? '';
        chunk += csvLine([String(row.row_number), ...cells, row.outcome, row.reason, row.message]);
      }
      yield chunk;
      after = rows[rows.length - 1].row_number;
    }
  }
}
