/**
 * Reads the data rows of a stored upload, at import time: bytes → iconv-lite (BOM removed) → a
 * guard that hands fast-csv whole records only → fast-csv → { rowNumber, fields }.
 *
 * The guard runs the same scanner as the upload inspector, which is what makes the inspector's row
 * count and problem verdict hold here. It also bounds memory: fast-csv keeps an unfinished record in
 * memory and re-parses it from its start on every chunk, so an unclosed quote near the top of a big
 * file would make it buffer (and re-scan) the rest of the file. The guard holds at most one record,
 * never more than the row limit, and on the first record that is unreadable (unclosed or misplaced
 * quote, field or row too long) ends fast-csv's input just before it: every earlier row is yielded,
 * then a CsvFormatError names that row.
 */
import { Readable, Transform, TransformCallback, pipeline } from 'stream';
import * as iconv from 'iconv-lite';
import { parse } from 'fast-csv';
import { CsvDelimiter, CsvScanner } from './csv-scanner';
import { defaultMaxRowChars } from './csv-limits';
import { CsvEncoding } from './encoding/encoding';
import { CsvProblem } from './csv-problems';
import { CsvProblemKind } from './csv-problems';
import { scanProblem } from './csv-problems';

export interface ReaderOptions {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** Longest field allowed, in characters (UTF-16 code units), as for the UploadInspector. */
  maxFieldChars: number;
  /** Longest row allowed, in characters; defaults to defaultMaxRowChars(maxFieldChars). */
  maxRowChars?: number;
}

export interface DataRow {
  /** Position among data rows: the first row after the header is 1; blank rows are not counted. */
  rowNumber: number;
  /** Trimmed values, in file order; as many as the row has (shorter or longer than the header). */
  fields: string[];
}

export class CsvFormatError extends Error {
  constructor(
    /** 'parse-error': fast-csv refused a record the guard let through (should not happen). */
    readonly kind: CsvProblemKind | 'parse-error',
    /** Data row (first data row = 1) that could not be read; 0 for the header row. */
    readonly rowNumber: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/**
 * Yields the data rows in file order. The header record (the first non-blank one) is read and not
 * yielded: the caller has it from the inspector. Throws CsvFormatError at the first unreadable row,
 * after yielding every row before it; errors of `source` (storage) come through as they are.
 */
export async function* readDataRows(source: Readable, opts: ReaderOptions): AsyncGenerator<DataRow> {
  const guard = new RecordGuard(opts);
  const parser = parse<string[], string[]>({
    delimiter: opts.delimiter,
    quote: '"',
    escape: '"',
    trim: true,
    ignoreEmpty: true,
    headers: false,
  });
  pipeline(source, guard, parser, () => {
    // Errors reach the consumer through the parser's iterator; early exits close the pipeline.
  });
  let rowNumber = 0;
  let headerSeen = false;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      if (!headerSeen) {
        headerSeen = true;
        continue;
      }
      rowNumber++;
      yield { rowNumber, fields };
    }
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('Parse Error')) {
      const at = rowNumber + 1;
      throw new CsvFormatError(
        'parse-error',
        at,
        `Row ${at} (or the row after it) could not be read: ${err.message}`,
      );
    }
    throw err;
  } finally {
    if (!source.destroyed) source.destroy();
  }
  const problem = guard.problem;
  if (problem !== null) throw new CsvFormatError(problem.kind, problem.rowNumber, problem.message);
}

/** Decodes, and passes on text that ends on a record boundary, stopping before an unreadable record. */
class RecordGuard extends Transform {
  private readonly decoder: ReturnType<typeof iconv.getDecoder>;
  private readonly scanner: CsvScanner;
  /** Text of the record being read, not yet passed on (it started in an earlier chunk). */
  private tail = '';
  private ended = false;
  problem: CsvProblem | null = null;

  constructor(opts: ReaderOptions) {
    super({ readableObjectMode: true });
    this.decoder = iconv.getDecoder(opts.encoding);
    this.scanner = new CsvScanner(opts.delimiter, {
      maxFieldChars: opts.maxFieldChars,
      maxRowChars: opts.maxRowChars ?? defaultMaxRowChars(opts.maxFieldChars),
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.ended) this.consume(this.decoder.write(chunk), false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (!this.ended) this.consume(this.decoder.end() ?? '', true);
    callback();
  }

  private consume(text: string, final: boolean): void {
    const scan = this.scanner;
    scan.scan(text, final);
    if (scan.problem !== null) {
      // Pass on what precedes the record with the problem, then end fast-csv's input.
      if (scan.recordStart >= 0) this.pass(this.tail + text.slice(0, scan.recordStart));
      this.problem = scanProblem(scan);
      this.ended = true;
      this.push(null);
      return;
    }
    if (final) {
      this.pass(this.tail + text);
      this.tail = '';
      return;
    }
    if (scan.recordStart < 0) {
      this.tail += text;
      return;
    }
    this.pass(this.tail + text.slice(0, scan.recordStart));
    this.tail = text.slice(scan.recordStart);
  }

  private pass(text: string): void {
    if (text.length > 0) this.push(text);
  }
}
