import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { StorageService } from '../../storage/storage.service';
import { REPORT_BOM, csvCell, csvLine } from '../csv/report-csv';
import { NotImportedRow, Page, readNotImportedPage } from '../rows/not-imported-page';

/** Rows read from the database at once: at most this many, and at most about PAGE_BYTES of them. */
const PAGE_ROWS = 5000;
const PAGE_BYTES = 2 * 1024 * 1024;
/** The report leaves for storage in pieces of about this size, each when storage asks for more. */
const CHUNK_CHARS = 64 * 1024;
// Formatting runs on the main thread: it lets HTTP requests of the same process through every few
// hundred rows instead of holding them for a whole page (smaller pages cost more round trips).
const YIELD_EVERY = 1000;

/**
 * Builds the not-imported report from the rows kept in the database, in file order, and streams it
 * to storage. Built from the database rather than from memory, a re-run after a crash writes the
 * identical file. What it holds at once is bounded whatever the file's shape: two pages (PAGE_ROWS
 * rows and PAGE_BYTES, whichever comes first) and one chunk of output, written row by row; a row
 * shorter than the header is completed with one string of delimiters, never with a cell per column.
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
    const width = header.length;
    let next: Promise<Page> | null = this.page(importId, 0, width);
    while (next) {
      const { rows, more }: Page = await next;
      if (rows.length === 0) return;
      // The database reads the next page while this one is formatted.
      next = more ? this.page(importId, rows[rows.length - 1].row_number, width) : null;
      next?.catch(() => undefined); // awaited (and thrown) on the next turn, unless the stream was abandoned
      let chunk = '';
      for (let n = 0; n < rows.length; n++) {
        if (n > 0 && n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        chunk += reportLine(rows[n], width);
        rows[n] = undefined as unknown as NotImportedRow; // formatted: free it as the page goes
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk.length > 0) yield chunk;
    }
  }

  /** The not-imported rows after `after`, in file order, bounded by count and by bytes. */
  private page(importId: string, after: number, width: number): Promise<Page> {
    return readNotImportedPage(this.db, {
      jobId: importId,
      after,
      maxRows: PAGE_ROWS,
      maxBytes: PAGE_BYTES,
      bytesPerRow: width + 64, // the delimiters, the row number, outcome and reason
    });
  }
}

const DELIMITERS: string[] = [];

/** `n` delimiters: the empty cells that complete a row shorter than the header. */
function delimiters(n: number): string {
  return (DELIMITERS[n] ??= ','.repeat(n));
}

/**
 * One report line: the row number, the row's values up to the header's width (values beyond it are
 * not kept, as in the rows API), empty cells for the columns the row did not have, then outcome,
 * reason and message. The same text as csvLine() of the padded row, without building it.
 */
export function reportLine(row: NotImportedRow, width: number): string {
  const values = row.values;
  const present = Math.min(values.length, width);
  let line = String(row.row_number);
  for (let i = 0; i < present; i++) line += ',' + csvCell(values[i] ?? '');
  line += delimiters(width - present);
  return `${line},${csvCell(row.outcome)},${csvCell(row.reason)},${csvCell(row.message)}\r\n`;
}
