import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { StorageService } from '../../storage/storage.service';
import { REPORT_BOM, csvLine } from '../csv/report-csv';

const PAGE = 5000;
// Formatting a page runs on the main thread: it lets HTTP requests of the same process through every
// few hundred rows instead of holding them for a whole page (smaller pages cost more round trips).
const YIELD_EVERY = 1000;

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
    let page = this.page(importId, 0);
    for (;;) {
      const rows = await page;
      if (rows.length === 0) return;
      // The database reads the next page while this one is formatted.
      page = rows.length < PAGE ? Promise.resolve([]) : this.page(importId, rows[rows.length - 1].row_number);
      page.catch(() => undefined); // awaited (and thrown) on the next turn, unless the stream was abandoned
      let chunk = '';
      for (let n = 0; n < rows.length; n++) {
        if (n > 0 && n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        const row = rows[n];
        const cells = new Array<string>(header.length);
        for (let i = 0; i < header.length; i++) cells[i] = row.values[i] ?? '';
        chunk += csvLine([String(row.row_number), ...cells, row.outcome, row.reason, row.message]);
      }
      yield chunk;
    }
  }

  /** The not-imported rows after `after`, in file order, at most PAGE of them. */
  private page(importId: string, after: number): Promise<ReportRow[]> {
    return this.db.query(
      `SELECT row_number, outcome, reason, message, "values" FROM service_import_rows
          WHERE job_id = $1 AND row_number > $2 ORDER BY row_number LIMIT ${PAGE}`,
      [importId, after],
    );
  }
}

interface ReportRow {
  row_number: number;
  outcome: string;
  reason: string;
  message: string;
  values: string[];
}
